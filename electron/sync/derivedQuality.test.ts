// Admit now, derive later, end to end: the engine pulls cases with their verified originals and no decode; the
// image pipeline derives preview, thumbnail and quality afterwards (or at once when a preview is asked for), and
// recordDerivedQuality writes the quality and R8's flags; a restart queues what was left underived.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImagePipeline, type ImagePipeline } from '../imaging';
import { corpusFile, entropyDamage } from '../../tests/support/imaging';
import { ExplicitKeyProvider } from '../common/keys';
import { recordDerivedQuality } from './derivedQuality';
import { createSyncEngine } from './engine';
import { engineOptions, openWorkstationSide, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';

let central: CentralFixture;
let local: Workstation;

beforeAll(async () => {
  central = await startCentral();
  local = openWorkstationSide();
}, 60_000);

afterAll(async () => {
  await local?.close();
  await central?.close();
});

const blob = (sha256: string, variant: 'original' | 'preview' | 'thumbnail') => join(local.dir, 'blobs', sha256.slice(0, 2), `${sha256}.${variant}`);

describe('a pull admits originals; derivation follows', () => {
  let ids: string[] = [];
  let hashes: string[] = [];

  it('stores every case and its verified original before any derivation, and serves a preview on demand', async () => {
    const envelopes = await central.submit(5);
    ids = envelopes.map((e) => e.application.id);
    hashes = envelopes.map((e) => e.documents[0]!.sha256);
    // Held from outside too, so that this test sees the state between the pull and the background work.
    local.images.pauseBackground();
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    expect(report.images.downloaded).toBe(5);
    for (const [i, id] of ids.entries()) {
      const detail = local.store.getCase(id);
      expect(detail.documents[0]).toMatchObject({ sha256: hashes[i], width: 600, height: 450, quality: null });
      expect(detail.documents[0]!.forensic).not.toBeNull();
      // The 600×450 corpus photos are low resolution, but nothing says so before they are measured.
      expect(detail.flags.some((f) => f.rule === 'R8')).toBe(false);
      expect(existsSync(blob(hashes[i]!, 'original'))).toBe(true);
      expect(existsSync(blob(hashes[i]!, 'preview'))).toBe(false);
    }
    expect(local.store.imagesLackingQuality()).toEqual(expect.arrayContaining(hashes));

    // The reviewer opens the first case: its preview is derived now, the rest still wait.
    const preview = await local.images.read({ sha256: hashes[0]!, variant: 'preview' }, { canView: (sha) => local.store.hasDocument(sha) });
    expect(preview.contentType).toBe('image/jpeg');
    expect(existsSync(blob(hashes[0]!, 'thumbnail'))).toBe(true);
    expect(existsSync(blob(hashes[1]!, 'preview'))).toBe(false);
  }, 60_000);

  it('derivation in the background then fills in quality and the flags, batched, and says which cases changed', async () => {
    const changed: string[][] = [];
    // The on-demand derivation above happened before this recorder followed the pipeline: the start-up scan
    // queues it again, and the pipeline answers it from memory.
    const recorder = recordDerivedQuality({ images: local.images, store: local.store, onRecorded: (applicationIds) => changed.push(applicationIds), flushMs: 10_000 });
    local.images.resumeBackground();
    await local.images.whenDerived();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await recorder.flush();
    await recorder.close();
    expect(changed.length).toBe(1); // one transaction for the whole batch
    expect(changed[0]).toEqual(expect.arrayContaining(ids));
    for (const [i, id] of ids.entries()) {
      const detail = local.store.getCase(id);
      expect(detail.documents[0]!.quality).toMatchObject({ width: 600, height: 450, lowResolution: true });
      expect(detail.flags.some((f) => f.rule === 'R8')).toBe(true);
      expect(existsSync(blob(hashes[i]!, 'preview'))).toBe(true);
    }
    expect(local.store.imagesLackingQuality()).toEqual([]);
  }, 60_000);
});

describe('a restart', () => {
  it('queues the images a previous run left underived, and records them', async () => {
    const envelopes = await central.submit(3);
    const hashes = envelopes.map((e) => e.documents[0]!.sha256);
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    // The app is shut down right after the pull: nothing derived yet.
    local.images.pauseBackground();
    expect((await engine.syncNow()).ok).toBe(true);
    await local.images.close();
    expect(local.store.imagesLackingQuality().sort()).toEqual([...hashes].sort());

    // Next start: a fresh pipeline over the same blobs.
    const images: ImagePipeline = createImagePipeline({ blobDir: join(local.dir, 'blobs'), keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 7)), workers: { size: 1 } });
    local.images = images; // closed by the file's afterAll
    const recorder = recordDerivedQuality({ images, store: local.store });
    await images.whenDerived();
    await recorder.close();
    expect(local.store.imagesLackingQuality()).toEqual([]);
    for (const envelope of envelopes) {
      expect(local.store.getCase(envelope.application.id).documents[0]!.quality).toMatchObject({ lowResolution: true });
    }
  }, 60_000);
});

describe('an image admitted but not decodable here', () => {
  it('is shown as failed with its reason and flagged for the reviewer, not left "pending"', async () => {
    const [envelope] = await central.submit(1);
    const id = envelope!.application.id;
    // Headers intact, entropy-coded data damaged: admission (header checks, hash) passes, the decode does not.
    const sha256 = await central.replaceDocument(id, entropyDamage['a zeroed run'](corpusFile('flowers.jpeg')));
    const recorder = recordDerivedQuality({ images: local.images, store: local.store, flushMs: 10 });
    expect((await createSyncEngine(engineOptions(local, central.server.url)).syncNow()).ok).toBe(true);
    await local.images.whenDerived();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await recorder.close();

    const detail = local.store.getCase(id);
    expect(detail.documents[0]).toMatchObject({ sha256, quality: null, imageFailure: { code: 'image_corrupt', message: expect.stringMatching(/damaged/) } });
    expect(detail.flags.filter((f) => f.rule === 'R8' && f.reason === 'image_unreadable')).toEqual([{ rule: 'R8', severity: 'warning', reason: 'image_unreadable', overridable: false, facts: { image: 0, code: 'image_corrupt' } }]);
    // The queue's flag filter sees it too (the stored flags), and the original stays verified and stored.
    expect(local.store.listQueue({ flag: 'R8', status: 'all' }).items.map((i) => i.id)).toContain(id);
    expect(existsSync(blob(sha256, 'original'))).toBe(true);
    // Still tried again at the next start (a newer decoder may read it).
    expect(local.store.imagesLackingQuality()).toContain(sha256);
  }, 60_000);
});
