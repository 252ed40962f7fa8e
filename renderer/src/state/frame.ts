// The app frame's state: who is signed in, the settings, sync state, and the last error.
import { create } from 'zustand';
import type { ResponseOf } from '../../../shared/api';
import type { Settings, UiLanguage } from '../../../shared/contract/app';
import type { Person } from '../../../shared/domain';
import { systemLanguage } from '../i18n';
import { unwrap, workstation, WorkstationError } from '../workstation';

type AppInfo = ResponseOf<'app.info'>;
type SyncStatus = ResponseOf<'sync.status'>;

interface FrameState {
  status: 'loading' | 'ready' | 'failed';
  info: AppInfo | null;
  person: Person | null;
  settings: Settings;
  sync: SyncStatus | null;
  error: { code: string; message: string } | null;
  load(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  applySettings(settings: Settings): void;
  dismissError(): void;
}

const asError = (err: unknown) =>
  err instanceof WorkstationError ? { code: err.code, message: err.message } : { code: 'internal', message: String(err) };

export const useFrame = create<FrameState>()((set) => ({
  status: 'loading',
  info: null,
  person: null,
  settings: { language: null, theme: 'system', idleLockMinutes: 10 },
  sync: null,
  error: null,
  async load() {
    set({ status: 'loading', error: null });
    try {
      const api = workstation();
      const [info, session, settings, sync] = await Promise.all([
        unwrap(api.app.info({})),
        unwrap(api.session.current({})),
        unwrap(api.settings.get({})),
        unwrap(api.sync.status({})),
      ]);
      set({ status: 'ready', info, person: session.person, settings, sync });
    } catch (err) {
      set({ status: 'failed', error: asError(err) });
    }
  },
  async updateSettings(patch) {
    try {
      set({ settings: await unwrap(workstation().settings.update(patch)) });
    } catch (err) {
      set({ error: asError(err) });
    }
  },
  applySettings(settings) {
    set({ settings });
  },
  dismissError() {
    set({ error: null });
  },
}));

export const effectiveLanguage = (settings: Settings): UiLanguage => settings.language ?? systemLanguage();
