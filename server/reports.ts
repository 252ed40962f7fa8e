// The supervisor's decision report (GET /v1/reports/decisions): every number aggregated by the database (GROUP BY,
// percentile_cont, FILTER), never by reading decision rows into Node, so it costs the same few rows of answer for
// ten decisions or a million. A date range reads only its part of the table through decisions_made_at (migration 5).
import { topRejectionReasonsLimit, type DecisionReport, type DecisionReportFilter } from '../shared/contract/reports';
import type { ApplicationKind, ReasonCode, RuleId } from '../shared/domain';
import type { Queryable } from './db';

/** The filter as SQL over `decisions d`: clauses and their parameters, never values in the text. */
function whereOf(filter: DecisionReportFilter): { sql: string; params: (string | Date)[] } {
  const clauses: string[] = [];
  const params: (string | Date)[] = [];
  const add = (clause: (n: string) => string, value: string | Date) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.from) add((n) => `d.made_at >= ${n}`, new Date(filter.from));
  if (filter.to) add((n) => `d.made_at < ${n}`, new Date(filter.to));
  if (filter.reviewer) add((n) => `d.reviewer = ${n}`, filter.reviewer);
  if (filter.kind) add((n) => `d.kind = ${n}`, filter.kind);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** `extra` joins the filter's clauses with AND (a WHERE of its own when the filter has none). */
function and(where: string, extra: string): string {
  return where === '' ? `WHERE ${extra}` : `${where} AND ${extra}`;
}

// Handling time in ms: decided − first opened, both on the device's clock; a clock set back counts as 0, unknown as NULL
// (which percentile_cont skips; greatest() alone would turn NULL into 0).
const handlingMs = `CASE WHEN d.opened_at IS NOT NULL THEN greatest(0, extract(epoch FROM d.made_at - d.opened_at) * 1000)::float8 END`;

type ReviewerRow = {
  reviewer: string | null;
  overall: number;
  measured: number;
  median: number | null;
  p90: number | null;
  within: number;
  missed: number;
};

export async function decisionReport(db: Queryable, filter: DecisionReportFilter, now: Date): Promise<DecisionReport> {
  const { sql: where, params } = whereOf(filter);
  // The offset is an integer the schema bounded; it is bound like any value.
  const perReviewerDay = await db.query<{ reviewer: string; day: string; decisions: number }>(
    `SELECT d.reviewer, to_char((d.made_at AT TIME ZONE 'UTC') + make_interval(mins => $${params.length + 1}::int), 'YYYY-MM-DD') AS day, count(*)::int AS decisions
       FROM decisions d ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
    [...params, filter.utcOffsetMinutes ?? 0],
  );
  // One pass for the whole and each reviewer: ROLLUP adds the overall row (grouping = 1).
  const reviewers = await db.query<ReviewerRow>(
    `SELECT d.reviewer, grouping(d.reviewer) AS overall, count(d.opened_at)::int AS measured,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${handlingMs}) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY ${handlingMs}) AS p90,
            count(*) FILTER (WHERE d.made_at <= d.due_at)::int AS within,
            count(*) FILTER (WHERE d.made_at > d.due_at)::int AS missed
       FROM decisions d ${where} GROUP BY ROLLUP (d.reviewer) ORDER BY grouping(d.reviewer), d.reviewer`,
    params,
  );
  const byKind = await db.query<{ kind: ApplicationKind; approved: number; rejected: number }>(
    `SELECT d.kind, count(*) FILTER (WHERE d.outcome = 'approve')::int AS approved, count(*) FILTER (WHERE d.outcome = 'reject')::int AS rejected
       FROM decisions d ${where} GROUP BY d.kind ORDER BY d.kind`,
    params,
  );
  const reasons = await db.query<{ code: ReasonCode; count: number }>(
    `SELECT r.code, count(*)::int AS count
       FROM decisions d CROSS JOIN LATERAL jsonb_array_elements_text(d.reason_codes) AS r(code)
       ${and(where, `d.outcome = 'reject'`)} GROUP BY r.code ORDER BY count(*) DESC, r.code LIMIT ${topRejectionReasonsLimit}`,
    params,
  );
  const overrides = await db.query<{ rule: RuleId; count: number }>(
    `SELECT r.rule, count(*)::int AS count
       FROM decisions d CROSS JOIN LATERAL jsonb_array_elements_text(d.overridden_rules) AS r(rule)
       ${and(where, `d.overridden_rules <> '[]'::jsonb`)} GROUP BY r.rule ORDER BY count(*) DESC, r.rule`,
    params,
  );
  // Every review counts, whatever its stage (quality review or four-eyes second review).
  const [quality] = await db.query<{ agree: number; overturn: number }>(
    `SELECT count(*) FILTER (WHERE v.verdict = 'agree')::int AS agree, count(*) FILTER (WHERE v.verdict = 'overturn')::int AS overturn
       FROM reviews v JOIN decisions d ON d.id = v.decision_id ${where}`,
    params,
  );

  const overall = reviewers.find((r) => Number(r.overall) === 1);
  const each = reviewers.filter((r) => Number(r.overall) === 0 && r.reviewer !== null);
  // Whole milliseconds: the interpolation's floating-point tail (252000.00000000003) means nothing.
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v));
  const handling = (r: ReviewerRow | undefined) => ({ measured: r?.measured ?? 0, medianMs: ms(r?.median), p90Ms: ms(r?.p90) });
  const deadline = (r: ReviewerRow | undefined) => ({ within: r?.within ?? 0, missed: r?.missed ?? 0 });
  return {
    filter,
    generatedAt: now.toISOString(),
    decisions: perReviewerDay.reduce((sum, r) => sum + r.decisions, 0),
    perReviewerDay: perReviewerDay.map((r) => ({ reviewer: r.reviewer, day: r.day, decisions: r.decisions })),
    handling: { overall: handling(overall), perReviewer: each.map((r) => ({ reviewer: r.reviewer as string, ...handling(r) })) },
    deadline: { overall: deadline(overall), perReviewer: each.map((r) => ({ reviewer: r.reviewer as string, ...deadline(r) })) },
    outcomesByKind: byKind.map((r) => ({ kind: r.kind, approved: r.approved, rejected: r.rejected })),
    topRejectionReasons: reasons.map((r) => ({ reasonCode: r.code, count: r.count })),
    flagOverrides: overrides.map((r) => ({ rule: r.rule, count: r.count })),
    quality: { agree: quality?.agree ?? 0, overturn: quality?.overturn ?? 0 },
  };
}
