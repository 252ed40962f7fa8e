// The supervisor's actions in the case store: each recorded once with its audit entry, sent in the order made and
// only by its author, an answer stored exactly once (a resend's repeated answer changes nothing), a refusal kept in
// view with the service's sentence until dismissed; the QA queue and the policy as sync stores them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultQualityPolicy } from '../../../shared/contract/central';
import type { DecisionLogEntry } from '../../../shared/contract/supervision';
import type { Person } from '../../../shared/domain';
import { uuidv7Pattern } from '../../../shared/ids';
import { tempStore, type TempStore } from '../../../tests/support/store';
import type { QualityQueueRecord } from './supervision';

const supervisor: Person = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' };
const other: Person = { id: 'supervisor2', displayName: 'Supervisor Two', role: 'supervisor' };
const decisionIds = Array.from({ length: 5 }, (_, i) => `0190000${i}-0000-7000-8000-000000000000`);

function decision(id: string, i: number): DecisionLogEntry {
  return {
    id,
    applicationId: `VA0100000${i}`,
    kind: 'individual',
    applicantName: `SPECIMEN Person ${i}`,
    reviewer: i % 2 === 0 ? 'reviewer1' : 'reviewer2',
    outcome: 'approve',
    reasonCodes: [],
    overriddenRules: ['R1'],
    overrideNote: 'Registered before 2020.',
    flags: [],
    decidedAt: '2026-11-02T10:00:00.000Z',
    appliedAt: '2026-11-02T10:00:01.000Z',
    offline: false,
    deviceId: 'device-1',
    openedAt: '2026-11-02T09:50:00.000Z',
    dueAt: '2026-11-05T10:00:00.000Z',
    handlingMs: 600_000,
    withinDeadline: true,
    effect: 'in_effect',
    reviews: [],
  };
}

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(() => t.cleanup());

