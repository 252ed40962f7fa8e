// The one reshaping of a decision for the wire: what the reviewer's workstation judged on goes with it.
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../shared/contract/cases';
import { toCentralMutation } from './mapping';

const record: DecisionRecord = {
  id: '0193a4d2-7c1e-7000-8000-000000000001',
  applicationId: 'APP-1',
  outcome: 'approve',
  reasonCodes: [],
  applicantMessage: 'Your identity has been verified.',
  internalNote: '',
  overrideNote: 'HK card accepted, ticket 99.',
  overriddenRules: ['R1'],
  decidedBy: { id: 'reviewer1', displayName: 'Reviewer One' },
  decidedAt: '2026-11-24T02:00:00.000Z',
  deviceId: 'device-1',
  online: false,
  baseVersion: 2,
  mutationId: '0193a4d2-7c1e-7000-8000-000000000002',
  sync: 'pending',
  rejectedReason: null,
  judgedOn: {
    flags: [
      { rule: 'R1', severity: 'blocking', reason: 'issuing_location_mismatch', overridable: true, facts: { issuingLocation: 'HK', registrationLocation: 'CN' } },
      { rule: 'R7', severity: 'info', reason: 'due_soon', overridable: false, facts: { dueAt: '2026-11-26T02:00:00.000Z', holidayDataCovered: true } },
    ],
    lastVerifiedAt: '2026-10-01T08:00:00.000Z',
  },
  openedAt: '2026-11-24T01:52:30.000Z',
};

describe('toCentralMutation', () => {
  it('sends the rules overridden and the flags and last verification the decision was judged on', () => {
    const mapped = toCentralMutation(record);
    if (!mapped.ok) throw new Error(mapped.reason);
    expect(mapped.mutation).toMatchObject({ id: record.mutationId, madeBy: 'reviewer1', offline: true, overriddenRules: ['R1'] });
    expect(mapped.mutation.judgedOn).toEqual(record.judgedOn);
    expect(mapped.mutation.openedAt).toBe('2026-11-24T01:52:30.000Z');
  });

  it('sends null for a decision recorded before its evidence was kept', () => {
    const mapped = toCentralMutation({ ...record, overrideNote: null, overriddenRules: [], judgedOn: null, openedAt: null });
    expect(mapped).toMatchObject({ ok: true, mutation: { overriddenRules: [], judgedOn: null, openedAt: null } });
  });
});
