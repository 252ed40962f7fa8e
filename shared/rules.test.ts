import { describe, expect, it } from 'vitest';
import { createCalendar } from './businessDays';
import { Application, Flag, type EnterpriseIdentity, type IndividualIdentity, type QualitySignals } from './domain';
import {
  approvalBlockers,
  blockingFlags,
  changeDirectionOf,
  evaluateRules,
  rejectionBlockers,
  ruleR1,
  ruleR2,
  ruleR3,
  ruleR4,
  ruleR5,
  ruleR6,
  ruleR7,
  ruleR8,
  type RuleFacts,
} from './rules';

const calendar = createCalendar({});
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const person: IndividualIdentity = {
  kind: 'individual',
  fullName: '张三',
  documentType: 'id_card',
  documentNumber: '110101199003074514',
  issuingLocation: 'CN',
};
const company: EnterpriseIdentity = {
  kind: 'enterprise',
  enterpriseName: '杭州示例科技有限公司',
  registeredAddress: '浙江省杭州市西湖区示例路1号',
  businessRegistrationNumber: '91330106MA2AXXXX0X',
};

function application(overrides: Partial<Application> = {}): Application {
  return Application.parse({
    id: 'app-1',
    accountId: 'acct-1',
    kind: 'individual',
    registrationLocation: 'CN',
    submittedAt: '2026-11-23T02:00:00Z',
    status: 'queued',
    version: 1,
    assignee: 'rev-1',
    identity: person,
    currentIdentity: null,
    changeDirection: null,
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'zh-CN',
    ...overrides,
  });
}

function change(from: IndividualIdentity | EnterpriseIdentity, to: IndividualIdentity | EnterpriseIdentity): Application {
  return application({
    kind: 'change',
    identity: to,
    currentIdentity: from,
    changeDirection: `${from.kind}_to_${to.kind}`,
  });
}

const noFacts: RuleFacts = { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null };
const quality = (over: Partial<QualitySignals> = {}): QualitySignals => ({
  width: 2000,
  height: 1300,
  lowResolution: false,
  blurVariance: 250,
  blurry: false,
  darkShare: 0.01,
  brightShare: 0.01,
  underExposed: false,
  overExposed: false,
  glareShare: 0,
  glare: false,
  ...over,
});

/** A compact view of a flag for tables. */
const brief = (f: Flag | null) => (f ? `${f.rule}:${f.severity}:${f.reason}${f.overridable ? ':overridable' : ''}` : null);

describe('R1 issuing location', () => {
  it.each([
    ['individual, same location', application(), null],
    ['individual, HK document on a CN account', application({ identity: { ...person, issuingLocation: 'HK' } }), 'R1:blocking:issuing_location_mismatch:overridable'],
    ['individual, passport from SG on an SG account', application({ registrationLocation: 'SG', identity: { ...person, documentType: 'passport', issuingLocation: 'SG' } }), null],
    ['enterprise', application({ kind: 'enterprise', identity: company }), null],
    ['change to an individual with a foreign document', change(company, { ...person, issuingLocation: 'US' }), 'R1:blocking:issuing_location_mismatch:overridable'],
    ['change to an individual with a local document', change(person, { ...person, fullName: '李四' }), null],
    ['change individual→enterprise', change({ ...person, issuingLocation: 'US' }, company), null],
  ])('%s', (_name, app, expected) => {
    expect(brief(ruleR1(app))).toBe(expected);
  });

  it('carries both locations', () => {
    expect(ruleR1(application({ identity: { ...person, issuingLocation: 'MO' } }))?.facts).toEqual({ issuingLocation: 'MO', registrationLocation: 'CN' });
  });
});

