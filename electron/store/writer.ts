// The case store's one writer: every write runs on a worker thread holding the only connection that writes
// (writerThread.ts), so the caller's thread never waits for a commit's file writes or fsync (a decision is
// committed with synchronous=FULL). Each write is answered by a promise, once committed. The reads stay on the
// caller's connection (WAL: a read never waits for the writer, and sees every write already answered).
//
// Without the thread (its script missing, an open that failed, a calendar made in code) the same writes run on
// the caller's connection, in order, each answered the same way. When the thread dies after starting, the writes it
// owed fail with `store_writer_stopped` (each is one transaction: committed or not; sync repeats its writes, a
// reviewer sees the refusal) and later ones run on the caller's connection.
//
// Worker script: a given `workerScript`, else as ../common/workerScript.ts finds it (writerThread.ts from sources;
// `store-writer` next to the bundle, out/main/store-writer.js).
import { Worker } from 'node:worker_threads';
import type { CalendarSpec } from '../../shared/businessDays';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import { workerScript } from '../common/workerScript';
import type { SqliteCaseStore } from './sqlite/store';
import type { CaseWrites } from './types';

/** Every write of the case store, by name: what the writer's thread runs. */
export const writeMethods = [
  'upsertApplications',
  'openCase',
  'recordDecision',
  'addLocalDocument',
  'recordOriginalDownload',
  'resolveAttention',
  'markMutationRejected',
  'settleMutations',
  'recordImageQuality',
  'recordMrzReadings',
  'setSyncState',
  'storeDecisionLog',
  'storeWithdrawalLog',
  'recordSupervision',
  'settleSupervision',
  'dismissSupervision',
  'storeQualityQueue',
  'storeQualityPolicy',
  'recordExport',
  'recordSessionEvent',
  'storeReport',
  'storeCalendar',
  'storeLinkedAccounts',
  'purgeApplicantData',
] as const satisfies readonly (keyof CaseWrites)[];
export type WriteMethod = (typeof writeMethods)[number];

export interface StoreWriterOptions {
  workerScript?: URL;
  /** How long `close` waits for the thread to finish the writes it was sent. Default 5000. */
  closeTimeoutMs?: number;
}

/** Int32 slots of `StoreWriterData.control`. */
export const WriterSlot = { state: 0 } as const;
export const WriterState = { starting: 0, ready: 1, closed: 2, failed: 3 } as const;

export interface StoreWriterData {
  path: string;
  key: Uint8Array;
  nativeBinding?: string;
  calendar: CalendarSpec;
  /** A fixed clock (tests, benchmarks), as ms since the epoch; null for the real one. */
  fixedNow: number | null;
  control: SharedArrayBuffer;
  entry?: string;
}

export type WriterRequest = { type: 'call'; id: number; method: WriteMethod; args: unknown[] } | { type: 'close' };
export type WriterReply =
  | { type: 'ready' }
  | { type: 'failed'; code: string; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; domain: boolean; code: string; message: string };

interface Pending {
  method: WriteMethod;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export type StoreWriterState = 'starting' | 'running' | 'inline' | 'closed';

type Run = (method: WriteMethod, args: unknown[]) => Promise<unknown>;

/** Runs a write on a store's connection in the caller's thread; a throw becomes a rejection. */
export function runInline(store: SqliteCaseStore): Run {
  return (method, args) => new Promise<unknown>((resolve) => resolve((store[method] as (...a: unknown[]) => unknown).apply(store, args)));
}

/** The caller's side: each write goes to the thread (or runs inline) and is answered with its result or its error. */
export class StoreWriter {
  private state: StoreWriterState;
  private readonly worker: Worker | null = null;
  private readonly control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly pending = new Map<number, Pending>();
  private readonly closeTimeoutMs: number;
  private nextId = 1;

