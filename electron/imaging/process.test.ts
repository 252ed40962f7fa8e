import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { defaultImageLimits, type ImageLimits } from './limits';
import { processImage, type ProcessedImage } from './process';
import { corpusFile } from '../../tests/support/imaging';

const run = (name: string, limits: ImageLimits = defaultImageLimits) => processImage(corpusFile(name), limits);

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof DomainError ? error.code : `crash: ${String(error)}`;
  }
}

/** A tiny grey thumbnail of a JPEG, to compare pictures while ignoring JPEG noise. */
async function signature(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg).resize(48, 48, { fit: 'fill' }).greyscale().raw().toBuffer();
}
const meanAbsDiff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

async function expectNoMetadata(jpeg: Buffer): Promise<void> {
  const meta = await sharp(jpeg).metadata();
  expect(meta.format).toBe('jpeg');
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect(meta.iptc).toBeUndefined();
  expect(meta.icc).toBeUndefined();
}

describe('EXIF orientation', () => {
  const sets = [
    { prefix: '', reference: 'Landscape_1.jpg', names: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Landscape_${n}.jpg`), upright: [600, 450] },
    { prefix: '', reference: 'Portrait_1.jpg', names: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Portrait_${n}.jpg`), upright: [450, 600] },
    { prefix: 'exif-orientation-examples/', reference: 'Landscape_1.jpg', names: [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Landscape_${n}.jpg`), upright: [1800, 1200] },
    { prefix: 'exif-orientation-examples/', reference: 'Portrait_1.jpg', names: [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Portrait_${n}.jpg`), upright: [1200, 1800] },
  ];
  for (const set of sets) {
    it(`turns ${set.prefix}${set.names[0]} … ${set.names.at(-1)} upright, pixel for pixel like the reference`, async () => {
      const reference = await run(set.prefix + set.reference);
      const refSig = await signature(reference.preview.bytes);
      // The same picture turned half a turn must be far off, or the comparison proves nothing.
      const wrongSig = await signature(await sharp(reference.preview.bytes).rotate(180).jpeg().toBuffer());
      expect(meanAbsDiff(refSig, wrongSig)).toBeGreaterThan(20);
      for (const name of set.names) {
        const out = await run(set.prefix + name);
        expect([out.width, out.height], name).toEqual(set.upright);
        expect([out.preview.width, out.preview.height], name).toEqual([reference.preview.width, reference.preview.height]);
        expect(meanAbsDiff(refSig, await signature(out.preview.bytes)), name).toBeLessThan(6);
      }
    });
  }
});

