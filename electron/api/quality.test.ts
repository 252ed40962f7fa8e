// The supervisor's action and QA channels through dispatch, on a real store: main fills the id, time, author and
// offline; an overturn without a reason and a reviewer are refused before anything is written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { uuidv7Pattern } from '../../shared/ids';
import { tempStore, type TempStore } from '../../tests/support/store';
import type { QualityQueueRecord } from '../store/sqlite/supervision';
import { createQualityHandlers } from './quality';
import { dispatch, type CallContext, type Handlers } from './registry';

const supervisor: Person = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' };
const reviewer: Person = { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' };
const as = (person: Person | null): CallContext => ({ person, deviceId: 'test-device', transport: 'http' });
const decisionId = '01900000-0000-7000-8000-000000000001';

let t: TempStore;
let handlers: Handlers;
let online = false;
let acted = 0;
beforeEach(async () => {
  t = await tempStore();
  acted = 0;
  handlers = createQualityHandlers(t.store, { isOnline: () => online, onActed: () => (acted += 1) }) as unknown as Handlers;
});
afterEach(() => t.cleanup());

describe('supervision.act', () => {
  it('queues the action with an id, time, author and offline filled by main, and asks sync to send it', async () => {
    online = true;
    const reassigned = await dispatch(handlers, 'supervision.act', { type: 'reassign', applicationIds: ['VA0100000001'], reviewer: 'reviewer2' }, as(supervisor));
    expect(reassigned).toMatchObject({ ok: true, value: { state: 'pending', refusal: null, mutation: { type: 'reassign', madeBy: 'supervisor1', offline: false, madeAt: '2026-11-26T06:00:00.000Z' } } });
    expect(reassigned.ok && (reassigned.value as { mutation: { id: string } }).mutation.id).toMatch(uuidv7Pattern);
    online = false;
    const verdict = await dispatch(handlers, 'supervision.act', { type: 'review', decisionId, verdict: 'agree', reason: '' }, as(supervisor));
    expect(verdict).toMatchObject({ ok: true, value: { mutation: { offline: true } } });
    expect(acted).toBe(2);
    const outbox = await dispatch(handlers, 'supervision.outbox', {}, as(supervisor));
    expect(outbox.ok && (outbox.value as { items: unknown[] }).items).toHaveLength(2);
  });

  it('refuses fields main fills, an overturn without a reason, and anyone but a supervisor, writing nothing', async () => {
    const withId = await dispatch(handlers, 'supervision.act', { type: 'review', decisionId, verdict: 'agree', reason: '', id: decisionId }, as(supervisor));
    expect(withId).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const noReason = await dispatch(handlers, 'supervision.act', { type: 'review', decisionId, verdict: 'overturn', reason: ' ' }, as(supervisor));
    expect(noReason).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('An overturn needs a reason') } });
    const badPolicy = await dispatch(handlers, 'supervision.act', { type: 'policy', policy: { samplePercent: 120 } }, as(supervisor));
    expect(badPolicy).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('samplePercent') } });
    // A reviewer gives second reviews only (S4): none of the supervisor's actions or views, nor a verdict on a
    // decision that is not in their second-review list.
    const refusedToReviewer: [string, unknown][] = [
      ['supervision.act', { type: 'review', decisionId, verdict: 'agree', reason: '' }],
      ['supervision.act', { type: 'reassign', applicationIds: ['VA0100000001'], reviewer: 'reviewer1' }],
      ['supervision.act', { type: 'policy', policy: { samplePercent: 10, sampleOverriddenApprovals: true, sampleTamperingRejections: true, fourEyesOverriddenApprovals: true, fourEyesTamperingRejections: true } }],
      ['supervision.verdicts', { decisionIds: [decisionId] }],
      ['quality.queue', { stage: 'quality' }],
      ['quality.policy', {}],
    ];
    for (const [channel, payload] of refusedToReviewer) {
      const refused = await dispatch(handlers, channel, payload, as(reviewer));
      expect(refused, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    for (const channel of ['supervision.outbox', 'quality.queue']) {
      expect(await dispatch(handlers, channel, channel === 'quality.queue' ? { stage: 'second_review' } : {}, as(null)), channel).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(t.store.supervisionOutbox()).toEqual([]);
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: 0 });
    expect(acted).toBe(0);
  });
});

