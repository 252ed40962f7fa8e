// The decision exports on record, for supervisors (GET /v1/decisions/exports): who took which decisions out of the
// service, when, with which filter, how many rows, and whether the export ran to its end. server/decisionExport.ts
// records each one (migration 18); this reads them back, newest first, keyset-paged on the record's id.
import type { DecisionExportsQuery, DecisionExportsResponse, RecordedExportFilter } from '../shared/contract/central';
import { DomainError } from '../shared/errors';
import type { Queryable } from './db';
import { DecisionWhere } from './decisions';

const encodeCursor = (id: string) => Buffer.from(`x1:${id}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const match = /^x1:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out for the exports on record; ask for the first page again');
  return match[1];
}

export async function listDecisionExports(db: Queryable, query: DecisionExportsQuery): Promise<DecisionExportsResponse> {
  const w = new DecisionWhere();
  if (query.exportedBy) w.add((n) => `e.exported_by = ${n}`, query.exportedBy);
  if (query.cursor) w.add((n) => `e.id < ${n}::bigint`, decodeCursor(query.cursor));
  w.params.push(query.limit + 1);
  const rows = await db.query<{
    id: string;
    exported_by: string;
    display_name: string;
    started_at: Date;
    finished_at: Date;
    filter: RecordedExportFilter;
    rows: number;
    complete: boolean;
  }>(
    `SELECT e.id::text AS id, e.exported_by, p.display_name, e.started_at, e.finished_at, e.filter, e.rows, e.complete
       FROM decision_exports e JOIN people p ON p.username = e.exported_by
       ${w.sql()}
      ORDER BY e.id DESC LIMIT $${w.params.length}`,
    w.params,
  );
  const page = rows.slice(0, query.limit);
  return {
    exports: page.map((r) => ({
      id: r.id,
      exportedBy: r.exported_by,
      exportedByName: r.display_name,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at.toISOString(),
      filter: r.filter,
      rows: r.rows,
      complete: r.complete,
    })),
    nextCursor: rows.length > query.limit && page.length > 0 ? encodeCursor(page.at(-1)!.id) : null,
  };
}
