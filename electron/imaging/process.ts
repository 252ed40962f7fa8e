// One image, start to end, inside a worker: sniff, header checks, one decode to an upright sRGB preview, the
// thumbnail and quality copy from that preview, and the forensic summary of the original. No file system here.
import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import type { ForensicSummary, QualitySignals } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import { readExif, readXmpHints } from './exif';
import { decodeHeic } from './heic';
import { PREVIEW_LONG_SIDE, THUMBNAIL_LONG_SIDE, type ImageLimits } from './limits';
import { judgeQuality, measureQuality, QUALITY_LONG_SIDE } from './quality';
import type { IngestResult } from './protocol';
import { checkHeader, imagePolicy, sniffFormat, type AllowedFormat } from '../../shared/imagePolicy';

/** The libvips loaders untrusted bytes may reach: buffer loaders of the allowed formats, nothing else. */
export const allowedLoaders = [
  'VipsForeignLoadJpegBuffer',
  'VipsForeignLoadPngBuffer',
  'VipsForeignLoadWebpBuffer',
  'VipsForeignLoadHeifBuffer',
  'VipsForeignLoadTiffBuffer',
] as const;

let configured = false;
/** Process-wide libvips settings (block lists are global to libvips, so this also guards the main thread). */
export function configureSharp(): void {
  if (configured) return;
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: [...allowedLoaders] });
  // Each image is decoded once; libvips' operation cache would only hold memory between images.
  sharp.cache(false);
  configured = true;
}

export interface DerivedImage {
  width: number;
  height: number;
  bytes: Buffer;
}

/** What the worker makes of one original: the ingest result, with the derived images' bytes. */
export type ProcessedImage = Omit<IngestResult, 'preview' | 'thumbnail'> & { preview: DerivedImage; thumbnail: DerivedImage };

/** Translates a libvips/sharp failure into a code; the raw message goes to the log, never to the reviewer. */
export function classifyDecodeError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new DomainError('image_pixel_limit', 'The image has more pixels than this workstation accepts. Ask the applicant for a normal photo or scan of the document.');
  }
  if (/timeout/i.test(message)) {
    return new DomainError('image_timeout', 'The image took too long to open and was stopped. Ask the applicant to upload it again, as a JPEG photo.');
  }
  if (/blocked|unsupported image format/i.test(message)) {
    return new DomainError('image_format_not_allowed', 'The file is not an accepted image format. Ask the applicant for a JPEG, PNG, WebP, AVIF or HEIC photo, or a TIFF scan.');
  }
  return new DomainError('image_corrupt', 'The image is damaged or incomplete and cannot be opened. Ask the applicant to upload it again.');
}

const inputOptions = (limits: ImageLimits): SharpOptions => ({
  failOn: imagePolicy.failOn,
  limitInputPixels: limits.maxPixels,
  sequentialRead: true,
});

async function readHeader(input: Uint8Array, format: AllowedFormat, limits: ImageLimits): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(input, inputOptions(limits)).metadata();
  } catch (error) {
    throw classifyDecodeError(error);
  }
  checkHeader(input, format, meta, limits.maxPixels);
  return meta;
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?$/;

function forensicSummary(input: Uint8Array, format: AllowedFormat, meta: Metadata): ForensicSummary {
  const exif = readExif(meta.exif);
  // A TIFF file is itself a TIFF directory: its Make/Model/Software tags sit in the file's first IFD.
  const own = format === 'tiff' ? readExif(input.subarray(0, Math.min(input.length, 8 * 1024 * 1024))) : null;
  const xmp = readXmpHints(meta.xmp);
  const capturedAt = exif.capturedAt ?? own?.capturedAt ?? null;
  return {
    format,
    width: meta.width ?? 1,
    height: meta.height ?? 1,
    hasExif: Boolean(meta.exif?.length) || Boolean(own?.hasExifIfd),
    hasGps: exif.hasGps || Boolean(own?.hasGps) || xmp.hasGps,
    hasXmp: Boolean(meta.xmp?.length),
    hasIcc: Boolean(meta.icc?.length),
    cameraMake: exif.make ?? own?.make ?? null,
    cameraModel: exif.model ?? own?.model ?? null,
    software: exif.software ?? own?.software ?? xmp.creatorTool,
    capturedAt: capturedAt && isoTime.test(capturedAt) ? capturedAt : null,
  };
}

/** What the header read tells of an original, without decoding a pixel (the admit step). */
export interface InspectedImage {
  sha256: string;
  format: AllowedFormat;
  meta: Metadata;
  forensic: ForensicSummary;
  /** Upright size from the EXIF orientation; null for HEIC, whose upright size only libheif's decode tells. */
  upright: { width: number; height: number } | null;
}

/**
 * Size cap, SHA-256, sniff, header checks and forensics: every refusal that needs no decode. With `expectedSha256`
 * (a download) the hash is checked first: bytes damaged on the way are `image_hash_mismatch`, fetched again, never
 * judged as the applicant's image.
 */
export async function inspectImage(input: Uint8Array, limits: ImageLimits, expectedSha256?: string): Promise<InspectedImage> {
  configureSharp();
  if (input.length > limits.maxBytes) {
    throw new DomainError('image_too_large', `The file is ${(input.length / 1048576).toFixed(1)} MB; at most ${Math.round(limits.maxBytes / 1048576)} MB is accepted. Ask the applicant for a smaller photo.`);
  }
  const sha256 = createHash('sha256').update(input).digest('hex');
  if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
    throw new DomainError('image_hash_mismatch', 'The image did not arrive as the central service sent it (its SHA-256 differs); it is downloaded again.');
  }
  const format = sniffFormat(input);
  const meta = await readHeader(input, format, limits);
  const forensic = forensicSummary(input, format, meta);
  let upright: InspectedImage['upright'] = null;
  if (format !== 'heic') {
    // EXIF orientations 1–8; anything else (0 included) is treated as 1 by libvips.
    const orientation = meta.orientation ?? 1;
    const swap = orientation >= 5 && orientation <= 8;
    upright = swap ? { width: meta.height!, height: meta.width! } : { width: meta.width!, height: meta.height! };
  }
  return { sha256, format, meta, forensic, upright };
}

