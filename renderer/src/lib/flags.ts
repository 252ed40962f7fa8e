// Plain-language explanations of rule flags (shared/rules.ts), with the numbers behind them.
import type { UiLanguage } from '../../../shared/contract/app';
import type { Application, Flag } from '../../../shared/domain';
import { verifiedName } from '../../../shared/rules';
import type { MessageKey, Translate } from '../i18n';
import { en } from '../i18n/en';
import { formatDateTime, formatLocation, formatNumber, formatPercent } from './format';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** One or more sentences explaining a flag in the reviewer's language. */
export function explainFlag(flag: Flag, application: Application, t: Translate, language: UiLanguage): string[] {
  const f = flag.facts;
  const key = `flag.${flag.rule}.${flag.reason}` as MessageKey;
  if (!(key in en)) return [t('flag.unknown', { rule: flag.rule, reason: flag.reason })];
  const image = num(f.image) + 1;
  switch (key) {
    case 'flag.R1.issuing_location_mismatch':
      return [t(key, { issuingLocation: formatLocation(str(f.issuingLocation), language, t), registrationLocation: formatLocation(str(f.registrationLocation), language, t) })];
    case 'flag.R2.document_used_elsewhere':
    case 'flag.R3.enterprise_limit_reached':
      return [t(key, { accounts: num(f.accounts), limit: num(f.limit) })];
    case 'flag.R4.change_too_soon':
      return [t(key, { daysSinceVerification: num(f.daysSinceVerification), requiredDays: num(f.requiredDays), eligibleAt: formatDateTime(str(f.eligibleAt), language) })];
    case 'flag.R4.last_verification_unknown':
      return [t(key, { requiredDays: num(f.requiredDays) })];
    case 'flag.R5.icp_name_mismatch': {
      const sentences = [t(key, { name: verifiedName(application.identity), entity: application.icp.icpEntityName ?? '' })];
      if (f.differsOnlyInCaseSpacingOrWidth === true) sentences.push(t('flag.R5.subtle'));
      return sentences;
    }
    case 'flag.R6.withdrawn': {
      const sentences = [t(key)];
      if (f.ticketRef) sentences.push(t('flag.R6.onRecord', { ticketRef: str(f.ticketRef), withdrawnAt: formatDateTime(str(f.withdrawnAt), language), withdrawnBy: str(f.withdrawnBy) }));
      return sentences;
    }
    case 'flag.R7.holiday_data_missing':
      return [t(key, { dueAt: formatDateTime(str(f.dueAt), language), year: str(f.year) })];
    case 'flag.R7.due_soon':
    case 'flag.R7.overdue': {
      const sentences = [t(key, { dueAt: formatDateTime(str(f.dueAt), language), hoursOverdue: num(f.hoursOverdue) })];
      // Which year to ask for (older stored flags carry only holidayDataCovered).
      if (f.holidayDataCovered === false) sentences.push(typeof f.year === 'number' ? t('flag.R7.holidayGapYear', { year: String(f.year) }) : t('flag.R7.holidayGap'));
      return sentences;
    }
    case 'flag.R8.low_resolution':
      return [t(key, { image, width: num(f.width), height: num(f.height) })];
    case 'flag.R8.blurry':
      return [t(key, { image, blurVariance: formatNumber(num(f.blurVariance), language) })];
    case 'flag.R8.under_exposed':
      return [t(key, { image, share: formatPercent(num(f.darkShare), language) })];
    case 'flag.R8.over_exposed':
      return [t(key, { image, share: formatPercent(num(f.brightShare), language) })];
    case 'flag.R8.glare':
      return [t(key, { image, share: formatPercent(num(f.glareShare), language) })];
    case 'flag.R8.image_unreadable':
      return [t(key, { image, code: str(f.code) })];
    default:
      return [t(key)];
  }
}
