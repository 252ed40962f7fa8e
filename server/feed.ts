// The changes feed's writes. A cursor is a reviewer's last seq, so the feed must never let a reader see a reviewer's
// row before an earlier one of theirs commits. Rows are therefore appended only at the end of a transaction, under an
// advisory lock per reviewer held until commit: one reviewer's rows commit in seq order, while other reviewers' batches
// and fetches run alongside. A reader takes no lock: a row it cannot see yet belongs to a writer still holding that
// reviewer's lock, so no later row of the reviewer can be visible before it. The locks are taken together, in key
// order, as the last thing a transaction does before committing, so two writers never wait on each other in a cycle.
import type { ChangeType } from '../shared/contract/central';
import type { Database, Queryable } from './db';

/** The feed's advisory lock class; the second key is the reviewer's hashtext. */
export const CHANGES_LOCK = 7_331_001;

interface PendingChange {
  reviewer: string;
  application_id: string;
  type: ChangeType;
  created_at: string;
}

const pending = new WeakMap<Queryable, PendingChange[]>();

/** A transaction that may append to the feed: its rows are written, under their reviewers' locks, just before commit. */
export function feedTransaction<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    pending.set(tx, []);
    const result = await fn(tx);
    await writeFeed(tx);
    return result;
  });
}

/** Queues a feed row for the reviewer; written by writeFeed (at the latest when the feed transaction commits). */
export function appendChange(tx: Queryable, reviewer: string, applicationId: string, type: ChangeType, now: Date): void {
  const list = pending.get(tx);
  if (!list) throw new Error('appendChange outside a feedTransaction: the row would bypass the reviewer lock');
  list.push({ reviewer, application_id: applicationId, type, created_at: now.toISOString() });
}

/**
 * Writes the queued rows in the order they were queued, after locking their reviewers' feeds. Called at commit, or
 * before the transaction reads the feed it wrote to; nothing after it may wait on another writer's row locks.
 */
export async function writeFeed(tx: Queryable): Promise<void> {
  const rows = pending.get(tx) ?? [];
  if (rows.length === 0) return;
  pending.set(tx, []);
  const reviewers = [...new Set(rows.map((r) => r.reviewer))];
  if (reviewers.length === 1) {
    await tx.query(`SELECT pg_advisory_xact_lock(${CHANGES_LOCK}, hashtext($1))`, reviewers);
  } else {
    // Every writer takes its reviewers' locks in the same (key) order.
    const keys = await tx.query<{ k: number }>(
      `SELECT DISTINCT hashtext(r) AS k FROM jsonb_array_elements_text($1::jsonb) AS r ORDER BY k`,
      [JSON.stringify(reviewers)],
    );
    for (const { k } of keys) await tx.query(`SELECT pg_advisory_xact_lock(${CHANGES_LOCK}, $1::integer)`, [k]);
  }
  await tx.query(
    `INSERT INTO changes (reviewer, application_id, type, created_at)
     SELECT v.reviewer, v.application_id, v.type, v.created_at
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (reviewer text, application_id text, type text, created_at timestamptz))
            WITH ORDINALITY AS v(reviewer, application_id, type, created_at, n)
      ORDER BY v.n`,
    [JSON.stringify(rows)],
  );
}
