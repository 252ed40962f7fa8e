// What the main thread and the WAL checkpointer's worker share: the start-up data and the slots of one small
// SharedArrayBuffer. Shared memory rather than messages, so that the main thread tells the worker about a commit
// with one atomic add (no event-loop turn, no message per commit) and learns the worker's state without waiting
// for a message.

/** Int32 slots of `WorkerData.control`. */
export const Slot = {
  /**
   * Commits on the connections that write (the main one, and the store writer's when there is one); each adds 1
   * after each commit and wakes the worker if it sleeps on it.
   */
  commits: 0,
  /** 1: stop now (set by the main thread on close, which then waits on `state`). */
  stop: 1,
  /** One of `WorkerState`, set by the worker. */
  state: 2,
  /** Checkpoints the worker ran (PASSIVE and TRUNCATE), and the idle truncations among them: for tests and logs. */
  checkpoints: 3,
  truncations: 4,
  /**
   * 1: the worker has copied all but the last few frames of a WAL grown past `rewindFrames`; the main thread, at its
   * next commit, copies the rest itself (a few ms) so that the WAL can start over (see checkpointWorker.ts), unless
   * too many commits came since. 2: the same, but the WAL has grown far past the mark: copy whatever is left.
   */
  rewind: 5,
  /** The `commits` count when the worker's last catch-up round began (what it copied ends about there). */
  rewindFrom: 6,
  /** Times the worker started a fully copied WAL over with a write of its own (see `prime` in checkpointWorker.ts). */
  primes: 7,
} as const;
export const slotCount = 8;

export const WorkerState = {
  starting: 0,
  /** Its connection is open and keyed: the main connection may stop checkpointing itself. */
  ready: 1,
  /** It closed its connection and is about to exit (after a stop). */
  closed: 2,
  /** It gave up (could not open, or a checkpoint failed): the main connection must checkpoint itself again. */
  failed: 3,
} as const;

export interface CheckpointWorkerData {
  path: string;
  /** The raw 32-byte SQLCipher key (copied into the worker). */
  key: Uint8Array;
  /** In Electron: the better-sqlite3 addon built for Electron's ABI. */
  nativeBinding?: string;
  control: SharedArrayBuffer;
  /** While commits arrive: at most one PASSIVE checkpoint per this many ms. */
  intervalMs: number;
  /** No commit for this long: a pause between bursts, checkpoint now (and how often the thread looks meanwhile). */
  quietMs: number;
  /** No commit for this long: checkpoint everything and truncate the WAL, then sleep until the next commit. */
  idleMs: number;
  /** Start a fully copied WAL over from the worker (see `prime` in checkpointWorker.ts); false only in tests. */
  prime: boolean;
  /** …after a copy, once commits have paused this long (after a truncation: at once). */
  primeQuietMs: number;
  /** A WAL of this many frames (pages) is rewound even while commits keep coming (see checkpointWorker.ts). */
  rewindFrames: number;
  /** From TypeScript sources only: the module worker-boot.dev.mjs imports (this file's sibling checkpointWorker.ts). */
  entry?: string;
}

/** Messages the worker posts (rare: start-up and failures only). */
export type CheckpointWorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; code: string; message: string }
  | { type: 'warning'; code: string; message: string };
