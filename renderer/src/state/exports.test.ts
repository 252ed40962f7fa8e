// The export flow in the renderer: make the file, follow its progress events, save it; cancelled, failed, and never
// two at once. The workstation is a test double here; the real one is driven end to end in supervisor-exports.e2e.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportProgress, PreparedExport, SavedExport } from '../../../shared/contract/exports';
import type { Outcome } from '../../../shared/errors';
import { useExports } from './exports';

const prepared: PreparedExport = { exportId: 'a'.repeat(32), kind: 'decisions_csv', fileName: 'verity-decisions-20261205-1000.csv', contentType: 'text/csv; charset=utf-8', bytes: 1234, rows: 42 };
let progress: ((p: ExportProgress) => void) | null;
let save: ReturnType<typeof vi.fn<(p: { exportId: string }) => Promise<Outcome<SavedExport>>>>;

beforeEach(() => {
  progress = null;
  save = vi.fn(async () => ({ ok: true as const, value: { saved: true, fileName: prepared.fileName } }));
  vi.stubGlobal('window', {
    workstation: {
      exports: { save },
      events: {
        subscribe: (_event: string, listener: (p: ExportProgress) => void) => {
          progress = listener;
          return () => (progress = null);
        },
      },
    },
  });
  useExports.setState({ status: { phase: 'idle' } });
});
afterEach(() => vi.unstubAllGlobals());

describe('an export from the renderer', () => {
  it('shows the progress of its own kind, then saves what was made', async () => {
    let finish!: (o: Outcome<PreparedExport>) => void;
    const run = useExports.getState().run('decisions_csv', () => new Promise((resolve) => (finish = resolve)));
    expect(useExports.getState().status).toEqual({ phase: 'preparing', kind: 'decisions_csv', done: 0, total: null });
    progress!({ kind: 'report_pdf', done: 9, total: 9 });
    progress!({ kind: 'decisions_csv', done: 1000, total: 2600 });
    expect(useExports.getState().status).toEqual({ phase: 'preparing', kind: 'decisions_csv', done: 1000, total: 2600 });
    // A second export while one runs does nothing.
    await useExports.getState().run('report_pdf', () => Promise.reject(new Error('must not run')));
    finish({ ok: true, value: prepared });
    await run;
    expect(save).toHaveBeenCalledWith(prepared);
    expect(useExports.getState().status).toEqual({ phase: 'saved', kind: 'decisions_csv', saved: { saved: true, fileName: prepared.fileName }, rows: 42 });
    expect(progress).toBeNull(); // unsubscribed
  });

  it('says so when the save dialog was closed, and shows a failure with its code', async () => {
    save.mockResolvedValueOnce({ ok: true, value: { saved: false, fileName: prepared.fileName } });
    await useExports.getState().run('decisions_csv', async () => ({ ok: true, value: prepared }));
    expect(useExports.getState().status).toMatchObject({ phase: 'saved', saved: { saved: false } });

    await useExports.getState().run('decisions_csv', async () => ({ ok: false, error: { code: 'store_busy', message: 'The case store is busy.' } }));
    expect(useExports.getState().status).toEqual({ phase: 'failed', kind: 'decisions_csv', error: { code: 'store_busy', message: 'The case store is busy.' } });
    useExports.getState().dismiss();
    expect(useExports.getState().status).toEqual({ phase: 'idle' });

    save.mockResolvedValueOnce({ ok: false, error: { code: 'export_not_found', message: 'Export again.' } });
    await useExports.getState().run('decisions_csv', async () => ({ ok: true, value: prepared }));
    expect(useExports.getState().status).toMatchObject({ phase: 'failed', error: { code: 'export_not_found' } });
  });
});
