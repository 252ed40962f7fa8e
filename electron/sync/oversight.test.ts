// A supervisor's live oversight on the workstation against the real central service: sync keeps the counts with their
// time; the channels answer live counts and the lists behind them, and when the service cannot be reached, the kept
// counts (said to be so) and a clear refusal of the lists.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OversightSummary } from '../../shared/contract/central';
import type { OversightView } from '../../shared/contract/oversight';
import type { Person } from '../../shared/domain';
import { createOversightHandlers } from '../api/oversight';
import { createQualityHandlers } from '../api/quality';
import { dispatch, type CallContext, type Handlers } from '../api/registry';
import { engineOptions, openWorkstationSide, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine, type SyncEngine } from './engine';
import { cachedOversight, oversightSummaryKey } from './oversight';

const supervisor: Person = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' };
const reviewer: Person = { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' };
const as = (person: Person | null): CallContext => ({ person, deviceId: 'device-test', transport: 'http' });

let central: CentralFixture;
let side: Workstation;
let engine: SyncEngine;
beforeAll(async () => {
  central = await startCentral();
});
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  side = openWorkstationSide();
});
afterEach(async () => {
  await engine?.stop();
  await side?.close();
});

function supervisorEngine(url: string): SyncEngine {
  return createSyncEngine(engineOptions(side, url, { credentials: { username: 'supervisor1', password: 'verity-demo' }, maxAttempts: 1 }));
}

