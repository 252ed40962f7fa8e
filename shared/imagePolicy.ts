// The one acceptance policy for applicants' document images, shared by the central service's intake
// (server/images.ts) and every workstation (electron/imaging): the same formats, sniffing, header verdict, pixel
// limits and decoder strictness on both sides, so a case never syncs with a document no workstation can show
// (acceptance.test.ts runs both on the whole corpus). Pure TypeScript: each side runs its own sharp decode with
// `imagePolicy` (shared/ may not import sharp). File names and declared MIME types are never consulted.
import { DomainError } from './errors';

/** Formats a workstation decodes. TIFF is there for scanners, HEIC for phones (decoded by libheif in WebAssembly). */
export const allowedFormats = ['jpeg', 'png', 'webp', 'avif', 'tiff', 'heic'] as const;
export type AllowedFormat = (typeof allowedFormats)[number];

export const contentTypes = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
  heic: 'image/heic',
} as const satisfies Record<AllowedFormat, string>;

/**
 * What the central service's intake takes: every allowed format but HEIC. The central service has no HEVC decoder
 * (prebuilt libvips lacks one; libheif's WebAssembly decode would hold its event loop for seconds per photo), and
 * a file intake has not decoded might be one no workstation can show. A reviewer may still import a HEIC locally.
 */
export const intakeFormats = ['jpeg', 'png', 'webp', 'tiff', 'avif'] as const satisfies readonly AllowedFormat[];
export type IntakeFormat = (typeof intakeFormats)[number];
export type IntakeMediaType = (typeof contentTypes)[IntakeFormat];
/** The media types a central document may carry (DocumentRef.mediaType). */
export const intakeMediaTypes = intakeFormats.map((f) => contentTypes[f]) as [IntakeMediaType, ...IntakeMediaType[]];

export const imagePolicy = {
  /** Largest pixel count, read from the header before any decoding: a 48 MP phone photo passes, a bomb does not. */
  maxPixels: 100_000_000,
  /** HEIC decodes in WebAssembly, whose memory only grows (~10 bytes a pixel while decoding); phones make 12–48 MP. */
  maxHeicPixels: 50_000_000,
  /**
   * sharp's `failOn` for every read of an applicant's image. 'warning' refuses what libjpeg only warns about:
   * corrupt entropy-coded data (bad Huffman codes, a scan cut short, stray markers), which a lenient decoder shows as
   * grey or smeared bands. Intake once used 'error' and let such files through to workstations that refused them.
   */
  failOn: 'warning',
  /**
   * The acceptance decode reads every pixel at full scale: JPEG shrink-on-load decodes a reduced image and can pass
   * damage that the 1:1 view (a full-scale decode) then trips over.
   */
  decodeAtFullScale: true,
} as const;

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

/** What sharp's `metadata()` reads from a header; the fields the verdict looks at. */
export interface ImageHeader {
  format?: string;
  compression?: string;
  width?: number;
  height?: number;
  pages?: number;
  delay?: number[];
}

const expectedLibvipsFormat: Record<AllowedFormat, { format: string; compression?: 'av1' | 'hevc' }> = {
  jpeg: { format: 'jpeg' },
  png: { format: 'png' },
  webp: { format: 'webp' },
  tiff: { format: 'tiff' },
  avif: { format: 'heif', compression: 'av1' },
  heic: { format: 'heif', compression: 'hevc' },
};

/** Whether `needle` (ASCII) occurs in the first `limit` bytes. */
function containsAscii(buf: Uint8Array, needle: string, limit: number): boolean {
  const end = Math.min(buf.length, limit) - needle.length;
  const first = needle.charCodeAt(0);
  for (let at = 0; at <= end; at++) {
    if (buf[at] !== first) continue;
    let i = 1;
    while (i < needle.length && buf[at + i] === needle.charCodeAt(i)) i++;
    if (i === needle.length) return true;
  }
  return false;
}

/** The codec of a HEIF file's image items, from the hvcC / av1C property boxes in its leading meta box. */
function heifCodecOf(buf: Uint8Array): 'hevc' | 'av1' | 'both' | null {
  const hevc = containsAscii(buf, 'hvcC', 512 * 1024);
  const av1 = containsAscii(buf, 'av1C', 512 * 1024);
  return hevc && av1 ? 'both' : hevc ? 'hevc' : av1 ? 'av1' : null;
}

/**
 * The verdict on a header before any pixel is decoded: the content is what the bytes announced, a real size within
 * the pixel limit, and one picture (no animation, no pages). Throws a DomainError with an image_* code.
 */
export function checkHeader(buf: Uint8Array, format: AllowedFormat, header: ImageHeader, maxPixels: number = imagePolicy.maxPixels): { width: number; height: number } {
  const expected = expectedLibvipsFormat[format];
  // libvips reports a HEIF file's compression from its brand; the codec configuration box says what it really holds.
  const mismatch =
    header.format !== expected.format || (expected.compression !== undefined && (header.compression !== expected.compression || heifCodecOf(buf) !== expected.compression));
  if (mismatch) {
    throw new DomainError('image_format_mismatch', 'The file’s contents do not match its image type. It may be damaged or disguised; ask the applicant to upload the photo again.');
  }
  const width = header.width ?? 0;
  const height = header.height ?? 0;
  if (!(width > 0 && height > 0)) throw new DomainError('image_corrupt', 'The image has no valid size. Ask the applicant to upload it again.');
  if (width * height > maxPixels) {
    throw new DomainError('image_pixel_limit', `The image is ${width}×${height} pixels, more than this workstation accepts (${Math.round(maxPixels / 1e6)} MP). Ask for a normal photo or scan.`);
  }
  const pages = header.pages ?? 1;
  if (format === 'webp' && (pages > 1 || header.delay !== undefined)) {
    throw new DomainError('image_animated', 'The file is an animation. Only still photos or scans of a document are accepted.');
  }
  if (format === 'tiff' && pages > 1) {
    throw new DomainError('image_multipage', `The TIFF holds ${pages} pages. Ask the applicant to upload each page of the document as its own image.`);
  }
  // HEIF containers (AVIF, HEIC) often hold several items (thumbnails, depth maps, bursts' extra shots): the
  // primary item is the photo, and it is what both decoders return, so their item count is no reason to refuse.
  return { width, height };
}
