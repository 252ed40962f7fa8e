// The store writer thread: sync's writes run on a connection of its own, land in the same store the main
// connection reads, keep their errors' codes, are counted by the WAL checkpointer, share the store with the main
// thread's own writes, and fall back to the main connection whenever the thread is not there.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { isOpen } from '../../shared/lifecycle';
import { openCaseStore, type CaseStore, type OpenCaseStoreOptions, type UpsertRecord } from './caseStore';
import { generateApplications } from './seed';
import { tempFolder } from '../../tests/support/tempFolder';
import { reviewer, testKey, until } from '../../tests/support/store';

const opened: CaseStore[] = [];
/** A store with its writer thread, on the real clock (the thread keeps it). */
function openStore(options: Partial<OpenCaseStoreOptions> = {}, path = join(tempFolder('verity-writer-'), 'cases.db')): CaseStore {
  const store = openCaseStore({ path, keyProvider: testKey(), writer: {}, ...options });
  opened.push(store);
  return store;
}
const running = (store: CaseStore) => until(() => store.writer?.where === 'running', 'the store writer to start');
const count = (store: CaseStore): number => (store.db.prepare('SELECT count(*) AS n FROM applications').get() as { n: number }).n;
const threadOf = (store: CaseStore): Worker => Reflect.get(store.writer as object, 'worker') as Worker;
/** Rows the main connection itself changed since it opened (SQLite's total_changes): none of the thread's. */
const totalChanges = (store: CaseStore): number => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
/** Waits until the checkpoint count has stood still for a while (10 of the test's checkpoint intervals). */
async function settledCheckpoints(checkpoints: () => number): Promise<void> {
  let last = -1;
  while (last !== checkpoints()) {
    last = checkpoints();
    await new Promise<void>((resolve) => setTimeout(resolve, 200));
  }
}

afterEach(() => {
  for (const store of opened.splice(0)) if (store.db.open) store.close();
});