describe("a supervisor's live oversight", () => {
  it('is kept by sync with its time, answered live with the lists behind it, and from the kept copy offline', async () => {
    const [a, b, c] = await central.submit(3, 0);
    await central.assign(a!.application.id, 'reviewer2');
    await central.assign(b!.application.id, 'reviewer2');
    engine = supervisorEngine(central.server.url);
    expect(cachedOversight(side.store)).toBeNull();
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    const kept = cachedOversight(side.store);
    expect(kept?.asOf).toBe(central.server.clock.now.toISOString());
    expect(kept?.rows.find((r) => r.reviewer === 'reviewer2')?.open).toBe(2);

    const handlers = createOversightHandlers(side.store, (path, schema) => engine.get(path, schema)) as unknown as Handlers;
    const live = await dispatch(handlers, 'oversight.summary', {}, as(supervisor));
    expect(live.ok).toBe(true);
    const view = (live as { value: OversightView }).value;
    expect(view).toMatchObject({ live: true, notLiveReason: null });
    const pool = view.summary?.rows.find((r) => r.reviewer === null);
    const listed = await dispatch(handlers, 'oversight.applications', { reviewer: 'reviewer2', bucket: 'open' }, as(supervisor));
    expect(listed.ok && listed.value).toMatchObject({ applications: [{ assignee: 'reviewer2' }, { assignee: 'reviewer2' }], nextCursor: null });
    const poolList = await dispatch(handlers, 'oversight.applications', { unassigned: true, limit: 200 }, as(supervisor));
    expect(poolList.ok && (poolList.value as { applications: { id: string }[] }).applications.map((x) => x.id)).toContain(c!.application.id);
    expect(poolList.ok && (poolList.value as { applications: unknown[] }).applications.length).toBe(pool?.open);

    // Only a supervisor; and the query is checked.
    expect(await dispatch(handlers, 'oversight.summary', {}, as(reviewer))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(handlers, 'oversight.applications', {}, as(null))).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await dispatch(handlers, 'oversight.applications', { reviewer: 'reviewer2', unassigned: true }, as(supervisor))).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });

    // The central service gone: the kept counts, said to be kept; the lists refused with a reason.
    central.server.clock.advance(60_000);
    await engine.stop();
    const gone = createSyncEngine(engineOptions(side, 'http://127.0.0.1:9', { credentials: { username: 'supervisor1', password: 'verity-demo' }, maxAttempts: 1 }));
    engine = gone;
    const offline = createOversightHandlers(side.store, (path, schema) => gone.get(path, schema)) as unknown as Handlers;
    const cached = await dispatch(offline, 'oversight.summary', {}, as(supervisor));
    expect(cached).toMatchObject({ ok: true, value: { live: false, summary: { asOf: kept?.asOf } } });
    expect((cached as { value: OversightView }).value.notLiveReason).toMatch(/cannot be reached/);
    const refused = await dispatch(offline, 'oversight.applications', { bucket: 'overdue' }, as(supervisor));
    expect(refused).toMatchObject({ ok: false, error: { code: 'central_unreachable' } });
    // No central service configured at all: the kept copy, and the lists say why not.
    const standalone = createOversightHandlers(side.store, null) as unknown as Handlers;
    expect(await dispatch(standalone, 'oversight.summary', {}, as(supervisor))).toMatchObject({ ok: true, value: { live: false, summary: { asOf: kept?.asOf } } });
    expect(await dispatch(standalone, 'oversight.applications', {}, as(supervisor))).toMatchObject({ ok: false, error: { code: 'sync_not_configured' } });
  });

  it("applies a supervisor's queued reassignment once, and the reviewers' next syncs show it", async () => {
    const reviewer1Side = openWorkstationSide();
    const reviewer2Side = openWorkstationSide();
    const r1 = createSyncEngine(engineOptions(reviewer1Side, central.server.url));
    const r2 = createSyncEngine(engineOptions(reviewer2Side, central.server.url, { credentials: { username: 'reviewer2', password: 'verity-demo' } }));
    try {
      const [moved] = await central.submit(1, 1);
      const id = moved!.application.id;
      // reviewer1's sync takes it from the pool.
      expect((await r1.syncNow()).error).toBeNull();
      expect(reviewer1Side.store.listQueue({ status: 'open', limit: 200 }).items.map((i) => i.id)).toContain(id);

      // The supervisor reassigns it to reviewer2 from their workstation: queued, sent by the next sync, applied once.
      engine = supervisorEngine(central.server.url);
      const handlers = createQualityHandlers(side.store, { isOnline: () => false, onActed: () => undefined }) as unknown as Handlers;
      const acted = await dispatch(handlers, 'supervision.act', { type: 'reassign', applicationIds: [id], reviewer: 'reviewer2' }, as(supervisor));
      expect(acted).toMatchObject({ ok: true, value: { state: 'pending' } });
      expect((await engine.syncNow()).error).toBeNull();
      expect(side.store.supervisionOutbox().filter((a) => a.state === 'pending')).toEqual([]);
      const [row] = await central.server.db.query<{ assignee: string }>(`SELECT assignee FROM applications WHERE id = $1`, [id]);
      expect(row?.assignee).toBe('reviewer2');
      // The kept counts (taken after the push) already say so; a second sync sends nothing again.
      expect(cachedOversight(side.store)?.rows.find((r) => r.reviewer === 'reviewer2')?.open).toBeGreaterThanOrEqual(1);
      expect((await engine.syncNow()).error).toBeNull();

      // Each reviewer's next sync shows it: in reviewer2's queue, out of reviewer1's.
      expect((await r2.syncNow()).error).toBeNull();
      expect(reviewer2Side.store.listQueue({ status: 'open', limit: 200 }).items.map((i) => i.id)).toContain(id);
      expect((await r1.syncNow()).error).toBeNull();
      expect(reviewer1Side.store.listQueue({ status: 'open', assignee: 'reviewer1', limit: 200 }).items.map((i) => i.id)).not.toContain(id);
    } finally {
      await r1.stop();
      await r2.stop();
      await reviewer1Side.close();
      await reviewer2Side.close();
    }
  });

  it('treats a kept copy that no longer reads as a summary as none', async () => {
    await side.store.setSyncState(oversightSummaryKey, '{"rows": "not rows"}');
    expect(cachedOversight(side.store)).toBeNull();
    const summary: OversightSummary = { asOf: '2026-11-24T02:00:00.000Z', today: '2026-11-24', timeZone: 'Asia/Shanghai', rows: [] };
    await side.store.setSyncState(oversightSummaryKey, JSON.stringify(summary));
    expect(cachedOversight(side.store)).toEqual(summary);
  });
});
