// Intake's check of a document image, by the acceptance policy every workstation follows (shared/imagePolicy.ts):
// the same sniff, header verdict, pixel limit and decoder strictness, and a full-scale decode as a workstation's,
// so the central service never accepts a document a workstation cannot show. Anything else is refused.
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { DomainError } from '../shared/errors';
import { checkHeader, contentTypes, imagePolicy, intakeFormats, sniffFormat, type AllowedFormat, type IntakeFormat, type IntakeMediaType } from '../shared/imagePolicy';

export type MediaType = IntakeMediaType;

const accepted = 'JPEG, PNG, WebP, TIFF or AVIF';

/** Intake's wording of a policy refusal: the caller is the intake system, and it must name the document. */
function refusal(field: string, code: string, format: AllowedFormat | null): DomainError {
  const reason: Record<string, string> = {
    image_format_not_allowed: `not a ${accepted} image`,
    image_animated: 'animated or multi-page images are not accepted',
    image_multipage: 'animated or multi-page images are not accepted',
    image_pixel_limit: `over ${imagePolicy.maxPixels / 1e6} megapixels`,
    image_format_mismatch: `the content does not match its ${format ?? 'image'} signature`,
  };
  return new DomainError('invalid_image', `${field}: ${reason[code] ?? 'the image is damaged or truncated'}`);
}

const isIntakeFormat = (format: AllowedFormat): format is IntakeFormat => (intakeFormats as readonly string[]).includes(format);

const input = { failOn: imagePolicy.failOn, limitInputPixels: imagePolicy.maxPixels, sequentialRead: true } as const;

export interface CheckedImage {
  mediaType: MediaType;
  sha256: string;
  width: number;
  height: number;
}

/** Throws DomainError('invalid_image') naming `field`. */
export async function checkImage(bytes: Buffer, field: string): Promise<CheckedImage> {
  let format: AllowedFormat;
  try {
    format = sniffFormat(bytes);
  } catch (error) {
    throw refusal(field, error instanceof DomainError ? error.code : 'image_corrupt', null);
  }
  if (!isIntakeFormat(format)) {
    throw new DomainError('invalid_image', `${field}: HEIC/HEIF photos are not accepted; send ${accepted}`);
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, input).metadata();
  } catch {
    throw new DomainError('invalid_image', `${field}: the image cannot be read (damaged, or over ${imagePolicy.maxPixels / 1e6} megapixels)`);
  }
  let size: { width: number; height: number };
  try {
    size = checkHeader(bytes, format, metadata);
  } catch (error) {
    throw refusal(field, error instanceof DomainError ? error.code : 'image_corrupt', format);
  }
  // Decode every pixel once, as a workstation does for its preview and 1:1 view (orient, sRGB through the embedded
  // profile, flatten): a truncated file can have a valid header, and damaged scan data only shows in the decode.
  try {
    let decoder = sharp(bytes, input);
    // A pre-resize extract of the whole picture turns JPEG shrink-on-load off.
    if (imagePolicy.decodeAtFullScale) decoder = decoder.extract({ left: 0, top: 0, ...size });
    await decoder.rotate().resize(64, 64, { fit: 'inside' }).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer();
  } catch {
    throw new DomainError('invalid_image', `${field}: the image is damaged or truncated`);
  }
  return { mediaType: contentTypes[format], sha256: createHash('sha256').update(bytes).digest('hex'), ...size };
}
