// A supervisor's workstation holds no cases of its own, but copies that name applicants or quote what people wrote
// about them: the decision log (every reviewer's synced decisions, their override notes and the verdicts' reasons), the
// withdrawals on record and the reasons of its own verdicts. Retention takes that text out of the copies older than
// the period, removing all applicant data out of every one (issue 25). The rows stay, so the log's filters, counts and
// reports keep working offline; the QA queue is live work that each sync replaces, so only leaving service empties it.
import type { SupervisionMutation } from '../../../shared/contract/central';
import type { DecisionLogEntry } from '../../../shared/contract/supervision';
import { reasonsQuotingApplicant, redactFlags } from './applicantFacts';
import type { Db } from './database';
import { parseJson } from './rows';

export interface CopiesRedacted {
  decisionLog: number;
  withdrawals: number;
  verdicts: number;
  qualityQueue: number;
}

/** People's words stay empty when they were empty ("no reason given" still shows); anything written goes. */
const redactWords = (text: string, removed: string) => (text === '' ? text : removed);

function redactLogEntry(entry: DecisionLogEntry, removed: string): DecisionLogEntry {
  return {
    ...entry,
    applicantName: removed,
    overrideNote: entry.overrideNote === null ? null : redactWords(entry.overrideNote, removed),
    reviews: entry.reviews.map((r) => ({ ...r, reason: redactWords(r.reason, removed) })),
    flags: entry.flags === null ? null : redactFlags(entry.flags, removed),
  };
}

/**
 * Replaces the applicant text of the copies dated before `before` (ms since the epoch; null: all of them) with
 * `removed`. Copies already without it are left alone, so a pass that finds nothing writes nothing.
 */
export function redactSupervisorCopies(db: Db, before: number | null, removed: string): CopiesRedacted {
  const until = before ?? Number.MAX_SAFE_INTEGER;
  // A decision older than the period: applied by the central service that long ago. An entry sync stored again (a
  // newer review) shows its name until the next pass.
  const logRows = db
    .prepare<{ until: number; removed: string; reasons: string }, { id: string; body: string }>(
      `SELECT id, body FROM decision_log
        WHERE applied_at < @until
          AND (json_extract(body, '$.applicantName') IS NOT @removed
            OR ifnull(json_extract(body, '$.overrideNote'), '') NOT IN ('', @removed)
            OR EXISTS (SELECT 1 FROM json_each(body, '$.reviews') r WHERE json_extract(r.value, '$.reason') NOT IN ('', @removed))
            OR EXISTS (SELECT 1 FROM json_each(body, '$.flags') f WHERE json_extract(f.value, '$.reason') IN (SELECT value FROM json_each(@reasons))))`,
    )
    .all({ until, removed, reasons: JSON.stringify(reasonsQuotingApplicant) });
  const setLogRow = db.prepare<[string, string]>(`UPDATE decision_log SET search_name = '', body = ? WHERE id = ?`);
  let decisionLog = 0;
  for (const row of logRows) {
    const entry = parseJson<DecisionLogEntry>(row.body);
    const redacted = JSON.stringify(redactLogEntry(entry, removed));
    // A flag already blanked picks the row again: only a row that changes is written and counted.
    if (redacted === JSON.stringify(entry)) continue;
    setLogRow.run(redacted, row.id);
    decisionLog += 1;
  }

  const withdrawals = db
    .prepare<{ until: number; removed: string }>(
      `UPDATE withdrawal_log SET search_text = '', body = json_set(body, '$.applicantName', @removed)
        WHERE withdrawn_at < @until AND json_extract(body, '$.applicantName') IS NOT @removed`,
    )
    .run({ until, removed }).changes;

  // A verdict's reason, once the central service answered it that long ago; leaving service takes the queued ones' too
  // (the last sync sent what it could).
  const verdictRows = db
    .prepare<{ all: number; until: number; removed: string }, { seq: number; body: string }>(
      `SELECT seq, body FROM supervision_outbox
        WHERE type = 'review' AND json_extract(body, '$.reason') NOT IN ('', @removed)
          AND (@all = 1 OR (state <> 'pending' AND settled_at < @until))`,
    )
    .all({ all: before === null ? 1 : 0, until, removed });
  const setVerdict = db.prepare<[string, number]>(`UPDATE supervision_outbox SET body = ? WHERE seq = ?`);
  for (const row of verdictRows) {
    const mutation = parseJson<SupervisionMutation>(row.body);
    if (mutation.type === 'review') setVerdict.run(JSON.stringify({ ...mutation, reason: removed }), row.seq);
  }

  const qualityQueue = before === null ? db.prepare(`DELETE FROM quality_queue`).run().changes : 0;
  return { decisionLog, withdrawals, verdicts: verdictRows.length, qualityQueue };
}
