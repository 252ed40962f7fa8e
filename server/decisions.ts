// The decisions supervisors read: one filter (the query of GET /v1/decisions and of its counts) turned into SQL in one
// place, the keyset cursor of either clock, the capped total of a page and the counts beside the decision log's
// filters. Made to stay fast on a million decisions: migration 8 holds the indexes these queries walk.
import { decisionEffects, decisionsTotalCap, type DecisionCountsResponse, type DecisionEffect, type DecisionOrder } from '../shared/contract/central';
import type { ApplicationKind, ReasonCode } from '../shared/domain';
import { DomainError } from '../shared/errors';
import type { Queryable } from './db';
import { tallyAnswers, tallyCounts } from './decisionTallies';
import { qualityQueueSql } from './quality';
import { applicationSearchText, containsPattern } from './textSearch';

export interface DecisionFilter {
  reviewer?: string | undefined;
  outcome?: 'approve' | 'reject' | undefined;
  kind?: ApplicationKind | undefined;
  reasonCode?: ReasonCode | undefined;
  offline?: boolean | undefined;
  overridden?: boolean | undefined;
  effect?: DecisionEffect | undefined;
  /** Quality-reviewed (a supervisor's quality verdict recorded) or not. */
  reviewed?: boolean | undefined;
  /** Made after the application's due time (madeAt > dueAt) or by it. */
  deadlineMissed?: boolean | undefined;
  /** An application id prefix, or part of the applicant's name or of the document or registration number. */
  text?: string | undefined;
  /** The QA queue: sampled, in effect, not yet quality-reviewed. */
  sampled?: boolean | undefined;
  /** Everyone's but this reviewer's (nobody second-reviews their own decision). */
  notReviewer?: string | undefined;
  /** Which clock orders the page and bounds from/to: the service's (decided_at, the default) or the device's (made_at). */
  clock?: 'applied' | 'made' | undefined;
  /** Newest first on the clock (the default) or oldest first: the same index, read the other way. */
  order?: DecisionOrder | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Only decisions changed since this watermark, oldest change first (server/decisionChanges.ts; the page only). */
  changedSince?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** The filters that have a count per choice beside them. */
type Facet = 'reviewer' | 'outcome' | 'kind' | 'reasonCode' | 'offline' | 'overridden' | 'reviewed' | 'deadlineMissed';

type Param = string | number | boolean | Date;

/** Collects the WHERE clauses of a filter with numbered parameters ($1, $2 …, after those already in `params`). */
export class DecisionWhere {
  readonly where: string[] = [];
  constructor(readonly params: Param[] = []) {}

  add(clause: (n: string) => string, value: Param): void {
    this.params.push(value);
    this.where.push(clause(`$${this.params.length}`));
  }

