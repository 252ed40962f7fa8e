// Withdrawals on record in the supervisor's log, through real HTTP (issue 22 item 3): GET /v1/withdrawals lists each
// withdrawal with its ticket, intake account and time, newest first across pages, with the filters (reviewer holding
// it, date range, text, kind) and the counts beside them. PGlite by default; PostgreSQL with VERITY_TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralError } from '../shared/contract/central';
import { WithdrawalsResponse, type WithdrawalRecord } from '../shared/contract/withdrawals';
import { checkImage } from './images';
import { decisionMutation, sampleImage, startTestServer, submitIndividualAt, testClock, TestClient, type TestServer } from '../tests/support/central';

const clock = testClock('2026-11-24T02:00:00.000Z');
let server: TestServer;
let sup: TestClient;
let intake: TestClient;
/** The withdrawals made, oldest first: id, ticket, time, who held it. */
const made: { id: string; ticketRef: string; withdrawnAt: string; reviewer: string | null }[] = [];
let decidedId = '';
let openId = '';

beforeAll(async () => {
  server = await startTestServer({}, clock);
  [sup, intake] = await Promise.all([new TestClient(server.url, () => clock.now).signIn('supervisor1'), new TestClient(server.url, () => clock.now).signIn('intake')]);
  const bytes = await sampleImage('jpeg');
  const image = { role: 'front' as const, bytes, ...(await checkImage(bytes, 'image')) };
  const holders = ['reviewer1', 'reviewer2', null, 'reviewer1', 'reviewer1', null, 'reviewer2'];
  for (const [i, reviewer] of holders.entries()) {
    const envelope = await submitIndividualAt(server.service, image, clock.now, reviewer);
    clock.advance(3_600_000);
    const ticketRef = `SUP-${1000 + i}`;
    const answer = await intake.post(`/v1/applications/${envelope.application.id}/withdraw`, { ticketRef });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    made.push({ id: envelope.application.id, ticketRef, withdrawnAt: clock.now.toISOString(), reviewer });
  }
  // Neither a decided nor an open application is a withdrawal.
  const decided = await submitIndividualAt(server.service, image, clock.now, 'reviewer1');
  decidedId = decided.application.id;
  const r1 = await new TestClient(server.url, () => clock.now).signIn('reviewer1');
  const batch = await r1.post('/v1/mutations:batch', { deviceId: 'dev-w', mutations: [decisionMutation(decided, 'reviewer1', clock.now)] });
  expect(batch.status, JSON.stringify(batch.body)).toBe(200);
  openId = (await submitIndividualAt(server.service, image, clock.now, 'reviewer2')).application.id;
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function withdrawals(params: Record<string, string>): Promise<WithdrawalsResponse> {
  const answer = await sup.get(`/v1/withdrawals?${new URLSearchParams(params).toString()}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return WithdrawalsResponse.parse(answer.body);
}

/** Every page, `limit` at a time. */
async function all(params: Record<string, string>, limit = 2): Promise<WithdrawalRecord[]> {
  const rows: WithdrawalRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: WithdrawalsResponse = await withdrawals({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    rows.push(...page.withdrawals);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

describe('GET /v1/withdrawals', () => {
  it('lists every withdrawal on record with its ticket, intake account and time, newest first across pages', async () => {
    const rows = await all({});
    expect(rows.map((r) => r.applicationId)).toEqual(made.map((m) => m.id).reverse());
    expect(rows.map((r) => r.applicationId)).not.toContain(decidedId);
    expect(rows.map((r) => r.applicationId)).not.toContain(openId);
    const newest = made.at(-1)!;
    expect(rows[0]).toMatchObject({ ticketRef: newest.ticketRef, withdrawnAt: newest.withdrawnAt, withdrawnBy: 'intake', reviewer: 'reviewer2', kind: 'individual' });
    expect(rows[0]?.reviewerName).toBeTruthy();
    expect(rows.find((r) => r.applicationId === made[2]!.id)).toMatchObject({ reviewer: null, reviewerName: null });
  });

  it('filters by the reviewer holding it, with the counts of every holder beside the filter', async () => {
    const page = await withdrawals({ reviewer: 'reviewer1' });
    expect(page.withdrawals.map((r) => r.applicationId).sort()).toEqual(made.filter((m) => m.reviewer === 'reviewer1').map((m) => m.id).sort());
    expect(page.total).toBe(3);
    // The reviewer facet leaves its own choice out; the kind facet counts within reviewer1's.
    expect(page.counts.reviewer.map((r) => [r.reviewer, r.count])).toEqual([
      ['reviewer1', 3],
      ['reviewer2', 2],
    ]);
    expect(page.counts.unassigned).toBe(2);
    expect(page.counts.kind).toEqual({ individual: 3, enterprise: 0, change: 0 });
    expect((await withdrawals({ kind: 'enterprise' })).total).toBe(0);
  });

  it('filters by the withdrawal time, and by text: the ticket or an id prefix', async () => {
    const from = made[2]!.withdrawnAt;
    const to = made[4]!.withdrawnAt;
    expect((await all({ from, to })).map((r) => r.applicationId)).toEqual([made[3]!.id, made[2]!.id]);
    expect((await withdrawals({ text: 'sup-1004' })).withdrawals.map((r) => r.applicationId)).toEqual([made[4]!.id]);
    expect((await withdrawals({ text: made[5]!.id.slice(0, 13) })).withdrawals.map((r) => r.applicationId)).toEqual([made[5]!.id]);
  });

  it('refuses a cursor it did not give out, and anyone but a supervisor', async () => {
    const answer = await sup.get('/v1/withdrawals?cursor=bm90LWEtY3Vyc29y');
    expect(answer.status).toBe(400);
    expect(CentralError.parse(answer.body).error.code).toBe('invalid_cursor');
    expect((await intake.get('/v1/withdrawals')).status).toBe(403);
  });
});
