// A supervisor's sync against the real central service: it brings every reviewer's decisions into the workstation's
// decision log (and a later one what came since), and never asks for a reviewer's feed or sends mutations. Quality
// review through sync: verdicts made offline apply exactly once on reconnect (a resend after a lost answer too), the
// QA queue and the policy come in, and the reviewer whose decision was overturned gets the case back and decides again.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import type { Person } from '../../shared/domain';
import { engineOptions, instantSleep, openWorkstationSide, rejectLocally, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine } from './engine';

const supervisor: Person = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' };
const asSupervisor = { credentials: { username: 'supervisor1', password: 'verity-demo' } };

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

/** Records each request as `METHOD /path`; `fault` may stand in for the exchange. */
function counting(fault?: HttpTransport): { transport: HttpTransport; paths: string[]; posts(): number } {
  const paths: string[] = [];
  return {
    paths,
    posts: () => paths.filter((p) => p === 'POST /v1/supervision:batch').length,
    transport: (url, request) => {
      paths.push(`${request.method} ${new URL(url).pathname}`);
      return (fault ?? nodeHttpTransport)(url, request);
    },
  };
}

/**
 * reviewer1 pulls `count` new applications, rejects each here and syncs: the central service then holds the decisions.
 * Answers the applications and the decisions' (mutation) ids.
 */
async function decide(count: number): Promise<{ applicationIds: string[]; decisionIds: string[] }> {
  const submitted = await central.submit(count, 0);
  const engine = createSyncEngine(engineOptions(reviewerSide, central.server.url));
  expect((await engine.syncNow()).ok).toBe(true);
  const applicationIds = submitted.map((s) => s.application.id);
  const decisionIds: string[] = [];
  for (const id of applicationIds) decisionIds.push(await rejectLocally(reviewerSide.store, id, true));
  const report = await engine.syncNow();
  expect(report.pushed.applied).toBe(count);
  await engine.stop();
  return { applicationIds, decisionIds };
}

describe("a supervisor's sync", () => {
  it('brings every decision into the decision log, then what came since, and touches no reviewer route', async () => {
    const { decisionIds: first } = await decide(3);
    const counted = counting();
    const engine = createSyncEngine(
      engineOptions(supervisorSide, central.server.url, { credentials: { username: 'supervisor1', password: 'verity-demo' }, transport: counted.transport }),
    );
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    expect(report.decisionLog.decisions).toBeGreaterThanOrEqual(3);
    const page = supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 });
    for (const id of first) {
      const entry = page.items.find((e) => e.id === id);
      expect(entry, id).toMatchObject({ reviewer: 'reviewer1', outcome: 'reject', reasonCodes: ['other'], offline: false, deviceId: 'device-test', reviews: [] });
      expect(entry?.applicantName).toMatch(/^SPECIMEN Person \d+$/);
    }
    expect(page.freshness.syncedAt).not.toBeNull();
    expect(counted.paths.filter((p) => /\/v1\/(changes|mutations)/.test(p))).toEqual([]);

    // A review added since, and new decisions: the next sync brings both.
    const review = { type: 'review', id: randomUUID(), decisionId: first[0], madeAt: new Date().toISOString(), madeBy: 'supervisor1', offline: false, verdict: 'agree', reason: 'Sampled: the photo is unreadable.' };
    const reviewed = await central.supervisor.post('/v1/supervision:batch', { deviceId: 'supervisor-test', mutations: [review] });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ results: [{ id: review.id, status: 'applied' }] });
    const { decisionIds: second } = await decide(2);
    const before = supervisorSide.store.decisionLog({ limit: 1 }).freshness.syncedAt;
    expect((await engine.syncNow()).ok).toBe(true);
    const after = supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 });
    for (const id of second) expect(after.items.map((e) => e.id)).toContain(id);
    expect(after.items.find((e) => e.id === first[0])?.reviews).toMatchObject([{ supervisor: 'supervisor1', verdict: 'agree' }]);
    expect(after.freshness.syncedAt! >= before!).toBe(true);
    expect(supervisorSide.store.decisionLog({ reviewed: true, limit: 10 }).items.map((e) => e.id)).toContain(first[0]);
    await engine.stop();
  });

  it('then brings only what was recorded or changed since the last sync: none when nothing was, a review of a month-old decision when one is added', async () => {
    const { decisionIds } = await decide(2);
    const old = decisionIds[0]!;
    // Decided a month ago: past the week a sync used to look back over.
    await central.server.db.query(
      `UPDATE decisions SET decided_at = decided_at - interval '30 days', made_at = made_at - interval '30 days', opened_at = opened_at - interval '30 days' WHERE id = $1::uuid`,
      [old],
    );
    const engine = createSyncEngine(engineOptions(supervisorSide, central.server.url, asSupervisor));
    const first = await engine.syncNow();
    expect(first.error).toBeNull();
    expect(supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 }).items.map((e) => e.id)).toEqual(expect.arrayContaining(decisionIds));

    const quiet = await engine.syncNow();
    expect(quiet.error).toBeNull();
    expect(quiet.decisionLog.decisions).toBeLessThan(first.decisionLog.decisions);
    // On a shared PostgreSQL, another test's transaction still open may hold the watermark back: then a few again.
    if (!process.env.VERITY_TEST_DATABASE_URL) expect(quiet.decisionLog.decisions).toBe(0);

    const review = { type: 'review', id: randomUUID(), decisionId: old, madeAt: new Date().toISOString(), madeBy: 'supervisor1', offline: false, verdict: 'overturn', reason: 'The photo is not the applicant.' };
    expect((await central.supervisor.post('/v1/supervision:batch', { deviceId: 'supervisor-test', mutations: [review] })).body).toMatchObject({ results: [{ id: review.id, status: 'applied' }] });
    const next = await engine.syncNow();
    expect(next.error).toBeNull();
    const entry = supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 }).items.find((e) => e.id === old);
    expect(entry).toMatchObject({ effect: 'overturned', reviews: [{ supervisor: 'supervisor1', verdict: 'overturn' }] });
    await engine.stop();
  });
});

