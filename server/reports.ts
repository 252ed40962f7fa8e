// The supervisor's decision report (GET /v1/reports/decisions), read from the report's tallies (server/reportTallies.ts,
// a few rows per reviewer, kind and day) rather than from the decisions, so a million decisions answer as fast as a
// thousand. Every number is exact except the median and p90 handling times, which come from the tallies' histogram
// (within handlingTimePrecision). Days a date range covers in part are read from the decisions (decisions_made_at).
import { topRejectionReasonsLimit, type DecisionReport, type DecisionReportFilter } from '../shared/contract/reports';
import type { ApplicationKind, ReasonCode, RuleId } from '../shared/domain';
import type { Queryable } from './db';
import { histogramPercentile } from './handlingHistogram';
import { codeDeltas, dayDeltas, handlingDeltas, verdictDeltas, type TallyPart } from './reportTallies';

const dayMs = 86_400_000;
const utcDay = (at: Date) => new Date(Math.floor(at.getTime() / dayMs) * dayMs);

/**
 * The filter as two sources of the same rows: the tallies of the UTC days wholly inside the range, and the decisions of
 * the days it covers in part. `tally(deltas, table)` is the SQL of their union; parameters bound, never in the text.
 */
function sourcesOf(filter: DecisionReportFilter): { tally: (deltas: (parts: readonly TallyPart[]) => string, table: string) => string; params: (string | Date)[] } {
  const params: (string | Date)[] = [];
  const bind = (value: string | Date) => `$${params.push(value)}`;
  const facets: string[] = [];
  if (filter.reviewer) facets.push(`reviewer = ${bind(filter.reviewer)}`);
  if (filter.kind) facets.push(`kind = ${bind(filter.kind)}`);
  const from = filter.from ? new Date(filter.from) : undefined;
  const to = filter.to ? new Date(filter.to) : undefined;
  // Whole UTC days [low, high): the first midnight at or after `from`, the last at or before `to`.
  const low = from && (utcDay(from).getTime() === from.getTime() ? from : new Date(utcDay(from).getTime() + dayMs));
  let high = to && utcDay(to);
  if (low && high && high < low) high = low;
  const whole = [...facets];
  if (low) whole.push(`day >= ${bind(low.toISOString().slice(0, 10))}::date`);
  if (high) whole.push(`day < ${bind(high.toISOString().slice(0, 10))}::date`);
  const part = [...facets];
  if (from) part.push(`made_at >= ${bind(from)}`);
  if (to) part.push(`made_at < ${bind(to)}`);
  const outside = [...(low ? [`made_at < ${bind(low)}`] : []), ...(high ? [`made_at >= ${bind(high)}`] : [])];
  // No range: the tallies hold everything and no decision is read.
  part.push(outside.length > 0 ? `(${outside.join(' OR ')})` : 'false');
  const where = (clauses: string[]) => (clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '');
  return {
    tally: (deltas, table) =>
      `SELECT * FROM ${table} ${where(whole)} UNION ALL ${deltas([{ rows: `(SELECT * FROM decisions ${where(part)}) AS part`, sign: '+1' }])}`,
    params,
  };
}

