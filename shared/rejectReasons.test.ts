import { describe, expect, it } from 'vitest';
import { checkedCompany, checkedPerson } from '../tests/support/identities';
import { createCalendar } from './businessDays';
import { Application } from './domain';
import { preselectedReasons, reasonForFlag, reasonIndexForKey, reasonKeyHint } from './rejectReasons';
import { evaluateRules, type RuleFacts } from './rules';
import { reasonCodes } from './vocabulary';

const calendar = createCalendar({});
const now = new Date('2026-12-03T02:00:00Z');
const person = checkedPerson;
const company = checkedCompany;
const noFacts: RuleFacts = { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null };

function application(over: Partial<Application> = {}): Application {
  return Application.parse({
    id: 'app-1',
    accountId: 'acct-1',
    kind: 'individual',
    registrationLocation: 'CN',
    submittedAt: '2026-12-01T02:00:00Z',
    status: 'queued',
    version: 1,
    assignee: 'rev-1',
    identity: person,
    currentIdentity: null,
    changeDirection: null,
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'zh-CN',
    ...over,
  });
}

/** The reasons preselected for the flags the real rules raise on this application. */
const preselected = (app: Application, facts: Partial<RuleFacts> = {}) =>
  preselectedReasons(evaluateRules({ application: app, facts: { ...noFacts, ...facts }, quality: [], now, calendar }));

describe('the reason preselected for each blocking flag', () => {
  it.each([
    ['R1 issuing location', application({ identity: { ...person, issuingLocation: 'HK' } }), {}, ['issuing_location_mismatch']],
    ['R2 document already used', application(), { accountsVerifiedWithDocument: 1 }, ['document_already_used']],
    ['R3 enterprise limit', application({ kind: 'enterprise', identity: company }), { enterpriseAccountsVerified: 5 }, ['enterprise_account_limit']],
    [
      'R4 change too soon',
      application({ kind: 'change', currentIdentity: { ...person, fullName: '李四', documentNumber: '110105194912310021' } }),
      { lastVerifiedAt: '2026-11-20T00:00:00Z' },
      ['change_too_soon'],
    ],
    ['R9 failed number check', application({ identity: { ...person, documentNumber: '110105194912310021' } }), {}, ['number_mismatch']],
    ['R10 expired when submitted', application({ identity: { ...person, expiryDate: '2026-11-30' } }), {}, ['document_expired']],
    ['nothing blocking', application(), {}, []],
  ] as const)('%s', (_, app, facts, expected) => {
    expect(preselected(app, facts)).toEqual(expected);
  });

  it('chooses each reason once, in the list’s order, for several blocking flags', () => {
    const app = application({ identity: { ...person, issuingLocation: 'HK', expiryDate: '2026-11-30' } });
    expect(preselected(app, { accountsVerifiedWithDocument: 2 })).toEqual(['document_expired', 'issuing_location_mismatch', 'document_already_used']);
  });

  it('preselects nothing for warnings, a withdrawal, or an unknown last verification', () => {
    expect(reasonForFlag({ rule: 'R10', reason: 'expires_soon', severity: 'warning' })).toBeNull();
    expect(reasonForFlag({ rule: 'R6', reason: 'withdrawn', severity: 'blocking' })).toBeNull();
    expect(reasonForFlag({ rule: 'R4', reason: 'last_verification_unknown', severity: 'blocking' })).toBeNull();
  });
});

describe('reason keys', () => {
  it('reach the first ten by 1–9 and 0, and hint only those', () => {
    expect(reasonCodes.length).toBeGreaterThan(10);
    expect(reasonIndexForKey('1')).toBe(0);
    expect(reasonIndexForKey('9')).toBe(8);
    expect(reasonIndexForKey('0')).toBe(9);
    expect(reasonIndexForKey('a')).toBeNull();
    expect(reasonCodes.map((_, i) => reasonKeyHint(i))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', ...Array(reasonCodes.length - 10).fill(null)]);
  });
});
