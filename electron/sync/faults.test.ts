// Fault injection: the engine talks to the real central server through a proxy that drops connections, delays,
// answers 500/503/429 (with Retry-After), loses answers after the server acted, and cuts or corrupts image bodies.
// After every scenario each local decision is applied on the server exactly once, nothing is lost locally, and
// the outbox holds nothing pending; a page that fails midway (a store step, a download) is pulled again whole.
// Backoff waits are recorded, never slept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions, type SyncReport, type SyncStore } from './engine';
import { cursorKey } from './engine';
import { startFaultProxy, type Fault, type FaultProxy } from '../../tests/support/faultProxy';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import { engineOptions, instantSleep, openWorkstationSide, rejectLocally, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';

let central: CentralFixture;
let proxy: FaultProxy;
let local: Workstation;

beforeAll(async () => {
  central = await startCentral();
  proxy = await startFaultProxy(central.server.url);
  local = openWorkstationSide();
}, 60_000);

afterAll(async () => {
  await proxy?.settled();
  await proxy?.close();
  await local?.close();
  await central?.close();
});

const batch = /\/v1\/mutations:batch$/;
const changes = /\/v1\/changes$/;
const content = /\/v1\/documents\/[^/]+\/content$/;

function engine(extra: Partial<SyncEngineOptions> = {}): { engine: SyncEngine; waits: number[] } {
  const sleeper = instantSleep();
  return {
    waits: sleeper.waits,
    engine: createSyncEngine(engineOptions(local, proxy.url, { deviceId: 'device-faults', sleep: sleeper.sleep, batchSize: 2, ...extra })),
  };
}

/** What the scheduler would do: sync again until a sync completes (bounded, so a bug cannot spin). */
async function syncUntilDone(e: SyncEngine, rounds = 6): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (let i = 0; i < rounds; i++) {
    const report = await e.syncNow();
    reports.push(report);
    if (report.ok) break;
  }
  return reports;
}

/** Brings `count` new applications to the store (no faults) and decides each locally; returns id → mutation id. */
async function decidedCases(count: number): Promise<Map<string, string>> {
  const envelopes = await central.submit(count);
  const report = await engine().engine.syncNow();
  expect(report.ok, JSON.stringify(report.error)).toBe(true);
  const decided = new Map<string, string>();
  for (const e of envelopes) decided.set(e.application.id, await rejectLocally(local.store, e.application.id));
  return decided;
}

async function expectAppliedOnce(decided: Map<string, string>): Promise<void> {
  const onServer = await central.decisionsFor([...decided.keys()]);
  expect(onServer).toHaveLength(decided.size);
  for (const row of onServer) expect(row.id).toBe(decided.get(row.application_id));
  for (const [applicationId, mutationId] of decided) {
    const [decision] = local.store.getCase(applicationId).decisions;
    expect(decision).toMatchObject({ mutationId, sync: 'applied' });
  }
  expect(local.store.outboxCounts().pending).toBe(0);
}

const pushScenarios: { name: string; faults: [RegExp, Fault, number][]; retries: number }[] = [
  { name: 'dropped connections', faults: [[batch, { kind: 'drop' }, 2]], retries: 2 },
  { name: '500 and 503 answers', faults: [[batch, { kind: 'status', status: 500 }, 1], [batch, { kind: 'status', status: 503 }, 1]], retries: 2 },
  { name: 'answers lost after the server applied the batch', faults: [[batch, { kind: 'lose_response' }, 3]], retries: 3 },
];

