// Exports from the renderer's side: make the file (a channel answers a one-time id), follow its progress, then save
// it where the person chooses (workstation.exports.save: a save dialog in Electron, a download in the browser host).
// One export at a time.
import { create } from 'zustand';
import type { ExportKind, PreparedExport, SavedExport } from '../../../shared/contract/exports';
import type { Outcome } from '../../../shared/errors';
import { unwrap, workstation } from '../workstation';
import { asUiError, type UiError } from './frame';

export type ExportStatus =
  | { phase: 'idle' }
  | { phase: 'preparing'; kind: ExportKind; done: number; total: number | null }
  | { phase: 'saving'; kind: ExportKind; fileName: string }
  | { phase: 'saved'; kind: ExportKind; saved: SavedExport; rows: number }
  | { phase: 'failed'; kind: ExportKind; error: UiError };

interface ExportState {
  status: ExportStatus;
  /** Makes the file with `make` and saves it; does nothing while another export runs. */
  run(kind: ExportKind, make: () => Promise<Outcome<PreparedExport>>): Promise<void>;
  dismiss(): void;
}

export const exportRunning = (status: ExportStatus): boolean => status.phase === 'preparing' || status.phase === 'saving';

export const useExports = create<ExportState>()((set, get) => ({
  status: { phase: 'idle' },
  async run(kind, make) {
    if (exportRunning(get().status)) return;
    set({ status: { phase: 'preparing', kind, done: 0, total: null } });
    const stop = workstation().events.subscribe('exports.progress', (p) => {
      const s = get().status;
      if (p.kind === kind && s.phase === 'preparing' && s.kind === kind) set({ status: { ...s, done: p.done, total: p.total } });
    });
    try {
      const prepared = await unwrap(make());
      set({ status: { phase: 'saving', kind, fileName: prepared.fileName } });
      const saved = await unwrap(workstation().exports.save(prepared));
      set({ status: { phase: 'saved', kind, saved, rows: prepared.rows } });
    } catch (err) {
      set({ status: { phase: 'failed', kind, error: asUiError(err) } });
    } finally {
      stop();
    }
  },
  dismiss() {
    if (!exportRunning(get().status)) set({ status: { phase: 'idle' } });
  },
}));
