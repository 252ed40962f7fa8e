// The applicant's notification of a decision, in the account's language: the outcome, the message the reviewer wrote,
// what each reason code means in plain words, the ICP name warning (R5) where it applies, and what happens to the
// account's identity and resources. One template per channel: the message centre and email carry the whole text, an
// SMS the outcome and where to read the rest (a name or a reason list does not belong in a text message).
import { IntlMessageFormat } from 'intl-messageformat';
import type { ApplicantLanguage, ApplicationKind, DecisionOutcome, ReasonCode } from '../../shared/domain';
import type { NotificationChannel } from '../../shared/contract/notifications';
import { applicantWording } from '../../shared/applicantWording';

export interface NotificationFacts {
  outcome: DecisionOutcome;
  kind: ApplicationKind;
  /** The name of the identity applied for, and of the one verified before (a change), or null. */
  name: string;
  previousName: string | null;
  applicantMessage: string;
  reasonCodes: readonly ReasonCode[];
  /** R5 flags the application: ICP filing intended with resources in Mainland China. */
  icpWarning: boolean;
  applicationId: string;
}

export interface Rendered {
  subject: string;
  body: string;
}

/** The notification's own sentences; reason meanings, the ICP warning and the resubmit line are shared/applicantWording's. */
type Catalogue = {
  subjectApproved: string;
  subjectRejected: string;
  approved: string;
  rejected: string;
  reviewerSays: string;
  reasons: string;
  resources: { approvedNew: string; approvedChange: string; rejectedNew: string; rejectedChange: string };
  reference: string;
  sms: { approved: string; rejected: string };
};

const catalogues: Record<ApplicantLanguage, Catalogue> = {
  en: {
    subjectApproved: 'Your identity verification is approved',
    subjectRejected: 'Your identity verification was not approved',
    approved: 'Hello, your identity verification has been approved.',
    rejected: 'Hello, we could not verify your identity.',
    reviewerSays: 'Message from our reviewer:',
    reasons: '{count, plural, one {The reason} other {The # reasons}}:',
    resources: {
      approvedNew: 'Your account is now verified as “{name}”. Your resources stay with the account, and services that need a verified identity are open to it.',
      approvedChange: 'Your account’s verified identity is now “{name}” (before: “{previousName}”). Your resources stay with the account, now under the new identity.',
      rejectedNew: 'Your account stays unverified. Its resources stay as they are; services that need a verified identity stay closed until an application is approved.',
      rejectedChange: 'Nothing changes on your account: it keeps its verified identity “{previousName}”, and its resources stay under it.',
    },
    reference: 'Application reference: {applicationId}',
    sms: {
      approved: 'Verity: your identity verification is approved. Details are in the message centre of your console.',
      rejected: 'Verity: your identity verification was not approved ({count, plural, one {# reason} other {# reasons}}). Please read the message centre in your console.',
    },
  },
  'zh-CN': {
    subjectApproved: '您的实名认证已通过',
    subjectRejected: '您的实名认证未通过',
    approved: '您好，您的实名认证已通过。',
    rejected: '您好，我们未能认证您的身份。',
    reviewerSays: '审核人员留言：',
    reasons: '原因（共 {count} 项）：',
    resources: {
      approvedNew: '您的账号已认证为“{name}”。账号下的资源保持不变，需要实名认证的服务现已可用。',
      approvedChange: '您账号的认证身份已变更为“{name}”（原为“{previousName}”）。账号下的资源保持不变，归属新的认证身份。',
      rejectedNew: '您的账号仍未认证。账号下的资源保持不变；需要实名认证的服务在申请通过前仍不可用。',
      rejectedChange: '您的账号没有任何变化：仍保留原认证身份“{previousName}”，账号下的资源仍归属该身份。',
    },
    reference: '申请编号：{applicationId}',
    sms: {
      approved: '【Verity】您的实名认证已通过，详情请查看控制台消息中心。',
      rejected: '【Verity】您的实名认证未通过（{count} 项原因），请查看控制台消息中心。',
    },
  },
};

const format = (language: ApplicantLanguage, pattern: string, values: Record<string, string | number>): string =>
  String(new IntlMessageFormat(pattern, language).format(values));

function resourcesLine(language: ApplicantLanguage, facts: NotificationFacts): string {
  const r = catalogues[language].resources;
  const change = facts.kind === 'change' && facts.previousName !== null;
  const pattern = facts.outcome === 'approve' ? (change ? r.approvedChange : r.approvedNew) : change ? r.rejectedChange : r.rejectedNew;
  return format(language, pattern, { name: facts.name, previousName: facts.previousName ?? '' });
}

/** The whole notification (message centre and email). */
export function renderFull(language: ApplicantLanguage, facts: NotificationFacts): Rendered {
  const c = catalogues[language];
  const w = applicantWording[language];
  const approved = facts.outcome === 'approve';
  const parts: string[] = [approved ? c.approved : c.rejected];
  if (facts.applicantMessage.trim() !== '') parts.push(`${c.reviewerSays}\n${facts.applicantMessage.trim()}`);
  if (facts.reasonCodes.length > 0) {
    parts.push([format(language, c.reasons, { count: facts.reasonCodes.length }), ...facts.reasonCodes.map((code) => `- ${w.reason[code]}`)].join('\n'));
  }
  if (facts.icpWarning) parts.push(w.icp);
  parts.push(resourcesLine(language, facts));
  if (!approved) parts.push(w.resubmit);
  parts.push(format(language, c.reference, { applicationId: facts.applicationId }));
  return { subject: approved ? c.subjectApproved : c.subjectRejected, body: parts.join('\n\n') };
}

/** The text message: the outcome and where to read the rest. */
export function renderSms(language: ApplicantLanguage, facts: NotificationFacts): Rendered {
  const c = catalogues[language];
  const approved = facts.outcome === 'approve';
  return {
    subject: approved ? c.subjectApproved : c.subjectRejected,
    body: format(language, approved ? c.sms.approved : c.sms.rejected, { count: facts.reasonCodes.length }),
  };
}

export const renderFor = (channel: NotificationChannel, language: ApplicantLanguage, facts: NotificationFacts): Rendered =>
  channel === 'sms' ? renderSms(language, facts) : renderFull(language, facts);