describe('R2 one document, one account', () => {
  // The caller counts accounts with the same type + number + issuing location; R2 reads that count only.
  // So "same number, different type or issuing location" arrives here as a count of 0 and raises nothing; that
  // count is proved where it is made (server/keys.test.ts, and "R2 counts one document" in server/central.test.ts).
  it.each([
    ['unused document', application(), 0, null],
    ['used by one other account', application(), 1, 'R2:blocking:document_used_elsewhere'],
    ['used by three other accounts', application(), 3, 'R2:blocking:document_used_elsewhere'],
    ['same number as a passport elsewhere (caller counted 0)', application({ identity: { ...person, documentType: 'passport' } }), 0, null],
    ['same number issued in HK elsewhere (caller counted 0)', application({ identity: { ...person, issuingLocation: 'HK' } }), 0, null],
    ['change to an individual, document used elsewhere', change(company, person), 1, 'R2:blocking:document_used_elsewhere'],
    ['enterprise: no document to count', application({ kind: 'enterprise', identity: company }), 4, null],
  ])('%s', (_name, app, accounts, expected) => {
    expect(brief(ruleR2(app, { ...noFacts, accountsVerifiedWithDocument: accounts }))).toBe(expected);
  });

  it('reads nothing but the count', () => {
    expect(ruleR2(application(), { ...noFacts, accountsVerifiedWithDocument: 2 })?.facts).toEqual({ accounts: 2, limit: 1 });
  });
});

describe('R3 five accounts per enterprise', () => {
  const enterprise = application({ kind: 'enterprise', identity: company });
  it.each([
    ['first account', enterprise, 0, null],
    ['fifth account (four others) is allowed', enterprise, 4, null],
    ['sixth account (five others) is blocked', enterprise, 5, 'R3:blocking:enterprise_limit_reached'],
    ['seventh account', enterprise, 6, 'R3:blocking:enterprise_limit_reached'],
    ['change individual→enterprise, sixth', change(person, company), 5, 'R3:blocking:enterprise_limit_reached'],
    ['change enterprise→enterprise, fifth', change({ ...company, enterpriseName: '旧公司' }, company), 4, null],
    ['change enterprise→enterprise, sixth', change({ ...company, enterpriseName: '旧公司' }, company), 5, 'R3:blocking:enterprise_limit_reached'],
    ['individual application ignores the count', application(), 9, null],
    ['change enterprise→individual ignores the count', change(company, person), 9, null],
  ])('%s', (_name, app, accounts, expected) => {
    expect(brief(ruleR3(app, { ...noFacts, enterpriseAccountsVerified: accounts }))).toBe(expected);
  });

  it('states the count and the limit', () => {
    expect(ruleR3(enterprise, { ...noFacts, enterpriseAccountsVerified: 5 })?.facts).toEqual({ accounts: 5, limit: 5 });
  });
});

describe('R4 change cooldown', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const i2i = change(person, { ...person, fullName: '李四' });
  const i2e = change(person, company);
  const e2i = change(company, person);
  const e2e = change(company, { ...company, enterpriseName: '新公司' });
  it.each([
    ['i→i exactly 30 days', i2i, ago(30 * DAY), null],
    ['i→i 30 days and 1 ms', i2i, ago(30 * DAY + 1), null],
    ['i→i 29 days 23 hours', i2i, ago(30 * DAY - HOUR), 'R4:blocking:change_too_soon'],
    ['i→i 30 days minus 1 ms', i2i, ago(30 * DAY - 1), 'R4:blocking:change_too_soon'],
    ['e→i 12 days', e2i, ago(12 * DAY), 'R4:blocking:change_too_soon'],
    ['e→e 12 days', e2e, ago(12 * DAY), 'R4:blocking:change_too_soon'],
    ['e→e 45 days', e2e, ago(45 * DAY), null],
    ['i→e after 1 day has no time limit', i2e, ago(DAY), null],
    ['i→e after 1 minute', i2e, ago(60_000), null],
    ['i→e with no known verification', i2e, null, null],
    ['i→i with no known verification is blocked (cannot prove 30 days)', i2i, null, 'R4:blocking:last_verification_unknown'],
    ['a first verification is not a change', application(), ago(DAY), null],
    ['an enterprise application is not a change', application({ kind: 'enterprise', identity: company }), ago(DAY), null],
  ])('%s', (_name, app, lastVerifiedAt, expected) => {
    expect(brief(ruleR4(app, { ...noFacts, lastVerifiedAt }, now))).toBe(expected);
  });

  it('gives the days elapsed, the days required and when the change becomes possible', () => {
    expect(ruleR4(i2i, { ...noFacts, lastVerifiedAt: ago(12 * DAY + 5 * HOUR) }, now)?.facts).toEqual({
      daysSinceVerification: 12,
      requiredDays: 30,
      eligibleAt: new Date(now.getTime() + 18 * DAY - 5 * HOUR).toISOString(),
    });
  });

  it('uses the identities for the direction, the stored field only without a current identity', () => {
    expect(changeDirectionOf(application({ kind: 'change', identity: company, currentIdentity: person, changeDirection: 'enterprise_to_enterprise' }))).toBe(
      'individual_to_enterprise',
    );
    expect(changeDirectionOf(application({ kind: 'change', identity: company, currentIdentity: null, changeDirection: 'individual_to_enterprise' }))).toBe(
      'individual_to_enterprise',
    );
    expect(changeDirectionOf(application())).toBeNull();
  });
});

