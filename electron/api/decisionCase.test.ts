// A supervisor's read-only case of a decision, through the whole workstation against a real central service: the
// application and its documents come from the central service, the images become viewable by that supervisor (and
// nobody else) only once opened, and nothing lands in the case store.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope, MutationBatchResponse } from '../../shared/contract/central';
import type { DecisionApplication } from '../../shared/contract/decisionCase';
import { changesReader, decisionMutation, intakeRequest, sampleImage, TestClient } from '../../tests/support/central';
import { specimenIdNumber } from '../../tests/support/specimenNumbers';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { startCentral, type CentralFixture } from '../../tests/support/sync';
import { dispatch } from './registry';
import { openWorkstation, type Workstation } from './workstation';

describe("a supervisor reading a decision's case", () => {
  let central: CentralFixture;
  let workstation: Workstation;
  const call = (channel: string, body: unknown = {}) => dispatch(workstation.handlers, channel, body, workstation.context('http'));

  beforeAll(async () => {
    central = await startCentral();
    workstation = await openWorkstation({
      dataDir: tempFolder('verity-decision-case-'),
      host: 'browser',
      version: 't',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 7)),
      central: { url: central.server.url, embedded: false, intervalMs: 3_600_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await workstation.close();
    await central.close();
  });

  it('fetches the documents through the supervisor, lets only them view the images, and stores no case', async () => {
    const [submitted] = await central.submit(1);
    const id = submitted!.application.id;
    const sha256 = submitted!.documents[0]!.sha256;
    expect(await call('session.signIn', { username: 'supervisor1', password: 'verity-demo' })).toMatchObject({ ok: true });
    // Before it is opened, the image is nobody's to see here.
    await expect(workstation.readImage({ sha256, variant: 'preview' })).rejects.toMatchObject({ code: 'forbidden' });

    const opened = await call('decisions.application', { applicationId: id });
    expect(opened.ok).toBe(true);
    const value = (opened as { value: DecisionApplication }).value;
    expect(value.application.id).toBe(id);
    // An ID card: the fixture sends the one test image as its front and its back.
    expect(value.documents.map((d) => [d.role, d.sha256])).toEqual([['front', sha256], ['back', sha256]]);
    expect(value.documents[0]).toMatchObject({ format: 'jpeg', width: expect.any(Number) });
    const image = await workstation.readImage({ sha256, variant: 'preview' });
    expect(image.bytes.length).toBeGreaterThan(1000);
    // Read-only: no case was stored, and the original's download (which goes on a case's record) is not offered.
    expect(() => workstation.store.getCase(id)).toThrow(expect.objectContaining({ code: 'case_not_found' }));
    await expect(workstation.readImage({ sha256, variant: 'original' })).rejects.toMatchObject({ code: 'forbidden', message: /no case/ });
    expect(await call('decisions.application', { applicationId: 'no-such-application' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // A reviewer signed in at the same workstation sees neither the channel nor the image.
    expect(await call('session.signIn', { username: 'reviewer2', password: 'verity-demo' })).toMatchObject({ ok: true });
    expect(await call('decisions.application', { applicationId: id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await expect(workstation.readImage({ sha256, variant: 'preview' })).rejects.toMatchObject({ code: 'forbidden' });
  }, 120_000);

  it("gives a change application's replaced identity with its documents, viewable as the proposed ones are", async () => {
    const { server, intake } = central;
    const client = (username: string) => new TestClient(server.url, () => server.clock.now).signIn(username);
    const read = changesReader();
    const [verified] = await central.submit(1);
    const firstId = verified!.application.id;
    const previousSha = verified!.documents[0]!.sha256;
    // Verified by the reviewer holding it, then, weeks later, the account asks to change its identity.
    await central.assign(firstId, 'reviewer1');
    const holder = await client('reviewer1');
    const held = (await read(holder)).filter((c) => c.application.id === firstId).at(-1)!;
    const applied = await holder.post('/v1/mutations:batch', { deviceId: 'device-prev', mutations: [decisionMutation(held, 'reviewer1', server.clock.now)] });
    expect((applied.body as MutationBatchResponse).results[0]).toMatchObject({ status: 'applied' });
    server.clock.advance(40 * 86_400_000);
    const proposed = await sampleImage('jpeg', 520, 330);
    const identity = { kind: 'individual' as const, fullName: 'SPECIMEN Changed', documentType: 'id_card' as const, documentNumber: specimenIdNumber('PREV2'), issuingLocation: 'CN' };
    const change = await intake.post('/v1/applications', intakeRequest(verified!.application.accountId, identity, proposed, { kind: 'change' }));
    expect(change.status).toBe(201);
    const changeId = (change.body as ApplicationEnvelope).application.id;

    expect(await call('session.signIn', { username: 'supervisor1', password: 'verity-demo' })).toMatchObject({ ok: true });
    await expect(workstation.readImage({ sha256: previousSha, variant: 'preview' })).rejects.toMatchObject({ code: 'forbidden' });
    const opened = await call('decisions.application', { applicationId: changeId });
    expect(opened.ok).toBe(true);
    const value = (opened as { value: DecisionApplication }).value;
    const proposedSha = createHash('sha256').update(proposed).digest('hex');
    expect(value.documents.map((d) => [d.role, d.sha256])).toEqual([['front', proposedSha], ['back', proposedSha]]);
    expect(value.previousDocuments?.map((d) => [d.role, d.sha256])).toEqual([['front', previousSha], ['back', previousSha]]);
    expect((await workstation.readImage({ sha256: previousSha, variant: 'preview' })).bytes.length).toBeGreaterThan(1000);
  }, 120_000);
});
