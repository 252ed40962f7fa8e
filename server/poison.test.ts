// What the central service does with input it cannot store and with a mutation it cannot apply: a clear 400 for
// the former, and for the latter a rejection of that one mutation while the rest of its batch, and every later
// batch, still apply. The failing mutation is made real: a database trigger raises on it, as PostgreSQL would on
// a value it refuses.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope, Change, ChangesResponse, Mutation, MutationBatchResponse, MutationResult } from '../shared/contract/central';
import { mayBeTransient } from './service';
import { installPoisonTrigger, sampleImage, startTestServer, TestClient, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';

let server: TestServer;
let intake: TestClient;
let r1: TestClient;
let jpeg: string;
let accounts = 0;

function intakeBody(fullName = 'SPECIMEN Person'): Record<string, unknown> {
  return {
    accountId: `POISON-${(accounts += 1)}`,
    kind: 'individual',
    registrationLocation: 'CN',
    identity: { kind: 'individual', fullName, documentType: 'id_card', documentNumber: specimenIdNumber(`P${randomUUID()}`), issuingLocation: 'CN' },
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
    documents: [{ role: 'front', contentBase64: jpeg }, { role: 'back', contentBase64: jpeg }],
  };
}

async function submitted(count: number): Promise<ApplicationEnvelope[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await intake.post('/v1/applications', intakeBody());
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    ids.push((answer.body as ApplicationEnvelope).application.id);
  }
  // Pulling assigns them to reviewer1 (the cap is high enough for all).
  const byId = new Map<string, Change>();
  for (let cursor: string | undefined; ; ) {
    const page = await r1.get(`/v1/changes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    const body = page.body as ChangesResponse;
    for (const change of body.changes) byId.set(change.application.id, change);
    cursor = body.cursor;
    if (!body.hasMore) break;
  }
  return ids.map((id) => {
    const change = byId.get(id);
    if (!change) throw new Error(`application ${id} was not assigned to reviewer1`);
    return change;
  });
}

type DecisionMutation = Extract<Mutation, { type: 'decision' }>;
function approval(envelope: ApplicationEnvelope, applicantMessage = 'Verified.', madeBy = 'reviewer1'): DecisionMutation {
  return {
    type: 'decision',
    id: randomUUID(),
    applicationId: envelope.application.id,
    baseVersion: envelope.application.version,
    madeAt: server.clock.now.toISOString(),
    madeBy,
    offline: false,
    outcome: 'approve',
    reasonCodes: [],
    applicantMessage,
    internalNote: '',
    overrideNote: null,
    overriddenRules: [],
    judgedOn: null,
    openedAt: null,
  };
}

async function push(mutations: Mutation[]): Promise<{ status: number; results: MutationResult[] }> {
  const answer = await r1.post('/v1/mutations:batch', { deviceId: 'device-poison', mutations });
  return { status: answer.status, results: answer.status === 200 ? (answer.body as MutationBatchResponse).results : [] };
}

async function statusOf(id: string): Promise<string | undefined> {
  const [row] = await server.db.query<{ status: string }>(`SELECT status FROM applications WHERE id = $1`, [id]);
  return row?.status;
}

beforeAll(async () => {
  server = await startTestServer({ assignmentCap: 100 });
  intake = await new TestClient(server.url, () => server.clock.now).signIn('intake');
  r1 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  jpeg = (await sampleImage('jpeg')).toString('base64');
  await installPoisonTrigger(server.db);
});

afterAll(async () => {
  await server?.close();
});

describe('text the central service cannot store', () => {
  it.each([
    ['a NUL character', 'Nul\u0000Byte'],
    ['an unpaired surrogate', 'Bad\uD800Surrogate'],
    ['a control character', 'Bell\u0007Name'],
    ['a line break in a one-line field', 'Two\nLines'],
  ])('intake answers 400 invalid_request naming the field for %s', async (_what, fullName) => {
    const answer = await intake.post('/v1/applications', intakeBody(fullName));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('identity.fullName') } });
  });

  it('answers 400 for an over-long field and for a NUL in a path parameter', async () => {
    const long = await intake.post('/v1/applications', intakeBody('x'.repeat(201)));
    expect(long.status).toBe(400);
    const nul = await intake.post('/v1/applications/a%00b/withdraw', {});
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('id:') } });
  });

  it('refuses a NUL in a decision note with 400, never 500, and stores nothing', async () => {
    const [a] = await submitted(1);
    const answer = await push([{ ...approval(a!), internalNote: 'note\u0000' }]);
    expect(answer.status).toBe(400);
    expect(await statusOf(a!.application.id)).toBe('queued');
  });
});

describe('a mutation the central service cannot apply', () => {
  it('is rejected on its own; the rest of its batch and the next batch apply; a resend gets the same answer', async () => {
    const [a, b, c, d] = await submitted(4);
    const poison = approval(b!, 'POISON');
    const first = await push([approval(a!), poison, approval(c!)]);
    expect(first.status).toBe(200);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(first.results[1]).toMatchObject({ id: poison.id, status: 'rejected', reason: 'cannot_apply', current: { id: b!.application.id, status: 'queued' } });
    expect(await statusOf(a!.application.id)).toBe('approved');
    expect(await statusOf(b!.application.id)).toBe('queued');
    expect(await statusOf(c!.application.id)).toBe('approved');

    // The workstation resends the same id (its answer was lost): the stored refusal, not another failure.
    const again = await push([poison, approval(d!)]);
    expect(again.status).toBe(200);
    expect(again.results[0]).toEqual(first.results[1]);
    expect(again.results[1]).toMatchObject({ status: 'applied' });
    expect(await statusOf(d!.application.id)).toBe('approved');
  });

  it('is retried, not set aside, when the failure may pass (a serialisation conflict)', async () => {
    const [e] = await submitted(1);
    const busy = approval(e!, 'BUSY');
    const first = await push([busy]);
    expect(first.status).toBe(500);
    const [row] = await server.db.query(`SELECT 1 FROM mutations WHERE id = $1`, [busy.id]);
    expect(row).toBeUndefined();
    // The conflict is gone: the same mutation, resent, applies.
    await server.db.query(`ALTER TABLE decisions DISABLE TRIGGER verity_test_poison`);
    try {
      const second = await push([busy]);
      expect(second.results).toEqual([expect.objectContaining({ id: busy.id, status: 'applied' })]);
    } finally {
      await server.db.query(`ALTER TABLE decisions ENABLE TRIGGER verity_test_poison`);
    }
  });

  it("refuses a mutation made by another person than the session's (wrong_author) and applies nothing of it", async () => {
    const [f] = await submitted(1);
    const foreign = approval(f!, 'Verified.', 'supervisor1');
    const answer = await push([foreign]);
    expect(answer.results).toEqual([expect.objectContaining({ id: foreign.id, status: 'rejected', reason: 'wrong_author' })]);
    expect(await statusOf(f!.application.id)).toBe('queued');
  });
});

describe('mayBeTransient', () => {
  it.each([
    [Object.assign(new Error('connection lost'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('server closed the connection'), { code: '08006' }), true],
    [Object.assign(new Error('could not serialize access'), { code: '40001' }), true],
    [Object.assign(new Error('deadlock detected'), { code: '40P01' }), true],
    [Object.assign(new Error('too many connections'), { code: '53300' }), true],
    [new Error('Connection terminated unexpectedly'), true],
    [Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }), false],
    [Object.assign(new Error('duplicate key'), { code: '23505' }), false],
    [Object.assign(new Error('raised'), { code: 'P0001' }), false],
    [new TypeError("Cannot read properties of undefined (reading 'id')"), false],
  ])('%s → %s', (error, transient) => {
    expect(mayBeTransient(error)).toBe(transient);
  });
});
