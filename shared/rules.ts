// Rules R1–R8 of DOMAIN.md as pure functions: each reads the application, the central service's facts,
// the image quality signals and the clock, and returns the flags the reviewer must see.
import type { Application, ChangeDirection, Flag, Identity, QualitySignals, RuleId } from './domain';
import { deadlineState, reviewDeadline, uncoveredYear, type BusinessCalendar } from './businessDays';
import { isOpen } from './lifecycle';
import { ruleR10, ruleR9 } from './documentRules';
import type { MrzComparison } from './mrzReading';
import { ruleR11 } from './mrzRule';

export interface RuleFacts {
  /** Other accounts already verified with this application's document (type+number+issuing location); excludes this account. */
  accountsVerifiedWithDocument: number;
  /** Other accounts already verified by this enterprise identity (same name OR same business registration number); excludes this account. */
  enterpriseAccountsVerified: number;
  /** ISO instant of this account's last successful verification, or null. */
  lastVerifiedAt: string | null;
}

export interface RuleInput {
  application: Application;
  facts: RuleFacts;
  /** One per document image, in the case's order; null while not measured. */
  quality: readonly (QualitySignals | null)[];
  /** Document images this workstation could not decode (by their index in the case), with the image_* code. */
  imageFailures?: readonly { image: number; code: string }[];
  now: Date;
  calendar: BusinessCalendar;
  /** R11: the passport's MRZ as read on this workstation and compared; absent where nothing was read (the central service). */
  mrz?: MrzComparison | null;
}

/** R2: one document verifies at most this many accounts. */
export const DOCUMENT_ACCOUNT_LIMIT = 1;
/** R3: one enterprise identity verifies at most this many accounts. */
export const ENTERPRISE_ACCOUNT_LIMIT = 5;
/** R4: a change needs this many whole days (of 24 hours) since the last verification. */
export const CHANGE_COOLDOWN_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

function flag(rule: Flag['rule'], severity: Flag['severity'], reason: string, facts: Flag['facts'], overridable = false): Flag {
  return { rule, severity, reason, overridable, facts };
}

/** The direction of a change, from the two identities when both are known, else the stored field. */
export function changeDirectionOf(application: Application): ChangeDirection | null {
  if (application.kind !== 'change') return null;
  const current = application.currentIdentity;
  if (current) return `${current.kind}_to_${application.identity.kind}`;
  return application.changeDirection;
}

/** The name that would be verified: the individual's full name or the enterprise name. */
export function verifiedName(identity: Identity): string {
  return identity.kind === 'individual' ? identity.fullName : identity.enterpriseName;
}

/**
 * R1 issuing-location: an individual's document (individual applications, and changes to an individual)
 * must be issued in the account's registration location. Blocking, overridable with a note.
 */
export function ruleR1(application: Application): Flag | null {
  const identity = application.identity;
  if (identity.kind !== 'individual') return null;
  if (identity.issuingLocation === application.registrationLocation) return null;
  return flag(
    'R1',
    'blocking',
    'issuing_location_mismatch',
    { issuingLocation: identity.issuingLocation, registrationLocation: application.registrationLocation },
    true,
  );
}

/**
 * R2 one-document-one-account. Whether "the same document" means the same type + number + issuing location
 * is decided by the central service when it counts; this rule only reads that count. So the same number
 * with another type or issuing location is simply a count of 0 here.
 */
export function ruleR2(application: Application, facts: RuleFacts): Flag | null {
  if (application.identity.kind !== 'individual') return null;
  const accounts = facts.accountsVerifiedWithDocument;
  if (accounts < DOCUMENT_ACCOUNT_LIMIT) return null;
  return flag('R2', 'blocking', 'document_used_elsewhere', { accounts, limit: DOCUMENT_ACCOUNT_LIMIT });
}

/**
 * R3 enterprise-five-accounts: blocks the sixth account (five others already verified); the fifth is allowed.
 * Applies to enterprise applications and to changes to an enterprise.
 */
