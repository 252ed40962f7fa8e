// The app frame's state: who is signed in (and whether the screen is locked), the settings, sync state,
// connectivity, and the last error.
import { create } from 'zustand';
import type { ResponseOf } from '../../../shared/api';
import type { SessionState, Settings, UiLanguage } from '../../../shared/contract/app';
import { defaultSettings } from '../../../shared/vocabulary';
import type { AttentionItem, AttentionResolution, SyncProgress } from '../../../shared/contract/sync';
import type { Person } from '../../../shared/domain';
import { systemLanguage } from '../i18n';
import { unwrap, workstation, WorkstationError } from '../workstation';

type AppInfo = ResponseOf<'app.info'>;
export type SyncStatus = ResponseOf<'sync.status'>;
export interface UiError {
  code: string;
  message: string;
}

interface FrameState {
  status: 'loading' | 'ready' | 'failed';
  info: AppInfo | null;
  person: Person | null;
  locked: boolean;
  /** The user name last signed in with (memory only), offered again on the lock screen. */
  username: string | null;
  settings: Settings;
  sync: SyncStatus | null;
  /** Whether the last sync that ended, ended in an error: kept while the next one runs (the engine retries). */
  syncFailing: boolean;
  /** The running sync's phase and count; null when none runs. */
  progress: SyncProgress | null;
  /** Decisions the central service refused ("needs attention"), newest first. */
  attention: AttentionItem[];
  /** A "Sync now" the person asked for is running. */
  syncing: boolean;
  online: boolean;
  error: UiError | null;
  load(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  applySettings(settings: Settings): void;
  applySession(session: SessionState): void;
  /** Resolves to null on success, or to the error to show on the sign-in screen. */
  signIn(username: string, password: string): Promise<UiError | null>;
  /** everywhere: the person's sessions on every device end first (a failure leaves them signed in, with the error shown). */
  signOut(everywhere?: boolean): Promise<void>;
  lock(): Promise<void>;
  refreshSync(): Promise<void>;
  applySync(status: SyncStatus): void;
  applyProgress(progress: SyncProgress): void;
  loadAttention(): Promise<void>;
  /** Resolves a refused decision with what was done; the list and the status bar's count follow. Null on success. */
  resolveAttention(mutationId: string, resolution: AttentionResolution): Promise<UiError | null>;
  syncNow(): Promise<void>;
  setOnline(online: boolean): void;
  dismissError(): void;
}

export const asUiError = (err: unknown): UiError =>
  err instanceof WorkstationError ? { code: err.code, message: err.message } : { code: 'internal', message: String(err) };

/**
 * The sync status to show once `next` arrives, or null when it is older than the one shown (a reply fetched while a
 * sync ran can arrive after the event that it ended). A sync that failed stays failing while the next one runs.
 */
function nextSync(shown: Pick<FrameState, 'sync' | 'syncFailing'>, next: SyncStatus): Pick<FrameState, 'sync' | 'syncFailing'> | null {
  if (shown.sync && next.revision < shown.sync.revision) return null;
  return { sync: next, syncFailing: next.state === 'syncing' ? shown.syncFailing : next.state === 'error' };
}

export const useFrame = create<FrameState>()((set, get) => ({
  status: 'loading',
  info: null,
  person: null,
  locked: false,
  username: null,
  settings: defaultSettings,
  sync: null,
  syncFailing: false,
  progress: null,
  attention: [],
  syncing: false,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
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
      // An event may have brought a newer status while these were on their way.
      set({ status: 'ready', info, person: session.person, locked: session.locked, settings, ...nextSync(get(), sync) });
    } catch (err) {
      set({ status: 'failed', error: asUiError(err) });
    }
  },
  async updateSettings(patch) {
    try {
      set({ settings: await unwrap(workstation().settings.update(patch)) });
    } catch (err) {
      set({ error: asUiError(err) });
    }
  },
  applySettings(settings) {
    set({ settings });
  },
  applySession(session) {
    set({ person: session.person, locked: session.locked });
  },
  async signIn(username, password) {
    try {
      const session = await unwrap(workstation().session.signIn({ username, password }));
      set({ person: session.person, locked: session.locked, username: username.trim() });
      return null;
    } catch (err) {
      return asUiError(err);
    }
  },
  async signOut(everywhere = false) {
    try {
      const session = await unwrap(workstation().session.signOut(everywhere ? { everywhere } : {}));
      set({ person: session.person, locked: session.locked, username: null });
    } catch (err) {
      set({ error: asUiError(err) });
    }
  },
  async lock() {
    // Hide applicant data at once, before the workstation answers.
    set({ locked: true });
    try {
      const session = await unwrap(workstation().session.lock({}));
      set({ person: session.person, locked: session.locked });
    } catch (err) {
      set({ error: asUiError(err) });
    }
  },
  async refreshSync() {
    try {
      get().applySync(await unwrap(workstation().sync.status({})));
    } catch {
      // The status bar keeps the last known state; a failing host shows up on the next real call.
    }
  },
  applySync(status) {
    const before = get().sync;
    const next = nextSync(get(), status);
    if (next === null) return;
    set({ ...next, ...(status.state === 'syncing' ? {} : { progress: null }) });
    if (before?.rejectedDecisions !== status.rejectedDecisions) void get().loadAttention();
  },
  applyProgress(progress) {
    set({ progress });
  },
  async loadAttention() {
    const { person, locked } = get();
    if (!person || locked) return;
    try {
      set({ attention: (await unwrap(workstation().sync.attention({}))).items });
    } catch {
      // Kept as it was; the count in the status bar comes from sync.status and stays right.
    }
  },
  async resolveAttention(mutationId, resolution) {
    try {
      set({ attention: (await unwrap(workstation().sync.resolveAttention({ mutationId, resolution }))).items });
      await get().refreshSync();
      return null;
    } catch (err) {
      return asUiError(err);
    }
  },
  async syncNow() {
    set({ syncing: true });
    try {
      const report = await unwrap(workstation().sync.now({}));
      await get().refreshSync();
      // A failed sync stays in view (the sync problem banner) until one succeeds; offline and signed out are said here.
      if (report.error && !get().syncFailing) set({ error: report.error });
    } catch (err) {
      set({ error: asUiError(err) });
      await get().refreshSync();
    } finally {
      set({ syncing: false });
    }
  },
  setOnline(online) {
    set({ online });
  },
  dismissError() {
    set({ error: null });
  },
}));

export const effectiveLanguage = (settings: Settings): UiLanguage => settings.language ?? systemLanguage();
