// Running tallies of the decision report (migration 20), so that a report over a million decisions reads a few
// thousand summary rows. Keyed by reviewer, kind and UTC day (the report's filters), kept by statement-level triggers
// on `decisions` like the log's tallies (server/decisionTallies.ts). Every number is exact except the handling-time
// percentiles, which come from a histogram (handlingHistogram.ts). A date range whose ends are not UTC midnights
// reads its two ragged days from the decisions themselves, through the same SQL that fills the tallies.
import type { Queryable } from './db';
import { createTallyTriggers, type Sign } from './decisionTallies';
import { handlingBucketSql } from './handlingHistogram';

/** A decision table (a statement's transition table, or a subquery of decisions) with the sign its rows count with. */
export interface TallyPart {
  rows: string;
  sign: Sign;
}

const keyList = 'reviewer, kind, day';
/** The UTC day and quarter hour (0–95) of when the reviewer decided. */
const daySql = `(made_at AT TIME ZONE 'UTC')::date`;
const quarterSql = `(extract(hour FROM made_at AT TIME ZONE 'UTC') * 4 + floor(extract(minute FROM made_at AT TIME ZONE 'UTC') / 15))::int`;
// Handling time as server/reports.ts defined it: decided − first opened, a clock set back counts as 0.
const handlingMsSql = `greatest(0, extract(epoch FROM made_at - opened_at) * 1000)::float8`;

const union = (parts: readonly TallyPart[], select: (p: TallyPart) => string) => parts.map(select).join(' UNION ALL ');

/**
 * Per reviewer, kind and day: counts, and `quarters`, the running count by quarter hour (element j + 1 = decisions
 * before quarter j, 97 elements), so that days at any whole-quarter UTC offset split each UTC day without the rows.
 */
export function dayDeltas(parts: readonly TallyPart[]): string {
  const rows = union(parts, (p) => `SELECT reviewer, kind, ${daySql} AS day, ${quarterSql} AS quarter, outcome, made_at, due_at, opened_at, ${p.sign} AS delta FROM ${p.rows}`);
  const sumWhere = (cond: string) => `coalesce(sum(delta) FILTER (WHERE ${cond}), 0)::int`;
  return `SELECT ${keyList}, sum(delta)::int AS n, ${sumWhere(`outcome = 'approve'`)} AS approved, ${sumWhere(`outcome = 'reject'`)} AS rejected,
      ${sumWhere('made_at <= due_at')} AS within, ${sumWhere('made_at > due_at')} AS missed, ${sumWhere('opened_at IS NOT NULL')} AS measured,
      report_quarter_prefix(array_agg(quarter), array_agg(delta)) AS quarters
    FROM (${rows}) s GROUP BY ${keyList}`;
}

/** Rejection reasons ('reason') and overridden rules ('override') per reviewer, kind and day. */
export function codeDeltas(parts: readonly TallyPart[]): string {
  const rows = union(
    parts,
    (p) => `SELECT reviewer, kind, ${daySql} AS day, 'reason' AS facet, r.code, ${p.sign} AS delta
        FROM ${p.rows} CROSS JOIN LATERAL jsonb_array_elements_text(reason_codes) AS r(code) WHERE outcome = 'reject'
      UNION ALL SELECT reviewer, kind, ${daySql}, 'override', r.code, ${p.sign} FROM ${p.rows} CROSS JOIN LATERAL jsonb_array_elements_text(overridden_rules) AS r(code)`,
  );
  return `SELECT ${keyList}, facet, code, sum(delta)::int AS n FROM (${rows}) s GROUP BY ${keyList}, facet, code`;
}

/**
 * Quality-review verdicts ('verdict': agree, overturn) per the reviewed decision's reviewer, kind and day, into the
 * code tallies: `reviews` joined to `decisions`, either side a transition table (a verdict written, a decision redated).
 */
export function verdictDeltas(parts: readonly { reviews: string; decisions: string; sign: Sign }[]): string {
  const rows = parts
    // Only the reviews' two columns are named, so the decisions' need no alias (`decisions` may be an aliased subquery).
    .map((p) => `SELECT reviewer, kind, ${daySql} AS day, 'verdict' AS facet, v.verdict AS code, ${p.sign} AS delta
        FROM (SELECT decision_id, verdict FROM ${p.reviews} WHERE stage = 'quality') v JOIN ${p.decisions} ON id = v.decision_id`)
    .join(' UNION ALL ');
  return `SELECT ${keyList}, facet, code, sum(delta)::int AS n FROM (${rows}) s GROUP BY ${keyList}, facet, code`;
}