describe('normalisation', () => {
  it('strips every metadata block from preview and thumbnail', async () => {
    for (const name of ['Landscape_9.jpg', '320x240.jpg', 'concert.jpg', 'tifftag-photoshop.tiff', 'quality/gps-exif-orient6.jpg', 'heif/rainbow-451x461.heic', 'p3.png']) {
      const out = await run(name);
      await expectNoMetadata(out.preview.bytes);
      await expectNoMetadata(out.thumbnail.bytes);
      expect(out.preview.bytes.includes(Buffer.from('Exif'))).toBe(false);
    }
  });

  it('sizes previews to 1344 px and thumbnails to 320 px on the long side, never enlarging', async () => {
    const big = await run('gain-map.jpg');
    expect([big.width, big.height, big.preview.width, big.preview.height, big.thumbnail.width, big.thumbnail.height]).toEqual([3840, 2160, 1344, 756, 320, 180]);
    const small = await run('swiss.png');
    expect([small.preview.width, small.preview.height, small.thumbnail.width]).toEqual([68, 68, 68]);
  });

  it('converts through the embedded profile to sRGB (Display P3, CMYK)', async () => {
    const srgb = { r: 200, g: 100, b: 50 };
    const p3 = await sharp({ create: { width: 16, height: 16, channels: 3, background: srgb } }).withIccProfile('p3').png().toBuffer();
    const stored = await sharp(p3).keepIccProfile().raw().toBuffer();
    expect(Math.abs(stored[0]! - srgb.r)).toBeGreaterThan(5); // the file holds P3 numbers, not sRGB ones
    const out = await processImage(p3, defaultImageLimits);
    const px = await sharp(out.preview.bytes).raw().toBuffer();
    expect(Math.abs(px[0]! - srgb.r) + Math.abs(px[1]! - srgb.g) + Math.abs(px[2]! - srgb.b)).toBeLessThan(12);

    // FOGRA CMYK 0/100/100/0 is a print red: the preview must be red in sRGB, with three channels.
    const fogra = await run('fogra-0-100-100-0.tif');
    const { data, info } = await sharp(fogra.preview.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(data[0]!).toBeGreaterThan(180);
    expect(data[1]!).toBeLessThan(90);
    expect(data[2]!).toBeLessThan(90);
    for (const name of ['Channel_digital_image_CMYK_color.jpg', 'Channel_digital_image_CMYK_color_no_profile.jpg']) {
      expect((await sharp((await run(name)).preview.bytes).metadata()).space).toBe('srgb');
    }
  });

  it('flattens transparency onto white paper', async () => {
    const out = await run('full-transparent.png');
    const px = await sharp(out.preview.bytes).raw().toBuffer();
    expect(Math.min(...px.subarray(0, 300))).toBeGreaterThan(250);
  });

  it('decodes HEIC from phones through libheif (WebAssembly)', async () => {
    const out = await run('heif/example.heic');
    expect([out.format, out.width, out.height, out.preview.width, out.preview.height]).toEqual(['heic', 1280, 854, 1280, 854]);
    const { data } = await sharp(out.preview.bytes).raw().toBuffer({ resolveWithObject: true });
    const mean = data.reduce((s, v) => s + v, 0) / data.length;
    expect(mean).toBeGreaterThan(30); // a real picture, not a black or white frame
    expect(mean).toBeLessThan(225);
    const tight = { ...defaultImageLimits, maxHeicPixels: 1_000_000 };
    expect(await refusal(run('heif/example.heic', tight))).toBe('image_pixel_limit');
  });
});

describe('refusals at the header, before decoding', () => {
  it('refuses pixel bombs, oversize files, multi-page and animated files, mismatched formats', async () => {
    expect(await refusal(run('65536-uint32-limit.png'))).toBe('image_pixel_limit');
    expect(await refusal(run('giant-image.jpg'))).toBe('image_pixel_limit');
    expect(await refusal(run('quality/q-reference.jpg', { ...defaultImageLimits, maxPixels: 1_000_000 }))).toBe('image_pixel_limit');
    expect(await refusal(run('quality/q-reference.jpg', { ...defaultImageLimits, maxBytes: 100_000 }))).toBe('image_too_large');
    expect(await refusal(run('G31D_MULTI.TIF'))).toBe('image_multipage');
    expect(await refusal(run('big-height.webp'))).toBe('image_animated');
    expect(await refusal(run('rotating-squares.webp'))).toBe('image_animated');
    // AV1 content behind a HEIC brand: the sniffer and libvips disagree.
    const disguised = Buffer.from(corpusFile('heif/example.avif'));
    disguised.write('heic', 8, 'latin1');
    expect(await refusal(processImage(disguised, defaultImageLimits))).toBe('image_format_mismatch');
  });

  it('refuses truncated files on decode', async () => {
    expect(await refusal(run('truncated.jpg'))).toBe('image_corrupt');
    expect(await refusal(run('truncated.png'))).toBe('image_corrupt');
    expect(await refusal(run('corrupt-header.jpg'))).toBe('image_corrupt');
  });

  it('keeps the blocked loaders blocked even if the sniffer were bypassed', async () => {
    await run('swiss.png'); // configures sharp
    for (const name of ['rotating-squares.gif', 'check.svg', 'vfile.v']) {
      await expect(sharp(corpusFile(name)).metadata(), name).rejects.toThrow();
    }
  });
});

describe('forensic summary', () => {
  it('tells what the original carried, GPS only as a yes/no', async () => {
    const out: ProcessedImage = await run('quality/gps-exif-orient6.jpg');
    expect(out.forensic).toEqual({
      format: 'jpeg',
      width: 2000,
      height: 1633,
      hasExif: true,
      hasGps: true,
      hasXmp: false,
      hasIcc: true,
      cameraMake: 'Apple',
      cameraModel: 'iPhone 13',
      software: '17.1',
      capturedAt: '2024-05-01T10:11:12',
    });
    expect((await run('Landscape_9.jpg')).forensic).toMatchObject({ hasExif: true, hasXmp: true, hasIcc: true, cameraModel: 'Canon EOS 5D Mark III', software: expect.stringMatching(/Lightroom/) });
    expect((await run('320x240.jpg')).forensic.software).toMatch(/GIMP/);
    expect((await run('2569067123_aca715a2ee_o.jpg')).forensic).toMatchObject({ hasExif: false, hasGps: false, hasXmp: false, hasIcc: false, software: null });
  });
});