describe('quality.queue and quality.policy', () => {
  it('answer from the workstation copy, empty and never synced before the first sync', async () => {
    expect(await dispatch(handlers, 'quality.queue', { stage: 'second_review' }, as(supervisor))).toEqual({ ok: true, value: { items: [], nextCursor: null, total: 0, syncedAt: null } });
    expect(await dispatch(handlers, 'quality.policy', {}, as(supervisor))).toEqual({ ok: true, value: { current: null, syncedAt: null, change: null } });
    expect(await dispatch(handlers, 'supervision.dismiss', { id: decisionId }, as(supervisor))).toMatchObject({ ok: false, error: { code: 'action_not_found' } });
  });
});

describe("a reviewer's second review", () => {
  const reviewer2: Person = { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' };
  const held = (id: string, by: string): QualityQueueRecord => ({
    decision: {
      id,
      applicationId: `VA01${id.slice(-8)}`,
      kind: 'individual',
      applicantName: 'SPECIMEN Person',
      reviewer: by,
      outcome: 'reject',
      reasonCodes: ['suspected_tampering'],
      overriddenRules: [],
      overrideNote: null,
      flags: [],
      decidedAt: '2026-11-02T10:00:00.000Z',
      appliedAt: '2026-11-02T10:00:01.000Z',
      offline: false,
      deviceId: 'device-1',
      openedAt: null,
      dueAt: null,
      handlingMs: null,
      withinDeadline: null,
      effect: 'pending_second_review',
      reviews: [],
    },
    sampledFor: [],
  });
  const others = '01900000-0000-7000-8000-0000000000a1';
  const own = '01900000-0000-7000-8000-0000000000a2';

  it('lists the held decisions of others only, records agree or overturn on them, and shows each reviewer only their own actions', async () => {
    await t.store.storeQualityQueue('second_review', [held(others, 'reviewer2'), held(own, 'reviewer1')], '2026-11-02T11:00:00.000Z');
    const listed = await dispatch(handlers, 'quality.queue', { stage: 'second_review' }, as(reviewer));
    expect(listed.ok && (listed.value as { items: { decision: { id: string } }[]; total: number })).toMatchObject({ items: [{ decision: { id: others } }], total: 1 });
    // A supervisor (who decides nothing) sees both.
    const all = await dispatch(handlers, 'quality.queue', { stage: 'second_review' }, as(supervisor));
    expect(all.ok && (all.value as { total: number }).total).toBe(2);

    const mine = await dispatch(handlers, 'supervision.act', { type: 'review', decisionId: own, verdict: 'agree', reason: '' }, as(reviewer));
    expect(mine).toMatchObject({ ok: false, error: { code: 'same_person' } });
    online = true;
    const agreed = await dispatch(handlers, 'supervision.act', { type: 'review', decisionId: others, verdict: 'overturn', reason: 'The glare only looks like an edit.' }, as(reviewer));
    expect(agreed).toMatchObject({ ok: true, value: { state: 'pending', mutation: { type: 'review', madeBy: 'reviewer1', offline: false } } });
    expect(acted).toBe(1);
    expect(t.store.pendingSupervision(10, 'reviewer1')).toHaveLength(1);
    const verdictOnRow = await dispatch(handlers, 'quality.queue', { stage: 'second_review' }, as(reviewer));
    expect(verdictOnRow.ok && (verdictOnRow.value as { items: { verdict: { state: string } | null }[] }).items[0]?.verdict).toMatchObject({ state: 'pending' });

    // Another reviewer on the same workstation sees neither reviewer1's action nor can dismiss it.
    const theirs = await dispatch(handlers, 'supervision.outbox', {}, as(reviewer2));
    expect(theirs).toEqual({ ok: true, value: { items: [] } });
    const ownOutbox = await dispatch(handlers, 'supervision.outbox', {}, as(reviewer));
    expect(ownOutbox.ok && (ownOutbox.value as { items: unknown[] }).items).toHaveLength(1);
    const id = (agreed.ok && (agreed.value as { mutation: { id: string } }).mutation.id) as string;
    await t.store.settleSupervision([{ id, status: 'rejected', reason: 'same_person', message: 'You made this decision.' }]);
    expect(await dispatch(handlers, 'supervision.dismiss', { id }, as(reviewer2))).toMatchObject({ ok: false, error: { code: 'action_not_found' } });
    expect(await dispatch(handlers, 'supervision.dismiss', { id }, as(reviewer))).toMatchObject({ ok: true, value: { state: 'dismissed' } });
  });
});
