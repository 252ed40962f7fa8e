// The decision report from its tallies (migration 20) against the same numbers computed here from the rows: random
// decisions written, redated and deleted through SQL (so the statement triggers keep the tallies), random filters
// (ragged ranges, quarter-hour offsets), quality verdicts written, changed and deleted. Every count must be equal; the median and p90 handling times within
// handlingTimePrecision of percentile_cont over the rows. Real PostgreSQL too with VERITY_TEST_DATABASE_URL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlingTimePrecision, type DecisionReport, type DecisionReportFilter } from '../shared/contract/reports';
import type { Database } from './db';
import { migrate } from './migrations';
import { decisionReport } from './reports';
import { openTestDatabase } from '../tests/support/central';

const reviewers = ['rt_a', 'rt_b', 'rt_c'] as const;
const kinds = ['individual', 'enterprise', 'change'] as const;
const start = Date.parse('2026-11-01T00:00:00Z');
const hour = 3_600_000;

interface Row {
  id: number;
  reviewer: (typeof reviewers)[number];
  kind: (typeof kinds)[number];
  outcome: 'approve' | 'reject';
  madeAt: number;
  /** Handling time in ms; null: the opening was not sent. Negative: the device clock went back (counts as 0). */
  handlingMs: number | null;
  dueAt: number;
  reasons: string[];
  overridden: string[];
  /** A quality review's verdict, if sampled and reviewed. */
  review: 'agree' | 'overturn' | null;
}

// Handling times across the whole scale: seconds, minutes around the 49.5-minute change of buckets, hours, days.
const handling = fc.oneof(
  fc.integer({ min: -60_000, max: 3 * 60_000 }),
  fc.integer({ min: 40 * 60_000, max: 60 * 60_000 }),
  fc.integer({ min: 0, max: 8 * hour }),
  fc.integer({ min: 0, max: 20 * 24 * hour }),
);
const row = fc.record({
  reviewer: fc.constantFrom(...reviewers),
  kind: fc.constantFrom(...kinds),
  outcome: fc.constantFrom('approve' as const, 'reject' as const),
  madeAt: fc.integer({ min: 0, max: 4 * 24 * hour }).map((ms) => start + ms),
  handlingMs: fc.option(handling, { freq: 6 }),
  dueIn: fc.integer({ min: -hour, max: hour }),
  reasons: fc.uniqueArray(fc.constantFrom('document_unreadable', 'document_expired', 'name_mismatch'), { maxLength: 2 }),
  overridden: fc.uniqueArray(fc.constantFrom('R1', 'R4'), { maxLength: 2 }),
  review: fc.constantFrom(null, 'agree' as const, 'overturn' as const),
});
/** An instant in the rows' span: often a UTC or local midnight, else anywhere. */
const instant = fc.oneof(
  fc.integer({ min: -1, max: 5 }).map((d) => start + d * 24 * hour),
  fc.integer({ min: -1, max: 5 }).map((d) => start + d * 24 * hour - 8 * hour),
  fc.integer({ min: -hour, max: 5 * 24 * hour }).map((ms) => start + ms),
);
const filter: fc.Arbitrary<DecisionReportFilter> = fc.record(
  {
    from: instant.map((ms) => new Date(ms).toISOString()),
    to: instant.map((ms) => new Date(ms).toISOString()),
    reviewer: fc.constantFrom(...reviewers),
    kind: fc.constantFrom(...kinds),
    utcOffsetMinutes: fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
  },
  { requiredKeys: [] },
);

/** percentile_cont over the rows: linear between the values at ranks floor and ceil of p × (n − 1). */
function exactPercentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const lo = sorted[Math.floor(rank)]!;
  return lo + (sorted[Math.ceil(rank)]! - lo) * (rank - Math.floor(rank));
}

