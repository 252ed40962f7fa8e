// Decide a file's format from its first bytes only; file names and declared MIME types are never consulted.
import { DomainError } from '../../shared/errors';

/** Formats the pipeline accepts. TIFF is there for scanners, HEIC for phones (decoded by libheif in WebAssembly). */
export const allowedFormats = ['jpeg', 'png', 'webp', 'avif', 'tiff', 'heic'] as const;
export type AllowedFormat = (typeof allowedFormats)[number];

export const contentTypes: Record<AllowedFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
  heic: 'image/heic',
};

const ascii = (buf: Uint8Array, start: number, end: number): string => String.fromCharCode(...buf.subarray(start, end));
const startsWith = (buf: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  buf.length >= at + bytes.length && bytes.every((b, i) => buf[at + i] === b);

/** Recognised but refused formats, each with the name a reviewer knows it by. */
function refusedKind(buf: Uint8Array): string | null {
  if (ascii(buf, 0, 4) === 'GIF8') return 'GIF';
  if (ascii(buf, 0, 5) === '%PDF-') return 'PDF';
  if (startsWith(buf, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(buf, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG 2000';
  if (startsWith(buf, [0xff, 0x0a]) || startsWith(buf, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'JPEG XL';
  if (startsWith(buf, [0x08, 0xf2, 0xa6, 0xb6]) || startsWith(buf, [0xb6, 0xa6, 0xf2, 0x08])) return 'libvips native';
  if (ascii(buf, 0, 2) === 'BM') return 'BMP';
  if (ascii(buf, 0, 4) === '8BPS') return 'Photoshop';
  if (startsWith(buf, [0x49, 0x49, 0x2b, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2b])) return 'BigTIFF';
  // SVG and other XML: text that opens with '<' after an optional byte-order mark and white space.
  const head = new TextDecoder('utf-8', { fatal: false }).decode(buf.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return /<svg[\s>]/i.test(head) || /<!DOCTYPE\s+svg/i.test(head) ? 'SVG' : 'XML or HTML';
  return null;
}

/** ISO-BMFF (HEIF family): the brands of the leading ftyp box say AVIF or HEIC. */
function isoBrand(buf: Uint8Array): AllowedFormat | 'avif_sequence' | 'heic_sequence' | null {
  if (buf.length < 16 || ascii(buf, 4, 8) !== 'ftyp') return null;
  const size = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0);
  if (size < 16 || size > 4096 || size > buf.length) return null;
  const brands = [ascii(buf, 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(buf, at, at + 4));
  const major = brands[0];
  if (major === 'avis') return 'avif_sequence';
  if (major === 'hevc' || major === 'hevx' || major === 'msf1') return 'heic_sequence';
  if (major === 'avif') return 'avif';
  if (major === 'heic' || major === 'heix' || major === 'heim' || major === 'heis') return 'heic';
  if (major === 'mif1' || major === 'mif2') {
    if (brands.includes('avif')) return 'avif';
    if (brands.some((b) => b === 'heic' || b === 'heix' || b === 'heim' || b === 'heis')) return 'heic';
  }
  return null;
}

/** PNG with an acTL chunk before the first IDAT is an animated PNG; the first frame alone would mislead a reviewer. */
function isAnimatedPng(buf: Uint8Array): boolean {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 8;
  for (let chunks = 0; at + 8 <= buf.length && chunks < 1000; chunks++) {
    const length = view.getUint32(at);
    const type = ascii(buf, at + 4, at + 8);
    if (type === 'acTL') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    at += 12 + length;
  }
  return false;
}

/** The allowed format of `buf`, or a DomainError naming why it is refused. */
export function sniffFormat(buf: Uint8Array): AllowedFormat {
  if (buf.length < 12) throw new DomainError('image_corrupt', 'The file is too short to be an image. Ask the applicant to upload the photo again.');
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    if (isAnimatedPng(buf)) throw new DomainError('image_animated', 'The file is an animated PNG. Only still photos or scans of a document are accepted.');
    return 'png';
  }
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return 'webp';
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  const iso = isoBrand(buf);
  if (iso === 'avif_sequence' || iso === 'heic_sequence') {
    throw new DomainError('image_animated', 'The file is an image sequence (animation or live photo). Only a still photo of the document is accepted.');
  }
  if (iso) return iso;
  const kind = refusedKind(buf);
  throw new DomainError(
    'image_format_not_allowed',
    kind
      ? `${kind} files are not accepted. Ask the applicant for a JPEG, PNG, WebP, AVIF or HEIC photo, or a TIFF scan.`
      : 'The file is not a recognised image format. Ask the applicant for a JPEG, PNG, WebP, AVIF or HEIC photo, or a TIFF scan.',
  );
}
