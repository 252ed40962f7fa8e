// Quality review, overturns and four-eyes through real HTTP against a real database (in-memory PGlite, or the
// PostgreSQL of VERITY_TEST_DATABASE_URL): who may call what, four-eyes against the same person however the verdict
// arrives, an overturn applied exactly once that restores the account, and the QA sample on generated decisions.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplicationEnvelope,
  type CentralError,
  centralRoutes,
  type Change,
  type DecisionsResponse,
  type DecisionMutation,
  defaultQualityPolicy,
  type IntakeRequest,
  type MutationBatchResponse,
  type MutationResult,
  type QualityPolicy,
  type QualityPolicyResponse,
  type QualityQueueResponse,
  type SupervisionBatchResponse,
  type SupervisionMutation,
  type SupervisionResult,
} from '../shared/contract/central';
import type { Identity } from '../shared/domain';
import { drawSpecimen } from '../resources/specimens/draw';
import { checkImage } from './images';
import { latestSchemaVersion, migrate, migrations } from './migrations';
import { qualityPolicy, qualityQueueSql, refreshRandomSample } from './quality';
import { bothSides, changesReader, decisionMutation, openTestDatabase, startTestServer, TestClient, type TestServer, intakeRequest, noIcp } from '../tests/support/central';
import type { CheckedDocument } from './service';
import { specimenIdNumber } from '../tests/support/specimenNumbers';
import { withUsccCheck } from '../shared/documentNumbers';

let server: TestServer;
let intake: TestClient;
let r1: TestClient;
let r2: TestClient;
let sup: TestClient;
let jpeg: Buffer;
let checked: CheckedDocument;
let accounts = 0;

const clients = () => ({ reviewer1: r1, reviewer2: r2, supervisor1: sup, intake });
const nextAccount = () => `QA-ACC-${(accounts += 1)}`;
/** A mainland ID card gets a valid specimen number made from the tag (R9); one issued elsewhere keeps the tag. */
const person = (tag: string, overrides: Partial<Extract<Identity, { kind: 'individual' }>> = {}): Identity => ({
  kind: 'individual',
  fullName: 'SPECIMEN Person',
  documentType: 'id_card',
  documentNumber: (overrides.issuingLocation ?? 'CN') === 'CN' ? specimenIdNumber(tag) : tag,
  issuingLocation: 'CN',
  ...overrides,
});
const enterprise = (name: string): Identity => ({
  kind: 'enterprise',
  enterpriseName: name,
  registeredAddress: '1 Test Road, Shenzhen',
  businessRegistrationNumber: withUsccCheck(`91440300${randomUUID().replace(/-/g, '').slice(0, 9).toUpperCase()}`),
});

async function submit(overrides: Partial<IntakeRequest> = {}): Promise<ApplicationEnvelope> {
  const identity = overrides.identity ?? person(`QA${randomUUID().slice(0, 8)}`);
  const answer = await intake.post('/v1/applications', intakeRequest(nextAccount(), identity, jpeg, overrides));
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as ApplicationEnvelope;
}

const pull = changesReader();

/** Submitted, handed to the reviewer by the supervisor, and pulled by the reviewer's workstation. */
async function assigned(reviewer: 'reviewer1' | 'reviewer2', overrides: Partial<IntakeRequest> = {}): Promise<ApplicationEnvelope> {
  const submitted = await submit(overrides);
  expect((await sup.post(`/v1/applications/${submitted.application.id}/assign`, { reviewer })).status).toBe(200);
  const change = (await pull(clients()[reviewer])).filter((c) => c.application.id === submitted.application.id).at(-1);
  if (!change) throw new Error(`${submitted.application.id} did not reach ${reviewer}`);
  return change;
}

const decision = (envelope: ApplicationEnvelope, madeBy: string, overrides: Partial<DecisionMutation> = {}): DecisionMutation =>
  decisionMutation(envelope, madeBy, server.clock.now, overrides);

async function decide(client: TestClient, mutation: DecisionMutation): Promise<MutationResult> {
  const answer = await client.post('/v1/mutations:batch', { deviceId: 'qa-device', mutations: [mutation] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as MutationBatchResponse).results[0] as MutationResult;
}

const review = (by: string, decisionId: string, verdict: 'agree' | 'overturn', reason = verdict === 'agree' ? '' : 'The document number on the photo differs.', extra: Partial<SupervisionMutation> = {}): SupervisionMutation =>
  ({ type: 'review', id: randomUUID(), decisionId, madeAt: server.clock.now.toISOString(), madeBy: by, offline: false, verdict, reason, ...extra }) as SupervisionMutation;

async function supervise(client: TestClient, ...mutations: SupervisionMutation[]): Promise<SupervisionResult[]> {
  const answer = await client.post('/v1/supervision:batch', { deviceId: 'qa-supervisor-device', mutations });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as SupervisionBatchResponse).results;
}

