// What one reviewer's fetch and mutation batch cost the database when many applications are held by others
// (issue 22, bench/central: at 100,000 applications and 200 reviewers, 40,000 are assigned at any time). Every
// statement the service sends is recorded and run again under EXPLAIN ANALYZE: none may read more rows of a table than
// a look-up does. On the old schema the lease expiry of every fetch and the search for open applications sharing an
// approved identity's keys each read every assigned application, and every fetch renewed the reviewer's leases when a
// minute old. Runs on PGlite, and on real PostgreSQL when
// VERITY_TEST_DATABASE_URL is set.
import { afterEach, describe, expect, it } from 'vitest';
import { checkImage } from './images';
import { CentralService } from './service';
import { bothSides, decisionMutation, sampleImage, startTestServer, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';
import { heavyStatements, recording, type Statement } from '../tests/support/queryCost';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Held by reviewer2 (leases far off), as 200 reviewers at the cap of 200 hold: what reviewer1's requests must not read through. */
const heldByOthers = 40_000;
/** Waiting to be assigned, due later than the reviewer's own cases. */
const unassigned = 20_000;

async function submitOwnCases(on: TestServer, count: number): Promise<void> {
  const now = on.clock.now;
  const bytes = await sampleImage('jpeg');
  const image = { role: 'front' as const, bytes, ...(await checkImage(bytes, 'image')) };
  for (let i = 0; i < count; i++) {
    await on.service.submitChecked(
      {
        accountId: `COST-OWN-${i}`,
        kind: 'individual',
        registrationLocation: 'CN',
        submittedAt: new Date(now.getTime() - (i + 1) * 60_000).toISOString(),
        identity: { kind: 'individual', fullName: `SPECIMEN Cost ${i}`, documentType: 'id_card', documentNumber: specimenIdNumber(`cost-own-${i}`), issuingLocation: 'CN' },
        icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
        applicantLanguage: 'en',
      },
      bothSides(image),
    );
  }
}

describe('the per-request cost of a reviewer among many', () => {
  it('a fetch and a batch with an approval read a look-up of applications, not every one held by other reviewers', async () => {
    server = await startTestServer({ assignmentCap: 5 });
    const db = server.db;
    const now = server.clock.now;
    await submitOwnCases(server, 3);
    // The others' held work, written by the database as bench/central does, with the keys intake stores.
    await db.query(`INSERT INTO accounts (id, registration_location) SELECT 'COST-ACC-' || n, 'CN' FROM generate_series(1, $1::int) AS n`, [heldByOthers]);
    await db.query(
      `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language,
         due_at, escalate_at, assignee, lease_expires_at, doc_key)
       SELECT 'COST-' || n, 'COST-ACC-' || n, 'individual', 'CN', $2::timestamptz - interval '1 day', 'queued', 2,
              jsonb_build_object('kind', 'individual', 'fullName', 'SPECIMEN Held ' || n, 'documentType', 'id_card', 'documentNumber', 'H' || n, 'issuingLocation', 'CN'),
              '{"mainlandResources": false, "icpFilingIntended": false, "icpEntityName": null}'::jsonb, 'en',
              $2::timestamptz + interval '3 days', $2::timestamptz + interval '2 days', 'reviewer2', $2::timestamptz + interval '3 days', 'id_card|H' || n || '|CN'
         FROM generate_series(1, $1::int) AS n`,
      [heldByOthers, now],
    );
    await db.query(`ANALYZE`);

    const recorded = recording(db);
    const service = new CentralService(recorded.db, server.service.options);
    const fetched = await service.changes('reviewer1', undefined, 100);
    expect(fetched.changes).toHaveLength(3);
    const [result] = await service.applyMutations('reviewer1', 'device-1', [decisionMutation(fetched.changes[0]!, 'reviewer1', now)]);
    expect(result).toMatchObject({ status: 'applied' });
    // The decided case comes back to its reviewer as updated.
    const again = await service.changes('reviewer1', fetched.cursor, 100);
    expect(again.changes.map((c) => c.application.id)).toEqual([fetched.changes[0]!.application.id]);

    expect(recorded.statements.length).toBeGreaterThan(10);
    expect(await heavyStatements(db, recorded.statements)).toEqual([]);

    // Renewing a lease rewrites every case the reviewer holds: a fetch a few minutes later leaves them as they were.
    const leases = () => db.query<{ id: string; lease: Date }>(`SELECT id, lease_expires_at AS lease FROM applications WHERE assignee = 'reviewer1' AND status = 'queued' ORDER BY id`);
    const before = await leases();
    expect(before).toHaveLength(2);
    server.clock.advance(5 * 60_000);
    await service.changes('reviewer1', again.cursor, 100);
    expect(await leases()).toEqual(before);
  }, 240_000);
});

describe('round trips per request', () => {
  it('a fetch that takes work and a batch of approvals send a fixed number of statements, whatever the batch holds', async () => {
    server = await startTestServer({ assignmentCap: 5 });
    await submitOwnCases(server, 7);
    // Many unassigned applications due later than reviewer1's: a top-up must read the first few of them, not sort them all.
    await server.db.query(`INSERT INTO accounts (id, registration_location) SELECT 'POOL-ACC-' || n, 'CN' FROM generate_series(1, $1::int) AS n`, [unassigned]);
    await server.db.query(
      `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language, due_at, escalate_at)
       SELECT 'POOL-' || n, 'POOL-ACC-' || n, 'individual', 'CN', $2::timestamptz, 'queued', 1,
              jsonb_build_object('kind', 'individual', 'fullName', 'SPECIMEN Pool ' || n, 'documentType', 'id_card', 'documentNumber', 'P' || n, 'issuingLocation', 'CN'),
              '{"mainlandResources": false, "icpFilingIntended": false, "icpEntityName": null}'::jsonb, 'en',
              $2::timestamptz + interval '30 days' + n * interval '1 second', $2::timestamptz + interval '29 days'
         FROM generate_series(1, $1::int) AS n`,
      [unassigned, server.clock.now],
    );
    await server.db.query(`ANALYZE`);
    const recorded = recording(server.db);
    const service = new CentralService(recorded.db, server.service.options);
    let sent: Statement[] = [];
    const count = async (fn: () => Promise<unknown>) => {
      const before = recorded.statements.length;
      await fn();
      sent = recorded.statements.slice(before);
      return sent.map((s) => s.sql.replace(/\s+/g, ' ').trim());
    };
    let fetched = await service.changes('reviewer1', undefined, 100);
    const decide = (n: number) =>
      fetched.changes
        .filter((c) => c.type === 'assigned')
        .slice(0, n)
        .map((c) => decisionMutation(c, 'reviewer1', server!.clock.now));
    const twice = await count(() => service.applyMutations('reviewer1', 'device-1', decide(2)));
    // A fetch that tops the reviewer up to the cap again: picking and taking were two round trips.
    const topUp = await count(async () => (fetched = await service.changes('reviewer1', fetched.cursor, 100)));
    const topUpStatements = sent;
    expect(fetched.changes.filter((c) => c.type === 'assigned')).toHaveLength(2);
    const once = await count(() => service.applyMutations('reviewer1', 'device-1', decide(1)));
    // Each approval is written before its verification, but the week's sample is drawn again, the applicant's
    // notifications written and the answers stored once per batch: a second approval adds only what it must.
    const perBatch = [/^UPDATE decisions d SET sample_random/, /^INSERT INTO notifications/, /^UPDATE mutations m SET result/];
    for (const pattern of perBatch) {
      expect(twice.filter((s) => pattern.test(s)), String(pattern)).toHaveLength(1);
      expect(once.filter((s) => pattern.test(s)), String(pattern)).toHaveLength(1);
    }
    // The second approval's own writes: its decision and application, its verification (account, verification, its
    // documents, the announcement), the facts read again for the next mutation; 12 before.
    expect(twice.length - once.length).toBeLessThanOrEqual(7);
    expect(topUp.filter((s) => /FROM applications WHERE assignee IS NULL/.test(s))).toHaveLength(1);
    expect(await heavyStatements(server.db, topUpStatements)).toEqual([]);
  }, 240_000);
});