  sql(): string {
    return this.where.length ? `WHERE ${this.where.join(' AND ')}` : '';
  }
}

/** The column a clock names: the service's decided_at or the device's made_at. */
export const clockColumn = (clock: DecisionFilter['clock']) => (clock === 'made' ? 'd.made_at' : 'd.decided_at');

/** The WHERE clauses of `filter` on decisions `d`, leaving out one facet (for the counts beside that facet's choices). */
export function decisionWhere(filter: Omit<DecisionFilter, 'limit'>, without?: Facet, w = new DecisionWhere()): DecisionWhere {
  const keep = (facet: Facet) => without !== facet;
  if (filter.reviewer && keep('reviewer')) w.add((n) => `d.reviewer = ${n}`, filter.reviewer);
  if (filter.notReviewer) w.add((n) => `d.reviewer <> ${n}`, filter.notReviewer);
  if (filter.outcome && keep('outcome')) w.add((n) => `d.outcome = ${n}`, filter.outcome);
  if (filter.kind && keep('kind')) w.add((n) => `d.kind = ${n}`, filter.kind);
  if (filter.reasonCode && keep('reasonCode')) w.add((n) => `d.reason_codes @> ${n}::jsonb`, JSON.stringify([filter.reasonCode]));
  if (filter.offline !== undefined && keep('offline')) w.add((n) => `d.offline = ${n}`, filter.offline);
  // Whether any rule was overridden: a constant predicate either way, no value in the text.
  if (filter.overridden !== undefined && keep('overridden')) w.where.push(filter.overridden ? `d.overridden_rules <> '[]'::jsonb` : `d.overridden_rules = '[]'::jsonb`);
  // A constant (one of three values, checked): the partial index of the second-review queue needs it in the text.
  if (filter.effect && decisionEffects.includes(filter.effect)) w.where.push(`d.effect = '${filter.effect}'`);
  if (filter.reviewed !== undefined && keep('reviewed')) w.where.push(filter.reviewed ? `d.quality_reviewed` : `NOT d.quality_reviewed`);
  // Written as the partial index's predicate (migration 8) so the planner can use it.
  if (filter.deadlineMissed !== undefined && keep('deadlineMissed')) w.where.push(filter.deadlineMissed ? `d.made_at > d.due_at` : `d.made_at <= d.due_at`);
  // The QA queue, written as the predicate of its partial index (migration 4) so the planner uses it.
  if (filter.sampled) w.where.push(qualityQueueSql);
  const at = clockColumn(filter.clock);
  if (filter.from) w.add((n) => `${at} >= ${n}`, new Date(filter.from));
  if (filter.to) w.add((n) => `${at} < ${n}`, new Date(filter.to));
  const text = filter.text?.trim();
  if (text) {
    // The applications matching first, once (an id prefix as two ranges of the primary key: upper-case demo ids,
    // lower-case UUIDs; or part of the name or number, through the trigram index of migration 13; a % or _ typed is
    // literal), then their decisions by application id: a rare match never walks the million in date order.
    const p = (value: string) => `$${w.params.push(value)}`;
    const [upper, lower] = [text.toUpperCase(), text.toLowerCase()];
    w.where.push(
      `d.application_id = ANY (ARRAY(SELECT a.id FROM applications a WHERE a.id >= ${p(upper)} AND a.id < ${p(`${upper}\u{10FFFF}`)}` +
        ` OR a.id >= ${p(lower)} AND a.id < ${p(`${lower}\u{10FFFF}`)} OR ${applicationSearchText('a')} LIKE ${p(containsPattern(text))}))`,
    );
  }
  return w;
}

/** The ORDER BY of a page or an export on `clock` in `order` (id breaks ties, as the keyset cursor does). */
export function decisionOrderSql(clock: DecisionFilter['clock'], order: DecisionFilter['order']): string {
  const way = order === 'oldest' ? 'ASC' : 'DESC';
  return `${clockColumn(clock)} ${way}, d.id ${way}`;
}

/** Adds the keyset condition of `cursor` (given on `clock`, in `order`) to `w`. */
export function afterCursor(w: DecisionWhere, cursor: string, clock: DecisionFilter['clock'], order: DecisionFilter['order']): void {
  const { at, id } = decodeDecisionsCursor(cursor, clock, order);
  w.params.push(new Date(at), id);
  w.where.push(`(${clockColumn(clock)}, d.id) ${order === 'oldest' ? '>' : '<'} ($${w.params.length - 1}, $${w.params.length}::uuid)`);
}

// d1 (the service's clock, newest first) stays as it was given out; d2 names the clock; d3 names clock and order (oldest
// first), so a cursor of another clock or order is refused rather than read the wrong way.
export function encodeDecisionsCursor(at: Date, id: string, clock: DecisionFilter['clock'], order: DecisionFilter['order']): string {
  const text = order === 'oldest' ? `d3:${clock ?? 'applied'}:oldest:${at.toISOString()}:${id}` : clock === 'made' ? `d2:made:${at.toISOString()}:${id}` : `d1:${at.toISOString()}:${id}`;
  return Buffer.from(text).toString('base64url');
}

function decodeDecisionsCursor(cursor: string, clock: DecisionFilter['clock'], order: DecisionFilter['order']): { at: string; id: string } {
  const head = order === 'oldest' ? `d3:${clock ?? 'applied'}:oldest` : clock === 'made' ? 'd2:made' : 'd1';
  const match = new RegExp(`^${head}:(\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z):([0-9a-f-]{36})$`).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !match[1] || !match[2] || Number.isNaN(Date.parse(match[1]))) {
    throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out for this order; ask for the first page again');
  }
  return { at: match[1], id: match[2] };
}

