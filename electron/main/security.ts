// Hardening applied to every web contents: no navigation away from the app's one page, no new windows, no
// permissions. The app opens no external links yet, so shell.openExternal is not used at all; when
// help links arrive, they go through isAllowedExternal (a URL parser and an allow-list) first.
import type { Session, WebContents } from 'electron';

export const APP_ORIGIN = 'app://verity';

/** Links the app may hand to the system browser (help pages, once there are any); anything else is dropped. */
const externalAllowList = new Set(['https://www.alibabacloud.com']);

export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'app:' && url.host === 'verity';
  } catch {
    return false;
  }
}

/** The app's one page, exactly: any other address, even of app://verity, would replace it. */
export function isAppPage(raw: string): boolean {
  return isAppUrl(raw) && new URL(raw).href === `${APP_ORIGIN}/index.html`;
}

export function isAllowedExternal(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && externalAllowList.has(url.origin);
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents): void {
  // The app never navigates itself; its page is loaded by loadURL, which raises neither event.
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
