// The sync engine: push the outbox, then pull the changes feed, against the central API (ARCHITECTURE.md, "Sync
// protocol"). Transient failures retry with capped, jittered backoff; rejections are final and land in the store;
// the cursor is saved only after the changes it covers are stored; images are fetched once and checksummed.
import { z } from 'zod';
import { Change, ChangesResponse, DecisionsResponse, type AuditEntriesResponse, maxMutationsPerBatch, MutationBatchResponse, type MutationResult, type SessionResponse, type DecisionMutation, type DocumentRef } from '../../shared/contract/central';
import type { DocumentRecord } from '../../shared/contract/cases';
import { WithdrawalsResponse } from '../../shared/contract/withdrawals';
import { pullWithdrawalLog } from './withdrawalLog';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import type { AdmitResult, FetchResult, ImagePipeline } from '../imaging';
import type { CaseStore, MutationAnswer, UpsertRecord } from '../store/types';
import { backoffDelay, defaultBackoff, realSleep, yieldToEventLoop, type BackoffPolicy, type Sleep } from './backoff';
import { CentralClient, memoryVault, type Credentials, type TokenVault } from './client';
import { networkFailure, SyncError } from './errors';
import { bodyLines, HttpTimeout, nodeHttpTransport, type HttpTransport } from '../common/http';
import { isOpen } from '../../shared/lifecycle';
import { documentRecord, toCentralMutation, upsertRecord, type ImageFacts } from './mapping';
import { pullDecisionLog } from './decisionLogPull';
import { emptySupervisionReport, pullQuality, pullSecondReview, pushSupervision, type SupervisionReport, type SupervisionSyncContext, type SupervisionSyncStore } from './supervision';
import { emptyAuditReport, fetchAuditTrail, syncAuditTrail, type AuditSyncParts, type AuditSyncReport } from './audit';
import type { AuditTrailQuery } from '../../shared/contract/audit';
import { pullCalendar } from './calendar';
import { storeRetentionDays } from './retention';
import { pullOversight } from './oversight';

/**
 * The parts of the case store sync uses: reads answered at once, writes by promises (the store writer's thread, so
 * that no commit of a pull or push holds up this thread). `imageBySha256`, when the store offers it, names an image
 * some stored case already has, so a new case showing the same image does not fetch it again after a restart.
 */
export type SyncStore = Pick<
  CaseStore,
  | 'businessCalendar'
  | 'storeCalendar'
  | 'pendingMutations'
  | 'pendingByPerson'
  | 'outboxCounts'
  | 'getSyncState'
  | 'getCase'
  | 'upsertApplications'
  | 'settleMutations'
  | 'markMutationRejected'
  | 'setSyncState'
  | 'decisionLogNewest'
  | 'storeDecisionLog'
  | 'withdrawalLogNewest'
  | 'storeWithdrawalLog'
  | 'auditAfter'
> &
  SupervisionSyncStore & {
  imageBySha256?(sha256: string): ImageFacts | null;
};
/**
 * The parts of the image pipeline sync uses: originals are admitted (checked, hashed, stored) while pulling;
 * preview, thumbnail and quality are derived in the background afterwards (held while a pull runs).
 */
export type SyncImages = Pick<ImagePipeline, 'fetchOriginal' | 'requestDerive' | 'pauseBackground' | 'resumeBackground'>;

export type CentralPerson = SessionResponse['person'];

export type SyncEngineState = 'idle' | 'syncing' | 'offline' | 'signed_out' | 'error';

export interface SyncStatus {
  state: SyncEngineState;
  lastSyncAt: string | null;
  /** Outbox mutations not yet answered by the central service. */
  pending: number;
  /** Outbox mutations the central service refused ("needs attention"). */
  rejected: number;
  /** Pending decisions of people other than the one whose session syncs: each is sent only under its author's own. */
  waitingFor: { person: { id: string; displayName: string }; decisions: number }[];
  lastError: { code: string; message: string } | null;
}

export type SyncPhase = 'push' | 'pull' | 'images';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  /** null while the total is unknown (the changes feed says only whether more follows). */
  total: number | null;
}

export interface SyncReport {
  ok: boolean;
  state: SyncEngineState;
  startedAt: string;
  finishedAt: string;
  /** `appliedTo`: the applications whose decisions the central service applied (at most the first 500). */
  pushed: { applied: number; rejected: number; batches: number; appliedTo: string[] };
  /**
   * `moved`: cases new here or with a new status or assignee (they may enter or leave a list); `changedIds`: the cases
   * stored anew (at most the first 500; null when there were more).
   */
  pulled: { changes: number; pages: number; inserted: number; updated: number; conflicts: number; stale: number; skipped: number; moved: number; changedIds: string[] | null };
  /** A supervisor's sync: decisions brought into the decision log. */
  decisionLog: { decisions: number; pages: number };
  /** Their actions sent and answered, and the QA queue items brought in (a reviewer's: second reviews only). */
  supervision: SupervisionReport;
  /** The device's audit trail pushed (and, for a supervisor, the devices' integrity brought): electron/sync/audit.ts. */
  audit: AuditSyncReport;
  images: { downloaded: number; reused: number; bytes: number; resumedBytes: number; refused: number };
  /** Requests repeated after a transient failure. */
  retries: number;
  error: { code: string; message: string } | null;
}