describe('push under faults', () => {
  for (const scenario of pushScenarios) {
    it(`${scenario.name}: every decision applied exactly once`, async () => {
      const decided = await decidedCases(5);
      proxy.clear();
      for (const [route, fault, times] of scenario.faults) proxy.inject(route, fault, times);
      const { engine: e } = engine();
      const reports = await syncUntilDone(e);
      expect(reports.at(-1)?.ok).toBe(true);
      expect(reports.reduce((n, r) => n + r.retries, 0)).toBe(scenario.retries);
      expect(proxy.remaining()).toBe(0);
      await expectAppliedOnce(decided);
    });
  }

  it('429 with Retry-After: the wait honours it', async () => {
    const decided = await decidedCases(3);
    proxy.clear();
    proxy.inject(batch, { kind: 'status', status: 429, headers: { 'retry-after': '7' } }, 1);
    const { engine: e, waits } = engine();
    const report = await e.syncNow();
    expect(report.ok).toBe(true);
    expect(waits).toEqual([7_000]);
    await expectAppliedOnce(decided);
  });

  it('a Retry-After longer than a sync should hold on ends the sync; nothing is sent twice, nothing lost', async () => {
    const decided = await decidedCases(1);
    proxy.clear();
    proxy.inject(batch, { kind: 'status', status: 429, headers: { 'retry-after': '3600' } }, 1);
    const { engine: e, waits } = engine();
    const first = await e.syncNow();
    expect(first).toMatchObject({ ok: false, state: 'error', error: { code: 'injected' } });
    // The service asked for a pause: the sync ends there, without pulling either.
    expect(first.pulled.pages).toBe(0);
    expect(waits).toEqual([]);
    expect(local.store.outboxCounts().pending).toBe(1);
    expect((await e.syncNow()).ok).toBe(true);
    await expectAppliedOnce(decided);
  });

  it('more failures than one sync tries: the sync ends in error, the next one finishes the job', async () => {
    const decided = await decidedCases(3);
    proxy.clear();
    proxy.inject(batch, { kind: 'status', status: 503 }, 4);
    const { engine: e, waits } = engine({ maxAttempts: 3 });
    const reports = await syncUntilDone(e);
    expect(reports.map((r) => r.ok)).toEqual([false, true]);
    expect(reports[0]?.state).toBe('error');
    // The push gave up, the pull still ran.
    expect(reports[0]?.pulled.pages).toBeGreaterThan(0);
    // Exponential, full jitter at 0.5: 500 ms, 1 s; then the second sync's first retry.
    expect(waits).toEqual([500, 1_000, 500]);
    await expectAppliedOnce(decided);
  });

  it('a delayed answer past the client deadline: resent, and the late original is answered from the stored outcome', async () => {
    const decided = await decidedCases(2);
    proxy.clear();
    proxy.inject(batch, { kind: 'delay', ms: 2_500 }, 1);
    const { engine: e } = engine({ requestTimeoutMs: 800, batchSize: 10 });
    const reports = await syncUntilDone(e);
    expect(reports.at(-1)?.ok).toBe(true);
    await proxy.settled();
    await expectAppliedOnce(decided);
  });

  it('a withdrawal plus faults: the outbox ends holding only the rejected mutation', async () => {
    const decided = await decidedCases(3);
    const [withdrawnId] = [...decided.keys()];
    await central.withdraw(withdrawnId as string);
    proxy.clear();
    proxy.inject(batch, { kind: 'lose_response' }, 1);
    proxy.inject(batch, { kind: 'drop' }, 1);
    const before = local.store.outboxCounts();
    const reports = await syncUntilDone(engine().engine);
    expect(reports.at(-1)?.ok).toBe(true);
    const after = local.store.outboxCounts();
    expect(after.pending).toBe(0);
    expect(after.rejected - before.rejected).toBe(1);
    expect(local.store.getCase(withdrawnId as string).decisions[0]).toMatchObject({ sync: 'rejected', rejectedReason: 'withdrawn' });
    decided.delete(withdrawnId as string);
    await expectAppliedOnce(decided);
    expect(await central.decisionsFor([withdrawnId as string])).toHaveLength(0);
  });
});

describe('stop', () => {
  it('aborts a sync waiting on a slow answer; the decision stays pending and goes through later', async () => {
    const decided = await decidedCases(1);
    proxy.clear();
    proxy.inject(batch, { kind: 'delay', ms: 1_500 }, 1);
    const { engine: e } = engine();
    const running = e.syncNow();
    while (!proxy.seen.some((s) => batch.test(s.path))) await new Promise((resolve) => setTimeout(resolve, 10));
    await e.stop();
    const report = await running;
    expect(report).toMatchObject({ ok: false, error: { code: 'sync_stopped' } });
    expect(e.status().state).toBe('idle');
    await proxy.settled(); // the server may have applied it meanwhile: the next sync learns the stored outcome
    expect((await engine().engine.syncNow()).ok).toBe(true);
    await expectAppliedOnce(decided);
  });
});

