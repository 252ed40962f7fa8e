// The sandboxed preload: window.workstation with one named function per contract channel, nothing else.
// No ipcRenderer, no Node or Electron object reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createWorkstationApi } from '../../shared/workstationApi';

const api = createWorkstationApi({
  invoke: (channel, request) => ipcRenderer.invoke(`verity:${channel}`, request),
  // The main process serves case-image:// after its own access check; the reference is validated before this.
  imageUrl: async (ref) => ({ ok: true, value: `case-image://verity/${ref.sha256}/${ref.variant}` }),
  subscribe: (event, listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(`verity-event:${event}`, forward);
    return () => {
      ipcRenderer.removeListener(`verity-event:${event}`, forward);
    };
  },
});

contextBridge.exposeInMainWorld('workstation', api);
