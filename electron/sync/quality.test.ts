// Quality review through sync against the real central service (in-process, PGlite): a supervisor's verdicts made
// offline apply exactly once on reconnect (a resend after a lost answer too), the QA queue and the policy come in,
// and the reviewer whose decision was overturned gets the case back with who, when and why, and decides it again.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import { engineOptions, instantSleep, openWorkstationSide, rejectLocally, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine, type SyncEngine } from './engine';

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

/** Counts requests by method and path; `fault` may replace the exchange. */
function transport(fault?: HttpTransport): { transport: HttpTransport; posts: () => number } {
  let posts = 0;
  return {
    posts: () => posts,
    transport: (url, request) => {
      if (request.method === 'POST' && new URL(url).pathname === '/v1/supervision:batch') posts += 1;
      return (fault ?? nodeHttpTransport)(url, request);
    },
  };
}

/** reviewer1 pulls `count` new applications, rejects each and syncs: the central service holds the decisions. */
async function decide(reviewer: SyncEngine, count: number): Promise<{ applicationIds: string[]; decisionIds: string[] }> {
  const submitted = await central.submit(count, 0);
  expect((await reviewer.syncNow()).ok).toBe(true);
  const applicationIds = submitted.map((s) => s.application.id);
  const decisionIds: string[] = [];
  for (const id of applicationIds) decisionIds.push(await rejectLocally(reviewerSide.store, id, true));
  expect((await reviewer.syncNow()).pushed.applied).toBe(count);
  return { applicationIds, decisionIds };
}

async function reviewsOf(decisionIds: readonly string[]): Promise<{ id: string; decision_id: string; stage: string; verdict: string }[]> {
  return central.server.db.query(`SELECT id::text AS id, decision_id::text AS decision_id, stage, verdict FROM reviews WHERE decision_id::text IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY reviewed_at, id`, [
    JSON.stringify(decisionIds),
  ]);
}

describe('quality review through sync', () => {
  it('three verdicts made offline apply once on reconnect, a resend after a lost answer included; the reviewer gets the overturned case back', async () => {
    const reviewer = createSyncEngine(engineOptions(reviewerSide, central.server.url));
    // The supervisor samples everything from now on: a policy change, sent by the supervisor's own sync.
    const policySync = createSyncEngine(engineOptions(supervisorSide, central.server.url, asSupervisor));
    expect((await policySync.syncNow()).ok).toBe(true);
    const policy = supervisorSide.store.qualityPolicy();
    expect(policy.current?.policy.samplePercent).toBe(5);
    await supervisorSide.store.recordSupervision({ type: 'policy', policy: { ...policy.current!.policy, samplePercent: 100 } }, supervisor, 'device-s', true);
    const policyReport = await policySync.syncNow();
    expect(policyReport.supervision).toMatchObject({ applied: 1, rejected: 0 });
    expect(supervisorSide.store.qualityPolicy().current).toMatchObject({ policy: { samplePercent: 100 }, updatedBy: 'supervisor1' });
    await policySync.stop();

    const { applicationIds, decisionIds } = await decide(reviewer, 3);

    // The supervisor's workstation, offline: the QA queue it synced before, three verdicts recorded here.
    const online = createSyncEngine(engineOptions(supervisorSide, central.server.url, asSupervisor));
    const synced = await online.syncNow();
    expect(synced.ok).toBe(true);
    await online.stop();
    const queue = supervisorSide.store.qualityQueue({ stage: 'quality', limit: 200 });
    for (const id of decisionIds) expect(queue.items.find((i) => i.decision.id === id)?.sampledFor).toContain('random');
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
    const counted = transport(async (url, request) => {
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
    const reviewer = createSyncEngine(engineOptions(reviewerSide, central.server.url));
    const { decisionIds } = await decide(reviewer, 1);
    await reviewer.stop();
    await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: 'Unreadable.' }, supervisor, 'device-s', true);
    // A second overturn of the same decision: the central service refuses it.
    const late = await supervisorSide.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: 'Again.' }, supervisor, 'device-s', true);
    const counted = transport();
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
