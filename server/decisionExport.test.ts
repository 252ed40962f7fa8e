// GET /v1/decisions/export: the decision log's filter streamed as JSON lines from one cursor. Checked against the log
// itself (GET /v1/decisions walked page by page): the same decisions in the same order with the same values, over
// more rows than one FETCH, unfiltered and with filters that combine; flags judged on, reviews, a missing opening
// time and a hostile name pass through as they are; each export is on record; refusals answer JSON errors. On PGlite,
// and on the PostgreSQL of VERITY_TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecisionsExportEnd,
  DecisionsExportHead,
  DecisionsResponse,
  ExportedDecisionRow,
  decisionsExportMediaType,
  type DecisionRecord,
} from '../shared/contract/central';
import { verifiedName } from '../shared/rules';
import { exportFetchRows } from './decisionExport';
import { seedDecisions } from './decisionsSeed';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let sup: TestClient;
// More than two FETCHes of the cursor.
const n = 2 * exportFetchRows + 321;
const newest = new Date('2026-11-20T12:00:00Z');
const hostile = '=HYPERLINK("http://x","y")';

beforeAll(async () => {
  server = await startTestServer();
  sup = new TestClient(server.url);
  await sup.signIn('supervisor1');
  await seedDecisions(server.db, 1, n, newest);
  // What a workstation's push leaves that the seed does not: flags judged on (in their order), a second review, no
  // opening time, and an applicant whose name a spreadsheet would run.
  await server.db.query(
    `UPDATE decisions SET judged_on = $1::jsonb, opened_at = NULL WHERE application_id = 'LOG-00000002'`,
    [
      JSON.stringify({
        flags: [
          { rule: 'R2', severity: 'blocking', reason: 'document_used_elsewhere', overridable: false, facts: { accounts: 5, limit: 5 } },
          { rule: 'R1', severity: 'blocking', reason: 'issuing_location_mismatch', overridable: true, facts: {} },
        ],
        lastVerifiedAt: null,
      }),
    ],
  );
  await server.db.query(`UPDATE decisions SET judged_on = '{"flags": [], "lastVerifiedAt": null}'::jsonb WHERE application_id = 'LOG-00000003'`);
  await server.db.query(`UPDATE applications SET identity = jsonb_set(identity, '{fullName}', to_jsonb($1::text)) WHERE id = 'LOG-00000005'`, [hostile]);
  await server.db.query(
    `INSERT INTO reviews (id, decision_id, reviewed_by, stage, verdict, reason, reviewed_at)
     SELECT '00000000-0000-7000-a000-000000000001', id, 'supervisor1', 'second_review', 'agree', 'Seen twice.', made_at + interval '2 hours'
       FROM decisions WHERE application_id = 'LOG-00000020'`,
  );
  await server.db.query('ANALYZE');
}, 180_000); // a server, 4,321 decisions and their applications on PGlite: over a minute on a loaded machine
afterAll(async () => {
  await server?.close();
});

