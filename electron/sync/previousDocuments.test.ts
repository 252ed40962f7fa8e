// A change application's replaced identity's documents reach the workstation (issue 23): the engine fetches them with
// the change through the document route, the store keeps them apart from the proposed ones (migration 11), and the
// image pipeline holds them sealed like every other image.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope } from '../../shared/contract/central';
import { decisionMutation } from '../../tests/support/central';
import { specimenIdNumber } from '../../tests/support/specimenNumbers';
import { engineOptions, openWorkstationSide, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine } from './engine';

let central: CentralFixture;
let local: Workstation;

beforeAll(async () => {
  central = await startCentral();
  local = openWorkstationSide();
}, 180_000);

afterAll(async () => {
  await local?.close();
  await central?.close();
});

const card = (r: number, g: number, b: number) => sharp({ create: { width: 856, height: 540, channels: 3, background: { r, g, b } } }).jpeg().toBuffer();

describe('a change application on the workstation', () => {
  it('stores the previous identity’s document images beside the proposed ones, fetched with the change', async () => {
    const [verified] = await central.submit(1);
    const first = verified as ApplicationEnvelope;
    await central.assign(first.application.id, 'reviewer2');
    const [approved] = await central.server.service.applyMutations('reviewer2', 'device-r2', [decisionMutation({ ...first, application: { ...first.application, version: first.application.version + 1 } }, 'reviewer2', central.server.clock.now)]);
    expect(approved).toMatchObject({ status: 'applied' });

    central.server.clock.advance(40 * 86_400_000);
    const front = await card(40, 90, 160);
    const back = await card(160, 90, 40);
    const answer = await central.intake.post('/v1/applications', {
      accountId: first.application.accountId,
      kind: 'change',
      registrationLocation: 'CN',
      identity: { kind: 'individual', fullName: 'SPECIMEN Changed', documentType: 'id_card', documentNumber: specimenIdNumber(`CHG${randomUUID()}`), issuingLocation: 'CN' },
      icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
      applicantLanguage: 'en',
      documents: [
        { role: 'front', contentBase64: front.toString('base64') },
        { role: 'back', contentBase64: back.toString('base64') },
      ],
    });
    expect(answer.status).toBe(201);
    const change = answer.body as ApplicationEnvelope;
    await central.assign(change.application.id, 'reviewer1');

    const engine = createSyncEngine(engineOptions(local, central.server.url));
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    const detail = local.store.getCase(change.application.id);
    expect(detail.documents.map((d) => [d.role, d.sha256])).toEqual(change.documents.map((d) => [d.role, d.sha256]));
    expect(detail.previousDocuments?.map((d) => [d.role, d.sha256])).toEqual(first.documents.map((d) => [d.role, d.sha256]));
    expect(detail.previousDocuments?.[0]?.width).toBeGreaterThan(0);
    // The reviewer holding the change may see the previous images: the pipeline serves their previews.
    for (const doc of detail.previousDocuments ?? []) {
      expect(local.store.hasDocument(doc.sha256, 'reviewer1')).toBe(true);
      const preview = await local.images.read({ sha256: doc.sha256, variant: 'preview' }, { canView: (sha) => local.store.hasDocument(sha, 'reviewer1') });
      expect(preview.bytes.length).toBeGreaterThan(0);
    }
    // Another sync keeps them (nothing fetched again), and a plain case has none.
    await engine.syncNow();
    expect(local.store.getCase(change.application.id).previousDocuments).toHaveLength(first.documents.length);
    expect(local.store.getCase(change.application.id).previousDocuments).toEqual(detail.previousDocuments);
    await engine.stop();
  });
});
