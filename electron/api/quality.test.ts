// The supervisor's action and QA channels through dispatch, on a real store: main fills the id, time, author and
// offline; an overturn without a reason and a reviewer are refused before anything is written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { uuidv7Pattern } from '../../shared/ids';
import { tempStore, type TempStore } from '../../tests/support/store';
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
    const valid: Record<string, unknown> = {
      'supervision.act': { type: 'review', decisionId, verdict: 'agree', reason: '' },
      'supervision.outbox': {},
      'supervision.dismiss': { id: decisionId },
      'quality.queue': { stage: 'quality' },
      'quality.policy': {},
    };
    for (const [channel, payload] of Object.entries(valid)) {
      const refused = await dispatch(handlers, channel, payload, as(reviewer));
      expect(refused, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
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
