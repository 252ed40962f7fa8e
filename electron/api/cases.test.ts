// The case channels end to end through dispatch: bad payloads are answered with invalid_request (never a
// throw), domain refusals keep their codes, and responses pass the contract's schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, type EventPayload } from '../../shared/api';
import type { Person } from '../../shared/domain';
import { DomainError, type Outcome } from '../../shared/errors';
import { tempStore, type TempStore } from '../../tests/support/store';
import { createCaseHandlers } from './cases';
import { dispatch, type CallContext, type Handlers } from './registry';

const person: Person = { id: 'reviewer-07', displayName: 'Zhou Min', role: 'reviewer' };
const ctx: CallContext = { person, deviceId: 'device-test', transport: 'http' };
const anonymous: CallContext = { person: null, deviceId: 'device-test', transport: 'http' };

const notHere = () => {
  throw new DomainError('internal', 'not part of this test');
};

describe('case handlers through dispatch', () => {
  let t: TempStore;
  let handlers: Handlers;
  const changed: EventPayload<'queue.changed'>[] = [];
  beforeAll(async () => {
    t = await tempStore(400, 31);
    // Every other channel answers 'internal': this test is about the case channels only.
    const others = Object.fromEntries(channelNames.map((name) => [name, notHere])) as unknown as Handlers;
    handlers = { ...others, ...createCaseHandlers(t.store, { isOnline: () => true, onQueueChanged: (p) => changed.push(p) }) };
  });
  afterAll(() => t.cleanup());

  const call = (channel: string, payload: unknown, context: CallContext = ctx): Promise<Outcome<unknown>> => dispatch(handlers, channel, payload, context);

  it('answers bad payloads with invalid_request, never a throw', async () => {
    const bad: [string, unknown][] = [
      ['queue.list', { limit: 0 }],
      ['queue.list', { limit: 10_000 }],
      ['queue.list', { status: 'nonsense' }],
      ['queue.list', { extra: true }],
      ['queue.list', { text: 'x'.repeat(101) }],
      ['queue.list', { cursor: 'c'.repeat(401) }],
      ['queue.list', 'not an object'],
      ['queue.counts', { any: 1 }],
      ['case.get', { applicationId: 'x' }],
      ['case.get', { applicationId: '', open: true }],
      ['case.get', { applicationId: 'x'.repeat(65), open: false }],
      ['case.decide', { applicationId: 'x', outcome: 'reject', reasonCodes: [], applicantMessage: '', internalNote: '', overrideNote: null }],
      ['case.decide', { applicationId: 'x', outcome: 'approve', reasonCodes: ['other'], applicantMessage: '', internalNote: '', overrideNote: null }],
      ['case.decide', { applicationId: 'x', outcome: 'maybe', reasonCodes: [], applicantMessage: '', internalNote: '', overrideNote: null }],
      ['case.decide', { applicationId: 'x', outcome: 'approve', reasonCodes: [], applicantMessage: 'm'.repeat(4001), internalNote: '', overrideNote: null }],
      ['case.decide', { applicationId: 'x', outcome: 'approve', reasonCodes: [], applicantMessage: '', internalNote: '', overrideNote: null, decidedBy: 'someone-else' }],
      ['audit.verify', { deep: true }],
    ];
    for (const [channel, payload] of bad) {
      const outcome = await call(channel, payload);
      expect(outcome.ok, `${channel} ${JSON.stringify(payload).slice(0, 80)}`).toBe(false);
      if (!outcome.ok) expect(outcome.error.code).toBe('invalid_request');
    }
  });

  it('refuses text the central service or a screen cannot hold, naming the field, and records nothing', async () => {
    const base = { applicationId: 'VA3100000001', outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'Please resubmit.', internalNote: '', overrideNote: null };
    for (const [field, value] of [
      ['internalNote', 'checked\u0000'],
      ['applicantMessage', 'broken \uD800 text'],
      ['overrideNote', 'bell\u0007'],
      ['applicationId', 'VA31\u0000'],
    ] as const) {
      const outcome = await call('case.decide', { ...base, [field]: value });
      expect(outcome, field).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining(`${field}:`) } });
    }
    expect(t.store.outboxCounts()).toEqual({ pending: 0, applied: 0, rejected: 0 });
  });

  it('refuses callers who are not signed in', async () => {
    for (const [channel, payload] of [
      ['queue.list', {}],
      ['queue.counts', {}],
      ['case.get', { applicationId: 'VA3100000001', open: true }],
      ['audit.verify', {}],
    ] as const) {
      const outcome = await call(channel, payload, anonymous);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: 0 });
  });

  it('lists, opens (with an audit entry for the caller and device), decides and verifies', async () => {
    const list = await call('queue.list', { status: 'queued', limit: 20 });
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    const items = (list.value as { items: { id: string; flags: { severity: string }[] }[] }).items;
    const target = items.find((i) => !i.flags.some((f) => f.severity === 'blocking'))!;
    const opened = await call('case.get', { applicationId: target.id, open: true });
    expect(opened).toMatchObject({ ok: true, value: { audit: [{ action: 'documents_opened', actor: { id: person.id }, deviceId: 'device-test', online: true }] } });
    const decided = await call('case.decide', { applicationId: target.id, outcome: 'reject', reasonCodes: ['name_mismatch'], applicantMessage: 'The name differs.', internalNote: '', overrideNote: null });
    expect(decided).toMatchObject({ ok: true, value: { applicationId: target.id, outcome: 'reject', decidedBy: { id: person.id } } });
    expect(changed).toEqual([{ reason: 'decision', applicationIds: [target.id] }]);
    const again = await call('case.decide', { applicationId: target.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: '', internalNote: '', overrideNote: null });
    expect(again).toMatchObject({ ok: false, error: { code: 'already_decided' } });
    expect(await call('case.get', { applicationId: 'nope', open: false })).toMatchObject({ ok: false, error: { code: 'case_not_found' } });
    expect(await call('queue.list', { cursor: 'forged' })).toMatchObject({ ok: false, error: { code: 'bad_cursor' } });
    expect(await call('queue.counts', {})).toMatchObject({ ok: true, value: { byStatus: { rejected: expect.any(Number) } } });
    expect(await call('audit.verify', {})).toEqual({ ok: true, value: { ok: true, count: 2 } });
  });

  it("shows a reviewer only their own open cases, with counts that match, and refuses a decision on another's", async () => {
    const all = await call('queue.list', { status: 'open', assignee: 'reviewer-02', limit: 200 });
    if (!all.ok) throw new Error('list failed');
    const items = (all.value as { items: { id: string; assignee: string | null }[] }).items;
    // Asking for someone else's queue gives one's own.
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.assignee === person.id)).toBe(true);
    const counts = await call('queue.counts', {});
    if (!counts.ok) throw new Error('counts failed');
    const byStatus = (counts.value as { byStatus: Record<string, number> }).byStatus;
    expect((byStatus.submitted ?? 0) + (byStatus.queued ?? 0) + (byStatus.in_review ?? 0)).toBe(items.length);
    const queued = await call('queue.list', { status: 'queued', limit: 200 });
    if (!queued.ok) throw new Error('list failed');
    expect((queued.value as { items: { assignee: string | null }[] }).items.every((i) => i.assignee === person.id)).toBe(true);

    const others = t.store.listQueue({ status: 'queued', assignee: 'reviewer-02', limit: 1 }).items[0];
    if (!others) throw new Error('the seed has no queued case of reviewer-02');
    const outcome = await call('case.decide', { applicationId: others.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: '', internalNote: '', overrideNote: null });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'not_assigned', message: expect.stringContaining('reviewer-02') } });
    expect(t.store.getCase(others.id).decisions).toEqual([]);
  });

  it('never lets a supervisor record a decision', async () => {
    const supervisor: CallContext = { person: { id: 'reviewer-07', displayName: 'Acting supervisor', role: 'supervisor' }, deviceId: 'device-test', transport: 'http' };
    const target = t.store.listQueue({ status: 'queued', assignee: 'reviewer-07', limit: 1 }).items[0];
    if (!target) throw new Error('the seed has no queued case of reviewer-07');
    const outcome = await call('case.decide', { applicationId: target.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: '', internalNote: '', overrideNote: null }, supervisor);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(t.store.getCase(target.id).decisions).toEqual([]);
  });

  it('names the blocking rule when an approval is refused', async () => {
    const list = await call('queue.list', { status: 'queued', flag: 'R2', limit: 1 });
    if (!list.ok) throw new Error('list failed');
    const [target] = (list.value as { items: { id: string }[] }).items;
    if (!target) throw new Error('the seed has no queued R2 case');
    const outcome = await call('case.decide', { applicationId: target.id, outcome: 'approve', reasonCodes: [], applicantMessage: '', internalNote: '', overrideNote: 'looks fine' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'approval_blocked' } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/R2/);
  });
});