/** How many decisions match, counted up to decisionsTotalCap: past it the answer says "at least". */
export async function decisionsTotal(db: Queryable, filter: Omit<DecisionFilter, 'limit'>): Promise<{ count: number; atLeast: boolean }> {
  const w = decisionWhere(filter);
  w.params.push(decisionsTotalCap + 1);
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM decisions d ${w.sql()} LIMIT $${w.params.length}) m`, w.params);
  const n = row?.n ?? 0;
  return n > decisionsTotalCap ? { count: decisionsTotalCap, atLeast: true } : { count: n, atLeast: false };
}

/**
 * The counts beside the filters: for each facet, the decisions each choice would show with the other filters as they
 * are. One scan for the seven single-valued facets (grouping sets, each counted under all filters but its own), one
 * for the reason codes (a decision has several).
 */
export async function decisionCounts(db: Queryable, filter: Omit<DecisionFilter, 'limit' | 'cursor'>): Promise<DecisionCountsResponse> {
  // Facets alone: the tallies the triggers keep (migration 12) answer without reading the decisions.
  if (tallyAnswers(filter)) return tallyCounts(db, filter);
  return scannedCounts(db, filter);
}

/** The counts by reading every decision the filter's date range, text or queue leaves (and the tallies' check). */
export async function scannedCounts(db: Queryable, filter: Omit<DecisionFilter, 'limit' | 'cursor'>): Promise<DecisionCountsResponse> {
  // The rows any facet's count can need: every filter that is not a facet, and at most one facet filter failing.
  const base = decisionWhere({ ...filter, reviewer: undefined, outcome: undefined, kind: undefined, reasonCode: undefined, offline: undefined, overridden: undefined, reviewed: undefined, deadlineMissed: undefined });
  const facets: Facet[] = ['reviewer', 'outcome', 'kind', 'reasonCode', 'offline', 'overridden', 'reviewed', 'deadlineMissed'];
  // Each set facet's own predicate, as a boolean column.
  const predicates = new Map<Facet, string>();
  for (const facet of facets) {
    const only = new DecisionWhere(base.params);
    decisionWhere(onlyFacet(filter, facet), undefined, only);
    if (only.where.length > 0) predicates.set(facet, only.where.join(' AND '));
  }
  const passes = (without: Facet) => {
    const others = [...predicates].filter(([f]) => f !== without).map(([, p]) => `(${p})`);
    return others.length ? others.join(' AND ') : 'true';
  };
  const atMostOneFails = predicates.size > 1 ? `(${[...predicates.values()].map((p) => `(NOT (${p}))::int`).join(' + ')}) <= 1` : 'true';
  const where = [...base.where, atMostOneFails].join(' AND ');
  const rows = await db.query<{
    reviewer: string | null;
    name: string | null;
    outcome: string | null;
    kind: string | null;
    offline: boolean | null;
    overridden: boolean | null;
    reviewed: boolean | null;
    within: boolean | null;
    g_reviewer: number;
    g_outcome: number;
    g_kind: number;
    g_offline: number;
    g_overridden: number;
    g_reviewed: number;
    n_reviewer: number;
    n_outcome: number;
    n_kind: number;
    n_offline: number;
    n_overridden: number;
    n_reviewed: number;
    n_deadline: number;
  }>(
    `SELECT m.reviewer, min(p.display_name) AS name, m.outcome, m.kind, m.offline, m.overridden, m.reviewed, m.within,
            GROUPING(m.reviewer) AS g_reviewer, GROUPING(m.outcome) AS g_outcome, GROUPING(m.kind) AS g_kind,
            GROUPING(m.offline) AS g_offline, GROUPING(m.overridden) AS g_overridden, GROUPING(m.reviewed) AS g_reviewed,
            count(*) FILTER (WHERE m.p_reviewer)::int AS n_reviewer, count(*) FILTER (WHERE m.p_outcome)::int AS n_outcome,
            count(*) FILTER (WHERE m.p_kind)::int AS n_kind, count(*) FILTER (WHERE m.p_offline)::int AS n_offline,
            count(*) FILTER (WHERE m.p_overridden)::int AS n_overridden, count(*) FILTER (WHERE m.p_reviewed)::int AS n_reviewed,
            count(*) FILTER (WHERE m.p_deadline)::int AS n_deadline
       FROM (SELECT d.reviewer, d.outcome, d.kind, d.offline, d.overridden_rules <> '[]'::jsonb AS overridden,
                    d.quality_reviewed AS reviewed, d.made_at <= d.due_at AS within,
                    ${passes('reviewer')} AS p_reviewer, ${passes('outcome')} AS p_outcome, ${passes('kind')} AS p_kind,
                    ${passes('offline')} AS p_offline, ${passes('overridden')} AS p_overridden, ${passes('reviewed')} AS p_reviewed,
                    ${passes('deadlineMissed')} AS p_deadline
               FROM decisions d WHERE ${where}) m
       LEFT JOIN people p ON p.username = m.reviewer
      GROUP BY GROUPING SETS ((m.reviewer), (m.outcome), (m.kind), (m.offline), (m.overridden), (m.reviewed), (m.within))`,
    base.params,
  );
  const others = decisionWhere(filter, 'reasonCode');
  const reasons = await db.query<{ code: ReasonCode; n: number }>(
    `SELECT r.code, count(*)::int AS n FROM decisions d CROSS JOIN LATERAL jsonb_array_elements_text(d.reason_codes) AS r(code)
      ${others.sql()} GROUP BY r.code ORDER BY count(*) DESC, r.code`,
    others.params,
  );
  const set = (pick: (r: (typeof rows)[number]) => boolean) => rows.filter(pick);
  const by = <K extends string>(list: typeof rows, value: (r: (typeof rows)[number]) => K | null, n: (r: (typeof rows)[number]) => number, key: K) =>
    list.filter((r) => value(r) === key).reduce((sum, r) => sum + n(r), 0);
  const yesNo = (list: typeof rows, value: (r: (typeof rows)[number]) => boolean | null, n: (r: (typeof rows)[number]) => number, yesIs = true) => ({
    yes: list.filter((r) => value(r) === yesIs).reduce((s, r) => s + n(r), 0),
    no: list.filter((r) => value(r) === !yesIs).reduce((s, r) => s + n(r), 0),
  });
  // A grouping set's rows are those where every other column is grouped away (GROUPING = 1) and its own is not.
  const reviewerRows = set((r) => r.g_reviewer === 0);
  const outcomeRows = set((r) => r.g_outcome === 0);
  const kindRows = set((r) => r.g_kind === 0);
  const offlineRows = set((r) => r.g_offline === 0);
  const overriddenRows = set((r) => r.g_overridden === 0);
  const reviewedRows = set((r) => r.g_reviewed === 0);
  const withinRows = set((r) => r.g_reviewer + r.g_outcome + r.g_kind + r.g_offline + r.g_overridden + r.g_reviewed === 6);
  return {
    reviewer: reviewerRows
      .filter((r) => r.reviewer !== null && r.n_reviewer > 0)
      .map((r) => ({ reviewer: r.reviewer as string, name: r.name ?? (r.reviewer as string), count: r.n_reviewer }))
      .sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
    outcome: { approve: by(outcomeRows, (r) => r.outcome, (r) => r.n_outcome, 'approve'), reject: by(outcomeRows, (r) => r.outcome, (r) => r.n_outcome, 'reject') },
    kind: {
      individual: by(kindRows, (r) => r.kind, (r) => r.n_kind, 'individual'),
      enterprise: by(kindRows, (r) => r.kind, (r) => r.n_kind, 'enterprise'),
      change: by(kindRows, (r) => r.kind, (r) => r.n_kind, 'change'),
    },
    reasonCode: reasons.map((r) => ({ reasonCode: r.code, count: r.n })),
    offline: yesNo(offlineRows, (r) => r.offline, (r) => r.n_offline),
    overridden: yesNo(overriddenRows, (r) => r.overridden, (r) => r.n_overridden),
    reviewed: yesNo(reviewedRows, (r) => r.reviewed, (r) => r.n_reviewed),
    // Missed = not within.
    deadlineMissed: yesNo(withinRows, (r) => r.within, (r) => r.n_deadline, false),
  };
}

/** The filter holding only `facet`'s choice (its predicate alone). */
function onlyFacet(filter: Omit<DecisionFilter, 'limit' | 'cursor'>, facet: Facet): Omit<DecisionFilter, 'limit'> {
  return { [facet]: filter[facet] } as Omit<DecisionFilter, 'limit'>;
}