describe('R5 ICP entity name', () => {
  const icp = (mainlandResources: boolean, icpFilingIntended: boolean, icpEntityName: string | null) => ({ mainlandResources, icpFilingIntended, icpEntityName });
  it.each([
    ['no mainland resources', application({ icp: icp(false, true, '别人') }), null],
    ['no ICP filing intended', application({ icp: icp(true, false, '别人') }), null],
    ['individual, identical name', application({ icp: icp(true, true, '张三') }), null],
    ['individual, identical after trimming outer spaces', application({ icp: icp(true, true, ' 张三 ') }), null],
    ['individual, different name', application({ icp: icp(true, true, '李四') }), 'R5:warning:icp_name_mismatch'],
    ['enterprise, identical name', application({ kind: 'enterprise', identity: company, icp: icp(true, true, company.enterpriseName) }), null],
    ['enterprise, full-width vs half-width brackets', application({ kind: 'enterprise', identity: { ...company, enterpriseName: '示例科技（杭州）有限公司' }, icp: icp(true, true, '示例科技(杭州)有限公司') }), 'R5:warning:icp_name_mismatch'],
    ['change: compares the proposed identity', application({ kind: 'change', identity: company, currentIdentity: person, changeDirection: 'individual_to_enterprise', icp: icp(true, true, '张三') }), 'R5:warning:icp_name_mismatch'],
    ['unknown entity name', application({ icp: icp(true, true, null) }), 'R5:warning:icp_entity_unknown'],
    ['blank entity name', application({ icp: icp(true, true, '  ') }), 'R5:warning:icp_entity_unknown'],
  ])('%s', (_name, app, expected) => {
    expect(brief(ruleR5(app))).toBe(expected);
  });

  it('hints when names differ only in case, spacing or width, and copies no names', () => {
    const latin = (entity: string) =>
      ruleR5(application({ kind: 'enterprise', identity: { ...company, enterpriseName: 'Example Tech Ltd' }, icp: icp(true, true, entity) }))?.facts;
    expect(latin('example tech ltd')).toEqual({ differsOnlyInCaseSpacingOrWidth: true });
    expect(latin('Example  Tech Ltd')).toEqual({ differsOnlyInCaseSpacingOrWidth: true });
    expect(latin('Other Ltd')).toEqual({ differsOnlyInCaseSpacingOrWidth: false });
  });
});

describe('R6 withdrawn', () => {
  it.each([
    ['submitted', null],
    ['queued', null],
    ['in_review', null],
    ['approved', null],
    ['rejected', null],
    ['withdrawn', 'R6:blocking:withdrawn'],
  ] as const)('%s', (status, expected) => {
    expect(brief(ruleR6(application({ status })))).toBe(expected);
  });

  it('carries the withdrawal on record: ticket, time and who', () => {
    const withdrawal = { ticketRef: 'SUP-104233', withdrawnAt: '2026-12-01T08:00:00.000Z', withdrawnBy: 'intake' };
    expect(ruleR6(application({ status: 'withdrawn', withdrawal }))?.facts).toEqual({ status: 'withdrawn', ...withdrawal });
  });
});

