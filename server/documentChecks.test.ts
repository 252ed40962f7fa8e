// R9 number-check and R10 expiry at decision sync: the central service evaluates them again on its own record and
// refuses an approval they block, naming the rule; R9 yields to an override note, R10 expired-at-submission does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope, ChangesResponse, DecisionMutation, IntakeRequest, MutationBatchResponse, MutationResult } from '../shared/contract/central';
import type { Identity } from '../shared/domain';
import { withUsccCheck } from '../shared/documentNumbers';
import { decisionMutation, sampleImage, startTestServer, TestClient, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';

let server: TestServer;
let intake: TestClient;
let reviewer: TestClient;
let supervisor: TestClient;
let image: string;
let accounts = 0;

beforeAll(async () => {
  // The test clock starts on 2026-11-24 (10:00 in Shanghai).
  server = await startTestServer();
  intake = await new TestClient(server.url, () => server.clock.now).signIn('intake');
  reviewer = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  supervisor = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
  image = (await sampleImage('jpeg')).toString('base64');
});

afterAll(async () => {
  await server?.close();
});

const person = (over: Partial<Extract<Identity, { kind: 'individual' }>> = {}): Identity => ({
  kind: 'individual',
  fullName: 'SPECIMEN Checks',
  documentType: 'id_card',
  documentNumber: specimenIdNumber(`checks-${(accounts += 1)}`),
  issuingLocation: 'CN',
  expiryDate: '2036-01-01',
  ...over,
});

/** Submitted (front and back of the card), assigned to reviewer1 and pulled by the workstation. */
async function assigned(identity: Identity, over: Partial<IntakeRequest> = {}): Promise<ApplicationEnvelope> {
  const answer = await intake.post('/v1/applications', {
    accountId: `CHECKS-${(accounts += 1)}`,
    kind: identity.kind,
    registrationLocation: 'CN',
    identity,
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'zh-CN',
    documents: identity.kind === 'enterprise' ? [{ role: 'licence', contentBase64: image }] : [{ role: 'front', contentBase64: image }, { role: 'back', contentBase64: image }],
    ...over,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const submitted = answer.body as ApplicationEnvelope;
  expect((await supervisor.post(`/v1/applications/${submitted.application.id}/assign`, { reviewer: 'reviewer1' })).status).toBe(200);
  const feed = (await reviewer.get('/v1/changes?limit=500')).body as ChangesResponse;
  const pulled = feed.changes.filter((c) => c.application.id === submitted.application.id).at(-1);
  if (!pulled) throw new Error(`${submitted.application.id} did not reach reviewer1`);
  return pulled;
}

async function decide(envelope: ApplicationEnvelope, over: Partial<DecisionMutation> = {}): Promise<MutationResult> {
  const answer = await reviewer.post('/v1/mutations:batch', { deviceId: 'checks-device', mutations: [decisionMutation(envelope, 'reviewer1', server.clock.now, over)] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as MutationBatchResponse).results[0] as MutationResult;
}

describe('R9 and R10 at decision sync', () => {
  it('carries the documents\' dates and both sides of the card through intake and the changes feed', async () => {
    const envelope = await assigned(person({ dateOfBirth: '1990-01-01', expiryDate: '2031-07-31' }));
    expect(envelope.application.identity).toMatchObject({ dateOfBirth: '1990-01-01', expiryDate: '2031-07-31' });
    expect(envelope.documents.map((d) => d.role)).toEqual(['front', 'back']);
    const company = await assigned({ kind: 'enterprise', enterpriseName: 'SPECIMEN Checks Co., Ltd.', registeredAddress: '1 Test Road', businessRegistrationNumber: withUsccCheck('91440300MA5ABCDE1'), establishedOn: '2016-04-12' });
    expect(company.application.identity).toMatchObject({ establishedOn: '2016-04-12' });
  });

  it('refuses an approval of a number failing its check character, naming R9; applies it with an override note', async () => {
    const valid = specimenIdNumber('r9-at-sync');
    const wrong = `${valid.slice(0, 17)}${valid.endsWith('0') ? '1' : '0'}`;
    const envelope = await assigned(person({ documentNumber: wrong }));
    const refused = await decide(envelope);
    expect(refused).toMatchObject({ status: 'rejected', reason: 'invalid', message: 'Blocked by R9 number_check_character' });
    const applied = await decide(envelope, { overrideNote: 'The card photo shows the right last character; the applicant mistyped it.', overriddenRules: ['R9'] });
    expect(applied).toMatchObject({ status: 'applied' });
  });

  it('refuses the issue\'s enterprise registration number "!!!" (R9), and a rejection of it goes through', async () => {
    const envelope = await assigned({ kind: 'enterprise', enterpriseName: 'SPECIMEN Bang Co., Ltd.', registeredAddress: '1 Test Road', businessRegistrationNumber: '!!!' });
    expect(await decide(envelope)).toMatchObject({ status: 'rejected', message: 'Blocked by R9 number_length' });
    expect(await decide(envelope, { outcome: 'reject', reasonCodes: ['number_mismatch'] })).toMatchObject({ status: 'applied' });
  });

  it('refuses an approval of a document expired at submission, naming R10, even with an override note', async () => {
    const envelope = await assigned(person({ expiryDate: '2026-11-23' }));
    expect(await decide(envelope)).toMatchObject({ status: 'rejected', reason: 'invalid', message: 'Blocked by R10 expired_at_submission' });
    expect(await decide(envelope, { overrideNote: 'Renewal in progress.' })).toMatchObject({ status: 'rejected', message: 'Blocked by R10 expired_at_submission' });
    expect(await decide(envelope, { outcome: 'reject', reasonCodes: ['document_expired'] })).toMatchObject({ status: 'applied' });
  });

  it('approves a document expiring within 30 days: a warning, not a block', async () => {
    const envelope = await assigned(person({ expiryDate: '2026-12-10' }));
    expect(await decide(envelope)).toMatchObject({ status: 'applied' });
  });
});