describe('pull under faults', () => {
  it('a body cut off halfway resumes with Range; a corrupted body is refused by the checksum and fetched again', async () => {
    const envelopes = await central.submit(2);
    proxy.clear();
    proxy.inject(content, { kind: 'truncate', bytes: 50_000 }, 1);
    proxy.inject(content, { kind: 'corrupt' }, 1);
    proxy.inject(changes, { kind: 'status', status: 500 }, 1);
    const { engine: e } = engine();
    const reports = await syncUntilDone(e);
    const report = reports.at(-1) as SyncReport;
    expect(report.ok).toBe(true);
    expect(proxy.remaining()).toBe(0);
    const ranges = proxy.seen.filter((s) => content.test(s.path) && s.range !== null).map((s) => s.range);
    expect(ranges).toEqual(['bytes=50000-']);
    expect(report.images.resumedBytes).toBeGreaterThan(0);
    for (const envelope of envelopes) {
      const detail = local.store.getCase(envelope.application.id);
      expect(detail.documents.map((d) => d.sha256)).toEqual(envelope.documents.map((d) => d.sha256));
    }
  });

  it('a download the imaging process makes is classified as any exchange: 401 refreshes the session, 429 waits Retry-After', async () => {
    const envelopes = await central.submit(1);
    proxy.clear();
    proxy.inject(content, { kind: 'status', status: 401, body: JSON.stringify({ error: { code: 'unauthorized', message: 'Token expired.' } }) }, 1);
    proxy.inject(content, { kind: 'status', status: 429, headers: { 'retry-after': '7' } }, 1);
    const { engine: e, waits } = engine();
    const report = await e.syncNow();
    expect(report.ok, JSON.stringify(report.error)).toBe(true);
    expect(proxy.remaining()).toBe(0);
    // The 401 was followed by a refresh (and the download repeated), the 429 by a wait of at least its Retry-After.
    const seen = proxy.seen.map((s) => s.path);
    const refused = seen.findIndex((path) => content.test(path));
    expect(seen.slice(refused).some((path) => path.endsWith('/v1/session/refresh'))).toBe(true);
    expect(waits.some((ms) => ms >= 7_000)).toBe(true);
    expect(e.status().state).toBe('idle');
    const detail = local.store.getCase(envelopes[0]!.application.id);
    expect(detail.documents.map((d) => d.sha256)).toEqual(envelopes[0]!.documents.map((d) => d.sha256));
  });

  // No page arrives here, so nothing is stored before the retry; a page lost after it arrived is "a page that
  // fails midway" below.
  it('a changes answer lost after the server assigned the cases: the same cursor is asked again and the cases arrive', async () => {
    expect((await engine().engine.syncNow()).ok).toBe(true); // a cursor to start from
    const envelopes = await central.submit(2);
    proxy.clear();
    proxy.inject(changes, { kind: 'lose_response' }, 1);
    const cursorBefore = local.store.getSyncState(cursorKey('reviewer1'));
    const asked = cursorsAsked();
    const report = await engine({ transport: asked.transport }).engine.syncNow();
    expect(report.ok, JSON.stringify(report.error)).toBe(true);
    expect(proxy.remaining()).toBe(0);
    expect(report.retries).toBe(1);
    // The server assigned the cases while answering the lost request; the repeat, from the same cursor, brings them.
    expect(asked.cursors).toEqual([cursorBefore, cursorBefore]);
    expect(report.pulled).toMatchObject({ pages: 1, changes: envelopes.length, inserted: envelopes.length });
    expect(local.store.getSyncState(cursorKey('reviewer1'))).not.toBe(cursorBefore);
    for (const envelope of envelopes) expect(local.store.getCase(envelope.application.id).application.assignee).toBe('reviewer1');
  });
});

/** The engine's transport, noting the cursor each changes request carried (null: from the start). */
function cursorsAsked(): { transport: HttpTransport; cursors: (string | null)[] } {
  const cursors: (string | null)[] = [];
  return {
    cursors,
    transport: (url, request) => {
      const parsed = new URL(url);
      if (changes.test(parsed.pathname)) cursors.push(parsed.searchParams.get('cursor'));
      return nodeHttpTransport(url, request);
    },
  };
}

/**
 * The workstation's store, with one of its steps failing on cue (a mock of the store next to the engine under
 * test): `failRead` throws from the store lookups of a page's preparation, `failUpsert` from the n-th store
 * transaction of pulled applications. Every other call reaches the real store.
 */