describe('R7 review deadline', () => {
  // Submitted Monday 2026-11-23 10:00 Shanghai: escalates Wednesday 10:00, due Thursday 10:00.
  const app = application({ submittedAt: '2026-11-23T02:00:00Z' });
  it.each([
    ['just submitted', app, '2026-11-23T03:00:00Z', null],
    ['a moment before escalation', app, '2026-11-25T01:59:59Z', null],
    ['at escalation', app, '2026-11-25T02:00:00Z', 'R7:info:due_soon'],
    ['at the due time', app, '2026-11-26T02:00:00Z', 'R7:warning:overdue'],
    ['days later', app, '2026-12-01T02:00:00Z', 'R7:warning:overdue'],
    ['decided cases carry no deadline', application({ status: 'approved' }), '2026-12-01T02:00:00Z', null],
    ['withdrawn cases carry no deadline', application({ status: 'withdrawn' }), '2026-12-01T02:00:00Z', null],
  ])('%s', (_name, application_, now, expected) => {
    expect(brief(ruleR7(application_, new Date(now), calendar))).toBe(expected);
  });

  it('states the times', () => {
    expect(ruleR7(app, new Date('2026-11-25T03:00:00Z'), calendar)?.facts).toEqual({
      dueAt: '2026-11-26T02:00:00.000Z',
      escalateAt: '2026-11-25T02:00:00.000Z',
      holidayDataCovered: true,
      year: null,
    });
    expect(ruleR7(app, new Date('2026-11-26T07:30:00Z'), calendar)?.facts).toEqual({
      dueAt: '2026-11-26T02:00:00.000Z',
      hoursOverdue: 5,
      holidayDataCovered: true,
      year: null,
    });
  });

  it('says when no official holiday data was available, and for which year', () => {
    const late = application({ submittedAt: '2026-12-30T02:00:00Z' });
    expect(ruleR7(late, new Date('2027-01-10T00:00:00Z'), calendar)?.facts).toMatchObject({ holidayDataCovered: false, year: 2027 });
  });

  it('marks every open case whose deadline falls in a year without official data, on time too', () => {
    // Thursday 31 December 2026 10:00 Shanghai: due in 2027, counted with weekends only; on time just after submission.
    const spanning = application({ submittedAt: '2026-12-31T02:00:00Z' });
    expect(ruleR7(spanning, new Date('2026-12-31T03:00:00Z'), calendar)).toEqual({
      rule: 'R7',
      severity: 'info',
      reason: 'holiday_data_missing',
      overridable: false,
      facts: { dueAt: '2027-01-05T02:00:00.000Z', year: 2027, holidayDataCovered: false },
    });
    // With 2027 from the central calendar, nothing to say until escalation.
    const with2027 = createCalendar({ data: { days: [{ date: '2027-01-01', kind: 'holiday', name: "New Year's Day" }], officialYears: [2026, 2027] } });
    expect(ruleR7(spanning, new Date('2026-12-31T03:00:00Z'), with2027)).toBeNull();
    expect(ruleR7(application({ submittedAt: '2026-12-31T02:00:00Z', status: 'withdrawn' }), new Date('2026-12-31T03:00:00Z'), calendar)).toBeNull();
  });
});

describe('R8 image quality', () => {
  it.each([
    ['clean images', [quality(), quality()], []],
    ['low resolution', [quality({ lowResolution: true })], ['low_resolution']],
    ['blurry', [quality({ blurry: true })], ['blurry']],
    ['under-exposed', [quality({ underExposed: true })], ['under_exposed']],
    ['over-exposed', [quality({ overExposed: true })], ['over_exposed']],
    ['glare', [quality({ glare: true })], ['glare']],
    ['several problems on two images', [quality({ blurry: true, glare: true }), quality({ lowResolution: true })], ['blurry', 'glare', 'low_resolution']],
    ['no images', [], []],
  ])('%s', (_name, images, reasons) => {
    const flags = ruleR8(images);
    expect(flags.map((f) => f.reason)).toEqual(reasons);
    expect(flags.every((f) => f.rule === 'R8' && f.severity === 'warning' && !f.overridable)).toBe(true);
  });

  it('names the image and its number', () => {
    expect(ruleR8([quality(), quality({ blurry: true, blurVariance: 12.5 })])[0]?.facts).toEqual({ image: 1, blurVariance: 12.5 });
  });
});

