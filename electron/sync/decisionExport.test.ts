// The export's check of each page of GET /v1/decisions (shared/contract/decisionExport.ts): lighter than the whole
// DecisionRecord, but still a boundary check of every field the CSV writes. A page the full schema accepts is accepted
// and maps to the same log row; a wrong value in a written field is refused; fields the CSV never writes are not read.
import { describe, expect, it } from 'vitest';
import { DecisionRecord, DecisionsResponse } from '../../shared/contract/central';
import { DecisionsExportPage } from '../../shared/contract/decisionExport';
import { decisionLogEntry } from './mapping';

const decision = {
  id: '00000000-0000-7000-8000-000000000001',
  application: {
    id: 'LOG-00000001',
    accountId: 'ACC-LOG-00000001',
    kind: 'individual',
    registrationLocation: 'CN',
    submittedAt: '2026-11-20T11:00:00.000Z',
    status: 'rejected',
    version: 2,
    assignee: 'reviewer1',
    identity: { kind: 'individual', fullName: 'Wang Fang 1', documentType: 'id_card', documentNumber: 'D000000001', issuingLocation: 'CN' },
    currentIdentity: null,
    changeDirection: null,
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
  },
  reviewer: 'reviewer1',
  reviewerName: 'Reviewer One',
  deviceId: 'device-1',
  outcome: 'reject',
  reasonCodes: ['document_expired'],
  applicantMessage: 'Please send a document that is still valid.',
  internalNote: '',
  overrideNote: null,
  overriddenRules: [],
  judgedOn: null,
  decidedAt: '2026-11-20T12:00:01.000Z',
  madeAt: '2026-11-20T12:00:00.000Z',
  openedAt: '2026-11-20T11:56:00.000Z',
  dueAt: '2026-11-23T12:00:00.000Z',
  offline: false,
  effect: 'in_effect',
  reviews: [
    { id: '00000000-0000-7000-9000-000000000001', decisionId: '00000000-0000-7000-8000-000000000001', stage: 'quality', reviewedBy: 'supervisor1', verdict: 'agree', reason: '', reviewedAt: '2026-11-21T12:00:00.000Z' },
  ],
};
const page = { decisions: [decision], nextCursor: null, total: { count: 1, atLeast: false } };

describe('an export page’s check', () => {
  it('accepts what the full schema accepts, and maps to the same log row', () => {
    const full = DecisionsResponse.parse(page);
    const light = DecisionsExportPage.parse(page);
    expect(light.decisions.map(decisionLogEntry)).toEqual(full.decisions.map(decisionLogEntry));
    expect(DecisionRecord.safeParse(decision).success).toBe(true);
  });

  it.each([
    ['an outcome it does not know', { outcome: 'maybe' }],
    ['a reviewer name with a line break', { reviewerName: 'Reviewer\nOne' }],
    ['a reason code it does not know', { reasonCodes: ['because'] }],
    ['an instant that is not one', { madeAt: 'yesterday' }],
    ['an applicant without a name', { application: { ...decision.application, identity: { kind: 'individual', documentNumber: 'D1' } } }],
    ['a flag of an unknown rule', { judgedOn: { flags: [{ rule: 'R99', severity: 'blocking', reason: 'x', overridable: false, facts: {} }] } }],
    ['a review with an unknown verdict', { reviews: [{ ...decision.reviews[0], verdict: 'maybe' }] }],
  ])('refuses %s in a field the CSV writes', (_, change) => {
    expect(DecisionsExportPage.safeParse({ ...page, decisions: [{ ...decision, ...change }] }).success).toBe(false);
  });

  it('refuses a page without its cursor', () => {
    expect(DecisionsExportPage.safeParse({ decisions: [decision] }).success).toBe(false);
  });
});
