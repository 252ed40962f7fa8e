// The bulk seed (bench/supervisor's million) against the row-by-row one: after both, on top of decisions already
// there, the tables, the decision and report tallies, the report, the indexes and the triggers are the same. On
// PGlite, and on the PostgreSQL of VERITY_TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../tests/support/central';
import type { Queryable } from './db';
import { seedDecisions, seedDecisionsInBulk } from './decisionsSeed';
import { decisionReport } from './reports';

const newest = new Date('2026-11-20T12:00:00Z');
/** Decisions there before (counted by the triggers), and the range each way seeds after them. */
const before = 40;
const last = 700;

let rowByRow: TestServer;
let bulk: TestServer;

beforeAll(async () => {
  [rowByRow, bulk] = await Promise.all([startTestServer(), startTestServer()]);
  for (const server of [rowByRow, bulk]) await seedDecisions(server.db, 1, before, newest);
  for (let from = before + 1; from <= last; from += 200) await rowByRow.db.transaction((tx) => seedDecisions(tx, from, Math.min(last, from + 199), newest));
  const slices: number[] = [];
  await seedDecisionsInBulk(bulk.db, before + 1, last, newest, { slice: 200, onSlice: (done) => slices.push(done) });
  expect(slices).toEqual([240, 440, 640, 700]);
}, 400_000);
afterAll(async () => {
  await Promise.all([rowByRow?.close(), bulk?.close()]);
});

/** Every row of a table, in one order (by all its columns). */
const rowsOf = (db: Queryable, table: string) => db.query(`SELECT * FROM ${table}`).then((rows) => rows.map((r) => JSON.stringify(r)).sort());

describe('the bulk seed', () => {
  it('writes the same decisions, applications, accounts and verdicts', async () => {
    for (const table of ['decisions', 'applications', 'accounts', 'reviews']) {
      const [a, b] = await Promise.all([rowByRow, bulk].map((s) => s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)));
      expect(b, table).toEqual(a);
    }
    // Every row's parent is there (the triggers that check it were off while seeding).
    const [orphans] = await bulk.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM applications a WHERE a.id = d.application_id))
            + (SELECT count(*) FROM applications a WHERE NOT EXISTS (SELECT 1 FROM accounts c WHERE c.id = a.account_id))
            + (SELECT count(*) FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = r.decision_id)) AS n`,
    );
    expect(Number(orphans!.n)).toBe(0);
  });

  it('counts every seeded decision and verdict into the tallies once, as the triggers do', async () => {
    for (const table of ['decision_tallies', 'decision_reason_tallies', 'report_tallies', 'report_code_tallies', 'report_handling_tallies']) {
      const [a, b] = await Promise.all([rowsOf(rowByRow.db, table), rowsOf(bulk.db, table)]);
      expect(a.length, table).toBeGreaterThan(0);
      expect(b, table).toEqual(a);
    }
    const now = new Date('2026-11-21T00:00:00Z');
    const [a, b] = await Promise.all([decisionReport(rowByRow.db, {}, now), decisionReport(bulk.db, {}, now)]);
    expect(b.decisions).toBe(last);
    expect(b).toEqual(a);
  });

  it('leaves the same indexes and every trigger on', async () => {
    const indexes = (db: Queryable) =>
      db
        .query<{ name: string; definition: string }>(
          `SELECT indexname AS name, replace(indexdef, schemaname || '.', '') AS definition FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
        )
        .then((rows) => rows.map((r) => `${r.name}: ${r.definition}`));
    const [a, b] = await Promise.all([indexes(rowByRow.db), indexes(bulk.db)]);
    expect(b).toEqual(a);
    expect(b.some((i) => i.startsWith('applications_search_trgm:'))).toBe(true);
    const off = await bulk.db.query(
      `SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = current_schema()::regnamespace AND t.tgenabled <> 'O'`,
    );
    expect(off).toEqual([]);
    // Triggers fire again: a decision written now is counted by them.
    await seedDecisions(bulk.db, last + 1, last + 1, newest);
    const [total] = await bulk.db.query<{ n: number }>(`SELECT sum(n)::int AS n FROM decision_tallies`);
    expect(total!.n).toBe(last + 1);
  });
});
