// The supervisor's reports channel against a real central service: the evidence a reviewer's workstation sends
// (when the case was first opened) reaches the supervisor's log and report; the report is live while the service
// answers, kept per filter, and shown as the kept one, not live, when it cannot be reached.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DecisionReport } from '../../shared/contract/reports';
import { DomainError } from '../../shared/errors';
import { engineOptions, openWorkstationSide, rejectLocally, reviewer1, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine } from '../sync/engine';
import type { CallContext } from './registry';
import { createReportHandlers, reportPath } from './reports';

let central: CentralFixture;
let reviewerSide: Workstation;
let supervisorSide: Workstation;
beforeAll(async () => {
  central = await startCentral();
});
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  reviewerSide = openWorkstationSide();
  supervisorSide = openWorkstationSide();
});
afterEach(async () => {
  await reviewerSide?.close();
  await supervisorSide?.close();
});

const ctx: CallContext = { person: { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' }, deviceId: 'device-test', transport: 'http' };
const supervisorCredentials = { credentials: { username: 'supervisor1', password: 'verity-demo' } };

describe('reports.decisions', () => {
  it('answers live, keeps the answer, and offline shows the kept one as not live', async () => {
    // reviewer1 opens one case for a moment and decides both; the other was never opened here.
    const [opened, unopened] = await central.submit(2, 0);
    const reviewerEngine = createSyncEngine(engineOptions(reviewerSide, central.server.url));
    expect((await reviewerEngine.syncNow()).ok).toBe(true);
    await reviewerSide.store.openCase(opened!.application.id, { actor: reviewer1, deviceId: 'device-test', online: true });
    await new Promise((resolve) => setTimeout(resolve, 40));
    await rejectLocally(reviewerSide.store, opened!.application.id, true);
    await rejectLocally(reviewerSide.store, unopened!.application.id, true);
    expect((await reviewerEngine.syncNow()).pushed.applied).toBe(2);
    await reviewerEngine.stop();

    const engine = createSyncEngine(engineOptions(supervisorSide, central.server.url, supervisorCredentials));
    expect((await engine.syncNow()).error).toBeNull();
    const log = supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 }).items;
    const timed = log.find((e) => e.applicationId === opened!.application.id);
    expect(timed?.handlingMs).toBeGreaterThanOrEqual(40);
    expect(timed?.handlingMs).toBeLessThan(60_000);
    // Within the deadline by the device's clock (the workstation's real one; the test service's runs in 2026-11).
    const byDeviceClock = (decidedAt: string | undefined) => Date.parse(decidedAt ?? '') <= Date.parse(opened!.dueAt);
    expect(timed).toMatchObject({ withinDeadline: byDeviceClock(timed?.decidedAt), dueAt: opened!.dueAt });
    const untimed = log.find((e) => e.applicationId === unopened!.application.id);
    expect(untimed).toMatchObject({ openedAt: null, handlingMs: null, withinDeadline: byDeviceClock(untimed?.decidedAt) });

    const filter = { reviewer: 'reviewer1', kind: 'individual' as const, utcOffsetMinutes: 480 };
    const handlers = createReportHandlers(supervisorSide.store, engine);
    const live = await handlers['reports.decisions'](filter, ctx);
    const direct = DecisionReport.parse((await central.supervisor.get(reportPath(filter))).body);
    expect(live).toEqual({ report: direct, source: 'live', offlineReason: null });
    expect(live.report.handling.overall.measured).toBeGreaterThanOrEqual(1);
    expect(supervisorSide.store.cachedReport({ utcOffsetMinutes: 480, kind: 'individual', reviewer: 'reviewer1' })).toEqual(direct);
    await engine.stop();

    // The central service out of reach: the kept report for that filter, marked cached, with why.
    const away = createSyncEngine(engineOptions(supervisorSide, 'http://127.0.0.1:9/', supervisorCredentials));
    const offline = await createReportHandlers(supervisorSide.store, away)['reports.decisions'](filter, ctx);
    expect(offline).toMatchObject({ report: direct, source: 'cached' });
    expect(offline.offlineReason).toMatch(/\S/);
    // No central service at all: the same.
    expect(await createReportHandlers(supervisorSide.store, null)['reports.decisions'](filter, ctx)).toMatchObject({ report: direct, source: 'cached', offlineReason: 'No central service is configured.' });
    // A filter never asked while online: nothing to show, and it says so.
    const never = createReportHandlers(supervisorSide.store, away)['reports.decisions']({ reviewer: 'reviewer2' }, ctx);
    await expect(never).rejects.toThrow(DomainError);
    await expect(never).rejects.toMatchObject({ code: 'report_unavailable' });
    await away.stop();
  });
});
