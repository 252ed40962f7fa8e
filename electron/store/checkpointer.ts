// Moves SQLite's WAL checkpoints off the main thread. With the default `wal_autocheckpoint` the commit that
// crosses 1,000 WAL pages copies them back into the (encrypted) database and fsyncs, inside the caller's
// transaction: 45–55 ms per such commit against 5–7 ms for the others in a 10,000-application pull, and up to
// several hundred ms on a busy disk (bench/sync/README.md). Here the main connection does not checkpoint by itself
// (`wal_autocheckpoint = 0`): a worker thread with its own connection copies (checkpointWorker.ts), and the main
// thread only finishes a rewind of a large WAL now and then, in a turn of its own (see `rewind`).
//
// Safety first: the main connection keeps its autocheckpoint until the worker says it is ready, and gets it back
// whenever the worker fails, exits or cannot start, so the WAL is always checkpointed by someone and cannot grow
// without bound. Nothing is ever lost either way: a checkpoint only copies committed pages.
//
// Worker script resolution (the `workerScript` option), as in electron/imaging/pool.ts:
//  - given: used as is.
//  - omitted, running from TypeScript sources (vitest, tsx): ../common/worker-boot.dev.mjs registers tsx in the
//    thread and imports checkpointWorker.ts next to this file.
//  - omitted, running from a bundle: `checkpoint-worker` with this module's extension next to the bundle
//    (out/main/checkpoint-worker.js from electron.vite.config.ts; .mjs for the crash test's esbuild bundle).
import { Worker } from 'node:worker_threads';
import { log } from '../common/log';
import { Slot, WorkerState, slotCount, type CheckpointWorkerData, type CheckpointWorkerMessage } from './checkpointProtocol';
import type { Db } from './database';
import { workerScript } from '../common/workerScript';

export interface WalCheckpointerOptions {
  workerScript?: URL;
  /** While commits arrive: at most one checkpoint per this many ms. Default 200. */
  intervalMs?: number;
  /** No commit for this long: a pause between bursts, when a checkpoint most likely completes. Default 10. */
  quietMs?: number;
  /** No commit for this long: truncate the WAL file, then sleep until the next commit. Default 2000. */
  idleMs?: number;
  /**
   * WAL size, in frames of one page (4 KB), past which it is rewound while commits go on (the main thread copies
   * the last few frames, see checkpointWorker.ts): only in a stream of commits without pauses. Default 8192 (32 MB).
   */
  rewindFrames?: number;
  /** How long `close` waits for a checkpoint in progress before it lets the thread go. Default 3000. */
  closeTimeoutMs?: number;
  /**
   * Whether the worker starts a fully copied WAL over itself, so that no commit on the main thread fsyncs a new WAL
   * header (checkpointWorker.ts, `prime`). Default true; false only for the test that shows the difference.
   */
  prime?: boolean;
  /** After a copy, the worker primes the WAL once commits have paused this long. Default 100. */
  primeQuietMs?: number;
}

export type CheckpointerState = 'starting' | 'running' | 'fallback' | 'closed';

export interface CheckpointerStats {
  state: CheckpointerState;
  /** Checkpoints the worker ran, and the idle truncations of the WAL file among them. */
  checkpoints: number;
  truncations: number;
  /** Times the worker started the WAL over with a write of its own. */
  primes: number;
  /** Small checkpoints the main thread ran to let a WAL grown past `rewindFrames` start over. */
  rewinds: number;
  longestRewindMs: number;
}

/** Commits after the worker's last catch-up round beyond which the main thread does not finish the rewind. */
const maxCommitsBehind = 4;

/** SQLite's own default, restored on the main connection whenever the worker is not there to checkpoint. */
const defaultAutocheckpoint = 1000;

/**
 * SQLite before 3.51.3 has the "WAL-reset bug" (sqlite.org/wal.html#walresetbug): a checkpoint on one connection
 * racing a commit on another that starts the WAL over can mark frames as copied that were not, which is exactly
 * this design's situation; such a SQLite keeps checkpointing on the main connection.
 */
export function walResetFixed(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && (minor > 51 || (minor === 51 && patch >= 3)));
}


export class WalCheckpointer {
  private state: CheckpointerState = 'starting';
  private readonly control: Int32Array;
  private readonly worker: Worker | null = null;
  private readonly closeTimeoutMs: number;
  private rewinds = 0;
  private longestRewindMs = 0;
  private rewindScheduled = false;
  private exited = false;
  /** Another connection's checkpointer this one only reports commits to (see `join`); it owns no thread. */
  private readonly joined: boolean;

