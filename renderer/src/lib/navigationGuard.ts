// The page is the whole app: nothing may replace it or open a window (issue 25 item 7). Electron's main process
// refuses the same (electron/main/security.ts); in a plain browser (the browser host) this guard is all there is, and
// in Electron it is the layer in front. The app itself never follows a link, opens a window or takes a drop; its one
// navigation is a download of a blob it made (electron/host/browser/client.ts), which passes.

/** A download of a blob: URL this page made (the browser host's exports and originals). */
function isOwnBlobDownload(url: string, downloadRequest: string | null, origin: string): boolean {
  if (downloadRequest === null) return false;
  try {
    const target = new URL(url);
    return target.protocol === 'blob:' && new URL(target.pathname).origin === origin;
  } catch {
    return false;
  }
}

export function guardNavigation(win: Window): void {
  // Script redirects, meta refresh and link clicks all pass through the Navigation API's navigate event. A reload
  // and a same-document change (the token leaving the address bar) keep the app; anything else would replace it.
  win.navigation?.addEventListener('navigate', (event) => {
    if (event.navigationType === 'reload' || event.destination.sameDocument) return;
    if (isOwnBlobDownload(event.destination.url, event.downloadRequest, win.location.origin)) return;
    if (event.cancelable) event.preventDefault();
  });
  // A Ctrl-, Shift- or middle click opens a link in a new tab or window, which fires no navigate event here.
  const refuseLinks = (event: MouseEvent) => {
    if (event.target instanceof Element && event.target.closest('a[href], area[href]')) event.preventDefault();
  };
  win.addEventListener('click', refuseLinks, true);
  win.addEventListener('auxclick', refuseLinks, true);
  win.open = () => null;
  // A URL or a file dropped onto the page would open it (a file in a new window): no drop is taken anywhere.
  win.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
  });
  win.addEventListener('drop', (event) => event.preventDefault());
}