/** The report computed from the rows: every number but the percentiles, which are checked separately. */
function expected(rows: Row[], f: DecisionReportFilter) {
  const inside = rows.filter(
    (r) =>
      (!f.from || r.madeAt >= Date.parse(f.from)) &&
      (!f.to || r.madeAt < Date.parse(f.to)) &&
      (!f.reviewer || r.reviewer === f.reviewer) &&
      (!f.kind || r.kind === f.kind),
  );
  const count = <K extends string>(keys: K[]) => [...keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<K, number>())];
  const offset = (f.utcOffsetMinutes ?? 0) * 60_000;
  const present = [...new Set(inside.map((r) => r.reviewer))].sort();
  const mine = (reviewer: string) => inside.filter((r) => r.reviewer === reviewer);
  const deadline = (rs: Row[]) => ({ within: rs.filter((r) => r.madeAt <= r.dueAt).length, missed: rs.filter((r) => r.madeAt > r.dueAt).length });
  const byCount = ([a, n]: [string, number], [b, m]: [string, number]) => m - n || (a < b ? -1 : 1);
  return {
    decisions: inside.length,
    perReviewerDay: count(inside.map((r) => `${r.reviewer} ${new Date(r.madeAt + offset).toISOString().slice(0, 10)}`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, decisions]) => ({ reviewer: key.split(' ')[0], day: key.split(' ')[1], decisions })),
    deadline: { overall: deadline(inside), perReviewer: present.map((reviewer) => ({ reviewer, ...deadline(mine(reviewer)) })) },
    measured: present.map((reviewer) => mine(reviewer).filter((r) => r.handlingMs !== null).length),
    outcomesByKind: [...new Set(inside.map((r) => r.kind))].sort().map((kind) => ({
      kind,
      approved: inside.filter((r) => r.kind === kind && r.outcome === 'approve').length,
      rejected: inside.filter((r) => r.kind === kind && r.outcome === 'reject').length,
    })),
    topRejectionReasons: count(inside.filter((r) => r.outcome === 'reject').flatMap((r) => r.reasons))
      .sort(byCount)
      .map(([reasonCode, n]) => ({ reasonCode, count: n })),
    flagOverrides: count(inside.flatMap((r) => r.overridden))
      .sort(byCount)
      .map(([rule, n]) => ({ rule, count: n })),
    quality: { agree: inside.filter((r) => r.review === 'agree').length, overturn: inside.filter((r) => r.review === 'overturn').length },
    handling: (reviewer?: string) =>
      (reviewer ? mine(reviewer) : inside)
        .filter((r) => r.handlingMs !== null)
        .map((r) => Math.max(0, r.handlingMs!))
        .sort((a, b) => a - b),
  };
}

function expectWithinPrecision(approximate: number | null, sorted: number[], p: number): void {
  const exact = exactPercentile(sorted, p);
  if (exact === null) return expect(approximate).toBeNull();
  const allowed = Math.max(handlingTimePrecision.relative * exact, handlingTimePrecision.absoluteMs);
  expect(Math.abs(approximate! - exact), `p${p * 100}: ${approximate} for exact ${exact}`).toBeLessThanOrEqual(allowed);
}

function check(report: DecisionReport, rows: Row[], f: DecisionReportFilter): void {
  const want = expected(rows, f);
  expect(report.decisions).toBe(want.decisions);
  expect(report.perReviewerDay).toEqual(want.perReviewerDay);
  expect(report.deadline).toEqual(want.deadline);
  expect(report.outcomesByKind).toEqual(want.outcomesByKind);
  expect(report.topRejectionReasons).toEqual(want.topRejectionReasons);
  expect(report.flagOverrides).toEqual(want.flagOverrides);
  expect(report.quality).toEqual(want.quality);
  expect(report.handling.perReviewer.map((h) => h.measured)).toEqual(want.measured);
  expect(report.handling.overall.measured).toBe(want.handling().length);
  for (const p of [0.5, 0.9] as const) {
    const key = p === 0.5 ? 'medianMs' : 'p90Ms';
    expectWithinPrecision(report.handling.overall[key], want.handling(), p);
    for (const h of report.handling.perReviewer) expectWithinPrecision(h[key], want.handling(h.reviewer), p);
  }
}

let db: Database;
let close: () => Promise<void>;
let nextId = 1;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  await migrate(db);
  for (const username of reviewers) {
    await db.query(`INSERT INTO people (username, display_name, role, password_hash, active) VALUES ($1, $1, 'reviewer', 'cannot sign in', false)`, [username]);
  }
  await db.query(`INSERT INTO accounts (id, registration_location) VALUES ('ACC-RT', 'CN')`);
}, 60_000);
afterAll(async () => {
  await close?.();
});

