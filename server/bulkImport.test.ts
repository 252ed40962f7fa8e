// After a bulk import of open applications (or on a new deployment's first day) the statistics PostgreSQL last took
// say that nobody holds an application. bench/central's first configuration after its seed paid 2–4× the PostgreSQL
// CPU per request of the second for it: the lease index, partial on `assignee IS NOT NULL`, looked empty to the
// planner, so the lease renewal, the held count and an approval's look-up for applications sharing its keys each read
// it whole (every assigned application, 20,000 in the bench) until autovacuum analysed the table again. Here the
// assignments come after ANALYZE and autovacuum is kept off, so the plans are made on those statistics.
// Runs on PGlite, and on real PostgreSQL when VERITY_TEST_DATABASE_URL is set.
import { afterEach, describe, expect, it } from 'vitest';
import { CentralService } from './service';
import { decisionMutation, startTestServer, type TestServer } from '../tests/support/central';
import { seedOpenApplications } from '../tests/support/openApplications';
import { heavyStatements, recording } from '../tests/support/queryCost';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const reviewers = Array.from({ length: 20 }, (_, i) => `importrev${String(i + 1).padStart(2, '0')}`);
const cap = 60;

describe('statistics taken before anyone held an application', () => {
  it('a fetch and an approval look leases up by reviewer, not through every assigned application', async () => {
    server = await startTestServer({ assignmentCap: cap });
    const db = server.db;
    const now = server.clock.now;
    await seedOpenApplications(db, 2_000, 'IMP');
    await db.query(
      `INSERT INTO people (username, display_name, role, password_hash) SELECT u, 'Import ' || u, 'reviewer', 'seeded: cannot sign in'
         FROM jsonb_array_elements_text($1::jsonb) AS u`,
      [JSON.stringify(reviewers)],
    );
    // The statistics of the import: no application assigned. Autovacuum stays off so that it cannot take new ones.
    await db.query(`ALTER TABLE applications SET (autovacuum_enabled = false)`);
    await db.query(`VACUUM ANALYZE applications`);
    // Every reviewer takes a cap's worth: 1,200 assigned applications the statistics do not know of.
    const cursors = new Map<string, string>();
    for (const reviewer of reviewers) cursors.set(reviewer, (await server.service.changes(reviewer, undefined, 100)).cursor);
    const [held] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE assignee IS NOT NULL`);
    expect(held?.n).toBe(reviewers.length * cap);

    const recorded = recording(db);
    const service = new CentralService(recorded.db, server.service.options);
    const [reviewer] = reviewers;
    const fetched = await service.changes(reviewer!, cursors.get(reviewer!), 100);
    expect(fetched.changes).toHaveLength(0);
    const [mine] = await db.query<{ id: string; version: number }>(`SELECT id, version FROM applications WHERE assignee = $1 ORDER BY due_at LIMIT 1`, [reviewer!]);
    // An approval in effect: the account's verification and the look-up of open applications sharing its keys.
    const [result] = await service.applyMutations(reviewer!, 'device-1', [decisionMutation({ application: mine! }, reviewer!, now)]);
    expect(result).toMatchObject({ status: 'applied' });
    await service.changes(reviewer!, fetched.cursor, 100);

    expect(recorded.statements.some((s) => /UPDATE applications SET lease_expires_at/.test(s.sql))).toBe(true);
    expect(recorded.statements.some((s) => /SELECT id, assignee FROM applications\s+WHERE status = \$1/.test(s.sql))).toBe(true);
    expect(await heavyStatements(db, recorded.statements)).toEqual([]);
  }, 240_000);
});
