// The workstation's link to a central service: the sync engine over the case store and image pipeline, the
// password check sign-in uses (central first, the local profile cache when it cannot be reached), the sync
// channels, and the events the renderer follows (sync.changed, sync.progress, queue.changed after a pull).
import type { Person } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import type { SyncStatus } from '../../shared/contract/sync';
import type { ImagePipeline } from '../imaging';
import type { CaseStore } from '../store/types';
import { createSyncEngine, type SyncEngine } from '../sync/engine';
import type { TokenVault } from '../sync/client';
import { centralUrlProblem } from '../sync/centralUrl';
import type { CentralGet } from '../sync/oversight';
import type { CentralPut } from './businessCalendar';
import { SyncError } from '../sync/errors';
import type { EventHub } from './events';
import { log } from '../common/log';
import type { Handlers } from './registry';
import type { CentralCheck } from './session';

export interface CentralConfig {
  url: string;
  /** The reference server this app started itself (the zero-setup demo). */
  embedded: boolean;
  /** Where the central session's tokens are kept between runs (Electron: safeStorage); default memory. */
  vault?: TokenVault;
  /** Between syncs while online; default 60 s. */
  intervalMs?: number;
}

/** Where decisions go: the built-in demo service (default), a central service at a URL, or none (standalone). */
export type CentralMode = { mode: 'embedded' } | { mode: 'standalone' } | { mode: 'remote'; url: string };

/** Reads `--central URL|none` (or VERITY_CENTRAL_URL); no value means the built-in service. */
export function parseCentralMode(value: string | undefined): CentralMode {
  if (value === undefined || value === '') return { mode: 'embedded' };
  if (value === 'none') return { mode: 'standalone' };
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url) throw new DomainError('bad_central_url', `The central service is named by an http(s) URL without credentials, or "none"; got ${value.slice(0, 200)}.`);
  const problem = centralUrlProblem(url);
  if (problem) throw new DomainError('bad_central_url', problem);
  return { mode: 'remote', url: url.toString() };
}

export interface CentralLink {
  readonly handlers: Pick<Handlers, 'sync.status' | 'sync.now' | 'sync.attention'>;
  readonly check: CentralCheck;
  /** One authenticated GET outside a sync, on the signed-in person's central session (live oversight). */
  readonly get: CentralGet;
  /** One authenticated PUT outside a sync (the supervisor's Calendar screen). */
  readonly put: CentralPut;
  /** Documents' originals fetched into the image pipeline outside a sync (a supervisor reading a decision's case). */
  readonly fetchDocuments: SyncEngine['fetchDocuments'];
  /** The person signed in (central or cached): sync runs on their session. */
  started(): void;
  /** A decision was recorded: push it now rather than at the next tick. */
  decided(): void;
  /** Pushes and pulls once now (the last sync before a device leaves service): whether it reached the central service. */
  syncOnce(): Promise<boolean>;
  /** Whether the central service answers now (the sync engine's last contact); recorded with each audit entry. */
  isOnline(): boolean;
  /** Asks the central service on the signed-in person's session, outside a sync (reports). */
  getJson: SyncEngine['getJson'];
  /** Reads a streamed answer of the central service line by line (the decision export). */
  lines: SyncEngine['lines'];
  /** A page of an application's audit trail across devices, asked of the central service now (throws a SyncError). */
  auditTrail: SyncEngine['auditTrail'];
  signedOut(): void;
  /** Sign-out everywhere (issue 25): every session of the person at the central service ends, or this throws and nothing changes. */
  signOutEverywhere(): Promise<void>;
  close(): Promise<void>;
}

interface LinkParts {
  store: CaseStore;
  images: ImagePipeline;
  deviceId: string;
  events: EventHub;
  /** Whether a person may see sync details now (signed in and not locked). */
  personActive: () => boolean;
}

/** No central service configured: decisions wait in the outbox; the status says so. */
export function notConfiguredHandlers(store: CaseStore, personActive: () => boolean): CentralLink['handlers'] {
  return {
    'sync.status': () => statusOf(store, null, null, 0),
    'sync.now': () => {
      throw new DomainError('sync_not_configured', 'No central service is configured. Start the app with --central URL to sync.');
    },
    'sync.attention': attentionHandler(store, personActive),
  };
}

/** "Needs attention" reads the store: refused decisions stay listed even when no central service is configured now. */
function attentionHandler(store: CaseStore, personActive: () => boolean): CentralLink['handlers']['sync.attention'] {
  return () => {
    if (!personActive()) throw new DomainError('unauthorized', 'Sign in to see decisions that need attention.');
    return { items: store.needsAttention() };
  };
}

