// The WAL checkpointer thread: it keeps the WAL bounded while commits stream in, truncates it when they stop,
// stops before the store closes, and whenever it cannot do its job the main connection checkpoints itself again.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from '../common/log';
import { WalCheckpointer, walResetFixed, type CheckpointerState } from './checkpointer';
import { generateApplications } from './seed';
import { openDatabase } from './database';
import { deriveKey } from '../common/keys';
import { tempStore, testKey, until, type TempStore } from '../../tests/support/store';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const walSize = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
/** The WAL header's salts (bytes 16–23; SQLite3MultipleCiphers encrypts the frames' pages, not the header): new ones whenever the WAL starts over. */
function walSalts(path: string): string {
  const header = Buffer.alloc(32);
  const fd = openSync(`${path}-wal`, 'r');
  try {
    if (readSync(fd, header, 0, 32, 0) < 32) return 'empty'; // truncated, and no header written since
  } finally {
    closeSync(fd);
  }
  expect(header.readUInt32BE(0) & 0xfffffffe).toBe(0x377f0682); // the WAL magic
  return header.subarray(16, 24).toString('hex');
}
const autocheckpoint = (t: TempStore): unknown => t.store.db.pragma('wal_autocheckpoint', { simple: true });
const count = (t: TempStore): number => (t.store.db.prepare('SELECT count(*) AS n FROM applications').get() as { n: number }).n;
const stateOf = (checkpointer: WalCheckpointer | null): CheckpointerState | undefined => checkpointer?.stats().state;
const workerOf = (checkpointer: WalCheckpointer): Worker => Reflect.get(checkpointer, 'worker') as Worker;
const exitOf = (worker: Worker): Promise<number> =>
  Promise.race([new Promise<number>((resolve) => worker.once('exit', resolve)), sleep(10_000).then(() => Promise.reject(new Error('the worker did not exit')))]);

const stores: TempStore[] = [];
function store(options: Parameters<typeof tempStore>[2]): TempStore {
  const t = tempStore(0, 1, options);
  stores.push(t);
  return t;
}

afterEach(() => {
  for (const t of stores.splice(0)) t.cleanup();
  vi.restoreAllMocks();
});

