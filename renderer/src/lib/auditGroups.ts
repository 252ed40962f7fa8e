// The case's audit trail as a person reads it: repeated "Documents opened" entries of one sitting (the same person on
// the same device, one after another with nothing else between and no long pause) read as one line with a count. The
// log itself keeps every entry; only the list folds them.
import type { AuditEntry } from '../../../shared/contract/cases';

/** A pause longer than this between two openings starts a new sitting. */
export const SITTING_GAP_MS = 30 * 60 * 1000;

export interface AuditLine {
  entry: AuditEntry;
  /** How many entries this line stands for (1 but for folded openings). */
  count: number;
  /** The first and last time of the folded entries, in the list's order. */
  from: string;
  to: string;
}

const sameSitting = (a: AuditEntry, b: AuditEntry) =>
  a.action === 'documents_opened' &&
  b.action === 'documents_opened' &&
  a.deviceId === b.deviceId &&
  (a.actor?.id ?? null) === (b.actor?.id ?? null) &&
  Math.abs(Date.parse(a.at) - Date.parse(b.at)) <= SITTING_GAP_MS;

export function auditLines(entries: readonly AuditEntry[]): AuditLine[] {
  const lines: AuditLine[] = [];
  let last: AuditEntry | null = null;
  for (const entry of entries) {
    const line = lines[lines.length - 1];
    if (line && last && sameSitting(last, entry)) {
      line.count += 1;
      line.to = entry.at;
    } else {
      lines.push({ entry, count: 1, from: entry.at, to: entry.at });
    }
    last = entry;
  }
  return lines;
}
