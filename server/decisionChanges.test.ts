// GET /v1/decisions?changedSince=: the decisions recorded or changed since a watermark an earlier answer gave, for a
// supervisor's sync. A review added and an effect changed bring their decision, a QA resampling does not, paging walks
// them oldest change first, the counts and the export refuse the parameter, and migration 21 adds its column to a log
// that holds decisions without rewriting the table. On PGlite, and on the PostgreSQL of
// VERITY_TEST_DATABASE_URL (where other tests' open transactions may hold a watermark back: compared against a baseline).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionsResponse } from '../shared/contract/central';
import { seedDecisions } from './decisionsSeed';
import { migrate, migrations } from './migrations';
import { openTestDatabase, startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let sup: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  sup = await new TestClient(server.url).signIn('supervisor1');
  await seedDecisions(server.db, 1, 30, new Date('2026-11-20T12:00:00Z'));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function page(query: string): Promise<DecisionsResponse> {
  const answer = await sup.get(`/v1/decisions?${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return DecisionsResponse.parse(answer.body);
}

async function changedSince(watermark: string, limit = 200): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const p: DecisionsResponse = await page(`changedSince=${watermark}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...p.decisions.map((d) => d.id));
    cursor = p.nextCursor;
  } while (cursor);
  return ids;
}

const idOf = async (applicationId: string) =>
  (await server.db.query<{ id: string }>(`SELECT id::text AS id FROM decisions WHERE application_id = $1`, [applicationId]))[0]!.id;

describe('decisions changed since a watermark', () => {
  it('brings a decision reviewed or whose effect changed, not one only resampled, oldest change first', async () => {
    const { watermark } = await page('limit=1');
    const baseline = await changedSince(watermark);
    if (!process.env.VERITY_TEST_DATABASE_URL) expect(baseline).toEqual([]);

    const [reviewed, overturned, resampled] = (await Promise.all(['LOG-00000004', 'LOG-00000011', 'LOG-00000017'].map(idOf))) as [string, string, string];
    const changedXid = async (id: string) => (await server.db.query<{ x: string }>(`SELECT changed_xid::text AS x FROM decisions WHERE id = $1::uuid`, [id]))[0]!.x;
    const resampledBefore = await changedXid(resampled);
    await server.db.query(`UPDATE decisions SET effect = 'overturned' WHERE id = $1::uuid`, [overturned]);
    await server.db.query(
      `INSERT INTO reviews (id, decision_id, reviewed_by, stage, verdict, reason, reviewed_at) VALUES ('00000000-0000-7000-a000-0000000000c1', $1::uuid, 'supervisor1', 'quality', 'agree', 'Checked.', now())`,
      [reviewed],
    );
    await server.db.query(`UPDATE decisions SET sample_random = NOT sample_random WHERE id = $1::uuid`, [resampled]);

    const ids = (await page(`changedSince=${watermark}&limit=200`)).decisions.map((d) => d.id);
    // The two changed last, in the order they changed; whatever the baseline held comes before them.
    expect(ids.slice(-2)).toEqual([overturned, reviewed]);
    expect(ids.filter((id) => !baseline.includes(id) && id !== overturned && id !== reviewed)).toEqual([]);
    // A resampling is no change of the decision: it keeps its place.
    expect(await changedXid(resampled)).toBe(resampledBefore);
    // One at a time, the same decisions in the same order.
    expect(await changedSince(watermark, 1)).toEqual(ids);
    // A later watermark: none of that again (on a shared PostgreSQL an open transaction elsewhere may hold it back).
    const later = (await page('limit=1')).watermark;
    if (!process.env.VERITY_TEST_DATABASE_URL) expect(await changedSince(later)).toEqual([]);
  });

  it('refuses a watermark or cursor it did not give, and changedSince on the counts and the export', async () => {
    expect((await sup.get('/v1/decisions?changedSince=yesterday')).status).toBe(400);
    expect((await sup.get('/v1/decisions?changedSince=1&cursor=garbage')).status).toBe(400);
    expect((await sup.get('/v1/decisions/counts?changedSince=1')).status).toBe(400);
    expect((await sup.get('/v1/decisions/export?changedSince=1')).status).toBe(400);
  });
});

describe('migration 21 on a log that already holds decisions', () => {
  // At a million decisions a rewrite of the table (and of its eight indexes) would stop the log for minutes at
  // upgrade: the column's default is stable, so the rows already there take the migration's id without being written.
  // Its index is the cost: 2.0–3.4 s at 1,000,000 decisions on PostgreSQL (bench/supervisor/migration.ts).
  it('adds changed_xid without rewriting decisions, every row marked as changed by the migration', async () => {
    const { db, close } = await openTestDatabase();
    try {
      await migrate(db, migrations.filter((m) => m.version < 21));
      await db.query(`INSERT INTO people (username, display_name, role, password_hash) VALUES ('supervisor1', 'S', 'supervisor', 'cannot sign in')`);
      await seedDecisions(db, 1, 40, new Date('2026-11-20T12:00:00Z'));
      const node = async () => (await db.query<{ n: string }>(`SELECT pg_relation_filenode('decisions')::text AS n`))[0]!.n;
      const before = await node();
      await migrate(db);
      expect(await node()).toBe(before);
      const marks = await db.query<{ x: string; n: number }>(`SELECT changed_xid::text AS x, count(*)::int AS n FROM decisions GROUP BY 1`);
      expect(marks).toHaveLength(1);
      expect(marks[0]!.n).toBe(40);
    } finally {
      await close();
    }
  }, 120_000);
});
