// The decision report's arithmetic, on decisions written straight into a real database (PGlite, or the PostgreSQL of
// VERITY_TEST_DATABASE_URL) with numbers worked out by hand, through the real route; then on generated thousands,
// checked against the same numbers computed here from the generating rule, and the plan of a date range.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionReport } from '../shared/contract/reports';
import { decisionReport } from './reports';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let sup: TestClient;
let reviewer: TestClient;

interface Planned {
  id: number;
  reviewer: 'reviewer1' | 'reviewer2';
  kind: 'individual' | 'enterprise' | 'change';
  outcome: 'approve' | 'reject';
  madeAt: string;
  /** Minutes before madeAt the case was first opened; null: not sent. */
  openedMinutesBefore: number | null;
  dueAt: string;
  reasons: string[];
  overridden: string[];
  review: 'agree' | 'overturn' | null;
}

// Six decisions over three UTC days. Handling (ms): D1 300 000, D2 600 000, D4 1 200 000, D5 2 400 000, D6 1 800 000; D3 unknown.
// Deadline missed: D2 (decided 15:00, due 12:00) and D5 (00:30, due 00:00).
const planned: Planned[] = [
  { id: 1, reviewer: 'reviewer1', kind: 'individual', outcome: 'approve', madeAt: '2026-11-02T09:00:00Z', openedMinutesBefore: 5, dueAt: '2026-11-04T09:00:00Z', reasons: [], overridden: ['R1'], review: 'agree' },
  { id: 2, reviewer: 'reviewer1', kind: 'individual', outcome: 'reject', madeAt: '2026-11-02T15:00:00Z', openedMinutesBefore: 10, dueAt: '2026-11-02T12:00:00Z', reasons: ['document_unreadable', 'name_mismatch'], overridden: [], review: 'overturn' },
  { id: 3, reviewer: 'reviewer1', kind: 'enterprise', outcome: 'reject', madeAt: '2026-11-03T10:00:00Z', openedMinutesBefore: null, dueAt: '2026-11-05T10:00:00Z', reasons: ['document_unreadable'], overridden: [], review: null },
  { id: 4, reviewer: 'reviewer2', kind: 'change', outcome: 'approve', madeAt: '2026-11-02T23:30:00Z', openedMinutesBefore: 20, dueAt: '2026-11-05T00:00:00Z', reasons: [], overridden: ['R1', 'R4'], review: 'agree' },
  { id: 5, reviewer: 'reviewer2', kind: 'individual', outcome: 'reject', madeAt: '2026-11-03T00:30:00Z', openedMinutesBefore: 40, dueAt: '2026-11-03T00:00:00Z', reasons: ['document_unreadable'], overridden: [], review: 'agree' },
  { id: 6, reviewer: 'reviewer2', kind: 'individual', outcome: 'approve', madeAt: '2026-11-04T08:00:00Z', openedMinutesBefore: 30, dueAt: '2026-11-06T08:00:00Z', reasons: [], overridden: [], review: null },
];

const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** Applications and decisions as rows: the report reads only the decisions and reviews tables. */
async function insertPlanned(): Promise<void> {
  for (const p of planned) {
    const app = `REPORT-${p.id}`;
    await server.db.query(`INSERT INTO accounts (id, registration_location) VALUES ($1, 'CN')`, [`ACC-${app}`]);
    await server.db.query(
      `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language, due_at, escalate_at)
       VALUES ($1, $2, $3, 'CN', $4, $5, 2, '{}'::jsonb, '{}'::jsonb, 'en', $6, $6)`,
      [app, `ACC-${app}`, p.kind, new Date(Date.parse(p.madeAt) - 3_600_000), p.outcome === 'approve' ? 'approved' : 'rejected', p.dueAt],
    );
    const made = new Date(p.madeAt);
    const opened = p.openedMinutesBefore === null ? null : new Date(made.getTime() - p.openedMinutesBefore * 60_000);
    await server.db.query(
      `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message, internal_note,
         override_note, decided_at, made_at, offline, overridden_rules, opened_at, due_at, sample_week, sample_rank)
       VALUES ($1, $2, $3, $4, 'device', $5, $6::jsonb, '', '', NULL, $7, $7, false, $8::jsonb, $9, $10,
         date_trunc('week', $7::timestamptz AT TIME ZONE 'UTC')::date, md5($2))`,
      [uuid(p.id), app, p.kind, p.reviewer, p.outcome, JSON.stringify(p.reasons), made, JSON.stringify(p.overridden), opened, new Date(p.dueAt)],
    );
    if (p.review) {
      await server.db.query(`INSERT INTO reviews (id, decision_id, reviewed_by, stage, verdict, reason, reviewed_at) VALUES ($1, $2, 'supervisor1', 'quality', $3, 'checked', $4)`, [
        `review-${p.id}`,
        uuid(p.id),
        p.review,
        new Date(made.getTime() + 86_400_000),
      ]);
    }
  }
}

