// Plain-language explanations of rule flags (shared/rules.ts), with the numbers behind them.
import type { UiLanguage } from '../../../shared/contract/app';
import type { Application, Flag } from '../../../shared/domain';
import { verifiedName } from '../../../shared/rules';
import type { MessageKey, Translate } from '../i18n';
import { en } from '../i18n/en';
import { formatDateTime, formatLocation, formatNumber, formatPercent } from './format';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** R9's facts name the number's format (shared/documentNumbers.ts); an unknown one reads as "number". */
function numberFormatName(format: string, t: Translate): string {
  const key = `numberFormat.${format}` as MessageKey;
  return t(key in en ? key : 'numberFormat.unknown');
}

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
    case 'flag.R9.number_check_character':
    case 'flag.R9.number_length':
    case 'flag.R9.number_charset':
    case 'flag.R9.number_birth_date':
    case 'flag.R9.number_birth_date_future':
    case 'flag.R9.number_region':
      return [t(key, { format: numberFormatName(str(f.format), t), expected: str(f.expected), found: str(f.found) })];
    case 'flag.R9.birth_date_differs':
      return [t(key, { entered: str(f.entered), inNumber: str(f.inNumber) })];
    case 'flag.R10.expired_at_submission':
    case 'flag.R10.expired_since_submission':
      return [t(key, { expiryDate: str(f.expiryDate), submittedOn: str(f.submittedOn) })];
    case 'flag.R10.expires_soon':
      return [t(key, { expiryDate: str(f.expiryDate), daysLeft: num(f.daysLeft), withinDays: num(f.withinDays) })];
    case 'flag.R11.mrz_mismatch':
    case 'flag.R11.mrz_fields_unreadable':
      return [t(key, { image: num(f.image), fields: str(f.fields) })];
    case 'flag.R11.mrz_unreadable':
    case 'flag.R11.mrz_not_found':
      return [t(key, { image: num(f.image) })];
    default:
      return [t(key)];
  }
}