export interface SyncEngineOptions {
  store: SyncStore;
  images: SyncImages;
  centralUrl: string;
  /** Signs in with these at the first request; kept only until then. */
  credentials?: Credentials;
  /** Where the session's tokens are kept (default: in memory). Electron wraps them with safeStorage here. */
  vault?: TokenVault;
  deviceId: string;
  /** How requests reach the central service (default: node:http/https); tests wrap it to count or break exchanges. */
  transport?: HttpTransport;
  now?: () => Date;
  /** In [0, 1); drives the backoff jitter. */
  random?: () => number;
  /** How the engine waits between retries inside one sync; tests pass one that does not wait. */
  sleep?: Sleep;
  onProgress?: (progress: SyncProgress) => void;
  onStatus?: (status: SyncStatus) => void;
  /** After every sync, whatever its outcome (the queue may have changed). */
  onSynced?: (report: SyncReport) => void;
  /** Between syncs while all is well; default 60 s. */
  intervalMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Tries of one request within a sync before the sync gives up (the scheduler tries again later); default 5. */
  maxAttempts?: number;
  /** A retry that must wait longer than this (a long Retry-After) ends the sync; the scheduler waits instead. Default 30 s. */
  maxInlineWaitMs?: number;
  /** Mutations per POST; at most the contract's maxMutationsPerBatch. */
  batchSize?: number;
  /** Changes per page of GET /v1/changes. */
  pageSize?: number;
  /** Document downloads (and ingests) at once; default 4. */
  downloadConcurrency?: number;
  requestTimeoutMs?: number;
  downloadTimeoutMs?: number;
}

export interface SyncEngine {
  /** One push-then-pull; concurrent calls share the running sync. Never rejects: failures are in the report. */
  syncNow(): Promise<SyncReport>;
  /** Syncs now, then on a timer (backing off after failures; paused while signed out). */
  start(): void;
  /** Stops the timer and aborts a running sync (what it stored so far stays stored). */
  stop(): Promise<void>;
  status(): SyncStatus;
  /** Resume after signed_out (or sign in the first time): the password is used once and then dropped. */
  signIn(credentials: Credentials): Promise<SyncReport>;
  /**
   * Checks a password with the central service at once, without syncing, and keeps the session it opens.
   * Throws a SyncError: kind 'signed_out' for a refused password, 'offline'/'transient' when it cannot be asked.
   */
  authenticate(credentials: Credentials, timeoutMs?: number): Promise<CentralPerson>;
  /**
   * One GET on the signed-in person's session, outside any sync (a supervisor's report), its answer checked against
   * `schema`. Throws a SyncError, kind 'offline' when the central service cannot be reached or answers too late.
   */
  getJson<S extends z.ZodType>(path: string, schema: S, timeoutMs?: number): Promise<z.output<S>>;
  /**
   * One GET on the signed-in person's session whose 2xx answer is read as it arrives, a line at a time (the decision
   * export's JSON lines), the whole exchange within `timeoutMs`. Resolves once the answer began; throws a SyncError
   * (kind 'offline' when the central service cannot be reached), and so does the iteration when the body breaks off.
   */
  lines(path: string, timeoutMs?: number): Promise<AsyncIterable<string>>;
  signOut(): void;
  /** Ends every session of the person at the central service, then signs out here; throws a SyncError when it could not. */
  signOutEverywhere(): Promise<void>;
  /** The network came back (Electron's online event): try now instead of waiting out the backoff. */
  nudge(): void;
  /**
   * Whether the workstation reaches the central service now: its last exchange got an answer (a sync that ended,
   * even with an error answer, or a sign-in). False before the first contact and after a network failure. Every
   * decision and audit entry records it.
   */
  online(): boolean;
  /** One page of an application's audit trail across devices, asked of the central service now (a supervisor's session). */
  auditTrail(query: AuditTrailQuery, timeoutMs?: number): Promise<AuditEntriesResponse>;
  /**
   * One authenticated GET of the central API outside a sync (a supervisor's live oversight), within `timeoutMs`;
   * its answer or network failure counts for online() like a sync's.
   */
  get<S extends z.ZodType>(path: string, schema: S, timeoutMs?: number): Promise<z.output<S>>;
  /** One authenticated PUT outside a sync (a supervisor's calendar change), within `timeoutMs`. */
  put<S extends z.ZodType>(path: string, json: unknown, schema: S, timeoutMs?: number): Promise<z.output<S>>;
  /**
   * Fetches documents' originals into the image pipeline outside a sync (a supervisor reading a decision's case), as a
   * pull does; answers their records, or throws the first failure.
   */
  fetchDocuments(refs: readonly DocumentRef[], timeoutMs?: number): Promise<DocumentRecord[]>;
}

/** Store lookups between two yields while a page is prepared; and at most this many applications per transaction. */
const upsertChunk = 25;
const upsertChunkMax = 100;
/** What one store transaction of a pull may hold the event loop for, well under the 50 ms of a noticeable stall. */
const upsertBudgetMs = 10;
/**
 * New cases in a run's first transaction: it is the dearest (statements compiled, pages not cached; 25 took 44 ms
 * in bench/sync), so sizing starts small and grows with what is learnt.
 */
const upsertFirstFresh = 5;
/** Known cases (updates) in a run's first transaction: 100 of them, cold, took 50 ms in bench/sync's 10,000 pull. */
const upsertFirstKnown = 20;

/**
 * A changes page as it arrives: the envelope is checked at once, each change by `validateChanges`. Checking a page
 * of 100 in one go took 13–22 ms the first time in a process (V8 runs zod's code cold; 1.5–2 ms warm).
 */
const ChangesPage = ChangesResponse.extend({ changes: z.array(z.unknown()) });
/** How long checking a page's changes may hold the event loop before it yields. */
const validateSliceMs = 4;

/** A pulled application ready for the store; `fresh` when the store does not have it yet. */
interface Prepared {
  record: UpsertRecord;
  fresh: boolean;
}

/** Mutations on their way to the central service, and how many of the picked rows were settled locally instead. */
interface Batch {
  mutations: DecisionMutation[];
  settled: number;
}

/** Outbox answers stored between two yields to the event loop while pushing. */
const settleChunk = 50;

/** Images the engine has ingested lately, by SHA-256, so a document shared by cases is fetched once. */
const imageCacheLimit = 10_000;

function emptyReport(startedAt: Date): SyncReport {
  return {
    ok: false,
    state: 'syncing',
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    pushed: { applied: 0, rejected: 0, batches: 0, appliedTo: [] },
    pulled: { changes: 0, pages: 0, inserted: 0, updated: 0, conflicts: 0, stale: 0, skipped: 0, moved: 0, changedIds: [] },
    decisionLog: { decisions: 0, pages: 0 },
    supervision: emptySupervisionReport(),
    audit: emptyAuditReport(),
    images: { downloaded: 0, reused: 0, bytes: 0, resumedBytes: 0, refused: 0 },
    retries: 0,
    error: null,
  };
}