describe("a supervisor's actions", () => {
  it('are recorded with a UUIDv7 id, author and audit entry in one transaction, and sent in the order made, by their author only', async () => {
    const a = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'agree', reason: '' }, supervisor, 'device-s', false);
    const b = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[1]!, verdict: 'overturn', reason: 'The photo is not the applicant.' }, supervisor, 'device-s', false);
    const c = await t.store.recordSupervision({ type: 'reassign', applicationIds: ['VA01000001'], reviewer: 'reviewer2' }, other, 'device-s', true);
    const d = await t.store.recordSupervision({ type: 'policy', policy: { ...defaultQualityPolicy, samplePercent: 10 } }, supervisor, 'device-s', true);

    for (const x of [a, b, c, d]) {
      expect(x.mutation.id).toMatch(uuidv7Pattern);
      expect(x.state).toBe('pending');
    }
    expect(a.mutation).toMatchObject({ madeBy: 'supervisor1', offline: true, madeAt: '2026-11-26T06:00:00.000Z' });
    expect(c.mutation).toMatchObject({ madeBy: 'supervisor2', offline: false });
    expect(t.store.pendingSupervision(100, 'supervisor1').map((m) => m.id)).toEqual([a.mutation.id, b.mutation.id, d.mutation.id]);
    expect(t.store.pendingSupervision(1, 'supervisor1').map((m) => m.id)).toEqual([a.mutation.id]);
    expect(t.store.pendingSupervision(100, 'supervisor2').map((m) => m.id)).toEqual([c.mutation.id]);

    const audit = t.db.prepare(`SELECT action, actor_id, application_id, details FROM audit_log ORDER BY seq`).all() as { action: string; actor_id: string; application_id: string | null; details: string }[];
    expect(audit.map((e) => e.action)).toEqual(['supervision_recorded', 'supervision_recorded', 'supervision_recorded', 'supervision_recorded']);
    expect(JSON.parse(audit[1]!.details)).toEqual({ mutationId: b.mutation.id, type: 'review', decisionId: decisionIds[1], verdict: 'overturn' });
    expect(audit[2]).toMatchObject({ actor_id: 'supervisor2', application_id: 'VA01000001' });
    expect(JSON.parse(audit[3]!.details)).toMatchObject({ type: 'policy', samplePercent: 10 });
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: 4 });
  });

  it('refuses an overturn without a reason, writing nothing', async () => {
    await expect(t.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: '  ' }, supervisor, 'device-s', true)).rejects.toThrow(
      /overturn needs a reason/,
    );
    expect(t.store.supervisionOutbox()).toEqual([]);
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: 0 });
  });

  it('stores each answer exactly once: a repeated answer changes nothing, a contradicting or unknown one is skipped', async () => {
    const a = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'agree', reason: '' }, supervisor, 'device-s', true);
    const b = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[1]!, verdict: 'agree', reason: '' }, supervisor, 'device-s', true);
    const first = await t.store.settleSupervision([
      { id: a.mutation.id, status: 'applied' },
      { id: b.mutation.id, status: 'rejected', reason: 'same_person', message: 'You made this decision: a second person must review it.' },
    ]);
    expect(first).toEqual({ settled: 2, skipped: [] });
    const settledAt = t.store.supervisionOutbox().find((x) => x.mutation.id === b.mutation.id)?.settledAt;
    // The answers to a resent batch, after the first answer was lost on the way.
    const again = await t.store.settleSupervision([
      { id: a.mutation.id, status: 'applied' },
      { id: b.mutation.id, status: 'rejected', reason: 'same_person', message: 'You made this decision: a second person must review it.' },
    ]);
    expect(again).toEqual({ settled: 0, skipped: [] });
    const contradicting = await t.store.settleSupervision([
      { id: a.mutation.id, status: 'rejected', reason: 'invalid', message: 'x' },
      { id: decisionIds[4]!, status: 'applied' },
    ]);
    expect(contradicting).toEqual({ settled: 0, skipped: [{ id: a.mutation.id, code: 'action_settled' }, { id: decisionIds[4], code: 'action_not_found' }] });
    expect(t.store.pendingSupervision(100, 'supervisor1')).toEqual([]);
    expect(t.store.supervisionCounts()).toEqual({ pending: 0, applied: 1, rejected: 1 });
    const refused = t.store.supervisionOutbox();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ state: 'rejected', settledAt, refusal: { reason: 'same_person', message: 'You made this decision: a second person must review it.' } });
  });

  it('keeps a refusal in view until it is dismissed, and only a refusal can be dismissed', async () => {
    const a = await t.store.recordSupervision({ type: 'reassign', applicationIds: ['VA01000001', 'VA01000002'], reviewer: 'nobody' }, supervisor, 'device-s', true);
    const b = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'agree', reason: '' }, supervisor, 'device-s', true);
    await expect(t.store.dismissSupervision(b.mutation.id)).rejects.toMatchObject({ code: 'action_not_refused' });
    await t.store.settleSupervision([{ id: a.mutation.id, status: 'rejected', reason: 'unknown_reviewer', message: 'There is no reviewer nobody.' }]);
    expect(t.store.supervisionOutbox().map((x) => [x.mutation.id, x.state])).toEqual([
      [b.mutation.id, 'pending'],
      [a.mutation.id, 'rejected'],
    ]);
    // A reassignment applied in part: the applications it could not move are kept with the answer.
    const partly = await t.store.recordSupervision({ type: 'reassign', applicationIds: ['VA01000003', 'VA01000004'], reviewer: 'reviewer2' }, supervisor, 'device-s', true);
    const notMoved = [{ applicationId: 'VA01000004', reason: 'withdrawn' as const, message: 'The applicant withdrew it.' }];
    await t.store.settleSupervision([{ id: partly.mutation.id, status: 'applied', refused: notMoved }]);
    expect(t.store.supervisionOutbox().find((x) => x.mutation.id === partly.mutation.id)).toMatchObject({ state: 'applied', refusal: null, notMoved });
    expect(await t.store.dismissSupervision(partly.mutation.id)).toMatchObject({ state: 'applied', notMoved });
    expect(t.store.supervisionOutbox().map((x) => x.mutation.id)).not.toContain(partly.mutation.id);
    const dismissed = await t.store.dismissSupervision(a.mutation.id);
    expect(dismissed).toMatchObject({ state: 'dismissed', refusal: { reason: 'unknown_reviewer' } });
    expect(t.store.supervisionOutbox().map((x) => x.mutation.id)).toEqual([b.mutation.id]);
    // A repeated answer after dismissal is still the same answer.
    expect(await t.store.settleSupervision([{ id: a.mutation.id, status: 'rejected', reason: 'unknown_reviewer', message: 'There is no reviewer nobody.' }])).toEqual({ settled: 0, skipped: [] });
    await expect(t.store.dismissSupervision(decisionIds[3]!)).rejects.toMatchObject({ code: 'action_not_found' });
  });
});