describe('store writer', () => {
  it('runs sync’s writes on its own connection; the main connection reads them at once', async () => {
    const store = openStore();
    await running(store);
    const records = generateApplications(30, 3);
    const result = await store.writes.upsertApplications(records);
    expect(result.inserted).toBe(30);
    expect(count(store)).toBe(30);
    await store.writes.setSyncState('cursor', 'c-1');
    expect(store.getSyncState('cursor')).toBe('c-1');
    // The same records again are updates of equal versions: the thread's answers carry its results.
    expect((await store.writes.upsertApplications(records.slice(0, 5))).updated).toBe(5);
    expect(store.writer?.where).toBe('running');
  });

  it('answers a refusal with the store’s error code, and stores nothing of the refused batch', async () => {
    const store = openStore();
    await running(store);
    const [good, bad] = generateApplications(2, 4) as [UpsertRecord, UpsertRecord];
    const broken = { ...bad, application: { ...bad.application, submittedAt: 'yesterday' } } as UpsertRecord;
    const refusal = await store.writes.upsertApplications([good, broken]).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('invalid_application');
    expect(count(store)).toBe(0);
    const unknown = await store.writes.markMutationRejected('no-such-mutation', 'stale', null).catch((e: unknown) => e);
    expect((unknown as DomainError).code).toBe('mutation_not_found');
  });

  it('shares the store with the main thread’s decisions: both land, the audit chain holds, and the outbox settles from the thread', async () => {
    const store = openStore();
    await running(store);
    // Open cases first: those are the ones a reviewer decides.
    // The reviewer's own cases: a reviewer decides only the cases assigned to them.
    const all = generateApplications(200, 5).map((r) => ({ ...r, application: { ...r.application, assignee: reviewer.id } }));
    const records = [...all.filter((r) => isOpen(r.application.status)), ...all.filter((r) => !isOpen(r.application.status))];
    expect(records.slice(0, 20).every((r) => isOpen(r.application.status))).toBe(true);
    await store.writes.upsertApplications(records.slice(0, 20));
    // Decisions on the main connection while the thread writes the rest in small transactions.
    const writing = Promise.all(Array.from({ length: 18 }, (_, i) => store.writes.upsertApplications(records.slice(20 + i * 10, 30 + i * 10))));
    const ids = records.slice(0, 20).map((r) => r.application.id);
    const mutations: string[] = [];
    for (const applicationId of ids) {
      const decided = store.recordDecision(
        { applicationId, outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'Please send a clearer photo.', internalNote: '', overrideNote: null },
        reviewer,
        'device-test',
        false,
      );
      mutations.push(decided.mutationId);
    }
    await writing;
    expect(count(store)).toBe(200);
    expect(store.outboxCounts().pending).toBe(20);
    const settled = await store.writes.settleMutations(mutations.map((id, i) => ({ id, status: 'applied' as const, serverVersion: 100 + i })));
    expect(settled).toEqual({ settled: 20, skipped: [] });
    expect(store.outboxCounts().pending).toBe(0);
    expect(store.verifyAudit().ok).toBe(true);
  });

  it('runs only the writes it is for: any other method asked of the thread is refused, and the store stays open', async () => {
    const store = openStore();
    await running(store);
    const thread = threadOf(store);
    const reply = new Promise<unknown>((resolve) => {
      const listen = (message: { type: string; id?: number }) => {
        if (message.id !== 999_999) return;
        thread.off('message', listen);
        resolve(message);
      };
      thread.on('message', listen);
    });
    thread.postMessage({ type: 'call', id: 999_999, method: 'close', args: [] });
    expect(await reply).toMatchObject({ type: 'error', code: 'store_write_unknown' });
    expect((await store.writes.upsertApplications(generateApplications(3, 12))).inserted).toBe(3);
  });

  it('its commits are counted by the WAL checkpointer, which copies them with no commit on the main connection', async () => {
    // No idle truncation within the test: a checkpoint can only follow a commit the worker was told of.
    const store = openStore({ checkpointer: { quietMs: 5, intervalMs: 20, idleMs: 60_000 } });
    await running(store);
    await until(() => store.checkpointer?.stats().state === 'running', 'the checkpointer to start');
    const checkpoints = () => store.checkpointer?.stats().checkpoints ?? 0;
    // The store's own commits (its migration) are checkpointed first: what follows can only come of the thread's.
    await settledCheckpoints(checkpoints);
    const before = checkpoints();
    const mainChanges = totalChanges(store);
    await store.writes.upsertApplications(generateApplications(20, 6));
    await until(() => checkpoints() > before, 'a checkpoint after the thread’s commit', 3000);
    expect(checkpoints()).toBeGreaterThan(before);
    expect(count(store)).toBe(20);
    expect(totalChanges(store)).toBe(mainChanges);
  });

  it('finishes what it was sent before the store closes: nothing is lost', async () => {
    const path = join(tempFolder('verity-writer-'), 'cases.db');
    const store = openStore({}, path);
    await running(store);
    const sent = store.writes.upsertApplications(generateApplications(50, 7));
    sent.catch(() => undefined); // answered or not, it must be stored
    store.close();
    const again = openStore({ writer: undefined }, path);
    expect(count(again)).toBe(50);
  });

  it('without its thread (no script), sync’s writes run on the main connection', async () => {
    const store = openStore({ writer: { workerScript: pathToFileURL(join(tempFolder('verity-writer-'), 'no-such-writer.js')) } });
    const result = await store.writes.upsertApplications(generateApplications(10, 8));
    expect(result.inserted).toBe(10);
    await until(() => store.writer?.where === 'inline', 'the fallback');
    expect((await store.writes.upsertApplications(generateApplications(10, 9))).inserted).toBe(10);
    expect(count(store)).toBe(20);
  });

  it('when the thread dies, the writes it owed fail with a code sync retries on, and later ones run on the main connection', async () => {
    const store = openStore();
    await running(store);
    // The main connection holds the write lock, so the thread cannot have answered the write when it dies.
    store.db.exec('BEGIN IMMEDIATE');
    const owed = store.writes.upsertApplications(generateApplications(100, 10)).catch((e: unknown) => e);
    await threadOf(store).terminate();
    store.db.exec('ROLLBACK');
    const outcome = await owed;
    expect(outcome).toBeInstanceOf(DomainError);
    expect((outcome as DomainError).code).toBe('store_writer_stopped');
    expect(count(store)).toBe(0);
    await until(() => store.writer?.where === 'inline', 'the fallback');
    expect((await store.writes.upsertApplications(generateApplications(5, 11))).inserted).toBe(5);
    expect(count(store)).toBe(5);
  });
});
