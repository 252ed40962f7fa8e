// A change application carries the replaced identity's documents (issue 23): through the changes feed, fetched by the
// document route by the reviewer holding the change only (and a supervisor), the bytes those of the verification's.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, MutationBatchResponse } from '../shared/contract/central';
import type { IndividualIdentity } from '../shared/domain';
import { changesReader, decisionMutation, intakeRequest, sampleImage, startTestServer, TestClient, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';

let server: TestServer;
let intake: TestClient;
let r1: TestClient;
let r2: TestClient;
let sup: TestClient;
const read = changesReader();

const person = (name: string, n: number): IndividualIdentity => ({
  kind: 'individual',
  fullName: name,
  documentType: 'id_card',
  documentNumber: specimenIdNumber(String(n)),
  issuingLocation: 'CN',
});

beforeAll(async () => {
  server = await startTestServer();
  const client = () => new TestClient(server.url, () => server.clock.now);
  intake = await client().signIn('intake');
  r1 = await client().signIn('reviewer1');
  r2 = await client().signIn('reviewer2');
  sup = await client().signIn('supervisor1');
}, 180_000);
afterAll(() => server?.close());

const newest = (changes: Change[], id: string) => changes.filter((c) => c.application.id === id).at(-1);

describe('a change application and the identity it replaces', () => {
  it("sends the verification's document images with the change, to its holder only", async () => {
    const front = await sampleImage('jpeg', 640, 400);
    const back = await sampleImage('png', 600, 380);
    const first = await intake.post(
      '/v1/applications',
      intakeRequest('ACC-CHANGE-1', person('SPECIMEN ONE', 1), front, {
        documents: [
          { role: 'front', contentBase64: front.toString('base64') },
          { role: 'back', contentBase64: back.toString('base64') },
        ],
      }),
    );
    expect(first.status).toBe(201);
    const firstId = (first.body as Change).application.id;
    const mine = newest(await read(r1), firstId);
    expect(mine?.application.assignee).toBe('reviewer1');
    expect(mine?.previousDocuments).toBeUndefined();
    const applied = await r1.post('/v1/mutations:batch', { deviceId: 'device-1', mutations: [decisionMutation(mine!, 'reviewer1', server.clock.now)] });
    expect((applied.body as MutationBatchResponse).results[0]).toMatchObject({ status: 'applied' });

    server.clock.advance(40 * 86_400_000);
    const proposed = await sampleImage('webp', 500, 320);
    const change = await intake.post('/v1/applications', intakeRequest('ACC-CHANGE-1', person('SPECIMEN TWO', 2), proposed, { kind: 'change' }));
    expect(change.status).toBe(201);
    const changeId = (change.body as Change).application.id;
    const held = newest(await read(r1), changeId);
    expect(held?.application.assignee).toBe('reviewer1');
    const previous = held?.previousDocuments ?? [];
    expect(previous.map((d) => [d.role, d.sha256])).toEqual([
      ['front', createHash('sha256').update(front).digest('hex')],
      ['back', createHash('sha256').update(back).digest('hex')],
    ]);
    // Not the change's own documents: those are the proposed identity's.
    const proposedSha = createHash('sha256').update(proposed).digest('hex');
    expect(held?.documents.map((d) => [d.role, d.sha256])).toEqual([['front', proposedSha], ['back', proposedSha]]);

    for (const doc of previous) {
      const path = `/v1/documents/${doc.id}/content`;
      const answer = await r1.get(path);
      expect(answer.status).toBe(200);
      expect(createHash('sha256').update(answer.bytes).digest('hex')).toBe(doc.sha256);
      expect(answer.headers.get('content-type')).toBe(doc.mediaType);
      expect((await sup.get(path)).status).toBe(200);
      const other = await r2.get(path);
      expect(other.status).toBe(403);
      expect((other.body as { error: { code: string } }).error.code).toBe('not_assigned');
      expect((await intake.get(path)).status).toBe(403);
    }
  });

  it('sends none for a change of an account verified without documents on record', async () => {
    // Verified directly (as accounts brought from elsewhere are): the verification has no images.
    await server.service.db.query(`INSERT INTO accounts (id, registration_location, verified_identity, verified_at) VALUES ('ACC-BARE', 'CN', $1::jsonb, $2)`, [
      JSON.stringify(person('SPECIMEN BARE', 3)),
      new Date(server.clock.now.getTime() - 90 * 86_400_000),
    ]);
    await server.service.db.query(`INSERT INTO verifications (account_id, identity, verified_at) SELECT id, verified_identity, verified_at FROM accounts WHERE id = 'ACC-BARE'`);
    const image = await sampleImage('jpeg', 420, 300);
    const change = await intake.post('/v1/applications', intakeRequest('ACC-BARE', person('SPECIMEN FOUR', 4), image, { kind: 'change' }));
    expect(change.status).toBe(201);
    expect((change.body as Change).previousDocuments).toBeUndefined();
  });
});
