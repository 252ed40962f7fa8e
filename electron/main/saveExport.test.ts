// Saving an export in Electron: the save dialog on the asking window, the bytes written where the person chose, the
// export taken once and audited; a cancelled dialog saves nothing and keeps the export; only the app's page may ask.
// The dialog is a test double (the Electron binary cannot run here); the workstation, its store and the file are real.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import type { PreparedExport } from '../../shared/contract/exports';
import { dispatch } from '../api/registry';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { bindSaveExport, saveExportChannel, type SaveExportDeps } from './saveExport';

const appFrame = { url: 'app://verity/index.html', parent: null };
const window = { id: 1 };
const sender = { id: 7 };

describe('saving an export (Electron)', () => {
  let dir: string;
  let workstation: Workstation;
  let handler: (event: unknown, exportId: unknown) => Promise<unknown>;
  const dialog = { showSaveDialog: vi.fn() };
  const deps: SaveExportDeps = { dialog: dialog as never, windowOf: (contents) => (contents === (sender as never) ? (window as never) : null), downloads: () => '/home/person/Downloads' };
  const prepare = async () => {
    const answer = await dispatch(workstation.handlers, 'decisions.exportCsv', { filter: {}, language: 'zh-CN' }, workstation.context('ipc'));
    if (!answer.ok) throw new Error(answer.error.code);
    return answer.value as PreparedExport;
  };

  beforeAll(async () => {
    dir = tempFolder('verity-save-');
    workstation = await openWorkstation({ dataDir: join(dir, 'data'), host: 'electron', version: 't', keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 3)), demo: { count: 1 } });
    await dispatch(workstation.handlers, 'session.signIn', { username: 'supervisor1', password: 'verity-demo' }, workstation.context('ipc'));
    let bound: typeof handler | null = null;
    bindSaveExport({ handle: (channel: string, fn: typeof handler) => channel === saveExportChannel && (bound = fn) } as never, workstation, deps);
    handler = bound!;
  }, 120_000);
  afterAll(() => workstation?.close());

  it('asks where to save on the asking window, writes the bytes there and records it once', async () => {
    const prepared = await prepare();
    const target = join(dir, 'chosen-name.csv');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    const before = workstation.store.verifyAudit().count;
    expect(await handler({ senderFrame: appFrame, sender }, prepared.exportId)).toEqual({ ok: true, value: { saved: true, fileName: 'chosen-name.csv' } });
    expect(dialog.showSaveDialog).toHaveBeenLastCalledWith(window, { defaultPath: join('/home/person/Downloads', prepared.fileName), filters: [{ name: 'CSV', extensions: ['csv'] }] });
    const written = readFileSync(target);
    expect(written.length).toBe(prepared.bytes);
    expect(written.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(written.toString('utf8')).toContain('审核员');
    expect(workstation.store.verifyAudit()).toMatchObject({ ok: true, count: before + 1 });
    // Taken: a second save finds nothing to save, before any dialog.
    dialog.showSaveDialog.mockClear();
    expect(await handler({ senderFrame: appFrame, sender }, prepared.exportId)).toMatchObject({ ok: false, error: { code: 'export_not_found' } });
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
  });

  it('saves nothing when the dialog is cancelled, and the export still waits', async () => {
    const prepared = await prepare();
    const before = workstation.store.verifyAudit().count;
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await handler({ senderFrame: appFrame, sender }, prepared.exportId)).toEqual({ ok: true, value: { saved: false, fileName: prepared.fileName } });
    expect(workstation.store.verifyAudit().count).toBe(before);
    expect(workstation.peekExport(prepared.exportId).fileName).toBe(prepared.fileName);
  });

  it('names a place it could not write, and refuses other senders and bad ids before any dialog', async () => {
    const prepared = await prepare();
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 'no-such-folder', 'x.csv') });
    expect(await handler({ senderFrame: appFrame, sender }, prepared.exportId)).toMatchObject({ ok: false, error: { code: 'export_failed', message: expect.stringContaining('no-such-folder') } });
    dialog.showSaveDialog.mockClear();
    expect(await handler({ senderFrame: { url: 'https://evil.example/', parent: null }, sender }, prepared.exportId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handler({ senderFrame: appFrame, sender }, '../../etc/passwd')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
  });
});
