// GET /v1/decisions/exports: the decision log's exports on record, read back for supervisors. Real exports through
// GET /v1/decisions/export are listed newest first with who made them (and their name), when, the filter as recorded,
// the rows sent and whether they ran to the end; paging walks them all once; one supervisor's are asked alone;
// refusals answer JSON errors. On PGlite, and on the PostgreSQL of VERITY_TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionExportsResponse, type CentralError, type DecisionsResponse } from '../shared/contract/central';
import { seedDecisions } from './decisionsSeed';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let sup: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  sup = await new TestClient(server.url).signIn('supervisor1');
  await seedDecisions(server.db, 1, 40, new Date('2026-11-20T12:00:00Z'));
  // Another supervisor's export that broke off (the workstation went away), as decisionExport.ts records one.
  await server.db.query(
    `INSERT INTO people (username, display_name, role, password_hash, active) VALUES ('supervisor9', 'Supervisor Nine', 'supervisor', 'seeded: cannot sign in', false)`,
  );
  await server.db.query(
    `INSERT INTO decision_exports (exported_by, started_at, finished_at, filter, rows, complete)
     VALUES ('supervisor9', '2026-11-01T09:00:00Z', '2026-11-01T09:00:05Z', '{"clock": "made", "kind": "individual"}', 12, false)`,
  );
}, 120_000);
afterAll(async () => {
  await server?.close();
});

/** Exports the log with `query` and answers how many rows the log lists for it. */
async function exportLog(query: string): Promise<number> {
  const answer = await sup.get(`/v1/decisions/export?${query}`);
  expect(answer.status).toBe(200);
  const listed = await sup.get(`/v1/decisions?limit=1000&${query}`);
  return (listed.body as DecisionsResponse).decisions.length;
}

async function list(query = ''): Promise<DecisionExportsResponse> {
  const answer = await sup.get(`/v1/decisions/exports${query ? `?${query}` : ''}`);
  expect(answer.status).toBe(200);
  return DecisionExportsResponse.parse(answer.body);
}

describe('the decision exports on record', () => {
  it('lists each export newest first: who, when, the filter as recorded, the rows sent, finished or not', async () => {
    const everything = await exportLog('');
    const offlineRejections = await exportLog('outcome=reject&offline=true&clock=made');
    expect(everything).toBeGreaterThan(offlineRejections);

    const { exports, nextCursor } = await list();
    expect(nextCursor).toBeNull();
    expect(exports.map((e) => [e.exportedBy, e.exportedByName, e.filter, e.rows, e.complete])).toEqual([
      ['supervisor1', sup.person?.displayName, { outcome: 'reject', offline: true, clock: 'made', order: 'newest' }, offlineRejections, true],
      ['supervisor1', sup.person?.displayName, { clock: 'applied', order: 'newest' }, everything, true],
      // recorded before the log had a sort: read as it was written
      ['supervisor9', 'Supervisor Nine', { clock: 'made', kind: 'individual' }, 12, false],
    ]);
    for (const e of exports) expect(Date.parse(e.finishedAt)).toBeGreaterThanOrEqual(Date.parse(e.startedAt));
  });

  it('pages through every export once, and answers one supervisor’s alone', async () => {
    const all = (await list()).exports.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: DecisionExportsResponse = await list(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.exports.length).toBeLessThanOrEqual(1);
      seen.push(...page.exports.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect((await list('exportedBy=supervisor9')).exports.map((e) => [e.exportedBy, e.rows])).toEqual([['supervisor9', 12]]);
  });

  it('refuses a reviewer, a cursor it did not give out and a limit out of range, with JSON errors', async () => {
    const reviewer = await new TestClient(server.url).signIn('reviewer1');
    const forbidden = await reviewer.get('/v1/decisions/exports');
    expect([forbidden.status, (forbidden.body as CentralError).error.code]).toEqual([403, 'forbidden']);
    const cursor = await sup.get('/v1/decisions/exports?cursor=garbage');
    expect([cursor.status, (cursor.body as CentralError).error.code]).toEqual([400, 'invalid_cursor']);
    for (const bad of ['limit=0', 'limit=201', 'exportedBy=']) {
      expect((await sup.get(`/v1/decisions/exports?${bad}`)).status, bad).toBe(400);
    }
  });
});