const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

async function insert(rows: Row[]): Promise<void> {
  // One statement for all rows, as a batch of pushed decisions is: the statement trigger sees them together.
  const json = JSON.stringify(rows.map((r) => ({ ...r, id: uuid(r.id), app: `RT-${r.id}`, opened: r.handlingMs === null ? null : new Date(r.madeAt - r.handlingMs).toISOString() })));
  await db.query(
    `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language, due_at, escalate_at)
     SELECT r->>'app', 'ACC-RT', r->>'kind', 'CN', now(), 'approved', 2, '{}'::jsonb, '{}'::jsonb, 'en', now(), now() FROM jsonb_array_elements($1::jsonb) AS r`,
    [json],
  );
  await db.query(
    `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message, internal_note,
       override_note, decided_at, made_at, offline, overridden_rules, opened_at, due_at, sample_week, sample_rank)
     SELECT (r->>'id')::uuid, r->>'app', r->>'kind', r->>'reviewer', 'device', r->>'outcome', r->'reasons', '', '', NULL,
       to_timestamp((r->>'madeAt')::float8 / 1000), to_timestamp((r->>'madeAt')::float8 / 1000), false, r->'overridden',
       (r->>'opened')::timestamptz, to_timestamp((r->>'dueAt')::float8 / 1000), date '2026-11-02', md5(r->>'app')
       FROM jsonb_array_elements($1::jsonb) AS r`,
    [json],
  );
  await db.query(
    `INSERT INTO reviews (id, decision_id, reviewed_by, stage, verdict, reason, reviewed_at)
     SELECT 'review-' || (r->>'id'), (r->>'id')::uuid, 'rt_a', 'quality', r->>'review', 'checked', now() FROM jsonb_array_elements($1::jsonb) AS r WHERE r->>'review' IS NOT NULL`,
    [json],
  );
}

describe('the decision report from its tallies', () => {
  it('equals the rows for every count, and its median and p90 are within 2 % or 1 minute of percentile_cont', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 60 }),
        fc.array(fc.record({ pick: fc.nat(), hours: fc.integer({ min: -30, max: 30 }), drop: fc.boolean(), flip: fc.boolean() }), { maxLength: 5 }),
        fc.array(filter, { minLength: 1, maxLength: 4 }),
        async (drawn, changes, filters) => {
          const rows: Row[] = drawn.map((r) => ({ ...r, id: nextId++, dueAt: r.madeAt + r.dueIn }));
          await insert(rows);
          // Redate or delete some, as a clock fix or retention would: the update and delete triggers move the tallies.
          for (const change of changes) {
            const target = rows[change.pick % rows.length];
            if (!target) continue;
            if (change.flip && target.review) {
              // A verdict changed, as an overturn of an agreed decision would be.
              const verdict = target.review === 'agree' ? 'overturn' : 'agree';
              await db.query(`UPDATE reviews SET verdict = $2 WHERE decision_id = $1`, [uuid(target.id), verdict]);
              target.review = verdict;
            } else if (change.drop) {
              await db.query(`DELETE FROM reviews WHERE decision_id = $1`, [uuid(target.id)]);
              await db.query(`DELETE FROM decisions WHERE id = $1`, [uuid(target.id)]);
              rows.splice(rows.indexOf(target), 1);
            } else {
              await db.query(`UPDATE decisions SET made_at = made_at + make_interval(hours => $2), opened_at = opened_at + make_interval(hours => $2) WHERE id = $1`, [uuid(target.id), change.hours]);
              target.madeAt += change.hours * hour;
            }
          }
          try {
            for (const f of [{}, ...filters]) check(await decisionReport(db, f, new Date(start)), rows, f);
          } finally {
            await db.query(`DELETE FROM reviews`);
            await db.query(`DELETE FROM decisions`);
          }
          // Everything deleted: the tallies hold only zeros.
          const [left] = await db.query<{ n: number }>(
            `SELECT (SELECT count(*) FROM report_tallies WHERE n <> 0 OR quarters <> array_fill(0, ARRAY[97])) + (SELECT count(*) FROM report_code_tallies WHERE n <> 0)
                    + (SELECT count(*) FROM report_handling_tallies WHERE n <> 0) AS n`,
          );
          expect(Number(left?.n)).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});
