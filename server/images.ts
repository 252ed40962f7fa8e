// Intake's check of a document image: the bytes must start like one of the accepted formats, and sharp
// must read them as that format, single-frame, within 100 megapixels. Anything else is refused.
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { DomainError } from '../shared/errors';
import type { DocumentRef } from '../shared/contract/central';

export type MediaType = DocumentRef['mediaType'];

export const maxInputPixels = 100_000_000;

function startsWith(bytes: Buffer, signature: readonly number[], offset = 0): boolean {
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** The format the first bytes announce, or null; HEIC is recognised to explain the refusal. */
export function sniffImage(bytes: Buffer): MediaType | 'heic' | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (bytes.toString('latin1', 4, 8) === 'ftyp') {
    const brand = bytes.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  return null;
}

const sharpFormats: Record<MediaType, readonly string[]> = {
  'image/jpeg': ['jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/tiff': ['tiff'],
  'image/avif': ['heif', 'avif'],
};

export interface CheckedImage {
  mediaType: MediaType;
  sha256: string;
  width: number;
  height: number;
}

/** Throws DomainError('invalid_image') naming `field`. */
export async function checkImage(bytes: Buffer, field: string): Promise<CheckedImage> {
  const sniffed = sniffImage(bytes);
  if (sniffed === 'heic') {
    throw new DomainError('invalid_image', `${field}: HEIC/HEIF photos are not accepted; send JPEG, PNG, WebP, TIFF or AVIF`);
  }
  if (sniffed === null) {
    throw new DomainError('invalid_image', `${field}: not a JPEG, PNG, WebP, TIFF or AVIF image`);
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' }).metadata();
  } catch {
    throw new DomainError('invalid_image', `${field}: the image cannot be read (damaged, or over ${maxInputPixels / 1e6} megapixels)`);
  }
  const { width, height, format, pages } = metadata;
  if (!width || !height || !format || !sharpFormats[sniffed].includes(format)) {
    throw new DomainError('invalid_image', `${field}: the content does not match its ${sniffed} signature`);
  }
  if (width * height > maxInputPixels) {
    throw new DomainError('invalid_image', `${field}: over ${maxInputPixels / 1e6} megapixels`);
  }
  if (pages !== undefined && pages > 1) {
    throw new DomainError('invalid_image', `${field}: animated or multi-page images are not accepted`);
  }
  // Decode fully once: a truncated file can have a valid header.
  try {
    await sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch {
    throw new DomainError('invalid_image', `${field}: the image is damaged or truncated`);
  }
  return { mediaType: sniffed, sha256: createHash('sha256').update(bytes).digest('hex'), width, height };
}
