// The decisions changed since a supervisor's workstation last asked (GET /v1/decisions?changedSince=), so its sync
// brings exactly what is new or changed instead of a week of decisions again. Each decision carries the id of the
// transaction that last changed what its log entry shows (migration 21): its recording, a review added, its effect.
// A watermark is the oldest transaction still running when the service answered (pg_snapshot_xmin): every change by
// an older transaction was visible then, and a change still being written, whatever its commit order, has an id at
// or above the watermark, so the next ask (changed_xid >= watermark) brings it. What is brought twice is stored once.
import { DomainError } from '../shared/errors';
import type { Queryable } from './db';
import type { DecisionWhere } from './decisions';

/** Migration 21: the column, its index, and the triggers that keep it. */
export async function createDecisionChanges(tx: Queryable): Promise<void> {
  // Rows already there count as changed by the migration: a workstation asking with an older watermark gets them.
  await tx.query(`ALTER TABLE decisions ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
  await tx.query(`CREATE INDEX decisions_changed ON decisions (changed_xid, id)`);
  await tx.query(`
    CREATE FUNCTION decisions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.changed_xid := pg_current_xact_id();
      RETURN NEW;
    END $$`);
  // Only what the log shows: a resampling of the QA queue (sample_random) is not a change of the decision.
  await tx.query(`
    CREATE TRIGGER decisions_changed BEFORE UPDATE ON decisions FOR EACH ROW
      WHEN (OLD.effect IS DISTINCT FROM NEW.effect OR OLD.quality_reviewed IS DISTINCT FROM NEW.quality_reviewed)
      EXECUTE FUNCTION decisions_changed()`);
  await tx.query(`
    CREATE FUNCTION reviews_change_decision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE decisions SET changed_xid = pg_current_xact_id() WHERE id = NEW.decision_id;
      RETURN NULL;
    END $$`);
  await tx.query(`CREATE TRIGGER reviews_change_decision AFTER INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION reviews_change_decision()`);
}

/** The watermark to ask with next time; taken before the rows are read, so it is never past a change they miss. */
export async function changeWatermark(db: Queryable): Promise<string> {
  const [row] = await db.query<{ w: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS w`);
  return row!.w;
}

/** Adds "changed since `since`" (and, paging, after `cursor`) to `w`; the page is then ordered by change, oldest first. */
export function changedSince(w: DecisionWhere, since: string, cursor: string | undefined): void {
  w.add((n) => `d.changed_xid >= ${n}::xid8`, since);
  if (cursor === undefined) return;
  const { xid, id } = decodeChangeCursor(cursor);
  w.params.push(xid, id);
  w.where.push(`(d.changed_xid, d.id) > ($${w.params.length - 1}::xid8, $${w.params.length}::uuid)`);
}

/** The ORDER BY of a page of changes. */
export const changeOrder = 'd.changed_xid, d.id';

export function encodeChangeCursor(xid: string, id: string): string {
  return Buffer.from(`c1:${xid}:${id}`).toString('base64url');
}

function decodeChangeCursor(cursor: string): { xid: string; id: string } {
  const match = /^c1:(\d{1,20}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out for changed decisions; ask for the first page again');
  return { xid: match[1], id: match[2] };
}
