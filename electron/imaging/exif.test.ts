import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readExif, readXmpHints } from './exif';
import { corpusFile } from '../../tests/support/imaging';

describe('readExif', () => {
  it('reads make, model, software and capture time, and only the presence of GPS', async () => {
    const meta = await sharp(corpusFile('quality/gps-exif-orient6.jpg')).metadata();
    const facts = readExif(meta.exif);
    expect(facts).toMatchObject({ make: 'Apple', model: 'iPhone 13', orientation: 6, hasGps: true, capturedAt: '2024-05-01T10:11:12' });
    expect(JSON.stringify(facts)).not.toMatch(/GPSLat|\d+\.\d{4,}/);
  });

  it('reads tags written by sharp, in either byte order of a TIFF', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .withExif({ IFD0: { Make: 'ACME', Model: 'Phone 1', Software: 'Adobe Photoshop 25.0' }, IFD2: { DateTimeOriginal: '2025:01:31 23:59:58', OffsetTimeOriginal: '+08:00' } })
      .jpeg()
      .toBuffer();
    const facts = readExif((await sharp(jpeg).metadata()).exif);
    expect(facts).toMatchObject({ make: 'ACME', model: 'Phone 1', software: 'Adobe Photoshop 25.0', capturedAt: '2025-01-31T23:59:58+08:00', hasGps: false });
    const tiff = readExif(corpusFile('tifftag-photoshop.tiff'));
    expect(tiff.software).toMatch(/Photoshop/);
  });

  it('survives damaged and hostile blocks without throwing', async () => {
    const good = (await sharp(corpusFile('quality/gps-exif-orient6.jpg')).metadata()).exif!;
    // Deterministic fuzz: truncations and byte flips of a real block.
    for (let cut = 0; cut < good.length; cut += 7) expect(() => readExif(good.subarray(0, cut))).not.toThrow();
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let round = 0; round < 300; round++) {
      const copy = Buffer.from(good);
      for (let k = 0; k < 8; k++) copy[next() % copy.length] = next() & 0xff;
      expect(() => readExif(copy)).not.toThrow();
    }
    // A directory pointing at itself, and a count of 65535 entries.
    const loop = Buffer.from('Exif\0\0II*\0\x08\0\0\0\xff\xff', 'latin1');
    expect(readExif(loop).make).toBeNull();
    expect(readExif(Buffer.from('not exif at all'))).toMatchObject({ make: null, hasGps: false });
  });

  it('finds GPS and the editing tool in XMP', () => {
    const xmp = Buffer.from('<x:xmpmeta><rdf:Description xmp:CreatorTool="GIMP 2.10" exif:GPSLatitude="31,14.2N"/></x:xmpmeta>');
    expect(readXmpHints(xmp)).toEqual({ hasGps: true, creatorTool: 'GIMP 2.10' });
    expect(readXmpHints(undefined)).toEqual({ hasGps: false, creatorTool: null });
  });
});