describe('an applied verdict in the decision log', () => {
  it('shows at once with its stage: an overturn overturns, a second reviewer agreeing puts the decision in effect', async () => {
    const held = { ...decision(decisionIds[1]!, 1), effect: 'pending_second_review' as const };
    await t.store.storeDecisionLog([decision(decisionIds[0]!, 0), held], '2026-11-02T09:00:00.000Z');
    await t.store.storeQualityQueue('second_review', [{ decision: held, sampledFor: [] }], '2026-11-02T09:00:00.000Z');
    const overturn = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[0]!, verdict: 'overturn', reason: 'Wrong person.' }, supervisor, 'device-s', true);
    const agree = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[1]!, verdict: 'agree', reason: '' }, supervisor, 'device-s', true);
    // Queued: nothing changes in the log yet.
    expect(t.store.decisionLog({ reviewed: true }).total).toBe(0);
    await t.store.settleSupervision([
      { id: overturn.mutation.id, status: 'applied' },
      { id: agree.mutation.id, status: 'applied' },
    ]);
    const entries = t.store.decisionLog({}).items;
    expect(entries.find((e) => e.id === decisionIds[0])).toMatchObject({
      effect: 'overturned',
      reviews: [{ supervisor: 'supervisor1', stage: 'quality', verdict: 'overturn', reason: 'Wrong person.', reviewedAt: '2026-11-26T06:00:00.000Z' }],
    });
    expect(entries.find((e) => e.id === decisionIds[1])).toMatchObject({ effect: 'in_effect', reviews: [{ stage: 'second_review', verdict: 'agree' }] });
    // A second review is not a quality review.
    expect(t.store.decisionLog({ reviewed: true }).items.map((e) => e.id)).toEqual([decisionIds[0]]);
    expect(t.store.supervisionVerdicts([decisionIds[0]!, decisionIds[3]!])).toEqual(new Map([[decisionIds[0], expect.objectContaining({ state: 'applied' })]]));
  });
});

describe('the QA queue and the policy as synced', () => {
  it('pages a stage in the central order, filtered by reviewer, each item with the newest verdict made here', async () => {
    const records: QualityQueueRecord[] = decisionIds.map((id, i) => ({ decision: decision(id, i), sampledFor: i === 0 ? ['random'] : ['overridden_approval'] }));
    await t.store.storeQualityQueue('quality', records, '2026-11-02T09:00:00.000Z');
    await t.store.storeQualityQueue('second_review', records.slice(0, 1), '2026-11-02T09:00:00.000Z');
    const verdict = await t.store.recordSupervision({ type: 'review', decisionId: decisionIds[2]!, verdict: 'overturn', reason: 'Wrong person.' }, supervisor, 'device-s', true);

    const first = t.store.qualityQueue({ stage: 'quality', limit: 2 });
    expect(first.total).toBe(5);
    expect(first.syncedAt).toBe('2026-11-02T09:00:00.000Z');
    expect(first.items.map((i) => i.decision.id)).toEqual(decisionIds.slice(0, 2));
    const second = t.store.qualityQueue({ stage: 'quality', limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((i) => i.decision.id)).toEqual(decisionIds.slice(2, 4));
    expect(second.items[0]!.verdict).toMatchObject({ state: 'pending', mutation: { id: verdict.mutation.id, verdict: 'overturn' } });
    expect(second.items[1]!.verdict).toBeNull();
    expect(() => t.store.qualityQueue({ stage: 'quality', reviewer: 'reviewer1', cursor: first.nextCursor! })).toThrow(/no longer valid/);
    expect(t.store.qualityQueue({ stage: 'quality', reviewer: 'reviewer1' }).items.map((i) => i.decision.id)).toEqual([decisionIds[0], decisionIds[2], decisionIds[4]]);
    expect(t.store.qualityQueue({ stage: 'second_review' }).total).toBe(1);

    // The next sync's answer replaces the stage: the reviewed decision has left it.
    await t.store.storeQualityQueue('quality', records.filter((_, i) => i !== 2), '2026-11-02T10:00:00.000Z');
    expect(t.store.qualityQueue({ stage: 'quality' }).items.map((i) => i.decision.id)).not.toContain(decisionIds[2]);
    // The verdict's audit entry names the application, known from the queue.
    expect(t.db.prepare(`SELECT application_id FROM audit_log WHERE action = 'supervision_recorded'`).get()).toEqual({ application_id: 'VA01000002' });
  });

  it('holds the policy with when it was synced, and a change of it while queued or refused', async () => {
    expect(t.store.qualityPolicy()).toEqual({ current: null, syncedAt: null, change: null });
    await t.store.storeQualityPolicy({ policy: defaultQualityPolicy, updatedBy: null, updatedAt: null }, '2026-11-02T09:00:00.000Z');
    const change = await t.store.recordSupervision({ type: 'policy', policy: { ...defaultQualityPolicy, fourEyesTamperingRejections: false } }, supervisor, 'device-s', true);
    expect(t.store.qualityPolicy()).toMatchObject({ current: { policy: defaultQualityPolicy }, syncedAt: '2026-11-02T09:00:00.000Z', change: { state: 'pending' } });
    await t.store.settleSupervision([{ id: change.mutation.id, status: 'applied' }]);
    expect(t.store.qualityPolicy().change).toBeNull();
  });
});
