// Admit now, derive later: the two halves of an ingest, run apart, must come to what the ingest comes to; and the
// pipeline's derive queue (background, pausable, on demand from read()) must derive each image once.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { createImagePipeline, type DeriveOutcome, type ImagePipeline } from './index';
import { codeOf, corpusFile, readManifest } from '../../tests/support/imaging';

let root: string;
const allowAll = { canView: () => true };
const open = (name: string, size = 1): ImagePipeline =>
  createImagePipeline({ blobDir: join(root, name), keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 8)), workers: { size } });
const blobNames = (name: string): string[] =>
  (existsSync(join(root, name)) ? readdirSync(join(root, name), { withFileTypes: true }) : [])
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(root, name, d.name)))
    .sort();

beforeAll(() => {
  root = tempFolder('verity-derive-');
});

describe('admit + derive against ingest, over the whole corpus', () => {
  it('gives the same facts, quality, sizes and refusal codes', async () => {
    const whole = open('whole', 2);
    const split = open('split', 2);
    try {
      for (const row of readManifest()) {
        const bytes = corpusFile(row.file);
        const ingested = await whole.ingest(bytes).then(
          (r) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, code: (e as { code?: string }).code }),
        );
        const admitted = await split.admit(bytes).then(
          (r) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, code: (e as { code?: string }).code }),
        );
        if (!ingested.ok) {
          // Refused at admission where the header tells, else by the decode of derive: the same code either way.
          const code = admitted.ok ? await codeOf(split.derive(admitted.r.sha256)) : admitted.code;
          expect(code, row.file).toBe(ingested.code);
          continue;
        }
        expect(admitted.ok, row.file).toBe(true);
        if (!admitted.ok) continue;
        const { quality, preview, thumbnail, ...facts } = ingested.r;
        expect(admitted.r, row.file).toEqual(facts);
        expect(await split.derive(admitted.r.sha256), row.file).toEqual({ sha256: facts.sha256, quality, preview, thumbnail });
      }
    } finally {
      await whole.close();
      await split.close();
    }
  }, 180_000);
});

describe('the derive queue', () => {
  const photos = ['Landscape_6.jpg', 'Portrait_3.jpg', 'quality/q-reference.jpg', 'quality/gps-exif-orient6.jpg'].map(corpusFile);

  it('admits without decoding: only the original blob is written', async () => {
    const images = open('admit-only');
    try {
      const admitted = await images.admit(photos[0]!);
      expect(blobNames('admit-only')).toEqual([`${admitted.sha256}.original`]);
      expect([admitted.width, admitted.height]).toEqual([600, 450]);
    } finally {
      await images.close();
    }
  });

  it('derives in the background, first in first out, each once, held while paused', async () => {
    const images = open('background');
    const outcomes: DeriveOutcome[] = [];
    images.onDerived((o) => outcomes.push(o));
    try {
      const admitted = await Promise.all(photos.map((p) => images.admit(p)));
      const hashes = admitted.map((a) => a.sha256);
      images.pauseBackground();
      images.requestDerive([...hashes, hashes[0]!]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(outcomes).toEqual([]);
      images.resumeBackground();
      await images.whenDerived();
      expect(outcomes.map((o) => o.sha256)).toEqual(hashes);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(blobNames('background').filter((n) => n.endsWith('.preview') || n.endsWith('.thumbnail')).length).toBe(hashes.length * 2);
      // Asked again (another case showing the same image): answered from memory, not decoded again.
      images.requestDerive([hashes[1]!]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(outcomes.length).toBe(hashes.length + 1);
      expect(outcomes.at(-1)).toEqual(outcomes[1]);
    } finally {
      await images.close();
    }
  });

  it('read() of a preview not derived yet derives it first, ahead of the queue', async () => {
    const images = open('on-demand');
    const order: string[] = [];
    images.onDerived((o) => order.push(o.sha256));
    try {
      const admitted = await Promise.all(photos.map((p) => images.admit(p)));
      const last = admitted.at(-1)!.sha256;
      images.pauseBackground(); // a pull is running: background work waits, the reviewer does not
      images.requestDerive(admitted.map((a) => a.sha256));
      const preview = await images.read({ sha256: last, variant: 'preview' }, allowAll);
      expect(preview.contentType).toBe('image/jpeg');
      const meta = await sharp(preview.bytes).metadata();
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(1344);
      expect(order).toEqual([last]);
      // The thumbnail was made by the same derivation.
      expect((await images.read({ sha256: last, variant: 'thumbnail' }, allowAll)).bytes.length).toBeGreaterThan(0);
      images.resumeBackground();
      await images.whenDerived();
      expect(order.length).toBe(photos.length);
      expect(new Set(order).size).toBe(photos.length);
      // No access, no decode.
      const other = await images.admit(corpusFile('Landscape_2.jpg'));
      await expect(images.read({ sha256: other.sha256, variant: 'preview' }, { canView: () => false })).rejects.toMatchObject({ code: 'forbidden' });
      expect(order).not.toContain(other.sha256);
    } finally {
      await images.close();
    }
  });

  it('read() of the full rendition makes it once, at the upright full size, without metadata (HEIC too)', async () => {
    const images = open('full');
    try {
      for (const [name, size] of [['quality/gps-exif-orient6.jpg', [1633, 2000]], ['heif/example.heic', [1280, 854]], ['blackbug.png', [2048, 1536]]] as const) {
        const admitted = await images.admit(corpusFile(name));
        expect([admitted.width, admitted.height], name).toEqual(size);
        const full = await images.read({ sha256: admitted.sha256, variant: 'full' }, allowAll);
        const meta = await sharp(full.bytes).metadata();
        expect([full.contentType, full.attachment, meta.format, meta.width, meta.height], name).toEqual(['image/jpeg', null, 'jpeg', ...size]);
        expect([meta.exif, meta.icc, meta.orientation, meta.hasAlpha], name).toEqual([undefined, undefined, undefined, false]);
      }
      const names = blobNames('full');
      expect(names.filter((n) => n.endsWith('.full'))).toHaveLength(3);
      // Not made by derivation: only on request.
      expect(names.filter((n) => n.endsWith('.preview'))).toHaveLength(1); // the HEIC's, made at its admission
    } finally {
      await images.close();
    }
  });

  it('a stored original that cannot be decoded fails its derivation with an image_* code, and the preview read too', async () => {
    const images = open('failing');
    const outcomes: DeriveOutcome[] = [];
    images.onDerived((o) => outcomes.push(o));
    try {
      const admitted = await images.admit(corpusFile('truncated.jpg'));
      images.requestDerive([admitted.sha256]);
      await images.whenDerived();
      expect(outcomes).toMatchObject([{ sha256: admitted.sha256, ok: false, error: { code: 'image_corrupt' } }]);
      expect(await codeOf(images.read({ sha256: admitted.sha256, variant: 'preview' }, allowAll))).toBe('image_corrupt');
      expect(await codeOf(images.read({ sha256: admitted.sha256, variant: 'full' }, allowAll))).toBe('image_corrupt');
      // The original itself is still served (it was verified and stored).
      expect((await images.read({ sha256: admitted.sha256, variant: 'original' }, allowAll)).bytes.length).toBeGreaterThan(0);
    } finally {
      await images.close();
    }
  });
});
