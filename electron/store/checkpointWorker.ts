// The WAL checkpointer's worker thread: its own connection to the case store, keyed like the main one, copies the
// WAL back into the database (PASSIVE: never waits for, nor blocks, the main connection's readers and writers)
// at most every `intervalMs` while commits arrive and as soon as they pause for `quietMs`, and when they stop for
// `idleMs` truncates the WAL file, then sleeps until the next commit. SQLite3MultipleCiphers encrypts at the file layer,
// so a checkpoint decrypts and re-encrypts every page it copies, and fsyncs: ~50 ms inside a commit on the main
// thread, which is why it runs here. After a truncation, and after a copy once commits pause, it also starts the
// WAL over itself (`prime`), since the first commit into a fresh WAL fsyncs it. It never imports electron; it runs
// the same from sources and from a bundle.
//
// The thread blocks in Atomics.wait between rounds (it has nothing else to do), so it hears the main thread
// through shared memory only (checkpointProtocol.ts), and posts a message only at start-up and on failure.
import Database from 'better-sqlite3-multiple-ciphers';
import { parentPort, workerData } from 'node:worker_threads';
import { applyCipherKey } from './cipher';
import { Slot, WorkerState, type CheckpointWorkerData, type CheckpointWorkerMessage } from './checkpointProtocol';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const port = parentPort;
if (!port) throw new Error('electron/store/checkpointWorker must run in a worker thread');
const data = workerData as CheckpointWorkerData;
const control = new Int32Array(data.control);
const post = (message: CheckpointWorkerMessage): void => port.postMessage(message);
const stopped = (): boolean => Atomics.load(control, Slot.stop) === 1;

function setState(state: number): void {
  Atomics.store(control, Slot.state, state);
  Atomics.notify(control, Slot.state);
}

function describe(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : 'unknown', message: error instanceof Error ? error.message : String(error) };
}

