// Binds the handler registry to ipcMain: one `ipcMain.handle` per contract channel, each checking
// that the sender is the app's own page before the payload is validated and dispatched.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelNames, type EventName } from '../../shared/api';
import { dispatch } from '../api/registry';
import type { Workstation } from '../api/workstation';
import { isAppUrl } from './security';

export const invokeChannel = (name: string) => `verity:${name}`;
export const eventChannel = (name: string) => `verity-event:${name}`;

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  // Only the top frame of our own app:// page may call; a subframe or any other origin may not.
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

export function bindIpc(ipcMain: Pick<IpcMain, 'handle'>, workstation: Workstation): void {
  for (const name of channelNames) {
    ipcMain.handle(invokeChannel(name), async (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the Verity window.' } };
      }
      return dispatch(workstation.handlers, name, payload, workstation.context('ipc'));
    });
  }
}

/** Forwards every contract event to the given windows' pages. */
export function forwardEvents(workstation: Workstation, targets: () => WebContents[]): () => void {
  return workstation.events.listen((event: EventName, payload: unknown) => {
    for (const contents of targets()) if (!contents.isDestroyed()) contents.send(eventChannel(event), payload);
  });
}