describe('WAL checkpointer', () => {
  it('takes checkpoints off the main connection and keeps the WAL bounded under a stream of commits, then truncates it', async () => {
    const t = store({ checkpointer: { rewindFrames: 256, intervalMs: 20, quietMs: 5, idleMs: 200 } });
    expect(autocheckpoint(t)).toBe(1000); // until the worker is ready, the main connection checkpoints itself
    await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
    expect(autocheckpoint(t)).toBe(0);
    const records = generateApplications(1500, 3);
    let maxWal = 0;
    // Transactions of 10 with a yield between them, as the sync engine writes: ~56 KB of WAL per application, so
    // ~80 MB if nothing checkpointed.
    for (let i = 0; i < records.length; i += 10) {
      t.store.upsertApplications(records.slice(i, i + 10));
      maxWal = Math.max(maxWal, walSize(t.path));
      await nextTurn();
    }
    expect(maxWal).toBeLessThan(32 * 1024 * 1024);
    expect(t.store.checkpointer!.stats().checkpoints).toBeGreaterThan(0);
    // Truncated, then started over by the worker: a header and the one page it rewrote (see the test below).
    await until(() => t.store.checkpointer!.stats().truncations > 0 && t.store.checkpointer!.stats().primes > 0 && walSize(t.path) < 8192, 'the idle truncation');
    expect(count(t)).toBe(1500);
  }, 60_000);

  it('starts the WAL over itself after copying or truncating it, so that commits on the main thread append and never fsync a new WAL header', async () => {
    // Each commit after a pause: does it start the WAL over (a header written and fsynced on the main thread, new
    // salts), or append to the WAL the worker started over? Without priming, the former every time.
    const restartsByMain = async (prime: boolean): Promise<number> => {
      // Between commits the worker goes idle (truncates), and then sleeps until a commit wakes it; it looks at the WAL
      // only quietMs after that, so the header read right after a commit is the one that commit left.
      const t = store({ checkpointer: { prime, intervalMs: 100, quietMs: 100, idleMs: 150 } });
      await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
      const idleAgain = (before: { truncations: number; primes: number }) => () => {
        const now = t.store.checkpointer!.stats();
        // Primed twice when priming: after the copy that follows the commit, and after the truncation.
        return now.truncations > before.truncations && (!prime || now.primes >= before.primes + 2);
      };
      await until(idleAgain({ truncations: 0, primes: -1 }), 'the first idle truncation');
      let restarts = 0;
      for (let i = 0; i < 8; i++) {
        const before = t.store.checkpointer!.stats();
        const salts = walSalts(t.path);
        t.store.setSyncState('probe', String(i));
        if (walSalts(t.path) !== salts) restarts += 1;
        await until(idleAgain(before), 'the copy and truncation after the commit');
      }
      expect(t.store.getSyncState('probe')).toBe('7');
      expect(t.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      return restarts;
    };
    expect(await restartsByMain(false)).toBe(8);
    expect(await restartsByMain(true)).toBe(0);
  }, 60_000);

  it('primes only once commits pause: in a stream, the main connection keeps its page cache', async () => {
    const t = store({ checkpointer: { intervalMs: 20, quietMs: 5, primeQuietMs: 1500, idleMs: 60_000 } });
    await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
    await until(() => t.store.checkpointer!.stats().primes > 0, 'the prime after the first copy');
    const before = t.store.checkpointer!.stats();
    const started = performance.now();
    for (let i = 0; performance.now() - started < 600; i++) {
      t.store.setSyncState('probe', String(i));
      await sleep(10);
    }
    const during = t.store.checkpointer!.stats();
    expect(during.checkpoints).toBeGreaterThan(before.checkpoints); // copied meanwhile…
    expect(during.primes).toBe(before.primes); // …but did not prime
    await until(() => t.store.checkpointer!.stats().primes > before.primes, 'the prime in the pause');
  }, 30_000);

  it('tells the SQLite versions with the WAL-reset bug (with those the main connection keeps checkpointing)', () => {
    expect(['3.7.17', '3.50.4', '3.51.2'].map(walResetFixed)).toEqual([false, false, false]);
    expect(['3.51.3', '3.52.0', '3.53.2', '4.0.0'].map(walResetFixed)).toEqual([true, true, true, true]);
  });

  it('keeps the WAL bounded for a writer that never yields to the event loop', async () => {
    const t = store({ checkpointer: { rewindFrames: 256, intervalMs: 20, quietMs: 5 } });
    await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
    const records = generateApplications(2000, 7);
    let maxWal = 0;
    for (let i = 0; i < records.length; i += 5) {
      t.store.upsertApplications(records.slice(i, i + 5));
      maxWal = Math.max(maxWal, walSize(t.path));
    }
    // ~180 MB unchecked (~90 KB of WAL per application in transactions of 5). Only forced rewinds happen here (the
    // worker never catches up with commits that never pause), at 4 × rewindFrames, run inline since no turn comes.
    expect(maxWal).toBeLessThan(64 * 1024 * 1024);
    expect(t.store.checkpointer!.stats().rewinds).toBeGreaterThan(0);
  }, 60_000);

  it('stops its thread before the store closes, which then removes the WAL; everything is there after reopening', async () => {
    const t = store({ checkpointer: { intervalMs: 10, quietMs: 5 } });
    await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
    const checkpointer = t.store.checkpointer!;
    const exited = exitOf(workerOf(checkpointer));
    const records = generateApplications(400, 4);
    for (let i = 0; i < records.length; i += 25) {
      t.store.upsertApplications(records.slice(i, i + 25));
      await sleep(2);
    }
    const started = performance.now();
    t.store.close();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(checkpointer.stats().state).toBe('closed');
    await exited;
    // Only the last connection to close checkpoints and deletes the WAL: the worker's was closed first.
    expect(existsSync(`${t.path}-wal`)).toBe(false);
    const again = t.reopen({ checkpointer: false });
    expect(count(t)).toBe(400);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const last = records.at(-1)!.application;
    expect(again.getCase(last.id).application).toMatchObject({ id: last.id, version: last.version, status: last.status });
  }, 60_000);

  it('lets a store close while its worker is still starting, and the thread ends', async () => {
    const t = store({});
    const checkpointer = t.store.checkpointer!;
    const exited = exitOf(workerOf(checkpointer));
    t.store.close();
    await exited;
    expect(checkpointer.stats().state).toBe('closed');
  }, 30_000);

  it('leaves checkpointing to the main connection when the worker cannot unlock the store (wrong key)', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    const t = store({ checkpointer: false });
    const checkpointer = new WalCheckpointer(t.store.db, t.path, Buffer.alloc(32, 1), undefined);
    try {
      await until(() => checkpointer.stats().state === 'fallback', 'the fallback');
      expect(autocheckpoint(t)).toBe(1000);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('not available'), expect.objectContaining({ code: 'SQLITE_NOTADB' }));
      // Writes go on, noting commits to a checkpointer that is not there any more is harmless.
      t.store.upsertApplications(generateApplications(5, 5));
      checkpointer.noteCommit();
      expect(count(t)).toBe(5);
    } finally {
      checkpointer.close();
    }
  }, 30_000);

  it('falls back when the store file is not there, or the worker script is missing', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    const t = store({ checkpointer: false });
    const key = Buffer.from('5e'.repeat(32), 'hex');
    const absent = new WalCheckpointer(t.store.db, join(t.dir, 'absent.db'), key, undefined);
    const noScript = new WalCheckpointer(t.store.db, t.path, key, undefined, { workerScript: pathToFileURL(join(t.dir, 'no-such-worker.js')) });
    try {
      await until(() => absent.stats().state === 'fallback' && noScript.stats().state === 'fallback', 'both fallbacks');
      expect(autocheckpoint(t)).toBe(1000);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('not available'), expect.objectContaining({ code: 'SQLITE_CANTOPEN' }));
      expect(existsSync(join(t.dir, 'absent.db'))).toBe(false); // never created
    } finally {
      absent.close();
      noScript.close();
    }
  }, 30_000);

  it('gives the main connection its autocheckpoint back when the worker dies after starting', async () => {
    vi.spyOn(log, 'warn').mockImplementation(() => {});
    const t = store({});
    await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
    expect(autocheckpoint(t)).toBe(0);
    await workerOf(t.store.checkpointer!).terminate();
    await until(() => stateOf(t.store.checkpointer) === 'fallback', 'the fallback');
    expect(autocheckpoint(t)).toBe(1000);
    t.store.upsertApplications(generateApplications(5, 6));
    expect(count(t)).toBe(5);
  }, 30_000);

  it('a joined connection (the store writer’s) leaves checkpoints to the worker while it runs, and takes them back when it stops', async () => {
    vi.spyOn(log, 'warn').mockImplementation(() => {});
    const t = store({});
    await until(() => stateOf(t.store.checkpointer) === 'running', 'the worker to start');
    const { db: second } = openDatabase(t.path, deriveKey(testKey(), 'sqlite'), undefined, { quickCheck: false });
    try {
      const joined = WalCheckpointer.join(second, t.store.checkpointer!.shared);
      const secondAutocheckpoint = () => second.pragma('wal_autocheckpoint', { simple: true });
      expect(secondAutocheckpoint()).toBe(0);
      await workerOf(t.store.checkpointer!).terminate();
      await until(() => stateOf(t.store.checkpointer) === 'fallback', 'the fallback');
      // Learnt at its next commit, without a message.
      second.prepare("INSERT INTO sync_state (key, value) VALUES ('probe', '1')").run();
      joined.noteCommit();
      expect(secondAutocheckpoint()).toBe(1000);
      joined.close();
    } finally {
      second.close();
    }
  }, 30_000);
});
