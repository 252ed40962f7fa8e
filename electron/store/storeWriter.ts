// The store writer: the case store's writes that sync makes (pulled applications, outbox answers, the cursor,
// derived quality) run on a worker thread with a connection of its own, so that the main thread never waits in the
// kernel for the file writes of a commit. Measured in bench/sync (2026-11-28): with sync's transactions on the main
// thread the event loop stopped for 72–82 ms now and then under disk pressure, asleep in ext4's write path while
// the kernel wrote back earlier pages (no fsync involved); no budget on the transaction's CPU time prevents that.
//
// SQLite serialises the two connections' writes (every write transaction is BEGIN IMMEDIATE, with a busy timeout),
// the audit chain is read and extended inside each transaction, and the WAL checkpointer counts both connections'
// commits (WalCheckpointer.join), so the thread changes where a write runs and nothing about what it does. A main
// thread write (a decision) that meets one of the writer's transactions waits for it, as it would for any other
// writer: those are sized to ~10 ms by the sync engine.
//
// When the thread cannot start, the same writes run on the main connection (`inlineWrites`): slower to the event
// loop, never lost. When it dies after starting, the calls it had not answered fail with `store_writer_stopped`
// (each is one transaction: it committed or not, and sync's writes can be repeated), and later ones run inline.
//
// Worker script: a given `workerScript`, else as ../common/workerScript.ts finds it (storeWriterWorker.ts from
// sources; `store-writer` next to the bundle, out/main/store-writer.js).
import { Worker } from 'node:worker_threads';
import type { CalendarSpec } from '../../shared/businessDays';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import type { CaseStore } from './caseStore';
import { workerScript } from '../common/workerScript';

/** The store's writes that may run on the writer's thread. */
export const writerMethods = ['upsertApplications', 'settleMutations', 'markMutationRejected', 'setSyncState', 'recordImageQuality'] as const;
export type WriterMethod = (typeof writerMethods)[number];

/** Those writes, answered asynchronously: on the writer's thread, or on the caller's (`inlineWrites`). */
export type StoreWrites = {
  [M in WriterMethod]: (...args: Parameters<CaseStore[M]>) => Promise<ReturnType<CaseStore[M]>>;
};

type Send = (method: WriterMethod, args: unknown[]) => Promise<unknown>;

/** The writes, each handed to `send` by name. */
function writesThrough(send: Send): StoreWrites {
  return Object.fromEntries(writerMethods.map((m) => [m, (...args: unknown[]) => send(m, args)])) as StoreWrites;
}

/** Runs a write on the store's own connection, in the caller's thread; a throw becomes a rejection. */
const runOn =
  (store: Pick<CaseStore, WriterMethod>): Send =>
  (method, args) =>
    new Promise<unknown>((resolve) => resolve((store[method] as (...a: unknown[]) => unknown).apply(store, args)));

/** The writes on the store's own connection, in the caller's thread. */
export function inlineWrites(store: Pick<CaseStore, WriterMethod>): StoreWrites {
  return writesThrough(runOn(store));
}

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
  /** The main connection's WAL checkpointer's shared slots (WalCheckpointer.join), or null without one. */
  checkpoint: SharedArrayBuffer | null;
  control: SharedArrayBuffer;
  entry?: string;
}

export type WriterRequest = { type: 'call'; id: number; method: WriterMethod; args: unknown[] } | { type: 'close' };
export type WriterReply =
  | { type: 'ready' }
  | { type: 'failed'; code: string; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; domain: boolean; code: string; message: string };

interface Pending {
  method: WriterMethod;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export type StoreWriterState = 'starting' | 'running' | 'inline' | 'closed';

/** The main thread's side: sends each write to the thread and answers with its result or its error. */
export class StoreWriter {
  readonly writes: StoreWrites;
  private state: StoreWriterState = 'starting';
  private readonly worker: Worker | null = null;
  private readonly control: Int32Array;
  private readonly inline: Send;
  private readonly pending = new Map<number, Pending>();
  private readonly closeTimeoutMs: number;
  private nextId = 1;

  constructor(store: Pick<CaseStore, WriterMethod>, data: Omit<StoreWriterData, 'control' | 'entry'>, options: StoreWriterOptions = {}) {
    this.inline = runOn(store);
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(shared);
    this.writes = writesThrough((method, args) => this.call(method, args));
    const resolved = options.workerScript ? { script: options.workerScript } : workerScript(import.meta.url, './storeWriterWorker.ts', 'store-writer');
    try {
      this.worker = new Worker(resolved.script, {
        workerData: { ...data, key: Uint8Array.from(data.key), control: shared, ...(resolved.entry ? { entry: resolved.entry } : {}) } satisfies StoreWriterData,
        // Small: it holds one connection and the batch in hand (a page of 100 applications is a few hundred KB),
        // and its heap is memory on top of the main thread's (bench/sync's push phase: 277 MB with 128/16).
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

  /** Where writes run now: 'starting' and 'running' on the thread, 'inline' on the main connection. */
  get where(): StoreWriterState {
    return this.state;
  }

  private call(method: WriterMethod, args: unknown[]): Promise<unknown> {
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
    log.warn('case store: the store writer is not available; sync writes on the main thread', { code, detail: message.slice(0, 300) });
    const owed = [...this.pending.values()];
    this.pending.clear();
    for (const entry of owed) {
      if (notStarted) {
        this.inline(entry.method, entry.args).then(entry.resolve, entry.reject);
      } else {
        entry.reject(new DomainError('store_writer_stopped', 'The case store writer stopped before it answered; sync will try again.'));
      }
    }
    if (this.worker) void this.worker.terminate();
  }

  /**
   * Lets the thread finish what it was sent, then close its connection (before the main one closes, which as the
   * last connection checkpoints and removes the WAL). Synchronous like CaseStore.close; waits `closeTimeoutMs` at most.
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
