// The applicant-facing message, prefilled from the decision and its reason codes, in the applicant's language.
import type { Application, DecisionOutcome, Flag, ReasonCode } from '../../../shared/domain';
import { translator } from '../i18n';

export function applicantMessage(application: Application, flags: readonly Flag[], outcome: DecisionOutcome, reasons: readonly ReasonCode[]): string {
  const t = translator(application.applicantLanguage);
  // R5 (product choice): the ICP name warning goes to the applicant too.
  const icp = flags.some((f) => f.rule === 'R5') ? [t('applicant.icpWarning')] : [];
  if (outcome === 'approve') return [t('applicant.approved'), ...icp].join('\n\n');
  const lines = reasons.map((r) => `• ${t(`applicant.reason.${r}`)}`);
  return [[t('applicant.rejectedIntro'), ...lines].join('\n'), ...icp, t('applicant.rejectedOutro')].join('\n\n');
}