describe('evaluateRules', () => {
  it('returns every raised flag in R1..R10 order, each a valid Flag', () => {
    const app = application({
      kind: 'change',
      status: 'withdrawn',
      identity: { ...person, issuingLocation: 'HK', expiryDate: '2026-12-10' },
      currentIdentity: { ...person, fullName: '王五' },
      changeDirection: 'individual_to_individual',
      icp: { mainlandResources: true, icpFilingIntended: true, icpEntityName: '王五' },
    });
    const flags = evaluateRules({
      application: app,
      facts: { accountsVerifiedWithDocument: 1, enterpriseAccountsVerified: 7, lastVerifiedAt: '2026-11-20T00:00:00Z' },
      quality: [quality({ glare: true })],
      now: new Date('2026-11-26T12:00:00Z'),
      calendar,
    });
    expect(flags.map((f) => `${f.rule}:${f.reason}`)).toEqual([
      'R1:issuing_location_mismatch',
      'R2:document_used_elsewhere',
      'R4:change_too_soon',
      'R5:icp_name_mismatch',
      'R6:withdrawn',
      'R8:glare',
      'R9:number_not_checkable',
      'R10:expires_soon',
    ]);
    for (const f of flags) expect(Flag.safeParse(f).success).toBe(true);
  });

  it('raises nothing for a clean, fresh application', () => {
    expect(evaluateRules({ application: application(), facts: noFacts, quality: [quality()], now: new Date('2026-11-23T03:00:00Z'), calendar })).toEqual([]);
  });

  it('includes the deadline flag for an overdue queued case', () => {
    const flags = evaluateRules({ application: application(), facts: noFacts, quality: [], now: new Date('2026-11-27T03:00:00Z'), calendar });
    expect(flags.map((f) => f.reason)).toEqual(['overdue']);
  });
});

describe('approval and rejection blockers', () => {
  const r1: Flag = { rule: 'R1', severity: 'blocking', reason: 'issuing_location_mismatch', overridable: true, facts: {} };
  const r2: Flag = { rule: 'R2', severity: 'blocking', reason: 'document_used_elsewhere', overridable: false, facts: {} };
  const r5: Flag = { rule: 'R5', severity: 'warning', reason: 'icp_name_mismatch', overridable: false, facts: {} };
  const r6: Flag = { rule: 'R6', severity: 'blocking', reason: 'withdrawn', overridable: false, facts: {} };
  const r7: Flag = { rule: 'R7', severity: 'info', reason: 'due_soon', overridable: false, facts: {} };

  it.each([
    ['no flags', [], null, []],
    ['warnings and info never block', [r5, r7], null, []],
    ['R1 without a note blocks', [r1], null, ['R1']],
    ['R1 with an empty note blocks', [r1], '', ['R1']],
    ['R1 with a blank note blocks', [r1], '   ', ['R1']],
    ['R1 with a note is overridden', [r1], 'Passport verified by phone with the HK office', []],
    ['a note does not override R2', [r1, r2], 'note', ['R2']],
    ['a note does not override R6', [r6, r1], 'note', ['R6']],
    ['everything', [r1, r2, r5, r6, r7], null, ['R1', 'R2', 'R6']],
  ] as const)('%s', (_name, flags, note, expected) => {
    expect(approvalBlockers([...flags], note).map((f) => f.rule)).toEqual(expected);
  });

  it('blockingFlags keeps only blocking ones', () => {
    expect(blockingFlags([r1, r5, r6, r7]).map((f) => f.rule)).toEqual(['R1', 'R6']);
  });

  it('only R6 stops a rejection', () => {
    expect(rejectionBlockers([r1, r2, r5]).map((f) => f.rule)).toEqual([]);
    expect(rejectionBlockers([r1, r6]).map((f) => f.rule)).toEqual(['R6']);
  });
});
