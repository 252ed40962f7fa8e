// The applicant's notification of a decision, in the account's language: the outcome, the message the reviewer wrote,
// what each reason code means in plain words, the ICP name warning (R5) where it applies, and what happens to the
// account's identity and resources. One template per channel: the message centre and email carry the whole text, an
// SMS the outcome and where to read the rest (a name or a reason list does not belong in a text message).
import { IntlMessageFormat } from 'intl-messageformat';
import type { ApplicantLanguage, ApplicationKind, DecisionOutcome, ReasonCode } from '../../shared/domain';
import type { NotificationChannel } from '../../shared/contract/notifications';

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

type Catalogue = {
  subjectApproved: string;
  subjectRejected: string;
  approved: string;
  rejected: string;
  reviewerSays: string;
  reasons: string;
  reason: Record<ReasonCode, string>;
  icp: string;
  resources: { approvedNew: string; approvedChange: string; rejectedNew: string; rejectedChange: string };
  resubmit: string;
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
    reason: {
      document_unreadable: 'The photo of your document cannot be read clearly. Please upload a sharp, complete, well-lit photo.',
      document_expired: 'Your document has expired. Please use a valid document.',
      document_type_not_accepted: 'This type of document is not accepted. Please use an ID card, passport, driver’s licence or work permit.',
      issuing_location_mismatch: 'The document must be issued by a government agency of your account’s registration location.',
      name_mismatch: 'The name you entered does not match the name on the document.',
      number_mismatch: 'The number you entered does not match the number on the document.',
      document_already_used: 'This document already verifies another account; one document can verify only one account.',
      enterprise_account_limit: 'This enterprise already verifies the maximum of five accounts.',
      change_too_soon: 'An identity can be changed only 30 days or more after the last successful verification.',
      suspected_tampering: 'The document photo appears to have been altered. Please upload an unedited photo of the original document.',
      information_incomplete: 'Some required information or photos are missing.',
      address_mismatch: 'The registered address does not match the business licence.',
      other: 'Please contact support for details.',
    },
    icp: 'Please note: the verified name must be identical to the name of your ICP filing entity, otherwise an ICP filing will fail.',
    resources: {
      approvedNew: 'Your account is now verified as “{name}”. Your resources stay with the account, and services that need a verified identity are open to it.',
      approvedChange: 'Your account’s verified identity is now “{name}” (before: “{previousName}”). Your resources stay with the account, now under the new identity.',
      rejectedNew: 'Your account stays unverified. Its resources stay as they are; services that need a verified identity stay closed until an application is approved.',
      rejectedChange: 'Nothing changes on your account: it keeps its verified identity “{previousName}”, and its resources stay under it.',
    },
    resubmit: 'You can correct this and submit a new application in the console.',
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
    reason: {
      document_unreadable: '证件照片无法清晰辨认。请上传清晰、完整、光线充足的照片。',
      document_expired: '您的证件已过期。请使用有效证件。',
      document_type_not_accepted: '不接受该类型的证件。请使用身份证、护照、驾驶证或工作许可证。',
      issuing_location_mismatch: '证件必须由账号注册地的政府机构签发。',
      name_mismatch: '您填写的姓名与证件上的姓名不一致。',
      number_mismatch: '您填写的号码与证件上的号码不一致。',
      document_already_used: '此证件已认证其他账号；一个证件只能认证一个账号。',
      enterprise_account_limit: '该企业认证的账号已达到五个的上限。',
      change_too_soon: '实名认证变更须在上次认证成功 30 天后才能进行。',
      suspected_tampering: '证件照片疑似经过修改。请上传原始证件的未经编辑的照片。',
      information_incomplete: '缺少必要的信息或照片。',
      address_mismatch: '注册地址与营业执照不一致。',
      other: '详情请联系客服。',
    },
    icp: '请注意：认证名称必须与 ICP 备案主体名称完全一致，否则 ICP 备案将失败。',
    resources: {
      approvedNew: '您的账号已认证为“{name}”。账号下的资源保持不变，需要实名认证的服务现已可用。',
      approvedChange: '您账号的认证身份已变更为“{name}”（原为“{previousName}”）。账号下的资源保持不变，归属新的认证身份。',
      rejectedNew: '您的账号仍未认证。账号下的资源保持不变；需要实名认证的服务在申请通过前仍不可用。',
      rejectedChange: '您的账号没有任何变化：仍保留原认证身份“{previousName}”，账号下的资源仍归属该身份。',
    },
    resubmit: '您可以更正后在控制台重新提交申请。',
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
  const approved = facts.outcome === 'approve';
  const parts: string[] = [approved ? c.approved : c.rejected];
  if (facts.applicantMessage.trim() !== '') parts.push(`${c.reviewerSays}\n${facts.applicantMessage.trim()}`);
  if (facts.reasonCodes.length > 0) {
    parts.push([format(language, c.reasons, { count: facts.reasonCodes.length }), ...facts.reasonCodes.map((code) => `- ${c.reason[code]}`)].join('\n'));
  }
  if (facts.icpWarning) parts.push(c.icp);
  parts.push(resourcesLine(language, facts));
  if (!approved) parts.push(c.resubmit);
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
