import { describe, expect, it } from 'vitest';
import { checkedCompany, checkedPerson } from '../tests/support/identities';
import { createCalendar } from './businessDays';
import { Application, Flag, type EnterpriseIdentity, type IndividualIdentity } from './domain';
import { EXPIRY_WARNING_DAYS, ruleR10, ruleR9 } from './documentRules';
import { approvalBlockers, overriddenRules } from './rules';

const calendar = createCalendar({});

const person = checkedPerson;
const company = checkedCompany;

function application(identity: IndividualIdentity | EnterpriseIdentity, over: Partial<Application> = {}): Application {
  return Application.parse({
    id: 'app-1',
    accountId: 'acct-1',
    kind: identity.kind,
    registrationLocation: 'CN',
    // 10:00 in Shanghai on 1 December 2026
    submittedAt: '2026-12-01T02:00:00Z',
    status: 'queued',
    version: 1,
    assignee: 'rev-1',
    identity,
    currentIdentity: null,
    changeDirection: null,
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'zh-CN',
    ...over,
  });
}

describe('R9 number-check', () => {
  it.each([
    ['a valid resident ID', person],
    ['a valid USCC', company],
    ['a passport number within ICAO 9303', { ...person, documentType: 'passport', documentNumber: 'E12345678', issuingLocation: 'CN' } as IndividualIdentity],
  ])('raises nothing for %s', (_, identity) => {
    expect(ruleR9(application(identity), calendar)).toEqual([]);
  });

  it('blocks a wrong check character, overridable, with expected and found', () => {
    const flags = ruleR9(application({ ...person, documentNumber: '110105194912310021' }), calendar);
    expect(flags).toEqual([
      { rule: 'R9', severity: 'blocking', reason: 'number_check_character', overridable: true, facts: { format: 'prc_resident_id', expected: 'X', found: '1' } },
    ]);
    for (const f of flags) expect(Flag.safeParse(f).success).toBe(true);
  });

  it('blocks the issue\'s "123" ID card and "!!!" business registration number', () => {
    expect(ruleR9(application({ ...person, documentNumber: '123' }), calendar)[0]).toMatchObject({ severity: 'blocking', reason: 'number_length', facts: { expected: '18', found: '3' } });
    expect(ruleR9(application({ ...company, businessRegistrationNumber: '!!!' }), calendar)[0]).toMatchObject({ severity: 'blocking', reason: 'number_length' });
  });

  it('judges the embedded birth date against the day of submission, not the decision', () => {
    // Born 2026-12-02: after the submission on 2026-12-01.
    const first17 = '11010520261202001';
    const n = `${first17}${'10X98765432'[[...first17].reduce((s, d, i) => s + Number(d) * (2 ** (17 - i) % 11), 0) % 11]}`;
    expect(ruleR9(application({ ...person, documentNumber: n, dateOfBirth: '2026-12-02' }), calendar)[0]).toMatchObject({ reason: 'number_birth_date_future', facts: { found: '2026-12-02' } });
  });

  it('says a format it cannot check, and the legacy 15-digit card, without blocking', () => {
    const other = ruleR9(application({ ...person, documentType: 'drivers_license', documentNumber: 'D440301198806' }), calendar);
    expect(other).toEqual([{ rule: 'R9', severity: 'info', reason: 'number_not_checkable', overridable: false, facts: { format: 'unknown' } }]);
    const legacy = ruleR9(application({ ...person, documentNumber: '110105491231002' }), calendar);
    expect(legacy.map((f) => [f.severity, f.reason])).toEqual([['warning', 'number_legacy']]);
    expect(approvalBlockers([...other, ...legacy], null)).toEqual([]);
  });

  it('warns when the entered date of birth differs from the number\'s', () => {
    expect(ruleR9(application({ ...person, dateOfBirth: '1949-12-30' }), calendar)).toEqual([
      { rule: 'R9', severity: 'warning', reason: 'birth_date_differs', overridable: false, facts: { entered: '1949-12-30', inNumber: '1949-12-31' } },
    ]);
  });

  it('is overridden with a note, like R1, and named among the overridden rules', () => {
    const flags = ruleR9(application({ ...company, businessRegistrationNumber: '91350100M000100Y44' }), calendar);
    expect(approvalBlockers(flags, null).map((f) => f.rule)).toEqual(['R9']);
    expect(approvalBlockers(flags, '   ')).toHaveLength(1);
    expect(approvalBlockers(flags, 'The licence photo shows …Y43; a typo by the applicant, confirmed.')).toEqual([]);
    expect(overriddenRules(flags, 'approve', 'confirmed against the licence')).toEqual(['R9']);
  });
});

describe('R10 expiry', () => {
  const now = new Date('2026-12-05T06:00:00Z'); // 14:00 in Shanghai on 5 December
  const withExpiry = (expiryDate: string | undefined) => application({ ...person, expiryDate });

  it('blocks a document expired before the day of submission, not overridable, with both dates', () => {
    const flag = ruleR10(withExpiry('2026-11-30'), now, calendar);
    expect(flag).toEqual({ rule: 'R10', severity: 'blocking', reason: 'expired_at_submission', overridable: false, facts: { expiryDate: '2026-11-30', submittedOn: '2026-12-01' } });
    expect(approvalBlockers([flag as Flag], 'I know')).toHaveLength(1);
  });

  it('counts the expiry day itself as valid, in the calendar\'s time zone', () => {
    // Submitted 02:00 UTC = 10:00 on 1 December in Shanghai; valid through 1 December.
    expect(ruleR10(withExpiry('2026-12-01'), now, calendar)).toMatchObject({ severity: 'warning', reason: 'expired_since_submission' });
    // 30 November 17:00 UTC is already 1 December in Shanghai.
    const lateUtc = application({ ...person, expiryDate: '2026-11-30' }, { submittedAt: '2026-11-30T17:00:00Z' });
    expect(ruleR10(lateUtc, now, calendar)?.reason).toBe('expired_at_submission');
  });

  it(`warns within ${EXPIRY_WARNING_DAYS} days of the decision, with the date and the days left`, () => {
    expect(ruleR10(withExpiry('2026-12-05'), now, calendar)).toMatchObject({ severity: 'warning', reason: 'expires_soon', facts: { expiryDate: '2026-12-05', daysLeft: 0 } });
    expect(ruleR10(withExpiry('2027-01-04'), now, calendar)).toMatchObject({ severity: 'warning', reason: 'expires_soon', facts: { daysLeft: 30, withinDays: 30 } });
    expect(ruleR10(withExpiry('2027-01-05'), now, calendar)).toBeNull();
    expect(ruleR10(withExpiry('2036-05-01'), now, calendar)).toBeNull();
  });

  it('has nothing to check without an expiry date, or for an enterprise', () => {
    expect(ruleR10(withExpiry(undefined), now, calendar)).toBeNull();
    expect(ruleR10(application(company), now, calendar)).toBeNull();
  });
});
