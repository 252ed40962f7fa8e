// Every flag the rules can raise has a plain-language explanation with its numbers, in both languages.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../shared/domain';
import { createCalendar } from '../../../shared/businessDays';
import { ruleR1, ruleR2, ruleR3, ruleR4, ruleR5, ruleR6, ruleR7, ruleR8 } from '../../../shared/rules';
import { translator } from '../i18n';
import { applicantWording } from '../../../shared/applicantWording';
import { applicantMessage } from './applicantMessage';
import { explainFlag } from './flags';

const application: Application = {
  id: 'VA1',
  accountId: '1001',
  kind: 'change',
  registrationLocation: 'CN',
  submittedAt: '2026-11-20T02:00:00.000Z',
  status: 'queued',
  version: 1,
  assignee: 'reviewer1',
  identity: { kind: 'individual', fullName: '<b>张三</b>', documentType: 'passport', documentNumber: 'E123', issuingLocation: 'HK' },
  currentIdentity: { kind: 'individual', fullName: '张三', documentType: 'id_card', documentNumber: '1101', issuingLocation: 'CN' },
  changeDirection: 'individual_to_individual',
  icp: { mainlandResources: true, icpFilingIntended: true, icpEntityName: '<B>张三</B>' },
  applicantLanguage: 'zh-CN',
};
const enterprise: Application = { ...application, identity: { kind: 'enterprise', enterpriseName: 'Acme', registeredAddress: 'x', businessRegistrationNumber: '9' } };
const now = new Date('2026-11-26T06:00:00.000Z');

const flags = [
  ruleR1(application),
  ruleR2(application, { accountsVerifiedWithDocument: 2, enterpriseAccountsVerified: 0, lastVerifiedAt: null }),
  ruleR3(enterprise, { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 5, lastVerifiedAt: null }),
  ruleR4(application, { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: '2026-11-10T00:00:00.000Z' }, now),
  ruleR4(application, { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null }, now),
  ruleR5(application),
  ruleR5({ ...application, icp: { ...application.icp, icpEntityName: null } }),
  ruleR6({ ...application, status: 'withdrawn' }),
  ...ruleR8([{ width: 300, height: 200, lowResolution: true, blurVariance: 12.5, blurry: true, darkShare: 0.4, brightShare: 0.5, underExposed: true, overExposed: true, glareShare: 0.2, glare: true }, null], [{ image: 1, code: 'image_corrupt' }]),
].filter((f) => f !== null);

describe('explainFlag', () => {
  for (const language of ['en', 'zh-CN'] as const) {
    const t = translator(language);
    it(`explains every flag with its numbers (${language})`, () => {
      expect(flags.length).toBe(14);
      for (const flag of flags) {
        const text = explainFlag(flag, flag.rule === 'R3' ? enterprise : application, t, language).join(' ');
        expect(text, `${flag.rule} ${flag.reason}`).not.toContain(t('flag.unknown', { rule: flag.rule, reason: flag.reason }));
        expect(text).not.toMatch(/\{\w+\}/);
      }
    });
  }

  it('names the numbers behind the flag', () => {
    const t = translator('en');
    const r3 = flags.find((f) => f.rule === 'R3')!;
    expect(explainFlag(r3, enterprise, t, 'en')[0]).toContain('already verifies 5 accounts');
    const r4 = flags.find((f) => f.reason === 'change_too_soon')!;
    expect(explainFlag(r4, application, t, 'en')[0]).toContain('16 days ago');
    const r5 = flags.find((f) => f.reason === 'icp_name_mismatch')!;
    expect(explainFlag(r5, application, t, 'en')).toHaveLength(2);
    const unreadable = flags.find((f) => f.reason === 'image_unreadable')!;
    expect(explainFlag(unreadable, application, t, 'en')[0]).toContain('Image 2 could not be decoded on this workstation (image_corrupt)');
  });
});

describe('the business calendar and withdrawals on record', () => {
  const calendar = createCalendar();
  // Thursday 31 December 2026: due in 2027, which the packaged data does not cover.
  const spanning = { ...application, submittedAt: '2026-12-31T02:00:00.000Z' };
  for (const language of ['en', 'zh-CN'] as const) {
    const t = translator(language);
    it(`says which year lacks official holidays and what to do, on time and once escalated (${language})`, () => {
      for (const at of ['2026-12-31T03:00:00Z', '2027-01-04T03:00:00Z']) {
        const flag = ruleR7(spanning, new Date(at), calendar)!;
        const text = explainFlag(flag, spanning, t, language).join(' ');
        expect(text).toContain('2027');
        expect(text).toContain(language === 'en' ? 'Ask a supervisor to add 2027’s holidays' : '请联系主管添加 2027 年的节假日');
        expect(text).not.toMatch(/\{\w+\}/);
      }
    });
    it(`names the ticket, the time and who withdrew (${language})`, () => {
      const withdrawn = { ...application, status: 'withdrawn' as const, withdrawal: { ticketRef: 'SUP-104233', withdrawnAt: '2026-12-01T08:00:00.000Z', withdrawnBy: 'intake' } };
      const text = explainFlag(ruleR6(withdrawn)!, withdrawn, t, language).join(' ');
      expect(text).toContain('SUP-104233');
      expect(text).toContain('intake');
      expect(text).not.toMatch(/\{\w+\}/);
    });
  }
});

describe('applicantMessage', () => {
  it('is written in the applicant’s language, one line per reason, with the ICP warning', () => {
    const message = applicantMessage(application, flags, 'reject', ['document_unreadable', 'name_mismatch']);
    const zh = applicantWording['zh-CN'];
    expect(message).toContain(zh.reason.document_unreadable);
    expect(message).toContain(zh.reason.name_mismatch);
    expect(message).toContain(zh.icp);
    expect(message.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(2);
    expect(applicantMessage({ ...application, applicantLanguage: 'en' }, [], 'approve', [])).toBe(translator('en')('applicant.approved'));
  });

  it('translates into the reviewer’s language line for line: the same reasons, in the same order', () => {
    const reasons = ['document_expired', 'issuing_location_mismatch'] as const;
    const original = applicantMessage(application, flags, 'reject', reasons);
    const translation = applicantMessage(application, flags, 'reject', reasons, 'en');
    expect(translation).not.toBe(original);
    expect(translation.split('\n').filter((l) => l.startsWith('• '))).toEqual(reasons.map((r) => `• ${applicantWording.en.reason[r]}`));
    expect(translation).toContain(applicantWording.en.icp);
    expect(translation).toContain(applicantWording.en.resubmit);
  });
});