async function setPolicy(policy: QualityPolicy): Promise<void> {
  const mutation: SupervisionMutation = { type: 'policy', id: randomUUID(), madeAt: server.clock.now.toISOString(), madeBy: 'supervisor1', offline: false, policy };
  expect(await supervise(sup, mutation)).toEqual([{ id: mutation.id, status: 'applied' }]);
}

async function factsOf(id: string) {
  const env = (await server.service.envelopes(server.db, [id])).get(id);
  if (!env) throw new Error(`no application ${id}`);
  return env;
}

async function account(id: string) {
  const [row] = await server.db.query<{ verified_identity: Identity | null; verified_at: Date | null }>(`SELECT verified_identity, verified_at FROM accounts WHERE id = $1`, [id]);
  return row;
}

beforeAll(async () => {
  server = await startTestServer({ assignmentCap: 500 });
  intake = await new TestClient(server.url, () => server.clock.now).signIn('intake');
  r1 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  r2 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer2');
  sup = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
  jpeg = await drawSpecimen({ kind: 'id_card', side: 'front', fullName: 'SPECIMEN Person', documentNumber: 'QA1', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2035-01-01' });
  checked = { role: 'front', bytes: jpeg, ...(await checkImage(jpeg, 'jpeg')) };
});

afterAll(async () => {
  await server?.close();
});

describe('who may call what', () => {
  const pathOf = (path: string) => path.replace(/\{[a-z]+\}/gi, 'x');

  it.each([
    ['reviewer1', 'reviewer'],
    ['intake', 'intake'],
  ] as const)('refuses %s (403 forbidden) on every route whose roles exclude %s', async (username, role) => {
    const client = clients()[username];
    const excluded = centralRoutes.filter((r) => r.roles !== null && !(r.roles as readonly string[]).includes(role));
    expect(excluded.length).toBeGreaterThan(3);
    for (const route of excluded) {
      const answer = await client.request(route.method.toUpperCase(), pathOf(route.path), route.method === 'post' ? { json: {} } : {});
      expect(answer.status, `${route.operationId} as ${username}`).toBe(403);
      expect((answer.body as CentralError).error.code, route.operationId).toBe('forbidden');
    }
    // Every supervisor-only route is among them for both.
    for (const route of centralRoutes.filter((r) => r.roles !== null && r.roles.every((x) => x === 'supervisor'))) {
      expect(excluded, route.operationId).toContain(route);
    }
  });

  it('lets a reviewer into the supervision routes only for second reviews: policy, reassignment, quality reviews and the QA queue are forbidden', async () => {
    const envelope = await assigned('reviewer2');
    const [applied] = [await decide(r2, decision(envelope, 'reviewer2', { outcome: 'reject', reasonCodes: ['document_unreadable'] }))];
    expect(applied?.status).toBe('applied');
    const mutations: SupervisionMutation[] = [
      { type: 'policy', id: randomUUID(), madeAt: server.clock.now.toISOString(), madeBy: 'reviewer1', offline: false, policy: defaultQualityPolicy },
      { type: 'reassign', id: randomUUID(), madeAt: server.clock.now.toISOString(), madeBy: 'reviewer1', offline: false, applicationIds: [envelope.application.id], reviewer: 'reviewer1' },
      review('reviewer1', applied?.id ?? '', 'agree'),
    ];
    const results = await supervise(r1, ...mutations);
    expect(results.map((r) => [r.id, r.status, r.status === 'rejected' ? r.reason : null])).toEqual(mutations.map((m) => [m.id, 'rejected', 'forbidden']));
    const queue = await r1.get('/v1/quality/queue?stage=quality');
    expect([queue.status, (queue.body as CentralError).error.code]).toEqual([403, 'forbidden']);
    const policy = await r1.get('/v1/quality/policy');
    expect(policy.status).toBe(200);
    // Nothing of the refused mutations happened; under another person's name it is wrong_author.
    expect(((await sup.get('/v1/quality/policy')).body as QualityPolicyResponse).updatedBy).toBeNull();
    const [wrong] = await supervise(sup, review('supervisor2', applied?.id ?? '', 'agree'));
    expect(wrong).toMatchObject({ status: 'rejected', reason: 'wrong_author' });
  });
});

describe('four-eyes', () => {
  const number = `FE${randomUUID().slice(0, 6).toUpperCase()}`;
  let held: ApplicationEnvelope;
  let rival: ApplicationEnvelope;
  let heldDecision: DecisionMutation;

  it('holds an approval past a blocking flag: decided for its reviewer, but the account is not verified and no facts change', async () => {
    // A Hong Kong card on a mainland account (R1, overridable with a note), and another application with the same card.
    held = await assigned('reviewer1', { identity: person(number, { issuingLocation: 'HK' }) });
    rival = await assigned('reviewer2', { identity: person(number, { issuingLocation: 'HK' }) });
    heldDecision = decision(held, 'reviewer1', { overrideNote: 'HK card accepted, ticket SUP-1.', overriddenRules: [] });
    const result = await decide(r1, heldDecision);
    expect(result).toEqual({ id: heldDecision.id, status: 'applied', serverVersion: held.application.version + 1, effect: 'pending_second_review' });
    expect(await account(held.application.accountId)).toEqual({ verified_identity: null, verified_at: null });
    expect((await factsOf(rival.application.id)).facts.accountsVerifiedWithDocument).toBe(0);
    expect((await pull(r2)).filter((c) => c.application.id === rival.application.id)).toEqual([]);
    // Decided for the applicant's side too: a withdrawal comes too late.
    const withdraw = await intake.post(`/v1/applications/${held.application.id}/withdraw`, { ticketRef: 'SUP-1' });
    expect([withdraw.status, (withdraw.body as CentralError).error.code]).toEqual([409, 'already_decided']);
    const listed = ((await sup.get('/v1/decisions?effect=pending_second_review')).body as DecisionsResponse).decisions;
    expect(listed.map((d) => [d.id, d.effect, d.application.status])).toEqual([[heldDecision.id, 'pending_second_review', 'approved']]);
  });

  it('refuses the decider as the second person, online, resent, and late from an offline queue', async () => {
    const online = review('reviewer1', heldDecision.id, 'agree');
    const [first] = await supervise(r1, online);
    expect(first).toMatchObject({ id: online.id, status: 'rejected', reason: 'same_person' });
    expect(await supervise(r1, online)).toEqual([first]);
    // Made offline hours ago, arriving now.
    const late = review('reviewer1', heldDecision.id, 'agree', '', { offline: true, madeAt: new Date(server.clock.now.getTime() - 5 * 3_600_000).toISOString() });
    expect(await supervise(r1, late)).toMatchObject([{ status: 'rejected', reason: 'same_person' }]);
    // The decider is not offered it either; the other reviewer is.
    const queueOf = async (client: TestClient) => ((await client.get('/v1/quality/queue?stage=second_review')).body as QualityQueueResponse).items.map((i) => i.decision.id);
    expect(await queueOf(r1)).not.toContain(heldDecision.id);
    expect(await queueOf(r2)).toContain(heldDecision.id);
    expect(await queueOf(sup)).toContain(heldDecision.id);
    expect(await account(held.application.accountId)).toEqual({ verified_identity: null, verified_at: null });
  });

  it('takes effect when another reviewer agrees: the account is verified then, other cases hear of it, once', async () => {
    server.clock.advance(60_000);
    const agree = review('reviewer2', heldDecision.id, 'agree');
    expect(await supervise(r2, agree)).toEqual([{ id: agree.id, status: 'applied' }]);
    expect(await supervise(r2, agree)).toEqual([{ id: agree.id, status: 'applied' }]);
    const verified = await account(held.application.accountId);
    expect(verified?.verified_identity).toMatchObject({ documentNumber: number });
    expect(verified?.verified_at?.toISOString()).toBe(server.clock.now.toISOString());
    const [{ n }] = (await server.db.query<{ n: number }>(`SELECT count(*) AS n FROM verifications WHERE decision_id = $1::uuid`, [heldDecision.id])) as [{ n: number }];
    expect(Number(n)).toBe(1);
    const updates = (await pull(r2)).filter((c) => c.application.id === rival.application.id);
    expect(updates.map((c) => [c.type, c.facts.accountsVerifiedWithDocument])).toEqual([['updated', 1]]);
    // The decider's verdict arriving late, after it took effect, is still refused as theirs.
    expect(await supervise(r1, review('reviewer1', heldDecision.id, 'agree'))).toMatchObject([{ status: 'rejected', reason: 'same_person' }]);
    expect(((await sup.get('/v1/decisions?effect=in_effect&reviewed=false')).body as DecisionsResponse).decisions.find((d) => d.id === heldDecision.id)?.reviews).toMatchObject([
      { id: agree.id, stage: 'second_review', reviewedBy: 'reviewer2', verdict: 'agree' },
    ]);
    // Released for what follows: the rival is refused by R2 now.
    expect((await decide(r2, decision(updates[0] as Change, 'reviewer2', { outcome: 'reject', reasonCodes: ['document_already_used'] }))).status).toBe('applied');
  });

  it('returns a suspected_tampering rejection a supervisor overturns at the second review to its reviewer, who decides again', async () => {
    const envelope = await assigned('reviewer1');
    const tampering = decision(envelope, 'reviewer1', { outcome: 'reject', reasonCodes: ['suspected_tampering'], applicantMessage: 'We could not verify you.' });
    expect(await decide(r1, tampering)).toMatchObject({ status: 'applied', effect: 'pending_second_review' });
    const withoutReason = review('supervisor1', tampering.id, 'overturn', '');
    expect(await supervise(sup, withoutReason)).toMatchObject([{ status: 'rejected', reason: 'invalid' }]);
    server.clock.advance(60_000);
    const overturn = review('supervisor1', tampering.id, 'overturn', 'The photo is genuine; the glare looked like an edit.');
    expect(await supervise(sup, overturn)).toEqual([{ id: overturn.id, status: 'applied' }]);
    const back = (await pull(r1)).filter((c) => c.application.id === envelope.application.id);
    // The decision's own change, then the return (both as the application stands now).
    expect(back.map((c) => [c.type, c.application.status, c.application.version, c.application.assignee])).toEqual([
      ['updated', 'queued', envelope.application.version + 2, 'reviewer1'],
      ['returned', 'queued', envelope.application.version + 2, 'reviewer1'],
    ]);
    expect(back[1]?.returned).toEqual({
      decisionId: tampering.id,
      outcome: 'reject',
      stage: 'second_review',
      reviewedBy: 'supervisor1',
      reason: 'The photo is genuine; the glare looked like an edit.',
      reviewedAt: server.clock.now.toISOString(),
    });
    // A decision made on the old version is stale; the next one is a decision of its own.
    expect(await decide(r1, decision(envelope, 'reviewer1'))).toMatchObject({ status: 'rejected', reason: 'stale' });
    const again = decision(back[1] as Change, 'reviewer1');
    expect(await decide(r1, again)).toEqual({ id: again.id, status: 'applied', serverVersion: envelope.application.version + 3 });
    const [lease] = await server.db.query<{ lease_expires_at: Date | null }>(`SELECT lease_expires_at FROM applications WHERE id = $1`, [envelope.application.id]);
    expect(lease?.lease_expires_at).toBeNull();
    const decisions = ((await sup.get('/v1/decisions?limit=200')).body as DecisionsResponse).decisions.filter((d) => d.application.id === envelope.application.id);
    expect(decisions.map((d) => [d.id, d.effect])).toEqual([
      [again.id, 'in_effect'],
      [tampering.id, 'overturned'],
    ]);
    // The overturned decision is not the application's latest any more.
    expect(await supervise(sup, review('supervisor1', tampering.id, 'agree'))).toMatchObject([{ status: 'rejected', reason: 'superseded' }]);
    expect((await factsOf(envelope.application.id)).returned).toBeUndefined();
  });
});

describe('an overturn that takes effect', () => {
  it('restores the account identity before the approval, recomputes other cases’ facts, and applies exactly once', async () => {
    const number = `OV${randomUUID().slice(0, 6).toUpperCase()}`;
    const company = `Overturn Test ${randomUUID().slice(0, 6)} Co., Ltd.`;
    // The account is verified as a person first.
    const first = await assigned('reviewer1', { identity: person(number) });
    expect((await decide(r1, decision(first, 'reviewer1'))).status).toBe('applied');
    const before = await account(first.application.accountId);
    server.clock.advance(3_600_000);
    // Then changed to an enterprise (no waiting time for individual → enterprise), approved and in effect.
    const change = await assigned('reviewer1', { accountId: first.application.accountId, kind: 'change', identity: enterprise(company) });
    const approval = decision(change, 'reviewer1');
    expect(await decide(r1, approval)).toEqual({ id: approval.id, status: 'applied', serverVersion: change.application.version + 1 });
    expect((await account(first.application.accountId))?.verified_identity).toMatchObject({ kind: 'enterprise', enterpriseName: company });
    // Pending elsewhere: the same enterprise, and the person's card.
    const sameCompany = await assigned('reviewer2', { identity: { ...enterprise(company) } });
    const sameCard = await assigned('reviewer2', { identity: person(number) });
    expect((await factsOf(sameCompany.application.id)).facts.enterpriseAccountsVerified).toBe(1);
    expect((await factsOf(sameCard.application.id)).facts.accountsVerifiedWithDocument).toBe(0);

    server.clock.advance(3_600_000);
    const overturn = review('supervisor1', approval.id, 'overturn', 'The licence shows another registration number.');
    const [applied] = await supervise(sup, overturn);
    expect(applied).toEqual({ id: overturn.id, status: 'applied' });
    // Resent (the supervisor's workstation did not hear the answer), and in a batch twice: the stored answer, nothing more.
    expect(await supervise(sup, overturn, overturn)).toEqual([applied, applied]);

    expect(await account(first.application.accountId)).toEqual(before);
    expect((await factsOf(sameCompany.application.id)).facts.enterpriseAccountsVerified).toBe(0);
    expect((await factsOf(sameCard.application.id)).facts.accountsVerifiedWithDocument).toBe(1);
    const told = (await pull(r2)).filter((c) => c.type === 'updated').map((c) => c.application.id);
    expect(told.sort()).toEqual([sameCompany.application.id, sameCard.application.id].sort());
    const verifications = await server.db.query<{ decision_id: string | null; revoked_at: Date | null; revoked_by_review: string | null }>(
      `SELECT decision_id::text AS decision_id, revoked_at, revoked_by_review FROM verifications WHERE account_id = $1 ORDER BY id`,
      [first.application.accountId],
    );
    expect(verifications.map((v) => [v.decision_id === approval.id, v.revoked_at?.toISOString() ?? null, v.revoked_by_review])).toEqual([
      [false, null, null],
      [true, server.clock.now.toISOString(), overturn.id],
    ]);
    const back = (await pull(r1)).filter((c) => c.application.id === change.application.id);
    expect(back.map((c) => [c.type, c.application.status, c.application.version])).toEqual([
      ['updated', 'queued', change.application.version + 2],
      ['returned', 'queued', change.application.version + 2],
    ]);
    expect(back[1]?.returned).toMatchObject({ decisionId: approval.id, outcome: 'approve', stage: 'quality', reason: 'The licence shows another registration number.' });

    // Another overturn of it, under a new id, is refused; so is an agree by the same supervisor at the same stage.
    expect(await supervise(sup, review('supervisor1', approval.id, 'overturn'))).toMatchObject([{ status: 'rejected', reason: 'already_reviewed' }]);
    const [{ n }] = (await server.db.query<{ n: number }>(`SELECT count(*) AS n FROM changes WHERE application_id = $1 AND type = 'returned'`, [change.application.id])) as [{ n: number }];
    expect(Number(n)).toBe(1);
    // The same mutation id from another person is refused, not answered with the stored answer.
    expect(await supervise(r2, { ...overturn, madeBy: 'reviewer2' } as SupervisionMutation)).toMatchObject([{ id: overturn.id, status: 'rejected', reason: 'invalid' }]);
    // Decided again (rejected this time), so it leaves reviewer1's queue.
    expect((await decide(r1, decision(back[1] as Change, 'reviewer1', { outcome: 'reject', reasonCodes: ['information_incomplete'] }))).status).toBe('applied');
  });

  it('returns an approval of a never-verified account to never verified', async () => {
    const envelope = await assigned('reviewer1');
    const approval = decision(envelope, 'reviewer1');
    expect((await decide(r1, approval)).status).toBe('applied');
    expect((await account(envelope.application.accountId))?.verified_identity).not.toBeNull();
    expect(await supervise(sup, review('supervisor1', approval.id, 'overturn'))).toMatchObject([{ status: 'applied' }]);
    expect(await account(envelope.application.accountId)).toEqual({ verified_identity: null, verified_at: null });
    expect((await factsOf(envelope.application.id)).facts.lastVerifiedAt).toBeNull();
    await pull(r1);
    expect((await decide(r1, decision(await factsOf(envelope.application.id), 'reviewer1', { outcome: 'reject', reasonCodes: ['other'] }))).status).toBe('applied');
  });
});

describe('the supervision batch', () => {
  it('reassigns through the assign route’s own code: the open ones move, the others are named; an unknown reviewer moves none', async () => {
    const open = await assigned('reviewer1');
    const decided = await assigned('reviewer1');
    expect((await decide(r1, decision(decided, 'reviewer1', { outcome: 'reject', reasonCodes: ['other'] }))).status).toBe('applied');
    await pull(r1);
    const reassign = (reviewer: string, applicationIds: string[]): SupervisionMutation => ({
      type: 'reassign',
      id: randomUUID(),
      madeAt: server.clock.now.toISOString(),
      madeBy: 'supervisor1',
      offline: true,
      applicationIds,
      reviewer,
    });
    const unknown = reassign('intake', [open.application.id]);
    expect(await supervise(sup, unknown)).toMatchObject([{ id: unknown.id, status: 'rejected', reason: 'unknown_reviewer' }]);
    const none = reassign('reviewer2', [decided.application.id]);
    expect(await supervise(sup, none)).toMatchObject([{ id: none.id, status: 'rejected', reason: 'already_decided' }]);
    const some = reassign('reviewer2', [open.application.id, decided.application.id, 'NO-SUCH-APPLICATION']);
    const [result] = await supervise(sup, some);
    expect(result).toEqual({
      id: some.id,
      status: 'applied',
      refused: [
        { applicationId: decided.application.id, reason: 'already_decided', message: expect.stringMatching(/already rejected/) },
        { applicationId: 'NO-SUCH-APPLICATION', reason: 'not_found', message: expect.any(String) },
      ],
    });
    expect(await supervise(sup, some)).toEqual([result]);
    expect((await pull(r1)).map((c) => [c.type, c.application.id])).toEqual([['reassigned', open.application.id]]);
    expect((await pull(r2)).map((c) => [c.type, c.application.id, c.application.assignee])).toEqual([['assigned', open.application.id, 'reviewer2']]);
    expect((await decide(r2, decision((await factsOf(open.application.id)), 'reviewer2', { outcome: 'reject', reasonCodes: ['other'] }))).status).toBe('applied');
  });

  it('refuses a batch for another central service before anything is applied', async () => {
    const policy: SupervisionMutation = { type: 'policy', id: randomUUID(), madeAt: server.clock.now.toISOString(), madeBy: 'supervisor1', offline: false, policy: { ...defaultQualityPolicy, samplePercent: 50 } };
    const answer = await sup.post('/v1/supervision:batch', { deviceId: 'd', centralId: randomUUID(), mutations: [policy] });
    expect([answer.status, (answer.body as CentralError).error.code]).toEqual([409, 'wrong_central']);
    expect(((await sup.get('/v1/quality/policy')).body as QualityPolicyResponse).policy).toEqual(defaultQualityPolicy);
    const mine = await sup.post('/v1/supervision:batch', { deviceId: 'd', centralId: await server.service.centralId(), mutations: [{ ...policy, policy: defaultQualityPolicy }] });
    expect((mine.body as SupervisionBatchResponse).results).toEqual([{ id: policy.id, status: 'applied' }]);
  });

  it('sets aside a verdict the database refuses every time, and applies the rest of its batch', async () => {
    await server.db.query(`
      CREATE FUNCTION verity_test_poison_review() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.reason = 'POISON' THEN RAISE EXCEPTION 'this review cannot be stored'; END IF;
        RETURN NEW;
      END $$`);
    await server.db.query(`CREATE TRIGGER verity_test_poison_review BEFORE INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION verity_test_poison_review()`);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const envelope = await assigned('reviewer1');
        const mutation = decision(envelope, 'reviewer1', { outcome: 'reject', reasonCodes: ['other'] });
        expect((await decide(r1, mutation)).status).toBe('applied');
        ids.push(mutation.id);
      }
      const batch = [review('supervisor1', ids[0] as string, 'agree', 'fine'), review('supervisor1', ids[1] as string, 'agree', 'POISON'), review('supervisor1', ids[2] as string, 'overturn', 'Should have been approved.')];
      const results = await supervise(sup, ...batch);
      expect(results.map((r) => [r.id, r.status, r.status === 'rejected' ? r.reason : null])).toEqual([
        [batch[0]?.id, 'applied', null],
        [batch[1]?.id, 'rejected', 'cannot_apply'],
        [batch[2]?.id, 'applied', null],
      ]);
      expect(await supervise(sup, batch[1] as SupervisionMutation)).toEqual([results[1]]);
      const reviewed = ((await sup.get('/v1/decisions?reviewed=true&limit=200')).body as DecisionsResponse).decisions.filter((d) => ids.includes(d.id));
      expect(reviewed.map((d) => [d.id, d.effect]).sort()).toEqual([[ids[0], 'in_effect'], [ids[2], 'overturned']].sort());
    } finally {
      await server.db.query(`DROP TRIGGER verity_test_poison_review ON reviews`);
      await server.db.query(`DROP FUNCTION verity_test_poison_review()`);
    }
    await pull(r1);
  });
});