function faultyStore(faults: { failRead?: boolean; failUpsert?: number }): { store: SyncStore; upserted: string[][] } {
  const s = local.store;
  const upserted: string[][] = [];
  const store: SyncStore = {
    decisionLogNewest: () => s.decisionLogNewest(),
    businessCalendar: () => s.businessCalendar(),
    storeCalendar: (calendar) => s.storeCalendar(calendar),
    auditAfter: (seq, limit) => s.auditAfter(seq, limit),
    storeDecisionLog: (entries, syncedAt) => s.storeDecisionLog(entries, syncedAt),
    withdrawalLogNewest: () => s.withdrawalLogNewest(),
    storeWithdrawalLog: (records, syncedAt) => s.storeWithdrawalLog(records, syncedAt),
    pendingSupervision: (limit, madeBy) => s.pendingSupervision(limit, madeBy),
    settleSupervision: (answers) => s.settleSupervision(answers),
    storeQualityQueue: (stage, records, syncedAt) => s.storeQualityQueue(stage, records, syncedAt),
    storeQualityPolicy: (policy, syncedAt) => s.storeQualityPolicy(policy, syncedAt),
    pendingMutations: (limit, decidedBy) => s.pendingMutations(limit, decidedBy),
    pendingByPerson: () => s.pendingByPerson(),
    outboxCounts: () => s.outboxCounts(),
    getSyncState: (key) => s.getSyncState(key),
    getCase: (id) => {
      if (faults.failRead) throw new DomainError('store_read_failed', 'Injected: the case store could not be read.');
      return s.getCase(id);
    },
    imageBySha256: (sha256) => s.imageBySha256(sha256),
    settleMutations: (answers) => s.settleMutations(answers),
    markMutationRejected: (id, reason, current) => s.markMutationRejected(id, reason, current),
    setSyncState: (key, value) => s.setSyncState(key, value),
    upsertApplications: async (records) => {
      upserted.push(records.map((r) => r.application.id));
      if (upserted.length === faults.failUpsert) throw new DomainError('store_write_failed', 'Injected: the disk is full.');
      return s.upsertApplications(records);
    },
  };
  return { store, upserted };
}

const stored = (applicationId: string): boolean => {
  try {
    return local.store.getCase(applicationId).application.id === applicationId;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'case_not_found') return false;
    throw error;
  }
};

// A page is validated, prepared (store lookups, document downloads), stored in several transactions, and only then
// is its cursor saved. A failure at any step after the page arrived must leave the cursor where it was, so that
// the next sync asks for the same page again and stores all of it (ARCHITECTURE.md, "Sync protocol").
const midPageFaults: { step: string; code: string; count: number; arrange(): Partial<SyncEngineOptions> & { upserted?: string[][] } }[] = [
  {
    step: 'a store lookup while the page is prepared',
    code: 'store_read_failed',
    count: 2,
    arrange: () => faultyStore({ failRead: true }),
  },
  {
    step: 'a document download',
    code: 'injected',
    count: 3,
    arrange: () => {
      proxy.inject(content, { kind: 'status', status: 503 }, 1);
      return { maxAttempts: 1 };
    },
  },
  {
    step: 'the page’s first store transaction',
    code: 'store_write_failed',
    count: 3,
    arrange: () => faultyStore({ failUpsert: 1 }),
  },
  {
    // New cases go five to the first transaction of a run (engine.ts, upsertFirstFresh): twelve take more than one.
    step: 'a later store transaction of the page, after an earlier one committed',
    code: 'store_write_failed',
    count: 12,
    arrange: () => faultyStore({ failUpsert: 2 }),
  },
];

describe('a page that fails midway', () => {
  for (const fault of midPageFaults) {
    it(`${fault.step}: the cursor stays, and the next sync pulls the page again and stores all of it`, async () => {
      const cursorBefore = local.store.getSyncState(cursorKey('reviewer1'));
      const envelopes = await central.submit(fault.count);
      const ids = envelopes.map((e) => e.application.id);
      proxy.clear();
      const { upserted, ...extra } = fault.arrange();
      const failing = cursorsAsked();
      const report = await engine({ ...extra, transport: failing.transport }).engine.syncNow();
      expect(report).toMatchObject({ ok: false, error: { code: fault.code } });
      expect(failing.cursors).toEqual([cursorBefore]);
      expect(local.store.getSyncState(cursorKey('reviewer1'))).toBe(cursorBefore);
      // What a transaction before the failure committed stays stored; nothing after it is.
      const committed = new Set(upserted?.slice(0, -1).flat() ?? []);
      expect(ids.filter(stored)).toEqual(ids.filter((id) => committed.has(id)));

      const again = cursorsAsked();
      const next = await engine({ transport: again.transport }).engine.syncNow();
      expect(next.ok, JSON.stringify(next.error)).toBe(true);
      expect(again.cursors).toEqual([cursorBefore]);
      expect(next.pulled.changes).toBe(fault.count);
      expect(local.store.getSyncState(cursorKey('reviewer1'))).not.toBe(cursorBefore);
      for (const envelope of envelopes) {
        expect(local.store.getCase(envelope.application.id).documents.map((d) => d.sha256)).toEqual(envelope.documents.map((d) => d.sha256));
      }
    });
  }
});
