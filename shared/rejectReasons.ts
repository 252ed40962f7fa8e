// Which rejection reason answers which blocking flag: rejecting a blocked case starts with these chosen, so the
// applicant is told the rule that stopped the approval. A flag with no reason of its own (R6 blocks any decision;
// R4 without a known last verification, where "too soon" may be untrue) preselects nothing.
import type { Flag, ReasonCode } from './domain';
import { reasonCodes } from './vocabulary';

/** The reason code a blocking flag calls for, or null. R9's failed number check reads "number does not match". */
export function reasonForFlag(flag: Pick<Flag, 'rule' | 'reason' | 'severity'>): ReasonCode | null {
  if (flag.severity !== 'blocking') return null;
  switch (flag.rule) {
    case 'R1':
      return 'issuing_location_mismatch';
    case 'R2':
      return 'document_already_used';
    case 'R3':
      return 'enterprise_account_limit';
    case 'R4':
      return flag.reason === 'change_too_soon' ? 'change_too_soon' : null;
    case 'R9':
      return flag.reason.startsWith('number_') ? 'number_mismatch' : null;
    case 'R10':
      return flag.reason === 'expired_at_submission' ? 'document_expired' : null;
    default:
      return null;
  }
}

/** The reasons preselected for a rejection: one per blocking flag that has one, once each, in the list's order. */
export function preselectedReasons(flags: readonly Pick<Flag, 'rule' | 'reason' | 'severity'>[]): ReasonCode[] {
  const wanted = new Set(flags.map(reasonForFlag).filter((r): r is ReasonCode => r !== null));
  return reasonCodes.filter((code) => wanted.has(code));
}

/**
 * The reason a key picks in the reject form: 1–9 the first nine, 0 the tenth; the rest by ↑/↓ and Space.
 * Returns the index into `reasonCodes`, or null.
 */
export function reasonIndexForKey(key: string): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  const index = key === '0' ? 9 : Number(key) - 1;
  return index < reasonCodes.length ? index : null;
}

/** The key hint shown beside the reason at `index` (null past the tenth). */
export function reasonKeyHint(index: number): string | null {
  if (index < 9) return String(index + 1);
  return index === 9 ? '0' : null;
}