describe('the QA sample', () => {
  const rankOf = (centralId: string, decisionId: string) => createHash('sha256').update(`${centralId}${decisionId}`).digest('hex');
  const sampled = async (): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>();
    for (let cursor: string | null = null; ; ) {
      const answer = await sup.get(`/v1/quality/queue?stage=quality&reviewer=reviewer2&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      const body = answer.body as QualityQueueResponse;
      for (const item of body.items) out.set(item.decision.id, item.sampledFor);
      cursor = body.nextCursor;
      if (!cursor) return out;
    }
  };
  /** Decided by reviewer2 in-process (intake, assignment and mutations of the service itself): quick enough for dozens. */
  const generate = async (count: number, overrides: Partial<DecisionMutation> = {}, identity?: () => Identity): Promise<{ id: string; result: MutationResult }[]> => {
    const out: { id: string; result: MutationResult }[] = [];
    for (let i = 0; i < count; i++) {
      const id = identity?.() ?? person(`GEN${randomUUID().slice(0, 8)}`);
      const submitted = await server.service.submitChecked(
        { accountId: nextAccount(), kind: id.kind, registrationLocation: 'CN', identity: id, icp: noIcp, applicantLanguage: 'en' },
        id.kind === 'individual' && id.documentType === 'id_card' ? bothSides(checked) : [checked],
      );
      const envelope = await server.service.assign(submitted.application.id, 'reviewer2');
      const mutation = decision(envelope, 'reviewer2', { outcome: 'reject', reasonCodes: ['document_unreadable'], ...overrides });
      const [result] = await server.service.applyMutations('reviewer2', 'gen-device', [mutation]);
      out.push({ id: mutation.id, result: result as MutationResult });
      server.clock.advance(60_000);
    }
    return out;
  };

  it('takes ceil(n × percent / 100) of each reviewer’s ISO week at random (by sha256 rank), reproducibly, plus what the policy always samples', async () => {
    // A fresh ISO week (Monday 00:00 UTC onwards) for reviewer2's generated decisions.
    const day = 24 * 3_600_000;
    const monday = new Date(Math.ceil((server.clock.now.getTime() - 4 * day) / (7 * day)) * 7 * day + 4 * day);
    server.clock.now = new Date(monday.getTime() + 7 * day + 3_600_000);
    await setPolicy({ ...defaultQualityPolicy, samplePercent: 10 });
    const centralId = await server.service.centralId();
    const plain = await generate(23);
    const tampering = await generate(2, { reasonCodes: ['suspected_tampering'] });
    expect(tampering.map((t) => t.result)).toMatchObject([{ effect: 'pending_second_review' }, { effect: 'pending_second_review' }]);
    // Held ones join the QA sample once a second person agrees.
    for (const t of tampering) expect(await supervise(sup, review('supervisor1', t.id, 'agree'))).toMatchObject([{ status: 'applied' }]);

    const all = [...plain, ...tampering].map((d) => d.id);
    const expectedRandom = [...all].sort((a, b) => rankOf(centralId, a).localeCompare(rankOf(centralId, b))).slice(0, Math.ceil((all.length * 10) / 100));
    expect(expectedRandom).toHaveLength(3);
    // (Earlier weeks of reviewer2 have their own draws.)
    const queue = new Map([...(await sampled())].filter(([id]) => all.includes(id)));
    const random = [...queue].filter(([, why]) => why.includes('random')).map(([id]) => id);
    expect(random.sort()).toEqual([...expectedRandom].sort());
    for (const t of tampering) expect(queue.get(t.id)).toContain('tampering_rejection');
    expect([...queue.keys()].sort()).toEqual([...new Set([...expectedRandom, ...tampering.map((t) => t.id)])].sort());
    // Drawn again (as the next decision of the week does), the same sample.
    await refreshRandomSample(server.db, 'reviewer2', server.clock.now);
    expect(new Map([...(await sampled())].filter(([id]) => all.includes(id)))).toEqual(queue);

    // A quality review takes a decision out of the queue; the filter `reviewed` follows. (Not a tampering one: their
    // second review must be seen not to count as a quality review below.)
    const reviewedId = random.find((id) => !tampering.some((t) => t.id === id));
    expect(await supervise(sup, review('supervisor1', reviewedId as string, 'agree'))).toMatchObject([{ status: 'applied' }]);
    expect((await sampled()).has(reviewedId as string)).toBe(false);
    const reviewed = ((await sup.get('/v1/decisions?reviewer=reviewer2&reviewed=true&limit=200')).body as DecisionsResponse).decisions.map((d) => d.id);
    expect(reviewed).toContain(reviewedId);
    expect(reviewed).not.toContain(tampering[0]?.id);
  });

  it('applies a policy change to later decisions only', async () => {
    const heldBefore = (await generate(1, { outcome: 'approve', reasonCodes: [], overrideNote: 'HK card accepted, ticket SUP-7.' }, () => person(`HK${randomUUID().slice(0, 6)}`, { issuingLocation: 'HK' })))[0];
    expect(heldBefore?.result).toMatchObject({ status: 'applied', effect: 'pending_second_review' });
    const before = await sampled();

    await setPolicy({ samplePercent: 0, sampleOverriddenApprovals: false, sampleTamperingRejections: false, fourEyesOverriddenApprovals: false, fourEyesTamperingRejections: false });
    const policy = (await r2.get('/v1/quality/policy')).body as QualityPolicyResponse;
    expect(policy).toMatchObject({ policy: { samplePercent: 0, fourEyesOverriddenApprovals: false }, updatedBy: 'supervisor1', updatedAt: server.clock.now.toISOString() });
    const later = await generate(12, { reasonCodes: ['suspected_tampering'] });
    const laterOverride = (await generate(1, { outcome: 'approve', reasonCodes: [], overrideNote: 'HK card accepted, ticket SUP-8.' }, () => person(`HK${randomUUID().slice(0, 6)}`, { issuingLocation: 'HK' })))[0];
    // Not held any more, and nothing of them sampled; the earlier sample of the week stays as it was.
    for (const d of [...later, laterOverride]) expect(d?.result).toEqual({ id: d?.id, status: 'applied', serverVersion: 3 });
    const after = await sampled();
    expect(after).toEqual(before);
    // The decision held under the old policy still waits for its second review.
    const pending = ((await sup.get('/v1/quality/queue?stage=second_review&reviewer=reviewer2')).body as QualityQueueResponse).items.map((i) => i.decision.id);
    expect(pending).toEqual([heldBefore?.id]);
    // The history of the policy is kept: who changed it, when, by which mutation.
    const history = await server.db.query<{ changed_by: string | null }>(`SELECT changed_by FROM quality_policies ORDER BY id`);
    // The default, the supervision batch's test's change, then this file's two.
    expect(history.map((h) => h.changed_by)).toEqual([null, 'supervisor1', 'supervisor1', 'supervisor1']);
    await setPolicy(defaultQualityPolicy);
  });
});

describe('migration 4', () => {
  it('upgrades a database of version 3: decisions in effect, their QA sample drawn, reviews at stage quality, verifications linked to their approval', async () => {
    const { db, close } = await openTestDatabase();
    try {
      await migrate(db, migrations.filter((m) => m.version <= 3));
      await db.query(`INSERT INTO people (username, display_name, role, password_hash) VALUES ('reviewer1', 'R', 'reviewer', 'x'), ('supervisor1', 'S', 'supervisor', 'x')`);
      const at = new Date('2026-11-18T10:00:00.000Z'); // a Wednesday
      const decided: { id: string; outcome: string; codes: string[]; rules: string[] }[] = [
        { id: randomUUID(), outcome: 'approve', codes: [], rules: ['R1'] },
        { id: randomUUID(), outcome: 'reject', codes: ['suspected_tampering'], rules: [] },
        ...Array.from({ length: 19 }, () => ({ id: randomUUID(), outcome: 'approve', codes: [], rules: [] })),
      ];
      for (const [i, d] of decided.entries()) {
        const app = `APP-${i}`;
        await db.query(`INSERT INTO accounts (id, registration_location) VALUES ($1, 'CN')`, [`ACC-${i}`]);
        await db.query(
          `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language, due_at, escalate_at)
           VALUES ($1, $2, 'individual', 'CN', $3, $4, 3, '{}'::jsonb, '{}'::jsonb, 'en', $3, $3)`,
          [app, `ACC-${i}`, at, d.outcome === 'approve' ? 'approved' : 'rejected'],
        );
        await db.query(
          `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message, internal_note, override_note, decided_at, made_at, offline, overridden_rules)
           VALUES ($1, $2, 'individual', 'reviewer1', 'd', $3, $4::jsonb, 'm', '', NULL, $5, $5, false, $6::jsonb)`,
          [d.id, app, d.outcome, JSON.stringify(d.codes), new Date(at.getTime() + i * 60_000), JSON.stringify(d.rules)],
        );
        if (d.outcome === 'approve') {
          await db.query(`INSERT INTO verifications (account_id, identity, verified_at, application_id) VALUES ($1, '{}'::jsonb, $2, $3)`, [`ACC-${i}`, at, app]);
        }
      }
      await db.query(`INSERT INTO reviews (id, decision_id, supervisor, verdict, reason, reviewed_at) VALUES ($1, $2, 'supervisor1', 'agree', 'fine', $3)`, [
        randomUUID(),
        decided[2]?.id ?? '',
        at,
      ]);

      expect(await migrate(db)).toEqual({ from: 3, to: latestSchemaVersion });
      const rows = await db.query<{ id: string; effect: string; sample_week: Date; sample_rank: string; sample_random: boolean; sample_overridden: boolean; sample_tampering: boolean; quality_reviewed: boolean }>(
        `SELECT id::text AS id, effect, sample_week, sample_rank, sample_random, sample_overridden, sample_tampering, quality_reviewed FROM decisions`,
      );
      const [{ id: centralId }] = (await db.query<{ id: string }>(`SELECT id::text AS id FROM central_identity`)) as [{ id: string }];
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(rows.every((r) => r.effect === 'in_effect' && r.sample_week.toISOString().startsWith('2026-11-16'))).toBe(true);
      expect(rows.every((r) => r.sample_rank === createHash('sha256').update(`${centralId}${r.id}`).digest('hex'))).toBe(true);
      // 21 decisions at 5 %: two drawn, the best-ranked.
      const drawn = rows.filter((r) => r.sample_random).map((r) => r.id).sort();
      expect(drawn).toEqual([...rows].sort((a, b) => a.sample_rank.localeCompare(b.sample_rank)).slice(0, 2).map((r) => r.id).sort());
      expect(byId.get(decided[0]?.id ?? '')).toMatchObject({ sample_overridden: true, sample_tampering: false });
      expect(byId.get(decided[1]?.id ?? '')).toMatchObject({ sample_overridden: false, sample_tampering: true });
      expect(rows.filter((r) => r.quality_reviewed).map((r) => r.id)).toEqual([decided[2]?.id]);
      expect(await db.query(`SELECT stage, reviewed_by FROM reviews`)).toEqual([{ stage: 'quality', reviewed_by: 'supervisor1' }]);
      const linked = await db.query<{ n: number }>(`SELECT count(*) AS n FROM verifications v JOIN decisions d ON d.id = v.decision_id AND d.application_id = v.application_id`);
      expect(Number(linked[0]?.n)).toBe(decided.filter((d) => d.outcome === 'approve').length);
      expect(await qualityPolicy(db)).toEqual({ policy: defaultQualityPolicy, updatedBy: null, updatedAt: null });
      // An application may be decided again once its decision is overturned, never twice while one stands.
      await db.query(`UPDATE decisions SET effect = 'overturned' WHERE id = $1`, [decided[3]?.id ?? '']);
      const again = `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message, internal_note, override_note, decided_at, made_at, offline, sample_week, sample_rank, due_at)
        VALUES ($1, $2, 'individual', 'reviewer1', 'd', 'reject', '["other"]'::jsonb, 'm', '', NULL, now(), now(), false, current_date, 'r', now())`;
      await db.query(again, [randomUUID(), 'APP-3']);
      await expect(db.query(again, [randomUUID(), 'APP-4'])).rejects.toThrow(/decisions_standing/);

      // Both review queues read their partial index, newest first.
      const plan = (sql: string) =>
        db.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_seqscan = off');
          return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');
        });
      expect(await plan(`SELECT d.* FROM decisions d WHERE ${qualityQueueSql} ORDER BY d.decided_at DESC, d.id DESC LIMIT 51`)).toMatch(/decisions_quality_queue/);
      expect(await plan(`SELECT d.* FROM decisions d WHERE d.effect = 'pending_second_review' ORDER BY d.decided_at DESC, d.id DESC LIMIT 51`)).toMatch(/decisions_second_review/);
    } finally {
      await close();
    }
  });
});
