// R9 number-check and R10 expiry (DOMAIN.md, second wave): what the identity document's own data says, checked on the
// reviewer's machine and again by the central service when the decision syncs.
import type { Application, Flag } from './domain';
import { addLocalDays, localDate, type BusinessCalendar } from './businessDays';
import { checkBusinessRegistration, checkIdentityDocument, type NumberCheck } from './documentNumbers';

/** R10: a document expiring within this many days of the decision is a warning. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The number check for the identity the application asks to verify, as of the day it was submitted. */
export function numberCheckOf(application: Application, calendar: BusinessCalendar): NumberCheck {
  const identity = application.identity;
  if (identity.kind === 'enterprise') return checkBusinessRegistration(application.registrationLocation, identity.businessRegistrationNumber);
  const submittedOn = localDate(new Date(application.submittedAt), calendar.timeZone);
  return checkIdentityDocument(identity.documentType, identity.issuingLocation, identity.documentNumber, submittedOn);
}

/**
 * R9 number-check. A failed check blocks approval, overridable with a note (a typo the reviewer confirmed against the
 * photo, a number issued wrongly); the facts name the format and the expected vs found character. A format with no
 * check says so (info); the 15-digit legacy ID card is a warning (replaced since 2013). An entered date of birth that
 * differs from the one in the number is a warning.
 */
export function ruleR9(application: Application, calendar: BusinessCalendar): Flag[] {
  const check = numberCheckOf(application, calendar);
  const flags: Flag[] = [];
  if (check.status === 'invalid') {
    flags.push({
      rule: 'R9',
      severity: 'blocking',
      reason: `number_${check.problem}`,
      overridable: true,
      facts: { format: check.format, expected: check.expected ?? null, found: check.found ?? null },
    });
  } else if (check.status === 'unchecked') {
    const legacy = check.format === 'prc_resident_id_legacy';
    flags.push({ rule: 'R9', severity: legacy ? 'warning' : 'info', reason: legacy ? 'number_legacy' : 'number_not_checkable', overridable: false, facts: { format: check.format } });
  }
  const identity = application.identity;
  if (identity.kind === 'individual' && identity.dateOfBirth && check.birthDate && identity.dateOfBirth !== check.birthDate) {
    flags.push({ rule: 'R9', severity: 'warning', reason: 'birth_date_differs', overridable: false, facts: { entered: identity.dateOfBirth, inNumber: check.birthDate } });
  }
  return flags;
}

/**
 * R10 expiry: an individual's document must be valid on the day of submission (valid through its expiry date, in the
 * calendar's time zone). Expired then: blocks approval. Expired since, or expiring within 30 days of `now` (the
 * decision): a warning. No expiry date entered: nothing to check.
 */
export function ruleR10(application: Application, now: Date, calendar: BusinessCalendar): Flag | null {
  const identity = application.identity;
  if (identity.kind !== 'individual' || !identity.expiryDate) return null;
  const expiryDate = identity.expiryDate;
  const submittedOn = localDate(new Date(application.submittedAt), calendar.timeZone);
  if (expiryDate < submittedOn) {
    return { rule: 'R10', severity: 'blocking', reason: 'expired_at_submission', overridable: false, facts: { expiryDate, submittedOn } };
  }
  const today = localDate(now, calendar.timeZone);
  if (expiryDate < today) {
    return { rule: 'R10', severity: 'warning', reason: 'expired_since_submission', overridable: false, facts: { expiryDate, submittedOn } };
  }
  if (expiryDate <= addLocalDays(today, EXPIRY_WARNING_DAYS)) {
    const daysLeft = Math.round((Date.parse(expiryDate) - Date.parse(today)) / DAY_MS);
    return { rule: 'R10', severity: 'warning', reason: 'expires_soon', overridable: false, facts: { expiryDate, daysLeft, withinDays: EXPIRY_WARNING_DAYS } };
  }
  return null;
}