function statusOf(store: CaseStore, engine: SyncEngine | null, config: CentralConfig | null, revision: number): SyncStatus {
  // The engine's status already carries the outbox counts; the store is asked only when there is no engine.
  const status = engine?.status() ?? { state: 'not_configured' as const, ...store.outboxCounts(), waitingFor: [], lastSyncAt: null, lastError: null };
  return {
    state: status.state,
    centralUrl: config?.url ?? null,
    embedded: config?.embedded ?? false,
    pendingDecisions: status.pending,
    rejectedDecisions: status.rejected,
    waitingFor: status.waitingFor,
    lastSyncAt: status.lastSyncAt,
    lastError: status.lastError,
    revision,
  };
}

export function connectCentral(config: CentralConfig, parts: LinkParts): CentralLink {
  const { store, events } = parts;
  let engine: SyncEngine | null = null;
  // Counts the engine's state changes, so that the renderer can tell an older status from a newer one.
  let revision = 0;
  const status = () => statusOf(store, engine, config, revision);
  engine = createSyncEngine({
    store,
    images: parts.images,
    centralUrl: config.url,
    deviceId: parts.deviceId,
    ...(config.vault ? { vault: config.vault } : {}),
    ...(config.intervalMs ? { intervalMs: config.intervalMs } : {}),
    onStatus: () => {
      revision += 1;
      events.emit('sync.changed', status());
    },
    onProgress: (progress) => events.emit('sync.progress', progress),
    onSynced: (report) => {
      // Cases that may enter or leave a list (new ones, a new status or assignee, a refused decision undone): any
      // list may change. Otherwise only the rows of the cases named changed (an applied decision's sync mark, its
      // own echo from the feed), which the renderer reloads only if it shows one of them.
      const { pulled, pushed } = report;
      const named = pulled.changedIds === null || pushed.appliedTo.length < pushed.applied ? null : [...new Set([...pulled.changedIds, ...pushed.appliedTo])];
      if (pulled.moved + pushed.rejected > 0 || named === null) events.emit('queue.changed', { reason: 'sync', applicationIds: [] });
      else if (named.length > 0) events.emit('queue.changed', { reason: 'sync', applicationIds: named });
      events.emit('sync.changed', status());
    },
  });
  const sync = engine;

  const check: CentralCheck = async (username, password) => {
    try {
      const person = await sync.authenticate({ username, password });
      // Intake clients (the customer console) have no place at a review workstation.
      if (person.role !== 'reviewer' && person.role !== 'supervisor') return null;
      return { id: person.username, displayName: person.displayName, role: person.role } satisfies Person;
    } catch (error) {
      if (error instanceof SyncError && error.kind === 'signed_out') return null;
      if (error instanceof SyncError && (error.kind === 'offline' || error.kind === 'transient')) {
        // The cached profile decides; the engine keeps the password to open a central session once it can.
        log.info('central service unreachable at sign-in; using the local profile', { code: error.code });
        void sync.signIn({ username, password });
        return 'unreachable';
      }
      throw error;
    }
  };

  return {
    check,
    get: (path, schema, timeoutMs) => sync.get(path, schema, timeoutMs),
    put: (path, json, schema) => sync.put(path, json, schema),
    fetchDocuments: (refs) => sync.fetchDocuments(refs),
    handlers: {
      'sync.status': () => status(),
      'sync.now': async () => {
        if (!parts.personActive()) throw new DomainError('unauthorized', 'Sign in to sync.');
        const report = await sync.syncNow();
        return {
          ok: report.ok,
          applied: report.pushed.applied,
          rejected: report.pushed.rejected,
          changes: report.pulled.changes,
          images: report.images.downloaded,
          error: report.error,
        };
      },
      'sync.attention': attentionHandler(store, parts.personActive),
    },
    started: () => {
      sync.start();
      sync.nudge();
    },
    decided: () => sync.nudge(),
    syncOnce: async () => (await sync.syncNow()).ok,
    isOnline: () => sync.online(),
    getJson: (path, schema, timeoutMs) => sync.getJson(path, schema, timeoutMs),
    lines: (path, timeoutMs) => sync.lines(path, timeoutMs),
    auditTrail: (query) => sync.auditTrail(query),
    signedOut: () => {
      sync.signOut();
      void sync.stop();
    },
    signOutEverywhere: async () => {
      try {
        await sync.signOutEverywhere();
      } catch (error) {
        const code = error instanceof SyncError ? error.code : 'internal';
        throw new DomainError('sign_out_everywhere_failed', `Your sessions on other devices could not be ended (${code}); you are still signed in. Try again when the central service answers.`);
      }
    },
    close: () => sync.stop(),
  };
}