/** Checks a page's changes against the contract, yielding to the event loop every few milliseconds. */
async function validateChanges(raw: readonly unknown[]): Promise<Change[]> {
  const changes: Change[] = [];
  let sliceStarted = performance.now();
  for (const [i, item] of raw.entries()) {
    if (performance.now() - sliceStarted > validateSliceMs) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
    // Without zod's JIT: in a fresh process the first parse compiles a fast path in one piece (11–23 ms for the
    // first Change, measured 2026-11-27, against ~5 ms without); warm, a change costs ~26 µs instead of 14–19.
    const parsed = Change.safeParse(item, { jitless: true });
    if (!parsed.success) {
      const where = ['changes', i, ...(parsed.error.issues[0]?.path ?? [])].join('.');
      throw new SyncError('fatal', 'bad_response', `The central service answered outside the contract (${where}).`);
    }
    changes.push(parsed.data);
  }
  return changes;
}

/** Runs `fn` over `items` with at most `limit` at once; the first failure is rethrown after the others settle. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && failure === null) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}

function asSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof DomainError) return new SyncError('fatal', error.code, error.message);
  log.error('sync failed unexpectedly', { error: error instanceof Error ? error.stack : String(error) });
  return new SyncError('fatal', 'internal', 'Sync failed unexpectedly; it will try again.');
}

class Engine implements SyncEngine {
  private readonly client: CentralClient;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly sleep: Sleep;
  private readonly policy: BackoffPolicy;
  private readonly maxAttempts: number;
  private readonly maxInlineWaitMs: number;
  private readonly batchSize: number;
  private readonly pageSize: number;
  private readonly concurrency: number;
  private readonly intervalMs: number;
  private readonly downloadTimeoutMs: number;
  private readonly imageCache = new Map<string, ImageFacts>();
  /** The central service the store is bound to; null until known. */
  private centralId: string | null = null;
  /**
   * What one application costs a store transaction in ms, learnt while pulling. A new case (its rows, documents,
   * search index and counters) costs several times an update of a known one, so each is learnt apart: sizing by
   * one average made a run of cheap updates grow the transaction that the next new cases then overran (60 ms).
   */
  private readonly upsertCost = { fresh: upsertBudgetMs / upsertFirstFresh, known: upsertBudgetMs / upsertFirstKnown };

  private state: SyncEngineState = 'idle';
  private reachable = false;
  private lastSyncAt: string | null = null;
  private lastError: SyncStatus['lastError'] = null;
  /** Syncs that failed in a row; the scheduler's backoff grows with it. */
  private failures = 0;
  private retryAfterMs: number | null = null;
  private running: Promise<SyncReport> | null = null;
  private controller: AbortController | null = null;
  private started = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? realSleep;
    this.policy = { ...defaultBackoff, ...options.backoff };
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 30_000;
    this.batchSize = Math.max(1, Math.min(maxMutationsPerBatch, options.batchSize ?? maxMutationsPerBatch));
    this.pageSize = Math.max(1, Math.min(500, options.pageSize ?? 100));
    this.concurrency = Math.max(1, options.downloadConcurrency ?? 4);
    this.intervalMs = options.intervalMs ?? 60_000;
    this.downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000;
    this.client = new CentralClient({
      centralUrl: options.centralUrl,
      transport: options.transport ?? nodeHttpTransport,
      now: this.now,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      vault: options.vault ?? memoryVault(),
      credentials: options.credentials ?? null,
    });
    if (!this.client.hasSession) this.state = 'signed_out';
  }

  status(): SyncStatus {
    const { store } = this.options;
    const counts = store.outboxCounts();
    const me = this.client.username;
    const waitingFor = counts.pending === 0 ? [] : store.pendingByPerson().filter((p) => p.person.id !== me);
    return { state: this.state, lastSyncAt: this.lastSyncAt, pending: counts.pending, rejected: counts.rejected, waitingFor, lastError: this.lastError };
  }

  private setState(state: SyncEngineState): void {
    this.state = state;
    this.options.onStatus?.(this.status());
  }

  private progress(phase: SyncPhase, done: number, total: number | null): void {
    this.options.onProgress?.({ phase, done, total });
  }

  syncNow(): Promise<SyncReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort(new SyncError('aborted', 'sync_stopped', 'Sync was stopped.'));
    await this.running?.catch(() => undefined);
  }

  signIn(credentials: Credentials): Promise<SyncReport> {
    this.client.setCredentials(credentials);
    this.failures = 0;
    if (this.state === 'signed_out') this.setState('idle');
    return this.syncNow().then((report) => {
      if (this.started) this.schedule(report.ok ? this.intervalMs : this.retryDelay());
      return report;
    });
  }

  async authenticate(credentials: Credentials, timeoutMs = 10_000): Promise<CentralPerson> {
    const person = await this.outsideSync(timeoutMs, (signal) => this.client.authenticate(credentials, signal));
    this.failures = 0;
    if (this.state === 'signed_out') this.setState('idle');
    return person;
  }

  async getJson<S extends z.ZodType>(path: string, schema: S, timeoutMs = 15_000): Promise<z.output<S>> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await this.client.json({ method: 'GET', path, signal }, schema);
      this.reachable = true;
      return answer;
    } catch (error) {
      if (signal.aborted) throw new SyncError('offline', 'timeout', 'The central service did not answer in time.');
      const failure = asSyncError(error);
      this.noteReach(failure);
      throw failure;
    }
  }

  async lines(path: string, timeoutMs = 300_000): Promise<AsyncIterable<string>> {
    const response = await this.outsideSync(timeoutMs, async (signal) => {
      const answer = await this.client.request({ method: 'GET', path, signal, timeoutMs });
      if (!answer.ok) throw await this.client.failure(answer);
      return answer;
    });
    return syncFailures(bodyLines(response.body));
  }

  signOut(): void {
    void this.client.signOut();
    this.setState('signed_out');
  }

  async signOutEverywhere(): Promise<void> {
    await this.client.signOutEverywhere(AbortSignal.timeout(15_000));
    this.setState('signed_out');
  }

  online(): boolean {
    return this.reachable;
  }

  /** The store, the device and authenticated exchanges with this sync's retries, for the audit trail's step. */
  private auditParts(report: SyncReport, signal: AbortSignal): AuditSyncParts {
    return {
      store: this.options.store,
      deviceId: this.options.deviceId,
      now: this.now,
      json: (request, schema) => this.retrying(report, signal, () => this.client.json({ ...request, signal }, schema)),
      boundCentral: () => this.boundCentral(),
      bindCentral: (centralId) => this.bindCentral(centralId),
    };
  }

  async auditTrail(query: AuditTrailQuery, timeoutMs = 15_000): Promise<AuditEntriesResponse> {
    return this.outsideSync(timeoutMs, (signal) => fetchAuditTrail({ json: (request, schema) => this.client.json({ ...request, signal }, schema) }, query));
  }

  async fetchDocuments(refs: readonly DocumentRef[], timeoutMs = 60_000): Promise<DocumentRecord[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    const report = emptyReport(this.now());
    const missing = refs.filter((ref) => !this.imageCache.has(ref.sha256) && !this.options.store.imageBySha256?.(ref.sha256));
    const refused = await mapLimit(missing, this.concurrency, (ref) => this.fetchImage(ref, report, signal));
    const failure = refused.find((code) => code !== null);
    if (failure) throw new DomainError(failure, 'A document of this application could not be fetched from the central service.');
    return refs.map((ref) => {
      const image = this.imageCache.get(ref.sha256) ?? this.options.store.imageBySha256?.(ref.sha256);
      if (!image) throw new DomainError('image_missing', 'A document of this application could not be stored.');
      return documentRecord(ref, image);
    });
  }

  get<S extends z.ZodType>(path: string, schema: S, timeoutMs = 10_000): Promise<z.output<S>> {
    return this.outsideSync(timeoutMs, (signal) => this.client.json({ method: 'GET', path, signal }, schema));
  }

  put<S extends z.ZodType>(path: string, json: unknown, schema: S, timeoutMs = 15_000): Promise<z.output<S>> {
    return this.outsideSync(timeoutMs, (signal) => this.client.json({ method: 'PUT', path, json, signal }, schema));
  }

  /** One exchange outside a sync, within `timeoutMs`: its answer or its network failure counts for online(). */
  private async outsideSync<T>(timeoutMs: number, exchange: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await exchange(signal);
      this.reachable = true;
      return answer;
    } catch (error) {
      // Our own deadline passed: as good as unreachable for a person waiting (at the sign-in screen, or for a list).
      if (signal.aborted) {
        this.reachable = false;
        throw new SyncError('offline', 'timeout', 'The central service did not answer in time.');
      }
      const failure = asSyncError(error);
      this.noteReach(failure);
      throw failure;
    }
  }

  /** An answer (even a refusal) means the service was reached; a network failure means it was not. */
  private noteReach(error: SyncError): void {
    if (error.kind === 'offline') this.reachable = false;
    else if (error.status !== null) this.reachable = true;
  }

  nudge(): void {
    if (!this.started || this.state === 'signed_out') return;
    this.failures = 0;
    this.schedule(0);
  }

  private retryDelay(): number {
    return Math.max(1, backoffDelay(this.failures - 1, this.random, this.policy, this.retryAfterMs));
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.started) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.syncNow().then((report) => {
        if (!this.started || this.timer) return;
        if (report.state === 'signed_out') return; // paused until signIn()
        this.schedule(report.ok ? this.intervalMs : this.retryDelay());
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async run(): Promise<SyncReport> {
    const report = emptyReport(this.now());
    const controller = new AbortController();
    this.controller = controller;
    this.setState('syncing');
    try {
      const { role, username } = await this.retrying(report, controller.signal, () => this.client.sessionPerson(controller.signal));
      // Every sync, whoever is signed in: the device's trail goes up (a refusal is reported, the sync goes on).
      await syncAuditTrail(this.auditParts(report, controller.signal), role, report.audit);
      // A supervisor holds no cases and decides none: their sync sends their actions (verdicts first, so the log
      // and the QA queue pulled next show them applied), then brings the decision log, the QA queue and the policy.
      if (role === 'supervisor') {
        const supervision = this.supervisionContext(report, controller.signal);
        await pushSupervision(supervision, username, report.supervision);
        await this.pullDecisionLog(report, controller.signal);
        await pullWithdrawalLog(
          (query) => this.retrying(report, controller.signal, () => this.client.json({ method: 'GET', path: `/v1/withdrawals?${query.toString()}`, signal: controller.signal }, WithdrawalsResponse)),
          this.options.store,
          this.now().toISOString(),
        );
        await pullQuality(supervision, report.supervision);
      } else {
        const pushFailure = await this.pushUnlessStopped(report, controller.signal);
        // Pull even when the push failed: withdrawals, reassignments and new work must still arrive.
        await this.pull(report, controller.signal);
        if (pushFailure) throw pushFailure;
        // Four-eyes: a reviewer gives second reviews of others' held decisions too (their verdicts, that stage).
        const supervision = this.supervisionContext(report, controller.signal);
        await pushSupervision(supervision, username, report.supervision);
        await pullSecondReview(supervision, report.supervision);
      }
      // Live oversight: the last counts of open work are kept, to be shown (with their time) while offline.
      if (role === 'supervisor') {
        const { signal } = controller;
        await pullOversight((path, schema) => this.retrying(report, signal, () => this.client.json({ method: 'GET', path, signal }, schema)), this.options.store);
      }
      this.reachable = true;
      report.ok = true;
      this.failures = 0;
      this.retryAfterMs = null;
      this.lastError = null;
      this.lastSyncAt = this.now().toISOString();
      this.setState('idle');
    } catch (raw) {
      const error = this.explained(asSyncError(raw));
      this.noteReach(error);
      report.error = { code: error.code, message: error.message };
      if (error.kind === 'aborted') {
        this.setState(this.client.hasSession ? 'idle' : 'signed_out');
      } else {
        this.failures += 1;
        this.retryAfterMs = error.retryAfterMs;
        this.lastError = report.error;
        log.warn('sync did not complete', { code: error.code, kind: error.kind, status: error.status, failures: this.failures });
        this.setState(error.kind === 'offline' ? 'offline' : error.kind === 'signed_out' ? 'signed_out' : 'error');
      }
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    report.state = this.state;
    report.finishedAt = this.now().toISOString();
    this.options.onSynced?.(report);
    return report;
  }

  /** Repeats `fn` after transient failures (backoff with full jitter, Retry-After as a floor), up to maxAttempts. */
  private async retrying<T>(report: SyncReport, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new SyncError('aborted', 'sync_stopped', 'Sync was stopped.');
      try {
        return await fn();
      } catch (raw) {
        const error = asSyncError(raw);
        if (error.kind !== 'transient' || attempt + 1 >= this.maxAttempts) throw error;
        const delay = backoffDelay(attempt, this.random, this.policy, error.retryAfterMs);
        // A sync holding its place for minutes helps nobody: end it, and let the scheduler wait (Retry-After included).
        if (delay > this.maxInlineWaitMs) throw error;
        report.retries += 1;
        try {
          await this.sleep(delay, signal);
        } catch {
          throw new SyncError('aborted', 'sync_stopped', 'Sync was stopped.');
        }
      }
    }
  }

  // ── which central service ──────────────────────────────────────────────────────────────────────
  /**
   * The central service this store's cases and outbox belong to, sent with every push and pull: another service
   * refuses them (409 wrong_central), so decisions are never pushed where their cases do not exist, and a cursor
   * is never read by a service that did not give it out.
   */
  private boundCentral(): { centralId?: string } {
    const bound = this.storeCentral();
    return bound ? { centralId: bound } : {};
  }

  /** The store's binding, read once it exists (it never changes then), not once per request. */
  private storeCentral(): string | null {
    this.centralId ??= this.options.store.getSyncState('central_id');
    return this.centralId;
  }

  /** The first answer binds the store (a new store, or one from before central ids); later ones must agree. */
  private async bindCentral(centralId: string): Promise<void> {
    const bound = this.storeCentral();
    if (bound === null) {
      await this.options.store.setSyncState('central_id', centralId);
      this.centralId = centralId;
    } else if (bound !== centralId) throw new SyncError('fatal', 'bad_response', 'The central service answered as another central service than the one asked for.');
  }

  /** In the person's words: which service this is not, what waits, and the two ways on. */
  private explained(error: SyncError): SyncError {
    if (error.code !== 'wrong_central') return error;
    const pending = this.options.store.outboxCounts().pending;
    const waiting = pending === 0 ? '' : ` The ${pending === 1 ? 'decision' : `${pending} decisions`} not yet sent stay${pending === 1 ? 's' : ''} on this workstation.`;
    return new SyncError(
      'fatal',
      'wrong_central',
      `The central service at ${this.options.centralUrl} is not the one this workstation's cases came from, so nothing was sent to it or taken from it.${waiting} Start the app with --central pointing at the service it used before, or with another data folder to work with this one.`,
      null,
      error.status,
    );
  }

  // ── push ─────────────────────────────────────────────────────────────────────────────────────────
  /**
   * Pushes; a failure that leaves the central service reachable (an error answer, retries used up) is returned for
   * the run to report after the pull, so one decision the service cannot take never starves the pull. Offline,
   * signed out, stopped, another central service, and a service that asked for a pause (Retry-After) end the run.
   */
  private async pushUnlessStopped(report: SyncReport, signal: AbortSignal): Promise<SyncError | null> {
    try {
      await this.push(report, signal);
      return null;
    } catch (raw) {
      const error = asSyncError(raw);
      if ((error.kind !== 'fatal' && error.kind !== 'transient') || error.code === 'wrong_central' || error.retryAfterMs !== null) throw error;
      log.warn('push did not complete; pulling anyway', { code: error.code, kind: error.kind, status: error.status });
      return error;
    }
  }

  private async push(report: SyncReport, signal: AbortSignal): Promise<void> {
    const { store } = this.options;
    if (store.outboxCounts().pending === 0) return;
    // Only the decisions of the person whose session this is: the central service credits them to that person.
    const me = await this.retrying(report, signal, () => this.client.sessionUsername(signal));
    const total = store.pendingByPerson().find((p) => p.person.id === me)?.decisions ?? 0;
    let done = 0;
    if (total === 0) return;
    this.progress('push', 0, total);
    const send = (mutations: DecisionMutation[]): Promise<MutationBatchResponse> =>
      // A repeated id is answered with the stored outcome, so a batch whose answer was lost is simply resent.
      this.retrying(report, signal, async () => {
        const json = { deviceId: this.options.deviceId, ...this.boundCentral(), mutations };
        const answer = await this.client.json({ method: 'POST', path: '/v1/mutations:batch', json, signal }, MutationBatchResponse);
        await this.bindCentral(answer.centralId);
        return answer;
      }).catch(async (error: unknown) => {
        // The service refused the whole batch for one mutation it names (a stricter schema than ours): that one is
        // answered as refused, and the others are sent again without it.
        const index = refusedMutationIndex(error, mutations.length);
        const refused = index === null ? undefined : mutations[index];
        if (!refused || !(error instanceof SyncError)) throw error;
        log.warn('outbox mutation refused by the central service', { mutationId: refused.id, code: error.code });
        const rest = mutations.filter((m) => m !== refused);
        const answer = rest.length > 0 ? await send(rest) : { centralId: this.storeCentral() ?? '', results: [] };
        const rejection: MutationResult = { id: refused.id, status: 'rejected', reason: 'invalid', message: error.message.slice(0, 2000), current: null };
        return { ...answer, results: [...answer.results, rejection] };
      });
    // One batch on the wire while the answers of the previous one are stored: the server's work and the store's
    // overlap. Batches still reach the server one after another, each only once the one before was answered.
    let batch = await this.nextBatch(report, new Set(), me);
    let answer = batch.mutations.length > 0 ? send(batch.mutations) : null;
    while (batch.settled > 0 || answer !== null) {
      let settled = batch.settled;
      let next: Batch | null = null;
      let nextAnswer: Promise<MutationBatchResponse> | null = null;
      if (answer !== null) {
        const results = new Map((await answer).results.map((r) => [r.id, r]));
        report.pushed.batches += 1;
        next = await this.nextBatch(report, new Set(batch.mutations.map((m) => m.id)), me);
        nextAnswer = next.mutations.length > 0 ? send(next.mutations) : null;
        // Settling below may fail; the request in flight must not become an unhandled rejection meanwhile.
        nextAnswer?.catch(() => undefined);
        settled += await this.settle(batch.mutations, results, report);
        if (settled === 0) throw new SyncError('fatal', 'push_stalled', 'The central service answered none of the decisions sent; sync will try again later.');
      }
      done += settled;
      this.progress('push', Math.min(done, total), Math.max(done, total));
      await yieldToEventLoop();
      if (next !== null && (next.mutations.length > 0 || next.settled > 0)) {
        batch = next;
        answer = nextAnswer;
      } else {
        // Nothing was left beside the batch just answered: look again, in case some of it got no answer.
        batch = await this.nextBatch(report, new Set(), me);
        answer = batch.mutations.length > 0 ? send(batch.mutations) : null;
      }
    }
  }

  /** The next pending mutations not already on the wire; those outside the contract are rejected locally at once. */
  private async nextBatch(report: SyncReport, sending: ReadonlySet<string>, me: string): Promise<Batch> {
    const { store } = this.options;
    const pending = store.pendingMutations(this.batchSize + sending.size, me).filter((decision) => !sending.has(decision.mutationId));
    const mutations: DecisionMutation[] = [];
    let settled = 0;
    for (const decision of pending.slice(0, this.batchSize)) {
      const mapped = toCentralMutation(decision);
      if (mapped.ok) {
        mutations.push(mapped.mutation);
      } else {
        // The server would refuse the whole batch for it; the reviewer must see it instead.
        log.warn('outbox mutation outside the contract', { mutationId: decision.mutationId, problem: mapped.reason });
        await store.markMutationRejected(decision.mutationId, 'invalid', null);
        report.pushed.rejected += 1;
        settled += 1;
      }
    }
    return { mutations, settled };
  }

  /** Stores the central service's answers; returns how many mutations they settled. */
  private async settle(mutations: readonly DecisionMutation[], results: ReadonlyMap<string, MutationResult>, report: SyncReport): Promise<number> {
    const answers: MutationAnswer[] = [];
    for (const mutation of mutations) {
      const result = results.get(mutation.id);
      if (!result) continue;
      answers.push(result.status === 'applied' ? result : { id: result.id, status: 'rejected', reason: result.reason, current: result.current });
      if (result.status === 'rejected') report.pushed.rejected += 1;
      else {
        report.pushed.applied += 1;
        if (report.pushed.appliedTo.length < 500) report.pushed.appliedTo.push(mutation.applicationId);
      }
    }
    // A few store transactions per batch instead of one per answer (each commit is a disk flush), with a yield
    // between them so that the event loop is never held for long.
    for (let i = 0; i < answers.length; i += settleChunk) {
      const { skipped } = await this.options.store.settleMutations(answers.slice(i, i + settleChunk));
      // Settled meanwhile (another sync of the same store): it is no longer pending either way.
      for (const s of skipped) log.warn('outbox mutation already settled', { mutationId: s.id, code: s.code });
      if (i + settleChunk < answers.length) await yieldToEventLoop();
    }
    return answers.length;
  }

  /** What the supervisor's sync (./supervision.ts) borrows from the engine: retried requests, the central binding. */
  private supervisionContext(report: SyncReport, signal: AbortSignal): SupervisionSyncContext {
    return {
      store: this.options.store,
      deviceId: this.options.deviceId,
      request: (method, path, schema, json) => this.retrying(report, signal, () => this.client.json({ method, path, signal, ...(json === undefined ? {} : { json }) }, schema)),
      boundCentral: () => this.boundCentral(),
      bindCentral: (centralId) => this.bindCentral(centralId),
      progress: (phase, done, total) => this.progress(phase, done, total),
      now: () => this.now(),
      yield: yieldToEventLoop,
    };
  }

  // ── pull ─────────────────────────────────────────────────────────────────────────────────────────
  /** Brings the supervisor's decision log up to date: what was recorded or changed since the last sync (./decisionLogPull.ts). */
  private async pullDecisionLog(report: SyncReport, signal: AbortSignal): Promise<void> {
    this.progress('pull', 0, null);
    const fetchPage = (query: URLSearchParams) =>
      this.retrying(report, signal, () => this.client.json({ method: 'GET', path: `/v1/decisions?${query.toString()}`, signal }, DecisionsResponse));
    const progress = (done: number, total: number | null) => this.progress('pull', done, total);
    await pullDecisionLog({ store: this.options.store, fetchPage, progress, yield: yieldToEventLoop }, report.decisionLog, this.now().toISOString());
  }

  private async pull(report: SyncReport, signal: AbortSignal): Promise<void> {
    const { images } = this.options;
    // Background derivation would take the imaging worker from the downloads; it resumes when the pull ends.
    images.pauseBackground();
    try {
      await this.pullPages(report, signal);
    } finally {
      images.resumeBackground();
    }
  }

  private async pullPages(report: SyncReport, signal: AbortSignal): Promise<void> {
    const { store } = this.options;
    this.progress('pull', 0, null);
    // The feed is each reviewer's own: another person's cursor would skip what the feed holds for this one.
    const key = cursorKey(await this.retrying(report, signal, () => this.client.sessionUsername(signal)));
    for (;;) {
      const cursor = store.getSyncState(key);
      const query = new URLSearchParams({ limit: String(this.pageSize), ...this.boundCentral() });
      if (cursor) query.set('cursor', cursor);
      const page = await this.retrying(report, signal, () =>
        this.client.json({ method: 'GET', path: `/v1/changes?${query.toString()}`, signal }, ChangesPage),
      );
      await this.bindCentral(page.centralId);
      report.pulled.pages += 1;
      const changes = await validateChanges(page.changes);
      const records = await this.prepare(changes, report, signal);
      // Small transactions with a yield between them: a page of 500 in one would hold the event loop for a second.
      // Each holds what the learnt costs fit into the budget.
      for (let i = 0; i < records.length; ) {
        const prepared = records.slice(i, this.chunkEnd(records, i));
        const chunk = prepared.map((p) => p.record);
        const started = performance.now();
        const result = await store.upsertApplications(chunk);
        this.learnUpsertCost(prepared, performance.now() - started);
        i += chunk.length;
        report.pulled.inserted += result.inserted;
        report.pulled.updated += result.updated;
        report.pulled.conflicts += result.conflicts;
        report.pulled.stale += result.stale;
        report.pulled.moved += result.moved;
        const ids = report.pulled.changedIds;
        report.pulled.changedIds = ids !== null && ids.length + result.applicationIds.length <= 500 ? [...ids, ...result.applicationIds] : null;
        // Only once stored: the derived quality is written to the documents that show the image.
        const underived = chunk.flatMap((r) => r.documents.filter((d) => d.quality === null).map((d) => d.sha256));
        if (underived.length > 0) this.options.images.requestDerive(underived);
        if (i < records.length) await yieldToEventLoop();
      }
      // Only now: a crash before this line pulls the same page again, which the store takes as a no-op.
      await store.setSyncState(key, page.cursor);
      report.pulled.changes += page.changes.length;
      this.progress('pull', report.pulled.changes, page.hasMore ? null : report.pulled.changes);
      await yieldToEventLoop();
      if (!page.hasMore || page.cursor === cursor) {
        // The business calendar, when the central service's moved (electron/sync/calendar.ts). A new one may move any
        // open case's due time or notice, so the queue is shown anew, as after a move.
        const calendar = await pullCalendar((path, schema) => this.retrying(report, signal, () => this.client.json({ method: 'GET', path, signal }, schema)), store, page.calendarVersion);
        if (calendar.fetched) report.pulled.moved += Math.max(1, calendar.recomputed);
        await storeRetentionDays(store, page.retentionDays);
        break;
      }
    }
  }

  /** Where the next store transaction ends: as many records as the learnt costs fit into the budget (at least one). */
  private chunkEnd(records: readonly Prepared[], from: number): number {
    let end = from;
    let cost = 0;
    while (end < records.length && end - from < upsertChunkMax) {
      const next = records[end]!.fresh ? this.upsertCost.fresh : this.upsertCost.known;
      if (end > from && cost + next > upsertBudgetMs) break;
      cost += next;
      end += 1;
    }
    return end;
  }

  /** Moves the learnt costs of the kinds in this transaction halfway to what it really took. */
  private learnUpsertCost(chunk: readonly Prepared[], ms: number): void {
    const fresh = chunk.filter((p) => p.fresh).length;
    const predicted = fresh * this.upsertCost.fresh + (chunk.length - fresh) * this.upsertCost.known;
    if (!(predicted > 0)) return;
    // Bounded, so one transaction preempted on a busy machine does not swing the sizes far.
    const ratio = Math.min(8, Math.max(1 / 8, ms / predicted));
    const factor = 0.5 + 0.5 * ratio;
    if (fresh > 0) this.upsertCost.fresh *= factor;
    if (fresh < chunk.length) this.upsertCost.known *= factor;
  }

  /** The store's documents of an application (its own, and a change's replaced identity's), or null when the store does not have it. */
  private localDocuments(applicationId: string): { documents: DocumentRecord[]; previous: DocumentRecord[] } | null {
    try {
      const detail = this.options.store.getCase(applicationId);
      return { documents: detail.documents, previous: detail.previousDocuments ?? [] };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'case_not_found') return null;
      throw error;
    }
  }

  /** Turns a page of changes into store records, fetching the images the store lacks. */
  private async prepare(changes: readonly Change[], report: SyncReport, signal: AbortSignal): Promise<Prepared[]> {
    const me = this.client.username;
    // The feed may name one application twice in a page; every entry carries its current state, so the last wins.
    const latest = new Map<string, Change>();
    for (const change of changes) {
      latest.delete(change.application.id);
      latest.set(change.application.id, change);
    }
    type Planned = DocumentRecord | DocumentRef;
    type Plan = { change: Change; documents: Planned[]; previous: Planned[]; fresh: boolean };
    const plans: Plan[] = [];
    const wanted = new Map<string, DocumentRef>();
    let looked = 0;
    for (const change of latest.values()) {
      // Each lookup is a synchronous read of the store; let the event loop breathe between a few.
      if (++looked % upsertChunk === 0) await yieldToEventLoop();
      const app = change.application;
      const local = this.localDocuments(app.id);
      const mine = me !== null && app.assignee === me;
      if (local === null && !(mine && isOpen(app.status))) {
        // Not this reviewer's work (reassigned away, withdrawn, decided) and never stored here: nothing to keep.
        report.pulled.skipped += 1;
        continue;
      }
      let fetchable = true;
      const plan = (refs: readonly DocumentRef[]): Planned[] =>
        refs.map((ref) => {
          const known =
            local?.documents.find((d) => d.sha256 === ref.sha256) ??
            local?.previous.find((d) => d.sha256 === ref.sha256) ??
            this.imageCache.get(ref.sha256) ??
            this.options.store.imageBySha256?.(ref.sha256) ??
            undefined;
          if (known) {
            report.images.reused += 1;
            return documentRecord(ref, known);
          }
          if (!mine) fetchable = false;
          return ref;
        });
      const documents = plan(change.documents);
      // A change's replaced identity's images come with it (server/replacedIdentity.ts), fetched like its own.
      const previous = plan(change.previousDocuments ?? []);
      if (!fetchable) {
        // Only the assignee may fetch images; keep what the store has and let the server's state through.
        plans.push({ change, documents: local?.documents ?? [], previous: local?.previous ?? [], fresh: local === null });
        continue;
      }
      for (const d of [...documents, ...previous]) if (!('format' in d)) wanted.set(d.sha256, d);
      plans.push({ change, documents, previous, fresh: local === null });
    }

    const failed = new Map<string, string>();
    const refs = [...wanted.values()];
    let done = 0;
    if (refs.length > 0) this.progress('images', 0, refs.length);
    await mapLimit(refs, this.concurrency, async (ref) => {
      const outcome = await this.fetchImage(ref, report, signal);
      if (outcome !== null) failed.set(ref.sha256, outcome);
      done += 1;
      this.progress('images', done, refs.length);
    });

    const records: Prepared[] = [];
    for (const plan of plans) {
      let missing: string | null = null;
      const stored = (planned: readonly Planned[]): DocumentRecord[] =>
        planned.flatMap((d) => {
          if ('format' in d) return [d];
          const image = this.imageCache.get(d.sha256);
          if (image) return [documentRecord(d, image)];
          missing = failed.get(d.sha256) ?? 'image_missing';
          return [];
        });
      const documents = stored(plan.documents);
      const previous = stored(plan.previous);
      if (missing !== null) {
        // A case without all its documents must not reach the queue; the next change of it brings it again.
        log.warn('application skipped: a document could not be stored', { applicationId: plan.change.application.id, code: missing });
        report.pulled.skipped += 1;
        continue;
      }
      records.push({ record: upsertRecord(plan.change, documents, previous), fresh: plan.fresh });
    }
    return records;
  }

  /**
   * Downloads, verifies and admits one image (its original stored) in an imaging process: the bytes never pass
   * through this thread. Null when stored, else the code of a permanent refusal.
   */
  private async fetchImage(ref: DocumentRef, report: SyncReport, signal: AbortSignal): Promise<string | null> {
    const url = this.client.url(`/v1/documents/${encodeURIComponent(ref.id)}/content`);
    let stops = 0;
    let received = 0;
    let outcome: { admitted: AdmitResult } | { refused: DomainError };
    try {
      outcome = await this.retrying(report, signal, async () => {
        let result: FetchResult;
        try {
          result = await this.client.authorized(signal, (authorization) =>
            this.options.images
              .fetchOriginal({ url, authorization, sha256: ref.sha256, byteSize: ref.byteSize, mediaType: ref.mediaType, timeoutMs: this.downloadTimeoutMs }, signal)
              .then((answer) => ({ status: answer.kind === 'http' ? answer.status : 0, answer })),
          ).then(({ answer }) => answer);
        } catch (error) {
          if (!(error instanceof DomainError) || error instanceof SyncError) throw error;
          if (signal.aborted) throw networkFailure(error, true, false);
          // The imaging process stopped or hung, perhaps over another download it ran: once more, then a refusal.
          if (++stops < 2) throw new SyncError('transient', error.code, error.message);
          return { refused: error };
        }
        report.images.resumedBytes += result.resumedBytes;
        received = result.received;
        switch (result.kind) {
          case 'admitted':
            return { admitted: result.admitted };
          case 'refused':
            return { refused: new DomainError(result.code, result.message) };
          case 'http':
            throw this.client.failureOf(result.status, parseBody(result.body), result.retryAfter);
          case 'network':
            throw networkFailure(Object.assign(new Error(result.message), { code: result.code }), result.aborted || signal.aborted, result.timedOut);
          case 'transfer':
            throw new SyncError('transient', result.code, result.message);
        }
      });
    } catch (error) {
      // 403/404: the case moved to someone else meanwhile; its next change says so. Anything else ends this sync.
      if (error instanceof SyncError && error.kind === 'fatal' && (error.status === 403 || error.status === 404)) return error.code;
      throw error;
    }
    report.images.downloaded += 1;
    report.images.bytes += received;
    if ('refused' in outcome) {
      report.images.refused += 1;
      log.warn('document image refused by the imaging pipeline', { documentId: ref.id, code: outcome.refused.code });
      return outcome.refused.code;
    }
    // Quality is unmeasured until the image is derived (after the pull, or when the reviewer opens it).
    this.remember({ ...outcome.admitted, quality: null, imageFailure: null });
    return null;
  }

  private remember(image: ImageFacts): void {
    if (this.imageCache.size >= imageCacheLimit) {
      const oldest = this.imageCache.keys().next();
      if (!oldest.done) this.imageCache.delete(oldest.value);
    }
    this.imageCache.set(image.sha256, {
      sha256: image.sha256,
      format: image.format,
      width: image.width,
      height: image.height,
      forensic: image.forensic,
      quality: image.quality,
      imageFailure: image.imageFailure,
    });
  }
}

/** Where the store keeps a person's position in their changes feed (sync_state). */
export function cursorKey(username: string): string {
  return `cursor:${username}`;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  return new Engine(options);
}

/** Which mutation of a batch of `size` a 400 answer names (`mutations.3.internalNote: …`), or null. */
function refusedMutationIndex(error: unknown, size: number): number | null {
  if (!(error instanceof SyncError) || error.status !== 400 || error.code !== 'invalid_request') return null;
  const match = /^mutations\.(\d+)\b/.exec(error.message);
  const index = match ? Number(match[1]) : Number.NaN;
  return Number.isInteger(index) && index < size ? index : null;
}

/** An error answer's body as JSON, or null (a proxy's page). */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

/** The lines of an answer, a body that breaks off (or times out) thrown as the SyncError it means. */
async function* syncFailures(lines: AsyncIterable<string>): AsyncGenerator<string> {
  try {
    yield* lines;
  } catch (error) {
    throw networkFailure(error, false, error instanceof HttpTimeout);
  }
}
