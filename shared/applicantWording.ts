// What a reason code means to the applicant, and the sentences every applicant notice shares, in each applicant
// language: one wording for the reviewer's preview (renderer) and the notification the applicant receives (server).
import type { ApplicantLanguage, ReasonCode } from './domain';

export interface ApplicantWording {
  reason: Record<ReasonCode, string>;
  /** R5: the ICP name warning (product choice: the applicant reads it too). */
  icp: string;
  resubmit: string;
}

export const applicantWording: Record<ApplicantLanguage, ApplicantWording> = {
  en: {
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
    resubmit: 'You can correct this and submit a new application in the console.',
  },
  'zh-CN': {
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
    resubmit: '您可以更正后在控制台重新提交申请。',
  },
};