export function ruleR3(application: Application, facts: RuleFacts): Flag | null {
  if (application.identity.kind !== 'enterprise') return null;
  const accounts = facts.enterpriseAccountsVerified;
  if (accounts < ENTERPRISE_ACCOUNT_LIMIT) return null;
  return flag('R3', 'blocking', 'enterprise_limit_reached', { accounts, limit: ENTERPRISE_ACCOUNT_LIMIT });
}

/**
 * R4 change-cooldown: a change is allowed from exactly 30 × 24 hours after the last successful verification,
 * except individual→enterprise, which has no time limit. Without a known last verification the cooldown
 * cannot be proven, so the change stays blocked (product choice: reason `last_verification_unknown`).
 */
export function ruleR4(application: Application, facts: RuleFacts, now: Date): Flag | null {
  if (application.kind !== 'change') return null;
  if (changeDirectionOf(application) === 'individual_to_enterprise') return null;
  const last = facts.lastVerifiedAt === null ? Number.NaN : Date.parse(facts.lastVerifiedAt);
  if (Number.isNaN(last)) {
    return flag('R4', 'blocking', 'last_verification_unknown', { requiredDays: CHANGE_COOLDOWN_DAYS });
  }
  const eligibleAt = last + CHANGE_COOLDOWN_DAYS * DAY_MS;
  if (now.getTime() >= eligibleAt) return null;
  return flag('R4', 'blocking', 'change_too_soon', {
    daysSinceVerification: Math.max(0, Math.floor((now.getTime() - last) / DAY_MS)),
    requiredDays: CHANGE_COOLDOWN_DAYS,
    eligibleAt: new Date(eligibleAt).toISOString(),
  });
}

/**
 * R5 icp-name-match: with resources in Mainland China and ICP filing intended, the verified name must be
 * identical to the ICP filing entity's name. Compared after Unicode NFC and trimming outer spaces only:
 * case, inner spaces and full-/half-width brackets all count, since the ICP filing compares exactly.
 * An unknown entity name is a warning too (`icp_entity_unknown`, product choice): the reviewer should ask.
 * Names are not copied into the flag (least data); the renderer shows both from the application.
 */
export function ruleR5(application: Application): Flag | null {
  const icp = application.icp;
  if (!icp.mainlandResources || !icp.icpFilingIntended) return null;
  if (icp.icpEntityName === null || icp.icpEntityName.trim() === '') {
    return flag('R5', 'warning', 'icp_entity_unknown', {});
  }
  const name = normaliseName(verifiedName(application.identity));
  const entity = normaliseName(icp.icpEntityName);
  if (name === entity) return null;
  const loose = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return flag('R5', 'warning', 'icp_name_mismatch', { differsOnlyInCaseSpacingOrWidth: loose(name) === loose(entity) });
}

function normaliseName(name: string): string {
  return name.normalize('NFC').trim();
}

/** R6 withdrawn: a withdrawn application cannot be decided. */
export function ruleR6(application: Application): Flag | null {
  if (application.status !== 'withdrawn') return null;
  // The withdrawal on record (ticket, time, intake account), when the central service sent it.
  const w = application.withdrawal;
  return flag('R6', 'blocking', 'withdrawn', { status: application.status, ...(w ? { ticketRef: w.ticketRef, withdrawnAt: w.withdrawnAt, withdrawnBy: w.withdrawnBy } : {}) });
}

/**
 * R7 review-deadline (shared/businessDays): info `due_soon` from the escalation time, warning `overdue` from
 * the due time; only for applications still waiting for a decision. `holidayDataCovered: false` means the
 * deadline was counted with weekends only, for want of official holiday data.
 */
