// The applicant-facing message, prefilled from the decision and its reason codes, in the applicant's language; the
// same text in the reviewer's language is its translation beside it. Reason meanings are shared/applicantWording's,
// the wording of the notification the applicant receives.
import type { UiLanguage } from '../../../shared/contract/app';
import { applicantWording } from '../../../shared/applicantWording';
import type { Application, DecisionOutcome, Flag, ReasonCode } from '../../../shared/domain';
import { translator } from '../i18n';

export function applicantMessage(application: Application, flags: readonly Flag[], outcome: DecisionOutcome, reasons: readonly ReasonCode[], language: UiLanguage = application.applicantLanguage): string {
  const t = translator(language);
  const w = applicantWording[language];
  // R5 (product choice): the ICP name warning goes to the applicant too.
  const icp = flags.some((f) => f.rule === 'R5') ? [w.icp] : [];
  if (outcome === 'approve') return [t('applicant.approved'), ...icp].join('\n\n');
  const lines = reasons.map((r) => `• ${w.reason[r]}`);
  return [[t('applicant.rejectedIntro'), ...lines].join('\n'), ...icp, w.resubmit].join('\n\n');
}