  /** `data` null: no thread (the writes run inline from the start). */
  constructor(
    private readonly inline: Run,
    data: Omit<StoreWriterData, 'control' | 'entry'> | null,
    options: StoreWriterOptions = {},
  ) {
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.state = data ? 'starting' : 'inline';
    if (!data) return;
    const resolved = options.workerScript ? { script: options.workerScript } : workerScript(import.meta.url, './writerThread.ts', 'store-writer');
    try {
      this.worker = new Worker(resolved.script, {
        workerData: { ...data, key: Uint8Array.from(data.key), control: this.control.buffer as SharedArrayBuffer, ...(resolved.entry ? { entry: resolved.entry } : {}) } satisfies StoreWriterData,
        // Small: it holds one connection and the call in hand (a page of 100 applications is a few hundred KB),
        // and its heap is memory on top of the main thread's.
        resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 },
      });
    } catch (error) {
      this.goInline('store_writer_start_failed', error instanceof Error ? error.message : String(error));
      return;
    }
    // Held open only while it owes answers: an idle writer must not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.onReply(reply));
    this.worker.on('error', (error: Error) => this.goInline('store_writer_error', error.message));
    this.worker.on('exit', (code: number) => this.goInline('store_writer_exited', `the store writer exited (code ${code})`));
  }

  /** Where writes run now: 'starting' and 'running' on the thread, 'inline' on the caller's connection. */
  get where(): StoreWriterState {
    return this.state;
  }

  call(method: WriteMethod, args: unknown[]): Promise<unknown> {
    if (this.state === 'closed') return Promise.reject(new DomainError('store_closed', 'The case store is closed.'));
    if (this.state === 'inline' || !this.worker) return this.inline(method, args);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { method, args, resolve, reject });
      if (this.pending.size === 1) this.worker?.ref();
      this.worker?.postMessage({ type: 'call', id, method, args } satisfies WriterRequest);
    });
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private onReply(reply: WriterReply): void {
    switch (reply.type) {
      case 'ready':
        if (this.state === 'starting') this.state = 'running';
        return;
      case 'failed':
        this.goInline(reply.code, reply.message);
        return;
      case 'result':
        this.settle(reply.id)?.resolve(reply.value);
        return;
      case 'error': {
        const error = reply.domain ? new DomainError(reply.code, reply.message) : Object.assign(new Error(reply.message), { code: reply.code });
        this.settle(reply.id)?.reject(error);
        return;
      }
    }
  }

  private goInline(code: string, message: string): void {
    if (this.state === 'inline' || this.state === 'closed') return;
    this.state = 'inline';
    // Not opened (no script, a failed open): nothing it was sent ran, so all of it runs here. The thread marks
    // itself ready before it takes the first call, so this never repeats a write it made.
    const thread = Atomics.load(this.control, WriterSlot.state);
    const notStarted = thread === WriterState.starting || thread === WriterState.failed;
    log.warn('case store: the store writer is not available; writes run on the main thread', { code, detail: message.slice(0, 300) });
    const owed = [...this.pending.values()];
    this.pending.clear();
    for (const entry of owed) {
      if (notStarted) this.inline(entry.method, entry.args).then(entry.resolve, entry.reject);
      else entry.reject(new DomainError('store_writer_stopped', 'The case store writer stopped before it answered; nothing was lost that it had confirmed. Try again.'));
    }
    if (this.worker) void this.worker.terminate();
  }

  /**
   * Lets the thread finish what it was sent, then close its connection. Synchronous like CaseStore.close; waits
   * `closeTimeoutMs` at most.
   */
  close(): void {
    const wasRunning = this.state === 'starting' || this.state === 'running';
    this.state = 'closed';
    if (!this.worker || !wasRunning) return;
    this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    const deadline = Date.now() + this.closeTimeoutMs;
    for (;;) {
      const state = Atomics.load(this.control, WriterSlot.state);
      if (state === WriterState.closed || state === WriterState.failed) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        log.warn('case store: the store writer did not finish in time; terminating it', { ms: this.closeTimeoutMs });
        break;
      }
      Atomics.wait(this.control, WriterSlot.state, state, left);
    }
    for (const entry of this.pending.values()) entry.reject(new DomainError('store_closed', 'The case store closed before this write was answered (it may have been stored; sync repeats it).'));
    this.pending.clear();
    void this.worker.terminate();
  }
}