/** The handling-time histogram per reviewer, kind and day, over the decisions whose opening is known. */
export function handlingDeltas(parts: readonly TallyPart[]): string {
  const rows = union(parts, (p) => `SELECT reviewer, kind, ${daySql} AS day, ${handlingBucketSql(handlingMsSql)} AS bucket, ${p.sign} AS delta FROM ${p.rows} WHERE opened_at IS NOT NULL`);
  return `SELECT ${keyList}, bucket, sum(delta)::int AS n FROM (${rows}) s GROUP BY ${keyList}, bucket`;
}

const counters = ['n', 'approved', 'rejected', 'within', 'missed', 'measured'] as const;

function codeUpsert(deltas: string): string {
  return `INSERT INTO report_code_tallies AS t (${keyList}, facet, code, n)
      SELECT * FROM (${deltas}) d WHERE d.n <> 0 ORDER BY ${keyList}, facet, code
     ON CONFLICT (${keyList}, facet, code) DO UPDATE SET n = t.n + excluded.n`;
}

/** The upserts that bring the report's tallies up to date with `parts`; keys in order, so locks are taken in order. */
function upserts(parts: readonly TallyPart[]): string[] {
  const dayKeys = keyList;
  return [
    `INSERT INTO report_tallies AS t (${dayKeys}, ${counters.join(', ')}, quarters)
      SELECT * FROM (${dayDeltas(parts)}) d
       WHERE ${counters.map((c) => `d.${c} <> 0`).join(' OR ')} OR d.quarters <> array_fill(0, ARRAY[97])
       ORDER BY ${dayKeys}
     ON CONFLICT (${dayKeys}) DO UPDATE SET ${counters.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')},
       quarters = report_add_counts(t.quarters, excluded.quarters)`,
    codeUpsert(codeDeltas(parts)),
    // A redated decision moves its verdicts to its new day (a new one has none yet; the backfill finds them all).
    codeUpsert(verdictDeltas(parts.map((p) => ({ reviews: 'reviews', decisions: p.rows, sign: p.sign })))),
    `INSERT INTO report_handling_tallies AS t (${dayKeys}, bucket, n)
      SELECT * FROM (${handlingDeltas(parts)}) d WHERE d.n <> 0 ORDER BY ${dayKeys}, bucket
     ON CONFLICT (${dayKeys}, bucket) DO UPDATE SET n = t.n + excluded.n`,
  ];
}

export async function createReportTallies(tx: Queryable): Promise<void> {
  // Element-wise sum of two running counts (both 97 long).
  await tx.query(`CREATE FUNCTION report_add_counts(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$`);
  // The running count by quarter hour of (quarter, delta) pairs: a quarter's delta counts from the next element on.
  await tx.query(`CREATE FUNCTION report_quarter_prefix(qs int[], ds int[]) RETURNS int[] LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
      counts int[] := array_fill(0, ARRAY[97]);
    BEGIN
      FOR i IN 1 .. coalesce(array_length(qs, 1), 0) LOOP
        counts[qs[i] + 2] := counts[qs[i] + 2] + ds[i];
      END LOOP;
      FOR i IN 2 .. 97 LOOP
        counts[i] := counts[i] + counts[i - 1];
      END LOOP;
      RETURN counts;
    END $$`);
  const keyColumns = `reviewer text NOT NULL, kind text NOT NULL, day date NOT NULL`;
  await tx.query(`CREATE TABLE report_tallies (${keyColumns}, ${counters.map((c) => `${c} integer NOT NULL`).join(', ')},
    quarters integer[] NOT NULL, PRIMARY KEY (${keyList}))`);
  await tx.query(`CREATE TABLE report_code_tallies (${keyColumns}, facet text NOT NULL CHECK (facet IN ('reason', 'override', 'verdict')), code text NOT NULL,
    n integer NOT NULL, PRIMARY KEY (${keyList}, facet, code))`);
  await tx.query(`CREATE TABLE report_handling_tallies (${keyColumns}, bucket integer NOT NULL, n integer NOT NULL, PRIMARY KEY (${keyList}, bucket))`);
  // An update that leaves the keyed columns as they were (a verdict marking it reviewed) sums to nothing and writes nothing.
  await createTallyTriggers(tx, 'report_tallies', 'decisions', upserts);
  // Verdicts written, changed or deleted: the reviewed decision's tallies.
  await createTallyTriggers(tx, 'report_verdict_tallies', 'reviews', (parts) => [
    codeUpsert(verdictDeltas(parts.map((p) => ({ reviews: p.rows, decisions: 'decisions', sign: p.sign })))),
  ]);
  // Backfill: the decisions and verdicts already there, as the insert triggers would have counted them.
  await countIntoReportTallies(tx, 'decisions');
}

/**
 * Adds `rows` (a decision table or an aliased subquery of decisions) and the quality verdicts on them to the report's
 * tallies, as the insert triggers count a decision and then its verdicts.
 */
export async function countIntoReportTallies(tx: Queryable, rows: string): Promise<void> {
  for (const statement of upserts([{ rows, sign: '+1' }])) await tx.query(statement);
}