function open(): Database.Database {
  const db = new Database(data.path, data.nativeBinding ? { fileMustExist: true, nativeBinding: data.nativeBinding } : { fileMustExist: true });
  try {
    applyCipherKey(db, data.key);
    // Reading the schema proves the key (a wrong one fails here with SQLITE_NOTADB).
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // Never wait: PASSIVE does not anyway, and TRUNCATE would hold the write lock while waiting for the main
    // connection's readers (and so make its next commit wait too); it is simply tried again at the next idle.
    db.pragma('busy_timeout = 0');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkpoint(db: Database.Database, mode: 'PASSIVE' | 'TRUNCATE'): CheckpointRow {
  const rows = db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[];
  Atomics.add(control, Slot.checkpoints, 1);
  return rows[0] ?? { busy: 1, log: -1, checkpointed: -1 };
}

/**
 * SQLite starts a fully copied WAL over at the next write, and that write's commit writes a new WAL header and fsyncs
 * it (even with synchronous=NORMAL, so that no out-of-order write after the restart can corrupt the store). Left
 * to the main connection, that is an fsync on the main thread after every pause: 0.3–2 ms as a rule, over 100 ms
 * while another process writes heavily (bench/store/README.md, "commits under disk pressure"). So the worker makes
 * that first write itself, the smallest there is (the database header's application id, rewritten unchanged), and
 * the main thread's next commit appends to a WAL that is not empty. Skipped when a commit came since `since` (the
 * main connection has started the WAL over already) or is under way (busy_timeout 0: never waits for the main
 * thread's write lock). A main-thread commit that arrives during this short write waits for it; before, every such
 * commit paid for the fsync itself. The price: another connection's commit makes the main connection drop its page
 * cache (it re-reads and decrypts what it needs: ~0.8 ms on its next commit, bench/store/README.md), so after a
 * copy the worker primes only once commits have paused for `primeQuietMs` (between pull pages, derived-quality
 * batches), not in a fast stream, where it would cost more than the fsync it saves (push of 10,000: 4.0 → 5.2 s).
 */
function prime(db: Database.Database, since: number): void {
  if (!data.prime || Atomics.load(control, Slot.commits) !== since) return;
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch {
    return; // SQLITE_BUSY: the main connection is writing, and starts the WAL over itself
  }
  try {
    const applicationId = Number(db.pragma('application_id', { simple: true }));
    // PRAGMA takes no bound parameters; the value is the integer just read.
    db.pragma(`application_id = ${Math.trunc(applicationId)}`);
    db.exec('COMMIT');
    Atomics.add(control, Slot.primes, 1);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    post({ type: 'warning', ...describe(error) });
  }
}

/** Whether a checkpoint left nothing to copy (and so the WAL starts over at the next write). */
const fullyCopied = (row: CheckpointRow): boolean => row.busy === 0 && row.log > 0 && row.checkpointed === row.log;

/**
 * A PASSIVE checkpoint never lets the WAL start over while commits keep coming: it copies the frames that were
 * there when it began, the main thread appends more meanwhile, and SQLite rewinds the WAL (its next writer starts
 * from the file's beginning) only once every frame was copied. So once the WAL passes `rewindFrames`, catch up
 * with a few more PASSIVE rounds (each copies what the last one's duration let in, so they shrink), then ask the
 * main thread to copy the small rest itself, between two of its transactions (checkpointer.ts), where nothing can
 * write meanwhile. Not FULL or RESTART from here: they need the write lock, which the main thread takes again
 * within a millisecond of each commit, so they starve (measured: busy after 50–140 ms, and the WAL grew to 1 GB
 * over 10,000 applications), and RESTART's wait for readers makes the main writer wait with it.
 */
function catchUp(db: Database.Database, first: CheckpointRow): number | null {
  let last = first;
  let added = Infinity;
  let roundStart = 0;
  for (let round = 0; round < 8 && added > catchUpFrames; round++) {
    roundStart = Atomics.load(control, Slot.commits);
    const next = checkpoint(db, 'PASSIVE');
    added = next.log - last.log;
    last = next;
  }
  // Nothing was committed during the last round: the WAL can start over, from here.
  if (added <= 0) return fullyCopied(last) ? roundStart : null;
  // Not caught up (this thread gets too little CPU for the pace of commits): the main thread's share would be
  // large, so try again later, unless the WAL has grown far past its mark.
  const forced = last.log >= 4 * data.rewindFrames;
  if (added > catchUpFrames && !forced) return null;
  Atomics.store(control, Slot.rewindFrom, roundStart);
  Atomics.store(control, Slot.rewind, forced ? 2 : 1);
  return null;
}

/** What the main thread may be left to copy, besides the commits since: 1 MB of 4 KB pages. */
const catchUpFrames = 256;

/**
 * One PASSIVE checkpoint, and the catch-up when the WAL has grown past `rewindFrames` all the same. Returns the
 * commit count it began at when it left nothing to copy (the WAL may then be primed, if that count has not moved
 * once commits have paused for `primeQuietMs`), else null.
 */
function copy(db: Database.Database): number | null {
  const since = Atomics.load(control, Slot.commits);
  const passive = checkpoint(db, 'PASSIVE');
  if (passive.log >= data.rewindFrames) return catchUp(db, passive);
  return fullyCopied(passive) ? since : null;
}

/** Runs until stopped; throws when a PASSIVE checkpoint fails (the main connection then checkpoints itself). */
function run(db: Database.Database): void {
  let seen = Atomics.load(control, Slot.commits);
  // Whether a checkpoint ran since the last commit seen, and whether the WAL file was truncated since. Both false
  // at first: the WAL may hold commits from before this thread was ready.
  let copied = false;
  let truncated = false;
  let lastCopy = -Infinity;
  let quietSince = performance.now();
  // From the last copy that left nothing to copy (see `copy`); null once a commit came or the WAL was primed.
  let primeSince: number | null = null;
  while (!stopped()) {
    if (copied && truncated) {
      // Nothing to do until the main thread counts a commit (or stops us: it wakes this slot too).
      Atomics.wait(control, Slot.commits, seen);
      quietSince = performance.now();
      copied = false;
      truncated = false;
      continue;
    }
    Atomics.wait(control, Slot.stop, 0, data.quietMs);
    if (stopped()) break;
    const now = performance.now();
    const commits = Atomics.load(control, Slot.commits);
    if (commits !== seen) {
      // Commits keep coming: copy in bulk, at most every intervalMs (a page rewritten many times is copied once).
      seen = commits;
      quietSince = now;
      copied = false;
      truncated = false;
      primeSince = null;
      if (now - lastCopy < data.intervalMs) continue;
      lastCopy = now;
      primeSince = copy(db);
      copied = true;
      continue;
    }
    if (!copied) {
      // No commit for quietMs: the main thread is between bursts (the sync waits on the network between pages), so
      // a copy now most likely completes, and the WAL then starts over (`prime`), staying small.
      lastCopy = now;
      copied = true;
      primeSince = copy(db);
      continue;
    }
    if (primeSince !== null && now - quietSince >= data.primeQuietMs) {
      prime(db, primeSince);
      primeSince = null;
      continue;
    }
    if (now - quietSince < data.idleMs) continue;
    // Idle: give the file's space back. TRUNCATE only once PASSIVE has copied everything, so the write lock it
    // holds is held for a truncation, not for a copy.
    quietSince = now;
    const since = Atomics.load(control, Slot.commits);
    const passive = checkpoint(db, 'PASSIVE');
    if (passive.busy !== 0 || passive.checkpointed < passive.log) continue; // a reader holds old pages: later
    if (passive.log > 0) {
      try {
        const result = checkpoint(db, 'TRUNCATE');
        if (result.busy !== 0) continue;
        Atomics.add(control, Slot.truncations, 1);
      } catch (error) {
        // The copy is done either way; only the file's size stays. Retried at the next idle.
        post({ type: 'warning', ...describe(error) });
        continue;
      }
    }
    // The emptied file starts over with a header of this thread's (one page follows it, 4 KB).
    prime(db, since);
    primeSince = null;
    truncated = true;
  }
}

let db: Database.Database | null = null;
try {
  db = open();
} catch (error) {
  setState(WorkerState.failed);
  post({ type: 'failed', ...describe(error) });
}
if (db) {
  setState(WorkerState.ready);
  post({ type: 'ready' });
  let failure: { code: string; message: string } | null = null;
  try {
    run(db);
  } catch (error) {
    failure = describe(error);
  }
  // Closing while the main connection is open never checkpoints or deletes the WAL: that stays the main's job.
  try {
    db.close();
  } catch {
    // Nothing left to save: the connection only read.
  }
  if (failure) {
    setState(WorkerState.failed);
    post({ type: 'failed', ...failure });
  } else {
    setState(WorkerState.closed);
  }
}
