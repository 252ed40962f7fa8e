// The sandboxed preload: window.workstation with one named function per contract channel, nothing else.
// No ipcRenderer, no Node or Electron object reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createWorkstationApi } from '../../shared/workstationApi';

// The preload is compiled without the DOM library; it runs in the page, whose document it may use.
declare const document: { createElement(tag: 'a'): { href: string; click(): void } };

const api = createWorkstationApi({
  invoke: (channel, request) => ipcRenderer.invoke(`verity:${channel}`, request),
  // The main process serves case-image:// after its own access check; the reference is validated before this.
  imageUrl: async (ref) => ({ ok: true, value: `case-image://verity/${ref.sha256}/${ref.variant}` }),
  // The original comes with Content-Disposition: attachment, so following the link downloads it (Electron asks where
  // to save it) and the page stays; the main process audits the download.
  downloadOriginal: async (sha256) => {
    const link = document.createElement('a');
    link.href = `case-image://verity/${sha256}/original`;
    link.click();
    return { ok: true, value: null };
  },
  // The main process asks where to save it (electron/main/saveExport.ts); the id was checked before this.
  saveExport: (exportId) => ipcRenderer.invoke('verity-save:export', exportId),
  subscribe: (event, listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(`verity-event:${event}`, forward);
    return () => {
      ipcRenderer.removeListener(`verity-event:${event}`, forward);
    };
  },
});

contextBridge.exposeInMainWorld('workstation', api);