async function report(query: string): Promise<DecisionReport> {
  const answer = await sup.get(`/v1/reports/decisions${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return DecisionReport.parse(answer.body);
}

beforeAll(async () => {
  server = await startTestServer();
  sup = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
  reviewer = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  await insertPlanned();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('GET /v1/reports/decisions on six decisions worked out by hand', () => {
  it('counts per reviewer per day, handling percentiles, deadlines, outcomes by kind, reasons, overrides and verdicts', async () => {
    const r = await report('');
    expect(r.filter).toEqual({});
    expect(r.generatedAt).toBe(server.clock.now.toISOString());
    expect(r.decisions).toBe(6);
    expect(r.perReviewerDay).toEqual([
      { reviewer: 'reviewer1', day: '2026-11-02', decisions: 2 },
      { reviewer: 'reviewer1', day: '2026-11-03', decisions: 1 },
      { reviewer: 'reviewer2', day: '2026-11-02', decisions: 1 },
      { reviewer: 'reviewer2', day: '2026-11-03', decisions: 1 },
      { reviewer: 'reviewer2', day: '2026-11-04', decisions: 1 },
    ]);
    // Sorted 300k 600k 1.2M 1.8M 2.4M: median the middle; p90 at rank 0.9 × 4 = 3.6 → 1.8M + 0.6 × 0.6M.
    expect(r.handling.overall).toEqual({ measured: 5, medianMs: 1_200_000, p90Ms: 2_160_000 });
    expect(r.handling.perReviewer).toEqual([
      // 300k, 600k: median 450k; p90 at 0.9 → 300k + 0.9 × 300k. D3 has no opening.
      { reviewer: 'reviewer1', measured: 2, medianMs: 450_000, p90Ms: 570_000 },
      // 1.2M, 1.8M, 2.4M: median 1.8M; p90 at 1.8 → 1.8M + 0.8 × 0.6M.
      { reviewer: 'reviewer2', measured: 3, medianMs: 1_800_000, p90Ms: 2_280_000 },
    ]);
    expect(r.deadline).toEqual({
      overall: { within: 4, missed: 2 },
      perReviewer: [
        { reviewer: 'reviewer1', within: 2, missed: 1 },
        { reviewer: 'reviewer2', within: 2, missed: 1 },
      ],
    });
    expect(r.outcomesByKind).toEqual([
      { kind: 'change', approved: 1, rejected: 0 },
      { kind: 'enterprise', approved: 0, rejected: 1 },
      { kind: 'individual', approved: 2, rejected: 2 },
    ]);
    expect(r.topRejectionReasons).toEqual([
      { reasonCode: 'document_unreadable', count: 3 },
      { reasonCode: 'name_mismatch', count: 1 },
    ]);
    expect(r.flagOverrides).toEqual([
      { rule: 'R1', count: 2 },
      { rule: 'R4', count: 1 },
    ]);
    expect(r.quality).toEqual({ agree: 3, overturn: 1 });
  });

  it('applies the date range to when the reviewer decided (from inclusive, to exclusive)', async () => {
    const r = await report('?from=2026-11-03T00:00:00Z&to=2026-11-04T08:00:00Z');
    expect(r.filter).toEqual({ from: '2026-11-03T00:00:00Z', to: '2026-11-04T08:00:00Z' });
    expect(r.decisions).toBe(2); // D3, D5; D6 at exactly `to` is out
    expect(r.handling.overall).toEqual({ measured: 1, medianMs: 2_400_000, p90Ms: 2_400_000 });
    expect(r.deadline.overall).toEqual({ within: 1, missed: 1 });
    expect(r.outcomesByKind).toEqual([
      { kind: 'enterprise', approved: 0, rejected: 1 },
      { kind: 'individual', approved: 0, rejected: 1 },
    ]);
    expect(r.topRejectionReasons).toEqual([{ reasonCode: 'document_unreadable', count: 2 }]);
    expect(r.flagOverrides).toEqual([]);
    expect(r.quality).toEqual({ agree: 1, overturn: 0 });
  });

  it('counts the days at the UTC offset asked for', async () => {
    // At UTC+8, D4 (23:30 UTC on the 2nd) and D5 (00:30 UTC on the 3rd) are both on the 3rd; D2 (15:00 UTC) is 23:00 on the 2nd.
    const r = await report('?utcOffsetMinutes=480');
    expect(r.filter).toEqual({ utcOffsetMinutes: 480 });
    expect(r.perReviewerDay).toEqual([
      { reviewer: 'reviewer1', day: '2026-11-02', decisions: 2 },
      { reviewer: 'reviewer1', day: '2026-11-03', decisions: 1 },
      { reviewer: 'reviewer2', day: '2026-11-03', decisions: 2 },
      { reviewer: 'reviewer2', day: '2026-11-04', decisions: 1 },
    ]);
    expect((await sup.get('/v1/reports/decisions?utcOffsetMinutes=7')).status).toBe(400);
  });

  it('combines reviewer and kind', async () => {
    const r = await report('?reviewer=reviewer2&kind=individual');
    expect(r.decisions).toBe(2); // D5, D6
    // 1.8M, 2.4M: median 2.1M; p90 1.8M + 0.9 × 0.6M.
    expect(r.handling.overall).toEqual({ measured: 2, medianMs: 2_100_000, p90Ms: 2_340_000 });
    expect(r.handling.perReviewer).toEqual([{ reviewer: 'reviewer2', measured: 2, medianMs: 2_100_000, p90Ms: 2_340_000 }]);
    expect(r.quality).toEqual({ agree: 1, overturn: 0 });
  });

  it('answers zeros and nulls, not an error, when nothing matches', async () => {
    const r = await report('?reviewer=reviewer1&kind=change');
    expect(r).toMatchObject({
      decisions: 0,
      perReviewerDay: [],
      handling: { overall: { measured: 0, medianMs: null, p90Ms: null }, perReviewer: [] },
      deadline: { overall: { within: 0, missed: 0 }, perReviewer: [] },
      outcomesByKind: [],
      topRejectionReasons: [],
      flagOverrides: [],
      quality: { agree: 0, overturn: 0 },
    });
  });

  it('refuses a reviewer, and a filter it does not know, with a message naming the field', async () => {
    expect((await reviewer.get('/v1/reports/decisions')).status).toBe(403);
    const bad = await sup.get('/v1/reports/decisions?from=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/from/);
    expect((await sup.get('/v1/reports/decisions?outcome=approve')).status).toBe(400);
  });
});

describe('the report on generated decisions', () => {
  // n decisions by reviewer (i % 3), one a minute from 2026-10-01; handling (i % 10 + 1) minutes; every 7th missed.
  const n = 30_000;
  const start = Date.parse('2026-10-01T00:00:00Z');
  beforeAll(async () => {
    await server.db.query(`INSERT INTO accounts (id, registration_location) VALUES ('ACC-GEN', 'CN')`);
    await server.db.query(
      `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language, due_at, escalate_at)
       SELECT 'GEN-' || i, 'ACC-GEN', 'individual', 'CN', $1, 'rejected', 2, '{}'::jsonb, '{}'::jsonb, 'en', $1, $1 FROM generate_series(1, $2) AS i`,
      [new Date(start), n],
    );
    await server.db.query(
      `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message, internal_note,
         override_note, decided_at, made_at, offline, overridden_rules, opened_at, due_at, sample_week, sample_rank)
       SELECT ('00000000-0000-7000-9000-' || lpad(i::text, 12, '0'))::uuid, 'GEN-' || i, 'individual', 'reviewer' || (i % 3 + 1), 'device',
         'reject', '["document_expired"]'::jsonb, '', '', NULL, m, m, false, '[]'::jsonb, m - make_interval(mins => i % 10 + 1),
         CASE WHEN i % 7 = 0 THEN m - interval '1 minute' ELSE m + interval '1 day' END,
         date_trunc('week', m AT TIME ZONE 'UTC')::date, md5(i::text)
         FROM generate_series(1, $2) AS i, LATERAL (SELECT $1::timestamptz + make_interval(mins => i) AS m) AS t`,
      [new Date(start), n],
    );
    await server.db.query('ANALYZE decisions');
  }, 120_000);

  it('matches the numbers the generating rule gives', async () => {
    // Straight to the aggregation: the route is covered above, and the long insert outlives the client's idle connection.
    const r = await decisionReport(server.db, { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', kind: 'individual' }, server.clock.now);
    expect(r.decisions).toBe(n);
    // Handling minutes 1..10, each n/10 times; percentiles as percentile_cont defines them: linear between the two
    // values around rank p × (n − 1) of the sorted list.
    const minutes = Array.from({ length: n }, (_, k) => ((k + 1) % 10) + 1).sort((a, b) => a - b);
    const percentile = (p: number) => {
      const rank = p * (n - 1);
      const lo = minutes[Math.floor(rank)] as number;
      const hi = minutes[Math.ceil(rank)] as number;
      return Math.round((lo + (hi - lo) * (rank - Math.floor(rank))) * 60_000);
    };
    expect(r.handling.overall).toEqual({ measured: n, medianMs: percentile(0.5), p90Ms: percentile(0.9) });
    const missed = Math.floor(n / 7);
    expect(r.deadline.overall).toEqual({ within: n - missed, missed });
    expect(r.perReviewerDay.reduce((s, d) => s + d.decisions, 0)).toBe(n);
    // One a minute: 1,440 a day, split over three reviewers by i % 3.
    expect(r.perReviewerDay.find((d) => d.reviewer === 'reviewer1' && d.day === '2026-10-02')?.decisions).toBe(480);
    expect(r.topRejectionReasons).toEqual([{ reasonCode: 'document_expired', count: n }]);
  });

  it('reads a date range through the index on when the reviewer decided, not the whole table', async () => {
    const plan = await server.db.query<Record<string, string>>(
      `EXPLAIN SELECT count(*) FROM decisions d WHERE d.made_at >= $1 AND d.made_at < $2`,
      [new Date('2026-10-05T00:00:00Z'), new Date('2026-10-06T00:00:00Z')],
    );
    const text = plan.map((row) => Object.values(row).join(' ')).join('\n');
    expect(text).toMatch(/decisions_made_at/);
    expect(text).not.toMatch(/Seq Scan on decisions/);
  });
});
