// The supervisor's decision log: every reviewer's synced decisions as the central service reported them, held here
// (the newest `capacity`) so that a supervisor can filter, count and read them offline. Filters combine; pages are
// keyset, newest first (or oldest first), with an opaque cursor bound to the filters and the order.
import { createHash } from 'node:crypto';
import { decisionLogCapacity, DecisionLogFilter, DecisionLogQuery, type DecisionLogCounts, type DecisionLogEntry, type DecisionLogFreshness, type DecisionLogCopyPage } from '../../../shared/contract/supervision';
import { DomainError } from '../../../shared/errors';
import type { StoreConnection } from './connection';
import { parseJson } from './rows';
import { decisionLogSql } from './statements';

/** The sync-state key of the time the log was last brought up to date. */
export const decisionLogSyncedKey = 'decisionLog.syncedAt';

type Filter = ReturnType<typeof DecisionLogFilter.parse>;
type Facet = 'reviewer' | 'outcome' | 'kind' | 'reasonCode' | 'offline' | 'overridden' | 'reviewed' | 'deadlineMissed';

interface Built {
  where: string[];
  params: Record<string, unknown>;
}

/** The WHERE clauses of a filter, leaving out one facet (for the counts beside that facet's choices). */
function whereOf(f: Filter, without?: Facet): Built {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.reviewer !== undefined && without !== 'reviewer') {
    where.push('reviewer = @reviewer');
    params.reviewer = f.reviewer;
  }
  if (f.outcome !== undefined && without !== 'outcome') {
    where.push('outcome = @outcome');
    params.outcome = f.outcome;
  }
  if (f.kind !== undefined && without !== 'kind') {
    where.push('kind = @kind');
    params.kind = f.kind;
  }
  if (f.reasonCode !== undefined && without !== 'reasonCode') {
    // reason_codes holds ' code code ': the spaces make a whole-code match.
    where.push(`instr(reason_codes, ' ' || @reasonCode || ' ') > 0`);
    params.reasonCode = f.reasonCode;
  }
  for (const facet of ['offline', 'overridden', 'reviewed'] as const) {
    const value = f[facet];
    if (value !== undefined && without !== facet) {
      where.push(`${facet} = @${facet}`);
      params[facet] = value ? 1 : 0;
    }
  }
  if (f.deadlineMissed !== undefined && without !== 'deadlineMissed') {
    // Unknown (NULL) matches neither choice.
    where.push('within_deadline = @withinDeadline');
    params.withinDeadline = f.deadlineMissed ? 0 : 1;
  }
  if (f.from !== undefined) {
    where.push('decided_at >= @from');
    params.from = Date.parse(f.from);
  }
  if (f.to !== undefined) {
    where.push('decided_at < @to');
    params.to = Date.parse(f.to);
  }
  if (f.text !== undefined && f.text.trim() !== '') {
    const text = f.text.trim();
    // An application id prefix, or part of the name; LIKE's wildcards in the text are escaped, and the text is bound.
    // Ids are upper case (demo, ticket style) or lower case (the central service's UUIDs): a range for each keeps the
    // index and finds either, however the person typed it.
    where.push(
      `(application_id >= @idUpper AND application_id < @idUpperEnd OR application_id >= @idLower AND application_id < @idLowerEnd OR search_name LIKE '%' || @nameLike || '%' ESCAPE '\\')`,
    );
    params.idUpper = text.toUpperCase();
    params.idUpperEnd = `${text.toUpperCase()}\u{10FFFF}`;
    params.idLower = text.toLowerCase();
    params.idLowerEnd = `${text.toLowerCase()}\u{10FFFF}`;
    params.nameLike = text.normalize('NFKC').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  }
  return { where, params };
}

const sqlWhere = (where: readonly string[]) => (where.length > 0 ? `WHERE ${where.join(' AND ')}` : '');

