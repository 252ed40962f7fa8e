// The decision tallies of migration 12 against a full recount: after a random sequence of writes of every kind the
// service makes (reviewers' decisions pushed over HTTP, supervisors' quality verdicts that mark a decision reviewed or
// overturn it, the seed's many-row inserts, the demo's re-dating, a deletion), the tallies equal a GROUP BY over every
// decision, and the counts read from them equal the counts read by scanning, for random filters. On PGlite, and on
// the PostgreSQL of VERITY_TEST_DATABASE_URL.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope, MutationBatchResponse, SupervisionBatchResponse } from '../shared/contract/central';
import { reasonCodes } from '../shared/domain';
import { drawSpecimen } from '../resources/specimens/draw';
import { changesReader, decisionMutation, intakeRequest, startTestServer, TestClient, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';
import { decisionCounts, scannedCounts } from './decisions';
import { seedDecisions, seedReviewers } from './decisionsSeed';
import { tallyAnswers, type TallyFilter } from './decisionTallies';

let server: TestServer;
let intake: TestClient;
let sup: TestClient;
const reviewers: Record<string, TestClient> = {};
let jpeg: Buffer;
let accounts = 0;
let seeded = 0;
const pull = changesReader();
const newest = new Date('2026-11-20T12:00:00Z');

beforeAll(async () => {
  server = await startTestServer({ assignmentCap: 500 });
  intake = await new TestClient(server.url, () => server.clock.now).signIn('intake');
  sup = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
  for (const r of ['reviewer1', 'reviewer2']) reviewers[r] = await new TestClient(server.url, () => server.clock.now).signIn(r);
  jpeg = await drawSpecimen({ kind: 'id_card', side: 'front', fullName: 'SPECIMEN Person', documentNumber: 'T1', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2035-01-01' });
});
afterAll(async () => {
  await server?.close();
});

type Command =
  | { type: 'decide'; reviewer: 'reviewer1' | 'reviewer2'; outcome: 'approve' | 'reject'; reasons: string[]; offline: boolean; late: boolean }
  | { type: 'review'; pick: number; verdict: 'agree' | 'overturn' }
  | { type: 'seed'; count: number }
  | { type: 'redate'; pick: number; hours: number }
  | { type: 'delete'; pick: number };

/** A reviewer's decision the way a workstation makes it: submitted, assigned, pulled, decided, pushed. */
async function decide(c: Extract<Command, { type: 'decide' }>): Promise<void> {
  const tag = `TL${(accounts += 1)}`;
  const identity = { kind: 'individual' as const, fullName: 'SPECIMEN Person', documentType: 'id_card' as const, documentNumber: specimenIdNumber(tag), issuingLocation: 'CN' };
  const submitted = await intake.post('/v1/applications', intakeRequest(`TALLY-ACC-${accounts}`, identity, jpeg));
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const id = (submitted.body as ApplicationEnvelope).application.id;
  expect((await sup.post(`/v1/applications/${id}/assign`, { reviewer: c.reviewer })).status).toBe(200);
  const envelope = (await pull(reviewers[c.reviewer]!)).filter((e) => e.application.id === id).at(-1)!;
  // Made a day after it was due when late (the deadline counts the device's clock).
  const madeAt = new Date(Date.parse(envelope.dueAt) + (c.late ? 86_400_000 : -60_000));
  const mutation = decisionMutation(envelope, c.reviewer, madeAt, {
    outcome: c.outcome,
    offline: c.offline,
    reasonCodes: c.outcome === 'reject' ? (c.reasons.length ? c.reasons : ['document_unreadable']) : [],
    applicantMessage: c.outcome === 'reject' ? 'Please send a readable photo.' : 'Verified.',
  } as never);
  const answer = await reviewers[c.reviewer]!.post('/v1/mutations:batch', { deviceId: 'tally-device', mutations: [mutation] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect((answer.body as MutationBatchResponse).results[0]).toMatchObject({ status: 'applied' });
}

/** The pick-th decision (in a fixed order) that `where` allows, or none. */
async function nth(pick: number, where: string): Promise<string | undefined> {
  const rows = await server.db.query<{ id: string }>(`SELECT id::text FROM decisions WHERE ${where} ORDER BY id`);
  return rows.length ? rows[pick % rows.length]!.id : undefined;
}

async function run(c: Command): Promise<void> {
  if (c.type === 'decide') return decide(c);
  if (c.type === 'review') {
    const id = await nth(c.pick, `effect = 'in_effect' AND NOT quality_reviewed AND reviewer IN ('reviewer1', 'reviewer2')`);
    if (!id) return;
    const mutation = { type: 'review', id: randomUUID(), decisionId: id, madeAt: server.clock.now.toISOString(), madeBy: 'supervisor1', offline: false, verdict: c.verdict, reason: c.verdict === 'agree' ? '' : 'The photo differs.' };
    const answer = await sup.post('/v1/supervision:batch', { deviceId: 'tally-supervisor', mutations: [mutation] });
    expect((answer.body as SupervisionBatchResponse).results).toEqual([{ id: mutation.id, status: 'applied' }]);
    return;
  }
  if (c.type === 'seed') {
    await server.db.transaction((tx) => seedDecisions(tx, seeded + 1, seeded + c.count, newest, 'TALLY'));
    seeded += c.count;
    return;
  }
  const id = await nth(c.pick, `application_id LIKE 'TALLY-%' AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.decision_id = decisions.id)`);
  if (!id) return;
  // The demo's re-dating (server/demo.ts) moves a decision across its deadline; a removal takes it out.
  if (c.type === 'redate') await server.db.query(`UPDATE decisions SET made_at = made_at + make_interval(hours => $2) WHERE id = $1::uuid`, [id, c.hours]);
  else await server.db.query(`DELETE FROM decisions WHERE id = $1::uuid`, [id]);
}

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    type: fc.constant('decide' as const),
    reviewer: fc.constantFrom('reviewer1' as const, 'reviewer2' as const),
    outcome: fc.constantFrom('approve' as const, 'reject' as const),
    reasons: fc.uniqueArray(fc.constantFrom('document_unreadable', 'document_expired', 'name_mismatch'), { maxLength: 2 }),
    offline: fc.boolean(),
    late: fc.boolean(),
  }),
  fc.record({ type: fc.constant('review' as const), pick: fc.nat(), verdict: fc.constantFrom('agree' as const, 'overturn' as const) }),
  fc.record({ type: fc.constant('seed' as const), count: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ type: fc.constant('redate' as const), pick: fc.nat(), hours: fc.integer({ min: -100, max: 100 }) }),
  fc.record({ type: fc.constant('delete' as const), pick: fc.nat() }),
);

const filter: fc.Arbitrary<TallyFilter> = fc.record(
  {
    reviewer: fc.constantFrom('reviewer1', 'reviewer2', ...seedReviewers.slice(0, 3)),
    outcome: fc.constantFrom('approve' as const, 'reject' as const),
    kind: fc.constantFrom('individual' as const, 'enterprise' as const, 'change' as const),
    reasonCode: fc.constantFrom('document_unreadable' as const, 'document_expired' as const, 'name_mismatch' as const, reasonCodes[0]),
    offline: fc.boolean(),
    overridden: fc.boolean(),
    reviewed: fc.boolean(),
    deadlineMissed: fc.boolean(),
  },
  { requiredKeys: [] },
);

const facets = `reviewer, outcome, kind, offline, overridden_rules <> '[]'::jsonb AS overridden, quality_reviewed AS reviewed, made_at > due_at AS missed`;
const tallyKeys = 'reviewer, outcome, kind, offline, overridden, reviewed, missed';

describe('decision tallies (migration 12)', () => {
  it('equal a full recount after any sequence of decisions, verdicts, seeding, re-dating and removals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 6 }), fc.array(filter, { minLength: 1, maxLength: 3 }), async (commands, filters) => {
        for (const c of commands) await run(c);
        const recount = await server.db.query(`SELECT ${facets}, count(*)::float8 AS n FROM decisions GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`);
        expect(await server.db.query(`SELECT ${tallyKeys}, n::float8 AS n FROM decision_tallies WHERE n <> 0 ORDER BY ${tallyKeys}`)).toEqual(recount);
        const reasons = await server.db.query(
          `SELECT ${facets}, r.code, count(*)::float8 AS n FROM decisions CROSS JOIN LATERAL jsonb_array_elements_text(reason_codes) AS r(code) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`,
        );
        expect(await server.db.query(`SELECT ${tallyKeys}, code, n::float8 AS n FROM decision_reason_tallies WHERE n <> 0 ORDER BY ${tallyKeys}, code`)).toEqual(reasons);
        for (const f of [{}, ...filters]) {
          expect(tallyAnswers(f)).toBe(true);
          expect(await decisionCounts(server.db, f)).toEqual(await scannedCounts(server.db, f));
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);

  it('leave a date range, free text or a queue to the scan', () => {
    expect(tallyAnswers({ reviewer: 'reviewer1', clock: 'made' })).toBe(true);
    expect(tallyAnswers({ from: '2026-11-01T00:00:00Z' })).toBe(false);
    expect(tallyAnswers({ text: 'wang' })).toBe(false);
    expect(tallyAnswers({ sampled: true })).toBe(false);
    expect(tallyAnswers({ effect: 'overturned' })).toBe(false);
  });
});
