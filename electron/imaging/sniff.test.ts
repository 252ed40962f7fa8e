// The sniff of shared/imagePolicy.ts, tested here: the samples are made with sharp and read from the corpus.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { sniffFormat } from '../../shared/imagePolicy';
import { corpusFile } from '../../tests/support/imaging';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
  return 'accepted';
};

const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + compatible.length * 4;
  const box = Buffer.alloc(size + 16);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + i * 4, 'latin1'));
  return box;
};

describe('sniffFormat', () => {
  it('recognises the allowed formats by their bytes', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } });
    expect(sniffFormat(await img.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffFormat(await img.clone().png().toBuffer())).toBe('png');
    expect(sniffFormat(await img.clone().webp().toBuffer())).toBe('webp');
    expect(sniffFormat(await img.clone().tiff().toBuffer())).toBe('tiff');
    expect(sniffFormat(await img.clone().avif().toBuffer())).toBe('avif');
    expect(sniffFormat(corpusFile('heif/example.heic'))).toBe('heic');
    expect(sniffFormat(ftyp('mif1', 'mif1', 'heic'))).toBe('heic');
    expect(sniffFormat(ftyp('mif1', 'avif', 'mif1'))).toBe('avif');
  });

  it('refuses what is not on the allow-list, with a code', () => {
    for (const name of ['check.svg', 'struct-image-04-t.svg', 'rotating-squares.gif', 'relax.jp2', 'vfile.v']) {
      expect(codeOf(() => sniffFormat(corpusFile(name))), name).toBe('image_format_not_allowed');
    }
    expect(codeOf(() => sniffFormat(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))), 'pdf').toBe('image_format_not_allowed');
    expect(codeOf(() => sniffFormat(Buffer.from('\uFEFF  \n<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'))), 'svg with BOM').toBe('image_format_not_allowed');
    expect(codeOf(() => sniffFormat(Buffer.from('BM' + '\0'.repeat(40)))), 'bmp').toBe('image_format_not_allowed');
    expect(codeOf(() => sniffFormat(Buffer.alloc(64, 0x41))), 'text').toBe('image_format_not_allowed');
    expect(codeOf(() => sniffFormat(Buffer.from([0xff, 0xd8]))), 'too short').toBe('image_corrupt');
    expect(codeOf(() => sniffFormat(ftyp('mif1', 'mif1'))), 'unknown heif brand').toBe('image_format_not_allowed');
  });

  it('refuses image sequences and animated PNG before any decoder runs', async () => {
    expect(codeOf(() => sniffFormat(ftyp('avis', 'avif')))).toBe('image_animated');
    expect(codeOf(() => sniffFormat(ftyp('msf1', 'heic')))).toBe('image_animated');
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    // Insert an acTL chunk after IHDR (8-byte signature + 25-byte IHDR chunk); the CRC is not checked by the sniffer.
    const actl = Buffer.alloc(20);
    actl.writeUInt32BE(8, 0);
    actl.write('acTL', 4, 'latin1');
    const apng = Buffer.concat([png.subarray(0, 33), actl, png.subarray(33)]);
    expect(codeOf(() => sniffFormat(apng))).toBe('image_animated');
  });

  it('ignores names and declared types: only the bytes count', () => {
    // A JPEG named .png and an SVG named .jpg are judged by content; the API takes no name at all.
    expect(sniffFormat(corpusFile('320x240.jpg'))).toBe('jpeg');
    expect(codeOf(() => sniffFormat(corpusFile('check.svg')))).toBe('image_format_not_allowed');
  });
});
