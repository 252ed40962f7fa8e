// The decision log's export (GET /v1/decisions/export, shared/contract/decisionExport.ts): every decision the log's
// filter matches, in the filter's order on its clock (newest first by default), read through one database cursor and written out as JSON lines
// that PostgreSQL builds itself, holding only what the CSV writes. The paged export it replaces spent ~160 ms of the
// service per 1,000 rows building full decision records (every column, the application, a query for the reviews).
// Each export is recorded in decision_exports (migration 18): who, when, which filter, how many rows.
import type { ServerResponse } from 'node:http';
import { decisionsExportMediaType, type DecisionsExportHead, type DecisionsExportQuery } from '../shared/contract/central';
import { canonicalJson } from '../shared/auditChain';
import type { Database } from './db';
import { decisionOrderSql, decisionsTotal, decisionWhere } from './decisions';

/** Rows fetched from the cursor per step: big enough that round trips to the database do not count. */
export const exportFetchRows = 2000;

/** An instant as the contract writes it (UTC, milliseconds, Z), whatever the session's time zone. */
const instant = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The SELECT of one export line per decision `d` (its application `a` joined). */
const lineSql = `json_build_object(
    'id', d.id,
    'applicationId', d.application_id,
    'kind', d.kind,
    'applicantName', CASE WHEN a.identity->>'kind' = 'individual' THEN a.identity->>'fullName' ELSE a.identity->>'enterpriseName' END,
    'reviewer', d.reviewer,
    'deviceId', d.device_id,
    'outcome', d.outcome,
    'reasonCodes', d.reason_codes,
    'overriddenRules', d.overridden_rules,
    'overrideNote', d.override_note,
    'flags', CASE WHEN d.judged_on IS NULL THEN NULL ELSE coalesce(
      (SELECT json_agg(json_build_object('rule', f->>'rule', 'reason', f->>'reason') ORDER BY n)
         FROM jsonb_array_elements(d.judged_on->'flags') WITH ORDINALITY AS j(f, n)), '[]'::json) END,
    'decidedAt', ${instant('d.decided_at')},
    'madeAt', ${instant('d.made_at')},
    'openedAt', ${instant('d.opened_at')},
    'dueAt', ${instant('d.due_at')},
    'offline', d.offline,
    'effect', d.effect,
    'reviews', coalesce(
      (SELECT json_agg(json_build_object('stage', r.stage, 'reviewedBy', r.reviewed_by, 'verdict', r.verdict, 'reason', r.reason,
                                         'reviewedAt', ${instant('r.reviewed_at')}) ORDER BY r.reviewed_at, r.id)
         FROM reviews r WHERE r.decision_id = d.id), '[]'::json)
  )::text AS line`;

export interface DecisionExportSink {
  /** The head line, before any decision. */
  head(head: DecisionsExportHead): Promise<void>;
  /** Some decisions' lines, each ending in a newline; resolves when the receiver can take more. */
  lines(text: string): Promise<void>;
}

/**
 * Streams every decision matching `filter` to `sink` from one cursor (inside one read-only transaction: a consistent
 * snapshot of the log), records the export (finished or not), and answers the number of rows sent.
 */
export async function exportDecisions(db: Database, filter: DecisionsExportQuery, exportedBy: string, now: () => Date, sink: DecisionExportSink): Promise<number> {
  const startedAt = now();
  await sink.head({ total: await decisionsTotal(db, filter) });
  const w = decisionWhere(filter);
  let sent = 0;
  let complete = false;
  try {
    await db.transaction(async (tx) => {
      await tx.query(`SET TRANSACTION READ ONLY`);
      // The filter's values are bound parameters ($1 …), as in every other query of the log (server/decisions.ts).
      await tx.query(
        `DECLARE decision_export NO SCROLL CURSOR FOR
           SELECT ${lineSql}
             FROM decisions d JOIN applications a ON a.id = d.application_id
             ${w.sql()}
            ORDER BY ${decisionOrderSql(filter.clock, filter.order)}`,
        w.params,
      );
      for (;;) {
        const batch = await tx.query<{ line: string }>(`FETCH ${exportFetchRows} FROM decision_export`);
        if (batch.length === 0) break;
        let text = '';
        for (const row of batch) text += `${row.line}\n`;
        await sink.lines(text);
        sent += batch.length;
        if (batch.length < exportFetchRows) break;
      }
    });
    complete = true;
    return sent;
  } finally {
    // Recorded whether it finished or not: what was sent has left the service.
    await db.query(`INSERT INTO decision_exports (exported_by, started_at, finished_at, filter, rows, complete) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`, [
      exportedBy,
      startedAt,
      now(),
      canonicalJson(filter),
      sent,
      complete,
    ]);
  }
}

/**
 * The sink of an HTTP answer: the head starts it (200, JSON lines, chunked); lines wait for the socket to drain, so a
 * slow workstation slows the cursor instead of filling the service's memory; a receiver gone ends the export.
 */
export function responseSink(res: ServerResponse): DecisionExportSink {
  const gone = () => new Error('the workstation closed the export before its end');
  return {
    async head(head) {
      res.writeHead(200, { 'content-type': `${decisionsExportMediaType}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.write(`${JSON.stringify(head)}\n`);
    },
    lines(text) {
      if (res.destroyed) return Promise.reject(gone());
      if (res.write(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          res.off('drain', onDrain);
          res.off('close', onClose);
          if (error) reject(error);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(gone());
        res.once('drain', onDrain);
        res.once('close', onClose);
      });
    },
  };
}
