// The supervisor's channels through dispatch, on a real store: only a supervisor may use them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { tempStore, type TempStore } from '../../tests/support/store';
import { dispatch, type CallContext, type Handlers } from './registry';
import { createSupervisionHandlers } from './supervision';

const supervisor: Person = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' };
const reviewer: Person = { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' };
const as = (person: Person | null): CallContext => ({ person, deviceId: 'test-device', transport: 'http' });

let t: TempStore;
let handlers: Handlers;
beforeEach(async () => {
  t = await tempStore();
  await t.store.storeDecisionLog(
    [
      {
        id: '01900000-0000-7000-8000-000000000001',
        applicationId: 'VA0100000001',
        kind: 'individual',
        applicantName: 'ZHANG Wei',
        reviewer: 'reviewer3',
        outcome: 'reject',
        reasonCodes: ['name_mismatch'],
        overriddenRules: [],
        overrideNote: null,
        flags: [],
        decidedAt: '2026-11-20T08:00:00.000Z',
        appliedAt: '2026-11-20T08:00:01.000Z',
        offline: false,
        deviceId: 'device-a',
        effect: 'in_effect',
        openedAt: '2026-11-20T07:52:00.000Z',
        dueAt: '2026-11-23T08:00:00.000Z',
        handlingMs: 480_000,
        withinDeadline: true,
        reviews: [],
      },
    ],
    '2026-11-20T09:00:00.000Z',
  );
  handlers = createSupervisionHandlers(t.store, null) as unknown as Handlers;
});
afterEach(() => t.cleanup());

describe('the supervisor channels', () => {
  it.each(['decisions.log', 'decisions.counts'])('%s answers a supervisor, refuses a reviewer and nobody', async (channel) => {
    const ok = await dispatch(handlers, channel, { reviewer: 'reviewer3' }, as(supervisor));
    expect(ok.ok).toBe(true);
    const refused = await dispatch(handlers, channel, { reviewer: 'reviewer3' }, as(reviewer));
    expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: `Only supervisors may use ${channel}.` } });
    const nobody = await dispatch(handlers, channel, {}, as(null));
    expect(nobody).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('answers the log page with its total and freshness, and refuses a bad filter with a named field', async () => {
    const page = await dispatch(handlers, 'decisions.log', { outcome: 'reject', limit: 10 }, as(supervisor));
    expect(page).toMatchObject({ ok: true, value: { total: 1, nextCursor: null, source: 'copy', freshness: { syncedAt: '2026-11-20T09:00:00.000Z', cached: 1 } } });
    const bad = await dispatch(handlers, 'decisions.log', { outcome: 'maybe' }, as(supervisor));
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('outcome') } });
  });
});