function filterKey(f: Filter): string {
  const { reviewer, outcome, kind, reasonCode, offline, overridden, reviewed, deadlineMissed, from, to, text, order } = f;
  // The order is in the key: a cursor goes on only in the direction it was given in.
  return createHash('sha256')
    .update(JSON.stringify([reviewer, outcome, kind, reasonCode, offline, overridden, reviewed, from, to, text?.trim(), deadlineMissed, ...(order === 'oldest' ? [order] : [])]))
    .digest('base64url')
    .slice(0, 12);
}

function encodeCursor(at: number, id: string, filter: string): string {
  return Buffer.from(JSON.stringify([at, id, filter]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, filter: string): { at: number; id: string } {
  const bad = () => new DomainError('bad_cursor', 'This page of the decision log is no longer valid (the filters changed). Go back to the first page.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
  const [at, id, f] = parsed as unknown[];
  if (typeof at !== 'number' || typeof id !== 'string' || f !== filter) throw bad();
  return { at, id };
}

/** An entry cached before the evidence fields were kept reads as "unknown" for them. */
function withEvidence(e: DecisionLogEntry): DecisionLogEntry {
  return { ...e, openedAt: e.openedAt ?? null, dueAt: e.dueAt ?? null, handlingMs: e.handlingMs ?? null, withinDeadline: e.withinDeadline ?? null };
}

export class DecisionLog {
  private readonly s;

  constructor(private readonly c: StoreConnection) {
    const db = c.db;
    this.s = {
      upsert: db.prepare(decisionLogSql.upsert),
      prune: db.prepare<[number]>(decisionLogSql.prune),
      count: db.prepare<[], { n: number }>(decisionLogSql.count),
      newest: db.prepare<[], { at: number | null }>(decisionLogSql.newest),
      getSync: db.prepare<[string], { value: string }>(decisionLogSql.getSync),
      setSync: db.prepare<[string, string]>(decisionLogSql.setSync),
    };
  }

  freshness(): DecisionLogFreshness {
    return {
      syncedAt: this.s.getSync.get(decisionLogSyncedKey)?.value ?? null,
      cached: this.s.count.get()?.n ?? 0,
      capacity: decisionLogCapacity,
    };
  }

  page(raw: DecisionLogQuery): DecisionLogCopyPage {
    const q = DecisionLogQuery.parse(raw);
    return this.c.read(() => {
      const key = filterKey(q);
      const { where, params } = whereOf(q);
      const total = (this.c.db.prepare(`SELECT count(*) AS n FROM decision_log ${sqlWhere(where)}`).get(params) as { n: number }).n;
      const rows = this.rowsAfter(q, q.cursor ? decodeCursor(q.cursor, key) : null, q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => withEvidence(parseJson<Partial<DecisionLogEntry>>(r.body) as DecisionLogEntry)),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.decided_at, last.id, key) : null,
        total,
        freshness: this.freshness(),
      };
    });
  }

  /**
   * The next `limit` decisions matching the filter after `after` (an entry already read), in the log's order: how
   * an export walks every matching decision, not only the pages loaded.
   */
  entriesAfter(raw: DecisionLogFilter, after: Pick<DecisionLogEntry, 'decidedAt' | 'id'> | null, limit: number): DecisionLogEntry[] {
    const f = DecisionLogFilter.parse(raw);
    return this.c.read(() => this.rowsAfter(f, after && { at: Date.parse(after.decidedAt), id: after.id }, limit).map((r) => parseJson<DecisionLogEntry>(r.body)));
  }

  private rowsAfter(f: Filter, after: { at: number; id: string } | null, limit: number): { id: string; decided_at: number; body: string }[] {
    const { where, params } = whereOf(f);
    // Oldest first reads the same (decided_at, id) index the other way.
    const oldest = f.order === 'oldest';
    if (after) {
      where.push(oldest ? '(decided_at, id) > (@cAt, @cId)' : '(decided_at, id) < (@cAt, @cId)');
      Object.assign(params, { cAt: after.at, cId: after.id });
    }
    return this.c.db
      .prepare(`SELECT id, decided_at, body FROM decision_log ${sqlWhere(where)} ORDER BY ${oldest ? 'decided_at ASC, id ASC' : 'decided_at DESC, id DESC'} LIMIT @limit`)
      .all({ ...params, limit }) as { id: string; decided_at: number; body: string }[];
  }

  counts(raw: DecisionLogFilter): DecisionLogCounts {
    const f = DecisionLogFilter.parse(raw);
    return this.c.read(() => {
      const grouped = (facet: Facet, column: string) => {
        const { where, params } = whereOf(f, facet);
        return this.c.db.prepare(`SELECT ${column} AS value, count(*) AS n FROM decision_log ${sqlWhere(where)} GROUP BY ${column}`).all(params) as { value: string | number; n: number }[];
      };
      const of = (rows: { value: string | number; n: number }[], value: string | number) => rows.find((r) => r.value === value)?.n ?? 0;
      const yesNo = (facet: 'offline' | 'overridden' | 'reviewed') => {
        const rows = grouped(facet, facet);
        return { yes: of(rows, 1), no: of(rows, 0) };
      };
      const deadline = grouped('deadlineMissed', 'within_deadline');
      const outcome = grouped('outcome', 'outcome');
      const kind = grouped('kind', 'kind');
      const reasons = (() => {
        const { where, params } = whereOf(f, 'reasonCode');
        // One row per (decision, reason): json_each over the codes the body holds.
        return this.c.db
          .prepare(
            `SELECT j.value AS value, count(*) AS n FROM decision_log, json_each(decision_log.body, '$.reasonCodes') AS j ${sqlWhere(where)} GROUP BY j.value ORDER BY n DESC, j.value`,
          )
          .all(params) as { value: string; n: number }[];
      })();
      return {
        reviewer: grouped('reviewer', 'reviewer')
          .map((r) => ({ reviewer: String(r.value), count: r.n }))
          .sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
        outcome: { approve: of(outcome, 'approve'), reject: of(outcome, 'reject') },
        kind: { individual: of(kind, 'individual'), enterprise: of(kind, 'enterprise'), change: of(kind, 'change') },
        reasonCode: reasons.map((r) => ({ reasonCode: r.value as DecisionLogEntry['reasonCodes'][number], count: r.n })),
        offline: yesNo('offline'),
        overridden: yesNo('overridden'),
        reviewed: yesNo('reviewed'),
        deadlineMissed: { yes: of(deadline, 0), no: of(deadline, 1) },
      };
    });
  }

  /**
   * Stores decisions as the central service reported them (a newer report of one replaces it: a review may have
   * been added), keeps the newest `capacity`, and with `syncedAt` records that the log is up to date as of then.
   */
  store(entries: readonly DecisionLogEntry[], syncedAt: string | null): { stored: number; pruned: number } {
    return this.c.write(() => {
      for (const e of entries) {
        this.s.upsert.run({
          id: e.id,
          decided_at: Date.parse(e.decidedAt),
          applied_at: Date.parse(e.appliedAt),
          reviewer: e.reviewer,
          outcome: e.outcome,
          kind: e.kind,
          application_id: e.applicationId,
          search_name: e.applicantName.normalize('NFKC').toLowerCase(),
          reason_codes: ` ${e.reasonCodes.join(' ')} `,
          offline: e.offline ? 1 : 0,
          overridden: e.overriddenRules.length > 0 ? 1 : 0,
          // A quality review; a four-eyes second review is not one (as the central service's filter counts).
          reviewed: e.reviews.some((r) => r.stage === 'quality') ? 1 : 0,
          // Absent from an entry made before these fields: unknown, not "missed".
          handling_ms: e.handlingMs ?? null,
          within_deadline: e.withinDeadline === null || e.withinDeadline === undefined ? null : e.withinDeadline ? 1 : 0,
          body: JSON.stringify(e),
        });
      }
      const pruned = this.s.prune.run(decisionLogCapacity).changes;
      if (syncedAt !== null) this.s.setSync.run(decisionLogSyncedKey, syncedAt);
      return { stored: entries.length, pruned };
    });
  }

  /** The newest appliedAt held (the central service's clock), where the next refresh starts; null when empty. */
  newest(): string | null {
    const at = this.s.newest.get()?.at ?? null;
    return at === null ? null : new Date(at).toISOString();
  }
}
