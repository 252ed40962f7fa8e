// Saving a prepared export where the person chooses: the save dialog on the asking window, then the bytes written
// there. Thin glue: the workstation checks the id and the person and records the export (takeExport).
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { SavedExport } from '../../shared/contract/exports';
import { DomainError, type Outcome } from '../../shared/errors';
import type { Workstation } from '../api/workstation';
import { isTrustedSender } from './ipc';

export const saveExportChannel = 'verity-save:export';

export interface SaveExportDeps {
  dialog: Pick<Dialog, 'showSaveDialog'>;
  /** The window a page belongs to, so the dialog is modal to it. */
  windowOf(contents: WebContents): BrowserWindow | null;
  /** Where the dialog starts (the person's Downloads folder). */
  downloads(): string;
  write?: (path: string, bytes: Buffer) => Promise<void>;
}

const filtersOf = (fileName: string) =>
  fileName.endsWith('.csv') ? [{ name: 'CSV', extensions: ['csv'] }] : fileName.endsWith('.pdf') ? [{ name: 'PDF', extensions: ['pdf'] }] : [];

export async function saveExport(workstation: Pick<Workstation, 'peekExport' | 'takeExport'>, event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, exportId: unknown, deps: SaveExportDeps): Promise<Outcome<SavedExport>> {
  if (!isTrustedSender(event)) return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the Verity window.' } };
  try {
    const { fileName } = workstation.peekExport(exportId);
    const window = deps.windowOf(event.sender);
    const options = { defaultPath: join(deps.downloads(), fileName), filters: filtersOf(fileName) };
    const chosen = window ? await deps.dialog.showSaveDialog(window, options) : await deps.dialog.showSaveDialog(options);
    if (chosen.canceled || !chosen.filePath) return { ok: true, value: { saved: false, fileName } };
    const file = await workstation.takeExport(exportId);
    try {
      await (deps.write ?? writeFile)(chosen.filePath, file.bytes);
    } catch (err) {
      throw new DomainError('export_failed', `The file could not be written to ${chosen.filePath}: ${err instanceof Error ? err.message : String(err)}. Export again and choose another place.`);
    }
    return { ok: true, value: { saved: true, fileName: basename(chosen.filePath) } };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message } };
    return { ok: false, error: { code: 'internal', message: 'The export could not be saved. Please try again; if it persists, report it.' } };
  }
}

export function bindSaveExport(ipcMain: Pick<IpcMain, 'handle'>, workstation: Workstation, deps: SaveExportDeps): void {
  ipcMain.handle(saveExportChannel, (event, exportId: unknown) => saveExport(workstation, event, exportId, deps));
}
