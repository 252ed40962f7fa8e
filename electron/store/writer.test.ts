// The store writer: every write runs on a thread holding the only connection that writes; it lands in the store
// the main connection reads, keeps its errors' codes, keeps the WAL bounded with SQLite's own checkpoints on its
// connection, and falls back to the main connection whenever the thread is not there.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { isOpen } from '../../shared/lifecycle';
import { internalsOf, openCaseStore, type OpenCaseStoreOptions } from './open';
import { generateApplications } from './seed';
import type { CaseStore, UpsertRecord } from './types';
import { tempFolder } from '../../tests/support/tempFolder';
import { reviewer, testKey, until } from '../../tests/support/store';

const opened: CaseStore[] = [];
/** A store with its writer thread, as the app opens it. */
function openStore(options: Partial<OpenCaseStoreOptions> = {}, path = join(tempFolder('verity-writer-'), 'cases.db')): CaseStore {
  const store = openCaseStore({ path, keyProvider: testKey(), writer: {}, ...options });
  opened.push(store);
  return store;
}
const writer = (store: CaseStore) => internalsOf(store).writer;
const running = (store: CaseStore) => until(() => writer(store).where === 'running', 'the store writer to start');
const count = (store: CaseStore): number => (internalsOf(store).db.prepare('SELECT count(*) AS n FROM applications').get() as { n: number }).n;
const threadOf = (store: CaseStore): Worker => Reflect.get(writer(store), 'worker') as Worker;
/** Rows the main connection itself changed since it opened (SQLite's total_changes; its migration included): none of the thread's. */
const totalChanges = (store: CaseStore): number => (internalsOf(store).db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
const walSize = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const reject = (applicationId: string) => ({ applicationId, outcome: 'reject' as const, reasonCodes: ['other' as const], applicantMessage: 'Please send a clearer photo.', internalNote: '', overrideNote: null });

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

describe('store writer', () => {
  it('runs sync’s writes on its own connection; the main connection reads them at once', async () => {
    const store = openStore();
    await running(store);
    const mainChanges = totalChanges(store);
    const records = generateApplications(30, 3);
    const result = await store.upsertApplications(records);
    expect(result.inserted).toBe(30);
    expect(count(store)).toBe(30);
    await store.setSyncState('cursor', 'c-1');
    expect(store.getSyncState('cursor')).toBe('c-1');
    // The same records again are updates of equal versions: the thread's answers carry its results.
    expect((await store.upsertApplications(records.slice(0, 5))).updated).toBe(5);
    expect(writer(store).where).toBe('running');
    expect(totalChanges(store)).toBe(mainChanges);
  });

  it('answers a refusal with the store’s error code, and stores nothing of the refused batch', async () => {
    const store = openStore();
    await running(store);
    const [good, bad] = generateApplications(2, 4) as [UpsertRecord, UpsertRecord];
    const broken = { ...bad, application: { ...bad.application, submittedAt: 'yesterday' } } as UpsertRecord;
    const refusal = await store.upsertApplications([good, broken]).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('invalid_application');
    expect(count(store)).toBe(0);
    const unknown = await store.markMutationRejected('no-such-mutation', 'stale', null).catch((e: unknown) => e);
    expect((unknown as DomainError).code).toBe('mutation_not_found');
  });

  it('takes decisions and sync’s writes in the order sent: all land, the audit chain holds, the main connection writes nothing', async () => {
    const store = openStore();
    await running(store);
    const mainChanges = totalChanges(store);
    // Open cases first: those are the ones a reviewer decides.
    // The reviewer's own cases: a reviewer decides only the cases assigned to them.
    const all = generateApplications(200, 5).map((r) => ({ ...r, application: { ...r.application, assignee: reviewer.id } }));
    const records = [...all.filter((r) => isOpen(r.application.status)), ...all.filter((r) => !isOpen(r.application.status))];
    expect(records.slice(0, 20).every((r) => isOpen(r.application.status))).toBe(true);
    await store.upsertApplications(records.slice(0, 20));
    // Decisions while the rest of a pull arrives in small transactions.
    const writing = Promise.all(Array.from({ length: 18 }, (_, i) => store.upsertApplications(records.slice(20 + i * 10, 30 + i * 10))));
    const ids = records.slice(0, 20).map((r) => r.application.id);
    const decisions = await Promise.all(ids.map((applicationId) => store.recordDecision(reject(applicationId), reviewer, 'device-test', false)));
    await writing;
    expect(count(store)).toBe(200);
    expect(store.outboxCounts().pending).toBe(20);
    const settled = await store.settleMutations(decisions.map((d, i) => ({ id: d.mutationId, status: 'applied' as const, serverVersion: 100 + i })));
    expect(settled).toEqual({ settled: 20, skipped: [] });
    expect(store.outboxCounts().pending).toBe(0);
    expect(store.verifyAudit()).toEqual({ ok: true, count: 20 });
    expect(totalChanges(store)).toBe(mainChanges);
  });

  it('records an opening on its connection and answers with the case, its audit entry included', async () => {
    const store = openStore();
    await running(store);
    const mainChanges = totalChanges(store);
    const [record] = generateApplications(1, 13).map((r) => ({ ...r, application: { ...r.application, assignee: reviewer.id } }));
    await store.upsertApplications([record!]);
    const detail = await store.openCase(record!.application.id, { actor: reviewer, deviceId: 'device-test', online: true });
    expect(detail.audit.at(-1)).toMatchObject({ action: 'documents_opened', actor: { id: reviewer.id }, online: true });
    expect(store.getCase(record!.application.id).audit).toEqual(detail.audit);
    expect(totalChanges(store)).toBe(mainChanges);
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
    expect((await store.upsertApplications(generateApplications(3, 12))).inserted).toBe(3);
  });

  it('keeps the WAL bounded under a stream of commits with SQLite’s own checkpoints, on its connection', async () => {
    const path = join(tempFolder('verity-writer-'), 'cases.db');
    const store = openStore({}, path);
    await running(store);
    const mainChanges = totalChanges(store);
    const records = generateApplications(1500, 3);
    let maxWal = 0;
    // Transactions of 10, as the sync engine writes: ~56 KB of WAL per application, ~80 MB if nothing checkpointed.
    for (let i = 0; i < records.length; i += 10) {
      await store.upsertApplications(records.slice(i, i + 10));
      maxWal = Math.max(maxWal, walSize(path));
    }
    expect(maxWal).toBeLessThan(32 * 1024 * 1024);
    expect(count(store)).toBe(1500);
    expect(totalChanges(store)).toBe(mainChanges);
  }, 60_000);

  it('finishes what it was sent before the store closes: nothing is lost', async () => {
    const path = join(tempFolder('verity-writer-'), 'cases.db');
    const store = openStore({}, path);
    await running(store);
    const sent = store.upsertApplications(generateApplications(50, 7));
    sent.catch(() => undefined); // answered or not, it must be stored
    store.close();
    const again = openStore({ writer: undefined }, path);
    expect(count(again)).toBe(50);
  });

  it('without its thread (no script), sync’s writes run on the main connection', async () => {
    const store = openStore({ writer: { workerScript: pathToFileURL(join(tempFolder('verity-writer-'), 'no-such-writer.js')) } });
    const result = await store.upsertApplications(generateApplications(10, 8));
    expect(result.inserted).toBe(10);
    await until(() => writer(store).where === 'inline', 'the fallback');
    expect((await store.upsertApplications(generateApplications(10, 9))).inserted).toBe(10);
    expect(count(store)).toBe(20);
  });

  it('when the thread dies, the writes it owed fail with a code sync retries on, and later ones run on the main connection', async () => {
    const store = openStore();
    await running(store);
    // The main connection holds the write lock, so the thread cannot have answered the write when it dies.
    const { db } = internalsOf(store);
    db.exec('BEGIN IMMEDIATE');
    const owed = store.upsertApplications(generateApplications(100, 10)).catch((e: unknown) => e);
    await threadOf(store).terminate();
    db.exec('ROLLBACK');
    const outcome = await owed;
    expect(outcome).toBeInstanceOf(DomainError);
    expect((outcome as DomainError).code).toBe('store_writer_stopped');
    expect(count(store)).toBe(0);
    await until(() => writer(store).where === 'inline', 'the fallback');
    expect((await store.upsertApplications(generateApplications(5, 11))).inserted).toBe(5);
    expect(count(store)).toBe(5);
  });
});