/** What the decode makes of an inspected original: preview, thumbnail and the quality signals (the derive step). */
export interface RenderedImage {
  width: number;
  height: number;
  quality: QualitySignals;
  preview: DerivedImage;
  thumbnail: DerivedImage;
}

/**
 * The decoder of an inspected original, turned upright, reading every pixel at full scale (the policy's decode):
 * libheif for HEIC, sharp (with the policy's strictness) for the rest. Its output is then flattened onto white
 * paper and converted to sRGB through the embedded profile (CMYK, Display P3, 16-bit); no metadata block survives.
 */
export async function uprightDecoder(input: Uint8Array, inspected: InspectedImage, limits: ImageLimits): Promise<{ decoder: Sharp; upright: { width: number; height: number } }> {
  configureSharp();
  if (inspected.format === 'heic' || !inspected.upright) {
    // libheif returns the picture already rotated and mirrored as the file's irot/imir boxes say.
    const raw = await decodeHeic(input, Math.min(limits.maxHeicPixels, limits.maxPixels));
    const decoder = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels }, limitInputPixels: limits.maxPixels });
    return { decoder, upright: { width: raw.width, height: raw.height } };
  }
  const upright = inspected.upright;
  let decoder = sharp(input, inputOptions(limits)).rotate();
  // A pre-resize extract of the whole picture turns JPEG shrink-on-load off: the policy's decode is at full scale.
  if (imagePolicy.decodeAtFullScale) decoder = decoder.extract({ left: 0, top: 0, ...upright });
  return { decoder, upright };
}

export async function renderImage(input: Uint8Array, inspected: InspectedImage, limits: ImageLimits): Promise<RenderedImage> {
  const { meta } = inspected;
  const timeout = { seconds: limits.decodeTimeoutSeconds };
  const fit = { fit: 'inside', withoutEnlargement: true } as const;
  const { decoder, upright } = await uprightDecoder(input, inspected, limits);

  let preview: { data: Buffer; info: OutputInfo };
  try {
    // The one decode of a derivation: preview-sized pixels, from which the rest is made.
    preview = await decoder
      .timeout(timeout)
      .resize(PREVIEW_LONG_SIDE, PREVIEW_LONG_SIDE, fit)
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw classifyDecodeError(error);
  }
  const { width: pw, height: ph, channels } = preview.info;
  const fromPreview = () => sharp(preview.data, { raw: { width: pw, height: ph, channels } }).timeout(timeout);

  // Huffman optimisation would cost 3–5× the encode time for under 1 % smaller previews.
  const [previewJpeg, thumbnail, qualityCopy] = await Promise.all([
    fromPreview().jpeg({ quality: 85, optimiseCoding: false }).toBuffer({ resolveWithObject: true }),
    fromPreview().resize(THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE, fit).jpeg({ quality: 80, optimiseCoding: false }).toBuffer({ resolveWithObject: true }),
    Math.max(pw, ph) > QUALITY_LONG_SIDE
      ? fromPreview().resize(QUALITY_LONG_SIDE, QUALITY_LONG_SIDE, fit).raw().toBuffer({ resolveWithObject: true })
      : Promise.resolve(preview),
  ]).catch((error: unknown) => {
    throw classifyDecodeError(error);
  });

  const { width, height } = upright;
  const colourSource = (meta.channels ?? 3) >= 3 && meta.space !== 'b-w' && meta.space !== 'grey16';
  const stats = measureQuality({ data: qualityCopy.data, width: qualityCopy.info.width, height: qualityCopy.info.height, channels: qualityCopy.info.channels });

  return {
    width,
    height,
    quality: judgeQuality(stats, width, height, colourSource),
    preview: { width: previewJpeg.info.width, height: previewJpeg.info.height, bytes: previewJpeg.data },
    thumbnail: { width: thumbnail.info.width, height: thumbnail.info.height, bytes: thumbnail.data },
  };
}

/**
 * The full-resolution rendition the viewer shows at 1:1, never the applicant's bytes: decoded and encoded afresh
 * (upright, sRGB, flattened), so nothing that trails or hides in the original (an appended ZIP or HTML, metadata,
 * a second image) comes along. JPEG without chroma subsampling keeps small print sharp.
 */
export async function renderFull(input: Uint8Array, inspected: InspectedImage, limits: ImageLimits): Promise<DerivedImage> {
  const { decoder } = await uprightDecoder(input, inspected, limits);
  try {
    const { data, info } = await decoder
      .timeout({ seconds: limits.decodeTimeoutSeconds })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 90, chromaSubsampling: '4:4:4', optimiseCoding: false })
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, bytes: data };
  } catch (error) {
    throw classifyDecodeError(error);
  }
}

/** Validates and normalises one original (admit and derive at once). Throws DomainError with an image_* code on refusal. */
export async function processImage(input: Uint8Array, limits: ImageLimits): Promise<ProcessedImage> {
  const inspected = await inspectImage(input, limits);
  const rendered = await renderImage(input, inspected, limits);
  return { sha256: inspected.sha256, format: inspected.format, forensic: inspected.forensic, ...rendered };
}
