import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { ForensicSummary, QualitySignals } from '../../shared/domain';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { createImagePipeline, type BatchOutcome, type BatchProgress, type ImagePipeline } from './index';
import { corpusFile, processTreeRss, readManifest } from '../../tests/support/imaging';

/** Where this pipeline parts from "accept": every other corpus file must be accepted. */
const refusals: Record<string, string> = {
  '65536-uint32-limit.png': 'image_pixel_limit',
  'giant-image.jpg': 'image_pixel_limit',
  'G31D_MULTI.TIF': 'image_multipage',
  'big-height.webp': 'image_animated',
  'rotating-squares.webp': 'image_animated',
  'rotating-squares.gif': 'image_format_not_allowed',
  'check.svg': 'image_format_not_allowed',
  'struct-image-04-t.svg': 'image_format_not_allowed',
  'relax.jp2': 'image_format_not_allowed',
  'vfile.v': 'image_format_not_allowed',
  'corrupt-header.jpg': 'image_corrupt',
  'truncated.jpg': 'image_corrupt',
  'truncated.png': 'image_corrupt',
};

let root: string;
let pipeline: ImagePipeline;
const allowAll = { canView: () => true };

beforeAll(() => {
  root = tempFolder('verity-pipeline-');
  pipeline = createImagePipeline({ blobDir: join(root, 'blobs'), keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 5)), workers: { size: 2 } });
});
afterAll(() => pipeline.close());

describe('the corpus, end to end through the worker pool', () => {
  const manifest = readManifest();
  let outcomes: BatchOutcome[] = [];
  const progress: BatchProgress[] = [];
  // Summed over this process and its imaging processes where /proc tells (Linux); this process alone elsewhere.
  let peakRss = 0;
  let imagingSeen = 0;
  const sample = () => {
    const tree = processTreeRss();
    peakRss = Math.max(peakRss, tree?.bytes ?? process.memoryUsage().rss);
    imagingSeen = Math.max(imagingSeen, tree?.descendants ?? 0);
  };

  beforeAll(async () => {
    const sampler = setInterval(sample, 10);
    outcomes = await pipeline.ingestBatch(
      manifest.map((row) => corpusFile(row.file)),
      (p) => progress.push(p),
    );
    clearInterval(sampler);
    sample();
  }, 120_000);

  it('holds every file of the manifest', () => {
    expect(manifest.length).toBe(82);
    expect(outcomes.length).toBe(manifest.length);
  });

  it('accepts or refuses each file with a specific code, as the manifest expects', () => {
    manifest.forEach((row, i) => {
      const outcome = outcomes[i]!;
      const expected = refusals[row.file];
      if (expected) {
        expect(outcome.ok ? 'accepted' : outcome.error.code, row.file).toBe(expected);
        // The manifest agrees: it says "reject" (or, for the multi-page TIFF, "or reject").
        expect(row.expected, row.file).toMatch(/reject/);
      } else {
        expect(outcome.ok ? 'accepted' : outcome.error.code, row.file).toBe('accepted');
        expect(row.expected, row.file).toMatch(/^"?accept|prebuilt sharp|same as example\.heic/);
      }
    });
  });

  it('reports upright sizes as the manifest states them, and valid domain records', () => {
    manifest.forEach((row, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return;
      const upright = /upright (\d+)x(\d+)/.exec(row.expected);
      if (upright) expect([outcome.result.width, outcome.result.height], row.file).toEqual([Number(upright[1]), Number(upright[2])]);
      expect(QualitySignals.safeParse(outcome.result.quality).success, row.file).toBe(true);
      expect(ForensicSummary.safeParse(outcome.result.forensic).success, row.file).toBe(true);
      expect(Math.max(outcome.result.preview.width, outcome.result.preview.height)).toBeLessThanOrEqual(1344);
      expect(Math.max(outcome.result.thumbnail.width, outcome.result.thumbnail.height)).toBeLessThanOrEqual(320);
    });
  });

  it('stores original, preview and thumbnail; derived images carry no metadata', async () => {
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome.ok) continue;
      const { sha256 } = outcome.result;
      const original = await pipeline.read({ sha256, variant: 'original' }, allowAll);
      expect(createHash('sha256').update(original.bytes).digest('hex')).toBe(sha256);
      expect(original.bytes.equals(corpusFile(manifest[i]!.file))).toBe(true);
      for (const variant of ['preview', 'thumbnail'] as const) {
        const derived = await pipeline.read({ sha256, variant }, allowAll);
        expect(derived.contentType).toBe('image/jpeg');
        const meta = await sharp(derived.bytes).metadata();
        expect([meta.exif, meta.xmp, meta.iptc, meta.icc], `${manifest[i]!.file} ${variant}`).toEqual([undefined, undefined, undefined, undefined]);
        const size = outcome.result[variant];
        expect([meta.width, meta.height]).toEqual([size.width, size.height]);
      }
    }
  }, 60_000);

  it('reports progress once per image and keeps memory bounded', () => {
    expect(progress.length).toBe(manifest.length);
    expect(progress.at(-1)?.done).toBe(manifest.length);
    expect(new Set(progress.map((p) => p.index)).size).toBe(manifest.length);
    // The 4.3 Gpx and 280 MP bombs are refused at the header; nothing near their decoded size is ever allocated.
    if (processTreeRss() !== null) expect(imagingSeen).toBeGreaterThan(0);
    expect(peakRss).toBeLessThan(640 * 1024 * 1024); // measured ≈ 394 MB: vitest's process and two imaging processes under tsx
    console.info(`corpus walk: peak RSS ${(peakRss / 1048576).toFixed(0)} MB summed over this process and ${imagingSeen} imaging process(es) at most`);
  });

  it('collects garbage: only referenced images survive', async () => {
    const accepted = outcomes.filter((o): o is Extract<BatchOutcome, { ok: true }> => o.ok).map((o) => o.result.sha256);
    const keep = accepted[0]!;
    // Freshly written blobs are spared by default (an ingest may still be on its way into a case).
    expect((await pipeline.collectGarbage(new Set([keep]))).removedImages).toBe(0);
    const report = await pipeline.collectGarbage(new Set([keep]), { minAgeMs: 0 });
    expect(report.removedImages).toBe(new Set(accepted).size - 1);
    expect((await pipeline.read({ sha256: keep, variant: 'thumbnail' }, allowAll)).bytes.length).toBeGreaterThan(0);
    await expect(pipeline.read({ sha256: accepted[1]!, variant: 'thumbnail' }, allowAll)).rejects.toMatchObject({ code: 'image_not_found' });
  });
});

describe('ingest', () => {
  it('refuses oversize input before it reaches a worker', async () => {
    const small = createImagePipeline({ blobDir: join(root, 'small'), keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 6)), limits: { maxBytes: 1000 } });
    await expect(small.ingest(corpusFile('quality/q-reference.jpg'))).rejects.toBeInstanceOf(DomainError);
    await expect(small.ingest(corpusFile('quality/q-reference.jpg'))).rejects.toMatchObject({ code: 'image_too_large' });
    await small.close();
  });

  it('is idempotent for the same bytes (content addressing)', async () => {
    const bytes = corpusFile('quality/gps-exif-orient6.jpg');
    const a = await pipeline.ingest(bytes);
    const b = await pipeline.ingest(bytes);
    expect(b).toEqual(a);
    expect(a.forensic.hasGps).toBe(true);
    expect(JSON.stringify(a)).not.toMatch(/GPS(Latitude|Longitude)/);
  });
});
