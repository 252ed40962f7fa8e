// Live oversight through real HTTP: per-reviewer counts of open, due-today, escalated and overdue applications on the
// business calendar (Asia/Shanghai), and the keyset-paged lists behind them, against applications generated at random
// (seeded) and a clock the test moves. PGlite by default; PostgreSQL with VERITY_TEST_DATABASE_URL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfLocalDay, reviewDeadline } from '../shared/businessDays';
import {
  CentralError,
  OversightApplicationsResponse,
  OversightSummary,
  type OversightApplication,
  type OversightBucket,
  type OversightRow,
} from '../shared/contract/central';
import { seededRandom } from '../shared/prng';
import type { SqlValue } from './db';
import { checkImage } from './images';
import { oversightCountsSql } from './oversight';
import type { CheckedDocument } from './service';
import { bothSides, sampleImage, startTestServer, testClock, TestClient, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';

// Tuesday 24 November 2026, 10:00 in Shanghai.
const clock = testClock('2026-11-24T02:00:00.000Z');
let server: TestServer;
let sup: TestClient;
let image: CheckedDocument;
let accounts = 0;

beforeAll(async () => {
  server = await startTestServer({}, clock);
  sup = await new TestClient(server.url, () => clock.now).signIn('supervisor1');
  const bytes = await sampleImage('jpeg');
  image = { role: 'front', bytes, ...(await checkImage(bytes, 'image')) };
}, 120_000);
afterAll(async () => {
  await server?.close();
});

/** An individual's application submitted at `submittedAt` (local time written with +08:00), optionally assigned. */
async function submitAt(submittedAt: string, assignee: string | null = null): Promise<string> {
  const id = randomUUID();
  accounts += 1;
  await server.service.submitChecked(
    {
      accountId: `OV-ACC-${accounts}`,
      kind: 'individual',
      registrationLocation: 'CN',
      submittedAt: new Date(submittedAt).toISOString(),
      identity: { kind: 'individual', fullName: `SPECIMEN Oversight ${accounts}`, documentType: 'id_card', documentNumber: specimenIdNumber(`OV${accounts}`), issuingLocation: 'CN' },
      icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
      applicantLanguage: 'en',
    },
    bothSides(image),
    id,
  );
  if (assignee) await server.service.assign(id, assignee);
  return id;
}

async function summary(): Promise<OversightSummary> {
  const answer = await sup.get('/v1/oversight');
  expect(answer.status).toBe(200);
  return OversightSummary.parse(answer.body);
}

const rowOf = (s: OversightSummary, reviewer: string | null): OversightRow => {
  const row = s.rows.find((r) => r.reviewer === reviewer);
  if (!row) throw new Error(`no row for ${reviewer}`);
  return row;
};

/** Every page of a list, `limit` at a time. */
async function list(params: Record<string, string>, limit = 7): Promise<OversightApplication[]> {
  const all: OversightApplication[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const query = new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const answer = await sup.get(`/v1/oversight/applications?${query.toString()}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page = OversightApplicationsResponse.parse(answer.body);
    expect(page.applications.length).toBeLessThanOrEqual(limit);
    all.push(...page.applications);
    cursor = page.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error('the list did not end');
}

describe('oversight of open work', () => {
  it("counts due today, escalated and overdue on the calendar's day in Shanghai, and each list holds exactly those", async () => {
    // Thursday 15:00 → escalated Monday 15:00, due today (Tuesday) 15:00.
    const dueLater = await submitAt('2026-11-19T15:00:00+08:00', 'reviewer1');
    // Wednesday 09:00 → due Monday 09:00: overdue.
    const overdue = await submitAt('2026-11-18T09:00:00+08:00', 'reviewer1');
    // Friday 08:00 → escalated today 08:00, due tomorrow 08:00.
    const escalated = await submitAt('2026-11-20T08:00:00+08:00', 'reviewer2');
    // Monday 09:00 → on time (escalates Wednesday).
    const fresh = await submitAt('2026-11-23T09:00:00+08:00', null);
    // Withdrawn: no longer open, counted nowhere.
    await server.service.withdraw(await submitAt('2026-11-18T08:00:00+08:00', 'reviewer1'), 'SUP-1', 'intake');

    const s = await summary();
    expect(s).toMatchObject({ today: '2026-11-24', timeZone: 'Asia/Shanghai', asOf: clock.now.toISOString() });
    expect(rowOf(s, 'reviewer1')).toEqual({ reviewer: 'reviewer1', displayName: 'Reviewer One', open: 2, dueToday: 1, escalated: 1, overdue: 1 });
    expect(rowOf(s, 'reviewer2')).toMatchObject({ open: 1, dueToday: 0, escalated: 1, overdue: 0 });
    expect(rowOf(s, null)).toMatchObject({ displayName: null, open: 1, dueToday: 0, escalated: 0, overdue: 0 });
    // Every active reviewer has a row, holding nothing or not; the pool comes last.
    expect(s.rows.map((r) => r.reviewer)).toEqual(['reviewer1', 'reviewer2', 'reviewer3', 'reviewer4', null]);

    const ids = (items: OversightApplication[]) => items.map((a) => a.id);
    expect(ids(await list({ reviewer: 'reviewer1', bucket: 'open' }))).toEqual([overdue, dueLater]);
    expect(ids(await list({ reviewer: 'reviewer1', bucket: 'due_today' }))).toEqual([dueLater]);
    expect(ids(await list({ reviewer: 'reviewer1', bucket: 'escalated' }))).toEqual([dueLater]);
    expect(ids(await list({ reviewer: 'reviewer1', bucket: 'overdue' }))).toEqual([overdue]);
    expect(ids(await list({ unassigned: 'true', bucket: 'open' }))).toEqual([fresh]);
    const [one] = await list({ reviewer: 'reviewer2', bucket: 'escalated' });
    expect(one).toMatchObject({ id: escalated, assignee: 'reviewer2', kind: 'individual', applicantName: expect.stringMatching(/^SPECIMEN Oversight \d+$/) });

    // At 15:00 the one due today is overdue; tomorrow at 08:00 reviewer2's is too.
    clock.advance(5 * 3_600_000);
    expect(rowOf(await summary(), 'reviewer1')).toMatchObject({ open: 2, dueToday: 0, escalated: 0, overdue: 2 });
    clock.advance(18 * 3_600_000);
    const tomorrow = await summary();
    expect(tomorrow.today).toBe('2026-11-25');
    expect(rowOf(tomorrow, 'reviewer2')).toMatchObject({ open: 1, dueToday: 0, escalated: 0, overdue: 1 });
    // Leave the shared data as the generated test expects it: everything withdrawn, the clock back.
    for (const id of [dueLater, overdue, escalated, fresh]) await server.service.withdraw(id, 'SUP-2', 'intake');
    clock.advance(-23 * 3_600_000);
  });

  it('agrees with the applications, generated at random, for every reviewer and bucket, paged due first', async () => {
    const random = seededRandom(2112);
    const holders = ['reviewer1', 'reviewer2', 'reviewer3', null] as const;
    // Submitted at any minute of the last twelve days, a tenth of them withdrawn: written in two statements.
    const generated = Array.from({ length: 600 }, (_, i) => {
      const submittedAt = new Date(clock.now.getTime() - Math.floor(random() * 12 * 24 * 60) * 60_000);
      const { dueAt, escalateAt } = reviewDeadline(submittedAt, server.service.options.calendar);
      return {
        id: `OV-GEN-${i}`,
        account_id: `OV-GEN-ACC-${i}`,
        assignee: holders[Math.floor(random() * holders.length)] ?? null,
        status: random() < 0.1 ? 'withdrawn' : 'queued',
        submitted_at: submittedAt.toISOString(),
        due_at: dueAt.toISOString(),
        escalate_at: escalateAt.toISOString(),
        identity: { kind: 'individual', fullName: `SPECIMEN Generated ${i}`, documentType: 'id_card', documentNumber: specimenIdNumber(`GEN${i}`), issuingLocation: 'CN' },
      };
    });
    await server.db.query(`INSERT INTO accounts (id, registration_location) SELECT a, 'CN' FROM jsonb_array_elements_text($1::jsonb) a`, [
      JSON.stringify(generated.map((g) => g.account_id)),
    ]);
    await server.db.query(
      `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, assignee, identity, icp,
         applicant_language, due_at, escalate_at)
       SELECT g.id, g.account_id, 'individual', 'CN', g.submitted_at, g.status, 1, g.assignee, g.identity,
              '{"mainlandResources":false,"icpFilingIntended":false,"icpEntityName":null}'::jsonb, 'en', g.due_at, g.escalate_at
         FROM jsonb_to_recordset($1::jsonb) AS g(id text, account_id text, assignee text, status text, submitted_at timestamptz,
              due_at timestamptz, escalate_at timestamptz, identity jsonb)`,
      [JSON.stringify(generated)],
    );
    const open = await server.db.query<{ id: string; assignee: string | null; due_at: Date; escalate_at: Date }>(
      `SELECT id, assignee, due_at, escalate_at FROM applications WHERE status = 'queued'`,
    );
    const now = clock.now.getTime();
    const endOfToday = endOfLocalDay(clock.now, 'Asia/Shanghai').getTime();
    const inBucket: Record<OversightBucket, (a: (typeof open)[number]) => boolean> = {
      open: () => true,
      due_today: (a) => a.due_at.getTime() > now && a.due_at.getTime() <= endOfToday,
      escalated: (a) => a.escalate_at.getTime() <= now && a.due_at.getTime() > now,
      overdue: (a) => a.due_at.getTime() <= now,
    };
    const s = await summary();
    const field = { open: 'open', due_today: 'dueToday', escalated: 'escalated', overdue: 'overdue' } as const;
    let nonEmpty = 0;
    for (const holder of [...holders, 'reviewer4']) {
      for (const bucket of Object.keys(inBucket) as OversightBucket[]) {
        const expected = open
          .filter((a) => a.assignee === holder && inBucket[bucket](a))
          .sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || (a.id < b.id ? -1 : 1))
          .map((a) => a.id);
        if (expected.length > 0) nonEmpty += 1;
        expect(rowOf(s, holder)[field[bucket]], `${holder} ${bucket}`).toBe(expected.length);
        const listed = await list(holder === null ? { unassigned: 'true', bucket } : { reviewer: holder, bucket }, 9);
        expect(listed.map((a) => a.id), `${holder} ${bucket}`).toEqual(expected);
      }
    }
    // The generated data reaches every bucket of the three reviewers and the pool.
    expect(nonEmpty).toBe(16);
    // Everyone's list (no reviewer) is every open application, due first.
    const everyone = await list({ bucket: 'overdue' }, 50);
    expect(everyone.map((a) => a.id).sort()).toEqual(open.filter(inBucket.overdue).map((a) => a.id).sort());
    expect(everyone.map((a) => a.dueAt)).toEqual([...everyone.map((a) => a.dueAt)].sort());
  });

  it('counts from the open-work index alone, and pages a reviewer through it due first', async () => {
    // As autovacuum leaves a table that is mostly read: statistics, and the visibility map an index-only scan needs.
    await server.db.query('VACUUM ANALYZE applications');
    const plan = (sql: string, params: SqlValue[]) =>
      server.db.transaction(async (tx) => {
        // The test's table is small enough for a sequential scan to win; the question is whether the index serves.
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL enable_bitmapscan = off');
        return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).map((r) => r['QUERY PLAN']).join('\n');
      });
    expect(await plan(oversightCountsSql, [clock.now, clock.now])).toMatch(/Index Only Scan using applications_open_assignee_due/);
    expect(
      await plan(`SELECT id FROM applications a WHERE a.status = 'queued' AND a.assignee = $1 ORDER BY a.due_at, a.id LIMIT 51`, ['reviewer1']),
    ).toMatch(/Index (Only )?Scan using applications_open_assignee_due/);
  });

  it('is for supervisors only, and refuses a forged cursor or a contradictory query', async () => {
    const reviewer = await new TestClient(server.url, () => clock.now).signIn('reviewer1');
    for (const path of ['/v1/oversight', '/v1/oversight/applications']) {
      const answer = await reviewer.get(path);
      expect(answer.status).toBe(403);
      expect(CentralError.parse(answer.body).error.code).toBe('forbidden');
      expect((await new TestClient(server.url).get(path)).status).toBe(401);
    }
    const forged = Buffer.from(JSON.stringify(['o1', 'yesterday', 'x'])).toString('base64url');
    const bad = await sup.get(`/v1/oversight/applications?cursor=${forged}`);
    expect(bad.status).toBe(400);
    expect(CentralError.parse(bad.body).error.code).toBe('invalid_cursor');
    const both = await sup.get('/v1/oversight/applications?reviewer=reviewer1&unassigned=true');
    expect(both.status).toBe(400);
    expect(CentralError.parse(both.body).error.message).toMatch(/unassigned/);
    expect((await sup.get('/v1/oversight/applications?bucket=late')).status).toBe(400);
  });
});
