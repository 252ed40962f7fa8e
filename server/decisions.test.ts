// The decision log at the central service: filters that combine (the log's clock, a missed deadline, free text over
// name, id and document number), keyset pages, the capped total and the counts beside the filters, checked against
// the seeding rule computed here; reviewer display names; and the plans on migration 8's indexes. On PGlite, and on
// the PostgreSQL of VERITY_TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionCountsResponse, DecisionsResponse, decisionsTotalCap } from '../shared/contract/central';
import { decisionWhere } from './decisions';
import { seededDecision, seedDecisions, seedReviewerName, type SeededDecision } from './decisionsSeed';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let sup: TestClient;
const n = 1_200;
const newest = new Date('2026-11-20T12:00:00Z');
const all: SeededDecision[] = Array.from({ length: n }, (_, k) => seededDecision(k + 1, newest));

beforeAll(async () => {
  server = await startTestServer();
  sup = new TestClient(server.url);
  await sup.signIn('supervisor1');
  await seedDecisions(server.db, 1, n, newest);
  await server.db.query('ANALYZE');
});
afterAll(async () => {
  await server?.close();
});

async function page(query: string): Promise<DecisionsResponse> {
  const answer = await sup.get(`/v1/decisions?clock=made&${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return DecisionsResponse.parse(answer.body);
}

/** Every decision of a filter, page by page. */
async function walk(query: string, limit = 200): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const p: DecisionsResponse = await page(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...p.decisions.map((d) => d.application.id));
    cursor = p.nextCursor;
  } while (cursor);
  return ids;
}

const idsOf = (list: SeededDecision[]) => list.map((d) => d.applicationId);

describe('GET /v1/decisions on the log’s clock', () => {
  it('pages newest first by when the reviewer decided, with display names and a total', async () => {
    const first = await page('limit=50&withTotal=true');
    expect(first.decisions.map((d) => d.application.id)).toEqual(idsOf(all.slice(0, 50)));
    expect(first.decisions[0]).toMatchObject({ reviewer: all[0]!.reviewer, reviewerName: seedReviewerName(all[0]!.reviewer), madeAt: newest.toISOString() });
    expect(first.total).toEqual({ count: n, atLeast: false });
    expect(await walk('')).toEqual(idsOf(all));
    // A cursor of the other clock's order is refused, not misread.
    const applied = DecisionsResponse.parse((await sup.get('/v1/decisions?limit=1')).body);
    expect((await sup.get(`/v1/decisions?clock=made&cursor=${applied.nextCursor}`)).status).toBe(400);
  });

  it('combines filters, a missed deadline and a date range on the device clock', async () => {
    const expected = all.filter((d) => d.reviewer === 'logrev01' && d.outcome === 'reject' && d.deadlineMissed);
    expect(expected.length).toBeGreaterThan(3);
    expect(await walk('reviewer=logrev01&outcome=reject&deadlineMissed=true', 2)).toEqual(idsOf(expected));
    const within = all.filter((d) => d.kind === 'enterprise' && !d.deadlineMissed && d.offline && d.reasonCodes.length === 0);
    expect(await walk('kind=enterprise&deadlineMissed=false&offline=true&outcome=approve')).toEqual(idsOf(within));
    const from = all[600]!.madeAt.toISOString();
    const to = all[100]!.madeAt.toISOString();
    expect(await walk(`from=${from}&to=${to}&reasonCode=document_unreadable`)).toEqual(
      idsOf(all.slice(101, 601).filter((d) => d.reasonCodes.includes('document_unreadable'))),
    );
    expect(await walk('reviewed=true&overridden=false')).toEqual(idsOf(all.filter((d) => d.reviewed && !d.overridden)));
  });

  it('finds by part of the name, an application id prefix or a document or registration number, in any case', async () => {
    const byName = all.filter((d) => d.name.toLowerCase().includes('maria garcia 11'));
    expect(byName.length).toBeGreaterThan(1);
    expect(await walk(`text=${encodeURIComponent('MARIA garcia 11')}`)).toEqual(idsOf(byName));
    expect(await walk('text=log-0000012')).toEqual(idsOf(all.filter((d) => d.applicationId.startsWith('LOG-0000012'))));
    const enterprise = all.find((d) => d.kind === 'enterprise')!;
    expect(await walk(`text=${enterprise.number}`)).toEqual([enterprise.applicationId]);
    const individual = all.find((d) => d.kind === 'individual')!;
    expect(await walk(`text=${individual.number.toLowerCase()}`)).toEqual([individual.applicationId]);
    // LIKE's wildcards are plain characters here.
    expect(await walk('text=%25')).toEqual([]);
  });

  it('says "at least" past the cap of the total', async () => {
    // Older ones past the first n, taken away again for the tests that follow.
    await seedDecisions(server.db, n + 1, decisionsTotalCap + 1, newest);
    try {
      expect((await page('limit=1&withTotal=true')).total).toEqual({ count: decisionsTotalCap, atLeast: true });
      expect((await page(`limit=1&withTotal=true&from=${all[99]!.madeAt.toISOString()}`)).total).toEqual({ count: 100, atLeast: false });
    } finally {
      await server.db.query(`DELETE FROM reviews r USING decisions d WHERE d.id = r.decision_id AND d.application_id > $1`, [all.at(-1)!.applicationId]);
      await server.db.query(`DELETE FROM decisions WHERE application_id > $1`, [all.at(-1)!.applicationId]);
    }
  });

  it('pages oldest first on either clock, none skipped or repeated, the cursor keeping its direction', async () => {
    const oldest = await page('order=oldest&limit=50&withTotal=true');
    expect(oldest.decisions.map((d) => d.application.id)).toEqual(idsOf(all.slice(-50).reverse()));
    expect(oldest.total).toEqual({ count: n, atLeast: false });
    expect(await walk('order=oldest', 170)).toEqual(idsOf([...all].reverse()));
    const mine = all.filter((d) => d.reviewer === 'logrev03' && d.outcome === 'reject');
    expect(await walk('order=oldest&reviewer=logrev03&outcome=reject', 4)).toEqual(idsOf(mine.reverse()));
    // The service's clock (offline decisions applied two hours late): oldest applied first, all of them.
    const applied: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await sup.get(`/v1/decisions?order=oldest&limit=250${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const p: DecisionsResponse = DecisionsResponse.parse(answer.body);
      applied.push(...p.decisions.map((d) => d.decidedAt));
      cursor = p.nextCursor;
    } while (cursor);
    expect(applied).toHaveLength(n);
    expect(applied).toEqual([...applied].sort());
    // A cursor goes on only in the order that gave it out.
    const newestFirst = await page('limit=1');
    expect((await sup.get(`/v1/decisions?clock=made&order=oldest&cursor=${newestFirst.nextCursor}`)).status).toBe(400);
    expect((await sup.get(`/v1/decisions?clock=made&cursor=${oldest.nextCursor}`)).status).toBe(400);
    expect((await sup.get('/v1/decisions?order=sideways')).status).toBe(400);
  });
});