  /**
   * For a second connection that writes to the same store (the store writer's thread, storeWriter.ts): its commits
   * are counted and its autocheckpoint follows the worker's state, as the main connection's, but the worker stays
   * the main connection's checkpointer's, started and stopped there.
   */
  static join(db: Db, control: SharedArrayBuffer): WalCheckpointer {
    return new WalCheckpointer(db, '', new Uint8Array(0), undefined, {}, control);
  }

  constructor(
    private readonly db: Db,
    path: string,
    key: Uint8Array,
    nativeBinding: string | undefined,
    options: WalCheckpointerOptions = {},
    joinControl?: SharedArrayBuffer,
  ) {
    this.joined = joinControl !== undefined;
    const shared = joinControl ?? new SharedArrayBuffer(slotCount * Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(shared);
    this.closeTimeoutMs = options.closeTimeoutMs ?? 3000;
    if (this.joined) {
      if (Atomics.load(this.control, Slot.stop) === 0 && Atomics.load(this.control, Slot.state) === WorkerState.ready) this.engage();
      return;
    }
    const version = String(db.prepare('SELECT sqlite_version()').pluck().get());
    if (!walResetFixed(version)) {
      this.fallBack('sqlite_wal_reset_bug', `SQLite ${version} can corrupt a WAL database checkpointed by a second connection while the first writes (fixed in 3.51.3)`);
      return;
    }
    const resolved = options.workerScript ? { script: options.workerScript } : workerScript(import.meta.url, './checkpointWorker.ts', 'checkpoint-worker');
    const data: CheckpointWorkerData = {
      path,
      key: Uint8Array.from(key),
      ...(nativeBinding ? { nativeBinding } : {}),
      control: shared,
      intervalMs: Math.max(1, Math.floor(options.intervalMs ?? 200)),
      quietMs: Math.max(1, Math.floor(options.quietMs ?? 10)),
      idleMs: Math.max(1, Math.floor(options.idleMs ?? 2000)),
      rewindFrames: Math.max(1, Math.floor(options.rewindFrames ?? 8192)),
      prime: options.prime ?? true,
      primeQuietMs: Math.max(0, Math.floor(options.primeQuietMs ?? 100)),
      ...(resolved.entry ? { entry: resolved.entry } : {}),
    };
    try {
      // A small heap: the thread holds one connection and a loop (tsx, in development, needs a little more).
      this.worker = new Worker(resolved.script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } });
    } catch (error) {
      this.fallBack('checkpoint_worker_start_failed', error instanceof Error ? error.message : String(error));
      return;
    }
    // An open store must not keep the process alive for its checkpointer (a killed checkpoint is harmless).
    this.worker.unref();
    this.worker.on('message', (message: CheckpointWorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error: Error) => this.fallBack('checkpoint_worker_error', error.message));
    this.worker.on('exit', (code: number) => {
      this.exited = true;
      this.fallBack('checkpoint_worker_exited', `the checkpoint worker exited (code ${code})`);
    });
  }

  /** What a joining connection's checkpointer is made with (`join`). */
  get shared(): SharedArrayBuffer {
    return this.control.buffer as SharedArrayBuffer;
  }

  stats(): CheckpointerStats {
    return {
      state: this.state,
      checkpoints: Atomics.load(this.control, Slot.checkpoints),
      truncations: Atomics.load(this.control, Slot.truncations),
      primes: Atomics.load(this.control, Slot.primes),
      rewinds: this.rewinds,
      longestRewindMs: Math.round(this.longestRewindMs * 10) / 10,
    };
  }

  /** After each commit on the main connection: one atomic add, plus a wake-up when the worker sleeps on it. */
  noteCommit(): void {
    if (this.state === 'starting' || this.state === 'running') {
      // The worker's state is read here too, so neither its start nor its failure waits for an event-loop turn.
      const workerState = Atomics.load(this.control, Slot.state);
      if (workerState === WorkerState.failed) this.fallBack('checkpoint_worker_failed', 'the checkpoint worker gave up');
      // The owner fell back (or closed): a joined connection checkpoints itself again too.
      else if (this.joined && Atomics.load(this.control, Slot.stop) === 1) this.fallBack('checkpoint_worker_stopped', 'the checkpoint worker was stopped');
      else if (this.state === 'starting' && workerState === WorkerState.ready) this.engage();
    }
    if (this.state !== 'running') return;
    if (this.rewindScheduled) {
      // The scheduled turn did not come before this commit: the caller commits in a loop without yielding, and
      // would never let it run. Do it now (each further commit would only add to the copy).
      this.rewind();
    } else if (Atomics.load(this.control, Slot.rewind) !== 0) {
      // In a turn of its own, not in the caller's: a commit and this copy back to back would be one longer stall.
      this.rewindScheduled = true;
      setImmediate(() => {
        if (this.rewindScheduled) this.rewind();
      });
    }
    Atomics.add(this.control, Slot.commits, 1);
    Atomics.notify(this.control, Slot.commits);
  }

  /**
   * The worker has copied all but the last few frames of a large WAL: copy those here, between two transactions,
   * so that the next commit starts the WAL over (a copy racing this thread's commits would never finish). Costs
   * 10–35 ms once per `rewindFrames` of WAL, only while commits come without pauses (measured: 10,000
   * applications in time-sized transactions, 2 busy cores), against ~50 ms per 1,000 frames for SQLite's own;
   * more when forced, i.e. when the worker could not catch up for a WAL of 4 × `rewindFrames`.
   */
  private rewind(): void {
    this.rewindScheduled = false;
    const forced = Atomics.exchange(this.control, Slot.rewind, 0) === 2;
    if (this.state !== 'running' || !this.db.open) return;
    // Each commit since the worker's last round adds its pages to this copy: past a few, leave it to the worker's
    // next catch-up (the copy here is what would stall the event loop).
    const since = Atomics.load(this.control, Slot.commits) - Atomics.load(this.control, Slot.rewindFrom);
    if (since > maxCommitsBehind && !forced) return;
    try {
      const started = performance.now();
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.longestRewindMs = Math.max(this.longestRewindMs, performance.now() - started);
      this.rewinds += 1;
    } catch (error) {
      // The commit before it stands; the worker asks again once the WAL has grown further.
      log.warn('case store: WAL rewind checkpoint failed', { code: (error as { code?: unknown }).code ?? 'unknown' });
    }
  }

  /**
   * Stops the worker before the main connection closes (so that the main's close, the last connection, checkpoints
   * and removes the WAL). Waits for a checkpoint in progress, at most `closeTimeoutMs`; synchronous like
   * `CaseStore.close`.
   */
  close(): void {
    if (this.state === 'closed') return;
    if (this.joined) {
      // The worker belongs to the owner, which closes after this connection.
      this.state = 'closed';
      return;
    }
    // After a fallback the thread was already told to stop (and terminated): nothing to wait for.
    const wait = this.state === 'running' || this.state === 'starting';
    this.state = 'closed';
    Atomics.store(this.control, Slot.stop, 1);
    Atomics.notify(this.control, Slot.stop);
    Atomics.notify(this.control, Slot.commits);
    if (!this.worker) return;
    if (!wait || this.exited) {
      void this.worker.terminate();
      return;
    }
    const deadline = Date.now() + this.closeTimeoutMs;
    // A worker still starting (tsx compiles for a moment in development) is not waited for: it stops on its own
    // after opening, or is terminated below before it does anything.
    while (Atomics.load(this.control, Slot.state) === WorkerState.ready) {
      const left = deadline - Date.now();
      if (left <= 0) {
        log.warn('case store: the WAL checkpointer did not stop in time; terminating it', { ms: this.closeTimeoutMs });
        break;
      }
      Atomics.wait(this.control, Slot.state, WorkerState.ready, left);
    }
    void this.worker.terminate();
  }

  private onMessage(message: CheckpointWorkerMessage): void {
    if (message.type === 'ready') {
      if (this.state === 'starting') this.engage();
    } else if (message.type === 'failed') {
      this.fallBack(message.code, message.message);
    } else {
      log.warn('case store: WAL checkpoint warning', { code: message.code, detail: message.message.slice(0, 300) });
    }
  }

  private engage(): void {
    if (!this.db.open) return;
    this.db.pragma('wal_autocheckpoint = 0');
    this.state = 'running';
  }

  private fallBack(code: string, message: string): void {
    if (this.state === 'closed' || this.state === 'fallback') return;
    this.state = 'fallback';
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${defaultAutocheckpoint}`);
    if (this.joined) return;
    log.warn('case store: the WAL checkpointer is not available; checkpointing on the main thread', { code, detail: message.slice(0, 300) });
    Atomics.store(this.control, Slot.stop, 1);
    Atomics.notify(this.control, Slot.stop);
    Atomics.notify(this.control, Slot.commits);
    if (this.worker) void this.worker.terminate();
  }
}