async function reviewsOf(decisionIds: readonly string[]): Promise<{ id: string; decision_id: string; stage: string; verdict: string }[]> {
  return central.server.db.query(`SELECT id::text AS id, decision_id::text AS decision_id, stage, verdict FROM reviews WHERE decision_id::text IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY reviewed_at, id`, [
    JSON.stringify(decisionIds),
  ]);
}

describe('quality review through sync', () => {
  it('three verdicts made offline apply once on reconnect, a resend after a lost answer included; the reviewer gets the overturned case back', async () => {
    // The supervisor raises the random sample to 100 %: a policy change, sent by the supervisor's own sync.
    const policySync = createSyncEngine(engineOptions(supervisorSide, central.server.url, asSupervisor));
    expect((await policySync.syncNow()).ok).toBe(true);
    const policy = supervisorSide.store.qualityPolicy();
    expect(policy.current?.policy.samplePercent).toBe(5);
    await supervisorSide.store.recordSupervision({ type: 'policy', policy: { ...policy.current!.policy, samplePercent: 100 } }, supervisor, 'device-s', true);
    const policyReport = await policySync.syncNow();
    expect(policyReport.supervision).toMatchObject({ applied: 1, rejected: 0 });
    expect(supervisorSide.store.qualityPolicy().current).toMatchObject({ policy: { samplePercent: 100 }, updatedBy: 'supervisor1' });
    await policySync.stop();

    const { applicationIds, decisionIds } = await decide(3);

    // The supervisor's workstation, offline: the QA queue it synced before, three verdicts recorded here.
    const online = createSyncEngine(engineOptions(supervisorSide, central.server.url, asSupervisor));
    const synced = await online.syncNow();
    expect(synced.ok).toBe(true);
    await online.stop();
    // The QA queue as the central service has it (the policy's sample of each reviewer's week), held here.
    const queue = supervisorSide.store.qualityQueue({ stage: 'quality', limit: 200 });
    const served = await central.supervisor.request('GET', '/v1/quality/queue?stage=quality&limit=200');
    const servedItems = (served.body as { items: { decision: { id: string }; sampledFor: string[] }[] }).items;
    expect(servedItems.length).toBeGreaterThan(0);
    expect(queue.items.map((i) => [i.decision.id, i.sampledFor])).toEqual(servedItems.map((i) => [i.decision.id, i.sampledFor]));
    expect(queue.syncedAt).not.toBeNull();
    const offline = createSyncEngine(
      engineOptions(supervisorSide, central.server.url, {
        ...asSupervisor,
        transport: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      }),
    );
    expect((await offline.syncNow()).state).toBe('offline');
    const verdicts = [
      await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: 'The photo is readable: approve it.' }, supervisor, 'device-s', false),
      await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[1]!, verdict: 'agree', reason: '' }, supervisor, 'device-s', false),
      await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[2]!, verdict: 'agree', reason: 'Fine.' }, supervisor, 'device-s', false),
    ];
    expect((await offline.syncNow()).state).toBe('offline');
    await offline.stop();
    expect(await reviewsOf(decisionIds)).toEqual([]);
    expect(supervisorSide.store.pendingSupervision(10, 'supervisor1').map((m) => m.id)).toEqual(verdicts.map((v) => v.mutation.id));

    // Reconnected; the first answer is lost after the central service applied the batch.
    let lost = 0;
    const counted = counting(async (url, request) => {
      const response = await nodeHttpTransport(url, request);
      if (request.method === 'POST' && new URL(url).pathname === '/v1/supervision:batch' && lost === 0) {
        lost += 1;
        await response.json();
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return response;
    });
    const back = createSyncEngine(engineOptions(supervisorSide, central.server.url, { ...asSupervisor, transport: counted.transport, sleep: instantSleep().sleep }));
    const report = await back.syncNow();
    expect(report.error).toBeNull();
    expect(report.retries).toBe(1);
    expect(counted.posts()).toBe(2);
    expect(report.supervision).toMatchObject({ applied: 3, rejected: 0, batches: 1 });
    const reviews = await reviewsOf(decisionIds);
    expect(reviews.map((r) => [r.id, r.decision_id, r.stage, r.verdict]).sort()).toEqual(
      [
        [verdicts[0]!.mutation.id, decisionIds[0], 'quality', 'overturn'],
        [verdicts[1]!.mutation.id, decisionIds[1], 'quality', 'agree'],
        [verdicts[2]!.mutation.id, decisionIds[2], 'quality', 'agree'],
      ].sort(),
    );
    expect(supervisorSide.store.supervisionOutbox()).toEqual([]);
    // Reviewed, the decisions left the QA queue pulled in the same sync; the log shows the overturn.
    expect(supervisorSide.store.qualityQueue({ stage: 'quality', limit: 200 }).items.map((i) => i.decision.id)).not.toContain(decisionIds[0]);
    expect(supervisorSide.store.decisionLog({ limit: 200 }).items.find((e) => e.id === decisionIds[0])).toMatchObject({
      effect: 'overturned',
      reviews: [{ supervisor: 'supervisor1', stage: 'quality', verdict: 'overturn' }],
    });
    // Nothing is sent again.
    const again = await back.syncNow();
    expect(again.supervision.batches).toBe(0);
    expect(counted.posts()).toBe(2);
    await back.stop();

    // The reviewer's next sync brings the overturned case back, with who, when and why.
    const reviewer = createSyncEngine(engineOptions(reviewerSide, central.server.url));
    expect((await reviewer.syncNow()).ok).toBe(true);
    const returned = reviewerSide.store.getCase(applicationIds[0]!);
    expect(returned.application).toMatchObject({ status: 'queued', assignee: 'reviewer1' });
    expect(returned.returned).toMatchObject({ decisionId: decisionIds[0], outcome: 'reject', stage: 'quality', reviewedBy: 'supervisor1', reason: 'The photo is readable: approve it.' });
    expect(returned.decisions.map((d) => [d.mutationId, d.effect])).toEqual([[decisionIds[0], 'overturned']]);
    expect(reviewerSide.store.listQueue({ assignee: 'reviewer1' }).items.find((i) => i.id === applicationIds[0])?.returned?.reviewedBy).toBe('supervisor1');
    for (const id of applicationIds.slice(1)) expect(reviewerSide.store.getCase(id).application.status).toBe('rejected');

    // Decided again, on the new version: applied.
    const second = await rejectLocally(reviewerSide.store, applicationIds[0]!, true);
    expect((await reviewer.syncNow()).pushed.applied).toBe(1);
    expect(reviewerSide.store.getCase(applicationIds[0]!).decisions.map((d) => [d.mutationId, d.sync])).toEqual([
      [decisionIds[0], 'applied'],
      [second, 'applied'],
    ]);
    await reviewer.stop();
  });

  it('keeps a refused verdict in view with the central service’s sentence, and does not send it again', async () => {
    const { decisionIds } = await decide(1);
    await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: 'Unreadable.' }, supervisor, 'device-s', true);
    // A second overturn of the same decision: the central service refuses it.
    const late = await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: 'Again.' }, supervisor, 'device-s', true);
    const counted = counting();
    const engine = createSyncEngine(engineOptions(supervisorSide, central.server.url, { ...asSupervisor, transport: counted.transport }));
    const report = await engine.syncNow();
    expect(report.supervision).toMatchObject({ applied: 1, rejected: 1 });
    const refused = supervisorSide.store.supervisionOutbox();
    expect(refused).toMatchObject([{ mutation: { id: late.mutation.id }, state: 'rejected', refusal: { reason: 'already_reviewed' } }]);
    expect(refused[0]!.refusal!.message).toMatch(/overturned already/);
    expect((await engine.syncNow()).supervision.batches).toBe(0);
    expect(counted.posts()).toBe(1);
    await engine.stop();
  });
});