describe('GET /v1/decisions/counts', () => {
  /** The counts computed from the rule: each facet under every filter but its own. */
  function expectedCounts(keep: (d: SeededDecision, without: string) => boolean) {
    const under = (facet: string) => all.filter((d) => keep(d, facet));
    const yesNo = (facet: string, value: (d: SeededDecision) => boolean) => ({ yes: under(facet).filter(value).length, no: under(facet).filter((d) => !value(d)).length });
    const reviewers = [...new Set(under('reviewer').map((d) => d.reviewer))].sort();
    const reasons = new Map<string, number>();
    for (const d of under('reasonCode')) for (const r of d.reasonCodes) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    return {
      reviewer: reviewers.map((r) => ({ reviewer: r, name: seedReviewerName(r), count: under('reviewer').filter((d) => d.reviewer === r).length })),
      outcome: { approve: under('outcome').filter((d) => d.outcome === 'approve').length, reject: under('outcome').filter((d) => d.outcome === 'reject').length },
      kind: {
        individual: under('kind').filter((d) => d.kind === 'individual').length,
        enterprise: under('kind').filter((d) => d.kind === 'enterprise').length,
        change: under('kind').filter((d) => d.kind === 'change').length,
      },
      reasonCode: [...reasons].map(([reasonCode, count]) => ({ reasonCode, count })).sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode)),
      offline: yesNo('offline', (d) => d.offline),
      overridden: yesNo('overridden', (d) => d.overridden),
      reviewed: yesNo('reviewed', (d) => d.reviewed),
      deadlineMissed: yesNo('deadlineMissed', (d) => d.deadlineMissed),
    };
  }

  async function counts(query: string): Promise<DecisionCountsResponse> {
    const answer = await sup.get(`/v1/decisions/counts?clock=made&${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return DecisionCountsResponse.parse(answer.body);
  }

  it('counts every choice of every filter with no filter set', async () => {
    expect(await counts('')).toEqual(expectedCounts(() => true));
  });

  it('counts each filter’s choices under the other filters, its own left out', async () => {
    const from = all[900]!.madeAt;
    const keep = (d: SeededDecision, without: string) =>
      d.madeAt >= from &&
      (without === 'reviewer' || d.reviewer === 'logrev05') &&
      (without === 'outcome' || d.outcome === 'reject') &&
      (without === 'offline' || !d.offline) &&
      (without === 'deadlineMissed' || !d.deadlineMissed) &&
      (without === 'reasonCode' || d.reasonCodes.includes('document_expired'));
    expect(await counts(`from=${from.toISOString()}&reviewer=logrev05&outcome=reject&offline=false&deadlineMissed=false&reasonCode=document_expired`)).toEqual(
      expectedCounts(keep),
    );
    const text = (d: SeededDecision) => d.name.toLowerCase().includes('wang fang');
    expect(await counts('text=wang%20fang&kind=change')).toEqual(expectedCounts((d, without) => text(d) && (without === 'kind' || d.kind === 'change')));
  });

  it('is a supervisor’s: a reviewer is refused', async () => {
    const reviewer = new TestClient(server.url);
    await reviewer.signIn('reviewer1');
    expect((await reviewer.get('/v1/decisions/counts')).status).toBe(403);
  });
});

describe('plans on migration 8', () => {
  async function plan(sql: string, params: unknown[] = []): Promise<string> {
    return server.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const rows = await tx.query<Record<string, string>>(`EXPLAIN ${sql}`, params as string[]);
      return rows.map((r) => Object.values(r).join(' ')).join('\n');
    });
  }

  it('walks the log’s indexes for the first page, one reviewer’s, a reason code and missed deadlines', async () => {
    expect(await plan('SELECT id FROM decisions d ORDER BY d.made_at DESC, d.id DESC LIMIT 51')).toMatch(/decisions_made_keyset/);
    expect(await plan('SELECT id FROM decisions d WHERE d.reviewer = $1 ORDER BY d.made_at DESC, d.id DESC LIMIT 51', ['reviewer1'])).toMatch(/decisions_reviewer_made/);
    expect(await plan(`SELECT count(*) FROM decisions d WHERE d.reason_codes @> $1::jsonb`, ['["document_unreadable"]'])).toMatch(/decisions_reason_codes/);
    expect(await plan('SELECT id FROM decisions d WHERE d.made_at > d.due_at ORDER BY d.made_at DESC, d.id DESC LIMIT 51')).toMatch(/decisions_deadline_missed/);
  });

  it('finds free text through the applications’ trigram index (migration 13), then the decisions by application', async () => {
    const w = decisionWhere({ text: 'maria garcia 11', clock: 'made' });
    const text = await plan(`SELECT id FROM decisions d ${w.sql()} ORDER BY d.made_at DESC, d.id DESC LIMIT 51`, w.params);
    expect(text).toMatch(/Bitmap Index Scan on applications_search_trgm/);
    expect(text).toMatch(/decisions_application/);
  });
});