/** The log's own answer for a filter, every page, as the export's lines should carry it. */
async function logRows(query: string): Promise<ExportedDecisionRow[]> {
  const rows: ExportedDecisionRow[] = [];
  let cursor: string | null = null;
  do {
    const answer = await sup.get(`/v1/decisions?clock=made&limit=1000&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page: DecisionsResponse = DecisionsResponse.parse(answer.body);
    rows.push(...page.decisions.map(rowOf));
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

function rowOf(d: DecisionRecord): ExportedDecisionRow {
  return {
    id: d.id,
    applicationId: d.application.id,
    kind: d.application.kind,
    applicantName: verifiedName(d.application.identity),
    reviewer: d.reviewer,
    deviceId: d.deviceId,
    outcome: d.outcome,
    reasonCodes: d.reasonCodes,
    overriddenRules: d.overriddenRules,
    overrideNote: d.overrideNote,
    flags: d.judgedOn === null ? null : d.judgedOn.flags.map((f) => ({ rule: f.rule, reason: f.reason })),
    decidedAt: d.decidedAt,
    madeAt: d.madeAt,
    openedAt: d.openedAt,
    dueAt: d.dueAt,
    offline: d.offline,
    effect: d.effect,
    reviews: d.reviews.map((r) => ({ stage: r.stage, reviewedBy: r.reviewedBy, verdict: r.verdict, reason: r.reason, reviewedAt: r.reviewedAt })),
  };
}

/** The export of a filter, each line checked against its schema. */
async function exported(query: string): Promise<{ head: DecisionsExportHead; rows: ExportedDecisionRow[]; end: DecisionsExportEnd }> {
  const answer = await sup.get(`/v1/decisions/export?clock=made&${query}`);
  expect(answer.status, answer.bytes.toString('utf8').slice(0, 300)).toBe(200);
  expect(answer.headers.get('content-type')).toBe(`${decisionsExportMediaType}; charset=utf-8`);
  const text = answer.bytes.toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return {
    head: DecisionsExportHead.parse(JSON.parse(lines[0]!)),
    rows: lines.slice(1, -1).map((line) => ExportedDecisionRow.parse(JSON.parse(line))),
    end: DecisionsExportEnd.parse(JSON.parse(lines.at(-1)!)),
  };
}

describe('GET /v1/decisions/export', () => {
  it('streams every decision of the log, in its order, with the values the log has', async () => {
    const log = await logRows('');
    expect(log).toHaveLength(n);
    const all = await exported('');
    expect(all.head).toEqual({ total: { count: n, atLeast: false } });
    expect(all.end).toEqual({ end: true, rows: n });
    expect(all.rows).toEqual(log);
    // The values the seed leaves alone, checked by hand: flags in order, [] kept apart from null, reviews, the name.
    const byApp = new Map(all.rows.map((r) => [r.applicationId, r]));
    expect(byApp.get('LOG-00000002')).toMatchObject({
      flags: [
        { rule: 'R2', reason: 'document_used_elsewhere' },
        { rule: 'R1', reason: 'issuing_location_mismatch' },
      ],
      openedAt: null,
    });
    expect(byApp.get('LOG-00000003')?.flags).toEqual([]);
    expect(byApp.get('LOG-00000004')?.flags).toBeNull();
    expect(byApp.get('LOG-00000005')?.applicantName).toBe(hostile);
    expect(byApp.get('LOG-00000020')?.reviews.map((r) => r.stage)).toEqual(['second_review', 'quality']); // in the order they were recorded
    expect(byApp.get('LOG-00000001')?.applicantName).toMatch(/ Trading 1 Ltd$/);
  });

  it('streams oldest first when the log is sorted so, as its pages read that way', async () => {
    const log = await logRows('order=oldest&reviewer=logrev02');
    expect(log.length).toBeGreaterThan(2);
    expect(log.map((r) => r.madeAt)).toEqual([...log.map((r) => r.madeAt)].sort());
    expect((await exported('order=oldest&reviewer=logrev02')).rows).toEqual(log);
  });

  it('applies the log’s filters, combined, on the device’s clock', async () => {
    const from = new Date(newest.getTime() - 3000 * 60_000).toISOString();
    const to = new Date(newest.getTime() - 100 * 60_000).toISOString();
    for (const query of [
      'reviewer=logrev05&outcome=reject',
      `from=${from}&to=${to}&reasonCode=document_expired&offline=false`,
      'kind=enterprise&deadlineMissed=true&reviewed=false',
      `text=${encodeURIComponent('garcia 1')}`,
      'overridden=true&effect=in_effect',
    ]) {
      const log = await logRows(query);
      expect(log.length, query).toBeGreaterThan(0);
      const answer = await exported(query);
      expect(answer.rows, query).toEqual(log);
      expect(answer.end.rows, query).toBe(log.length);
      expect(answer.head.total, query).toEqual({ count: log.length, atLeast: false });
    }
    // A filter nothing matches: the head and the end, no decision.
    const none = await exported('reviewer=logrev03&from=2030-01-01T00:00:00Z');
    expect(none).toEqual({ head: { total: { count: 0, atLeast: false } }, rows: [], end: { end: true, rows: 0 } });
  });

  it('puts each export on record: who, when, the filter and the rows sent', async () => {
    await server.db.query('DELETE FROM decision_exports');
    await exported('reviewer=logrev07');
    const [record] = await server.db.query<{ exported_by: string; filter: unknown; rows: number; complete: boolean; started_at: Date; finished_at: Date }>(
      'SELECT exported_by, filter, rows, complete, started_at, finished_at FROM decision_exports',
    );
    expect(record).toMatchObject({ exported_by: 'supervisor1', filter: { reviewer: 'logrev07', clock: 'made' }, rows: (await logRows('reviewer=logrev07')).length, complete: true });
    expect(record!.finished_at.getTime()).toBeGreaterThanOrEqual(record!.started_at.getTime());
  });

  it('refuses a reviewer, and a filter it does not know, with a JSON error before any line', async () => {
    const reviewer = await new TestClient(server.url).signIn('reviewer1');
    const forbidden = await reviewer.get('/v1/decisions/export');
    expect([forbidden.status, (forbidden.body as { error: { code: string } }).error.code]).toEqual([403, 'forbidden']);
    for (const bad of ['outcome=maybe', 'limit=10', 'cursor=x', 'from=yesterday']) {
      const answer = await sup.get(`/v1/decisions/export?${bad}`);
      expect([answer.status, (answer.body as { error: { code: string } }).error.code], bad).toEqual([400, 'invalid_request']);
    }
  });
});