export async function decisionReport(db: Queryable, filter: DecisionReportFilter, now: Date): Promise<DecisionReport> {
  const { tally, params } = sourcesOf(filter);
  const days = tally(dayDeltas, 'report_tallies');
  // Days at the offset: each UTC day's quarters before the local midnight go to one local day, the rest to the next.
  // The offset is a whole number of quarters the schema bounded (−48 … 56).
  const quarters = (filter.utcOffsetMinutes ?? 0) / 15;
  const split = quarters >= 0 ? 96 - quarters : -quarters;
  const shift = quarters >= 0 ? 0 : -1;
  const perReviewerDay = await db.query<{ reviewer: string; day: string; decisions: number }>(
    `WITH src AS (${days})
     SELECT reviewer, to_char(day, 'YYYY-MM-DD') AS day, sum(n)::int AS decisions FROM (
       SELECT reviewer, day + ${shift} AS day, quarters[${split + 1}] AS n FROM src
       UNION ALL SELECT reviewer, day + ${shift + 1}, n - quarters[${split + 1}] FROM src
     ) s GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY 1, 2`,
    params,
  );
  const reviewers = await db.query<{ reviewer: string; measured: number; within: number; missed: number }>(
    `SELECT reviewer, sum(measured)::int AS measured, sum(within)::int AS within, sum(missed)::int AS missed
       FROM (${days}) s GROUP BY reviewer HAVING sum(n) > 0 ORDER BY reviewer`,
    params,
  );
  const byKind = await db.query<{ kind: ApplicationKind; approved: number; rejected: number }>(
    `SELECT kind, sum(approved)::int AS approved, sum(rejected)::int AS rejected FROM (${days}) s GROUP BY kind HAVING sum(n) > 0 ORDER BY kind`,
    params,
  );
  // Verdicts of quality reviews only: a four-eyes second review is part of deciding, not of judging a decision in effect.
  const codeSources = (parts: readonly TallyPart[]) => `${codeDeltas(parts)} UNION ALL ${verdictDeltas(parts.map((p) => ({ reviews: 'reviews', decisions: p.rows, sign: p.sign })))}`;
  const codes = await db.query<{ facet: 'reason' | 'override' | 'verdict'; code: string; count: number }>(
    `SELECT facet, code, sum(n)::int AS count FROM (${tally(codeSources, 'report_code_tallies')}) s
      GROUP BY facet, code HAVING sum(n) > 0 ORDER BY facet, sum(n) DESC, code`,
    params,
  );
  const histogram = await db.query<{ reviewer: string; bucket: number; n: number }>(
    `SELECT reviewer, bucket, sum(n)::int AS n FROM (${tally(handlingDeltas, 'report_handling_tallies')}) s GROUP BY reviewer, bucket HAVING sum(n) > 0`,
    params,
  );
  const histograms = new Map<string, Map<number, number>>();
  const overallHistogram = new Map<number, number>();
  for (const row of histogram) {
    const own = histograms.get(row.reviewer) ?? new Map<number, number>();
    histograms.set(row.reviewer, own.set(row.bucket, (own.get(row.bucket) ?? 0) + row.n));
    overallHistogram.set(row.bucket, (overallHistogram.get(row.bucket) ?? 0) + row.n);
  }
  const handling = (measured: number, buckets: ReadonlyMap<number, number> = new Map()) => ({
    measured,
    medianMs: histogramPercentile(buckets, 0.5),
    p90Ms: histogramPercentile(buckets, 0.9),
  });
  const sum = (key: 'measured' | 'within' | 'missed') => reviewers.reduce((total, r) => total + r[key], 0);
  return {
    filter,
    generatedAt: now.toISOString(),
    decisions: perReviewerDay.reduce((total, r) => total + r.decisions, 0),
    perReviewerDay: perReviewerDay.map((r) => ({ reviewer: r.reviewer, day: r.day, decisions: r.decisions })),
    handling: {
      overall: handling(sum('measured'), overallHistogram),
      perReviewer: reviewers.map((r) => ({ reviewer: r.reviewer, ...handling(r.measured, histograms.get(r.reviewer)) })),
    },
    deadline: {
      overall: { within: sum('within'), missed: sum('missed') },
      perReviewer: reviewers.map((r) => ({ reviewer: r.reviewer, within: r.within, missed: r.missed })),
    },
    outcomesByKind: byKind.map((r) => ({ kind: r.kind, approved: r.approved, rejected: r.rejected })),
    topRejectionReasons: codes
      .filter((r) => r.facet === 'reason')
      .slice(0, topRejectionReasonsLimit)
      .map((r) => ({ reasonCode: r.code as ReasonCode, count: r.count })),
    flagOverrides: codes.filter((r) => r.facet === 'override').map((r) => ({ rule: r.code as RuleId, count: r.count })),
    quality: {
      agree: codes.find((r) => r.facet === 'verdict' && r.code === 'agree')?.count ?? 0,
      overturn: codes.find((r) => r.facet === 'verdict' && r.code === 'overturn')?.count ?? 0,
    },
  };
}