export function ruleR7(application: Application, now: Date, calendar: BusinessCalendar): Flag | null {
  if (!isOpen(application.status)) return null;
  const submittedAt = new Date(application.submittedAt);
  const { dueAt, escalateAt } = reviewDeadline(submittedAt, calendar);
  const state = deadlineState(now, { dueAt, escalateAt });
  const missingYear = uncoveredYear(submittedAt, dueAt, calendar);
  const holidayDataCovered = missingYear === null;
  // Every open case whose deadline runs through a year without official holidays says so, on time or not.
  if (state === 'on_time') {
    return missingYear === null ? null : flag('R7', 'info', 'holiday_data_missing', { dueAt: dueAt.toISOString(), year: missingYear, holidayDataCovered });
  }
  if (state === 'escalated') {
    return flag('R7', 'info', 'due_soon', { dueAt: dueAt.toISOString(), escalateAt: escalateAt.toISOString(), holidayDataCovered, year: missingYear });
  }
  return flag('R7', 'warning', 'overdue', {
    dueAt: dueAt.toISOString(),
    hoursOverdue: Math.floor((now.getTime() - dueAt.getTime()) / (60 * 60 * 1000)),
    holidayDataCovered,
    year: missingYear,
  });
}

/**
 * R8 image-quality: advisory warnings from the signals computed at ingest, one flag per image and problem; an
 * image that could not be decoded at all is flagged too (nobody could check it, or see it at 1:1).
 */
export function ruleR8(quality: readonly (QualitySignals | null)[], imageFailures: readonly { image: number; code: string }[] = []): Flag[] {
  const flags: Flag[] = [];
  quality.forEach((q, image) => {
    if (!q) return;
    if (q.lowResolution) flags.push(flag('R8', 'warning', 'low_resolution', { image, width: q.width, height: q.height }));
    if (q.blurry) flags.push(flag('R8', 'warning', 'blurry', { image, blurVariance: q.blurVariance }));
    if (q.underExposed) flags.push(flag('R8', 'warning', 'under_exposed', { image, darkShare: q.darkShare }));
    if (q.overExposed) flags.push(flag('R8', 'warning', 'over_exposed', { image, brightShare: q.brightShare }));
    if (q.glare) flags.push(flag('R8', 'warning', 'glare', { image, glareShare: q.glareShare }));
  });
  for (const { image, code } of imageFailures) flags.push(flag('R8', 'warning', 'image_unreadable', { image, code }));
  return flags;
}

/** All raised flags, in R1..R11 order (R9 and R10 live in shared/documentRules.ts, R11 in shared/mrzRule.ts). */
export function evaluateRules(input: RuleInput): Flag[] {
  const { application, facts, quality, imageFailures, now, calendar, mrz } = input;
  const flags = [
    ruleR1(application),
    ruleR2(application, facts),
    ruleR3(application, facts),
    ruleR4(application, facts, now),
    ruleR5(application),
    ruleR6(application),
    ruleR7(application, now, calendar),
  ].filter((f): f is Flag => f !== null);
  const r10 = ruleR10(application, now, calendar);
  return [...flags, ...ruleR8(quality, imageFailures), ...ruleR9(application, calendar), ...(r10 ? [r10] : []), ...ruleR11(mrz ?? null)];
}

export function blockingFlags(flags: readonly Flag[]): Flag[] {
  return flags.filter((f) => f.severity === 'blocking');
}

/**
 * The flags that stop an approval: every blocking flag, except an overridable one (R1, R9, R11) when the reviewer
 * gave a non-empty override note. Empty means approving is allowed.
 */
export function approvalBlockers(flags: readonly Flag[], overrideNote: string | null): Flag[] {
  const overridden = overrideNote !== null && overrideNote.trim() !== '';
  return blockingFlags(flags).filter((f) => !(f.overridable && overridden));
}

/** The blocking rules an approval overrides: the overridable ones flagged, when the reviewer gave an override note. */
export function overriddenRules(flags: readonly Flag[], outcome: 'approve' | 'reject', overrideNote: string | null): RuleId[] {
  if (outcome !== 'approve' || overrideNote === null || overrideNote.trim() === '') return [];
  return [...new Set(blockingFlags(flags).filter((f) => f.overridable).map((f) => f.rule))];
}

/** The flags that stop a rejection: only R6 (a withdrawn application cannot be decided at all). */
export function rejectionBlockers(flags: readonly Flag[]): Flag[] {
  return blockingFlags(flags).filter((f) => f.rule === 'R6');
}
