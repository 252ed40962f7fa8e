// The bounds every ingest runs within; a caller may tighten or loosen them per pipeline (the defaults are the
// acceptance policy's, shared with the central service's intake).
import { imagePolicy } from '../../shared/imagePolicy';

export interface ImageLimits {
  /** Largest accepted original, in bytes (25 MB: a 48 MP phone JPEG is about 12 MB). */
  maxBytes: number;
  /** Largest accepted pixel count, read from the header before any decoding (100 MP). */
  maxPixels: number;
  /** HEIC decodes in WebAssembly, whose memory only grows; a phone's HEIC is 12–48 MP. */
  maxHeicPixels: number;
  /** libvips' own per-pipeline timeout, in seconds. */
  decodeTimeoutSeconds: number;
  /** Hard wall-clock bound of one image in a worker; past it the worker is terminated (ms). */
  jobTimeoutMs: number;
}

export const defaultImageLimits: ImageLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxPixels: imagePolicy.maxPixels,
  maxHeicPixels: imagePolicy.maxHeicPixels,
  decodeTimeoutSeconds: 10,
  jobTimeoutMs: 20_000,
};

/** Long side of the reviewer's preview: a third of a 12 MP phone photo's 4032 px side. */
export const PREVIEW_LONG_SIDE = 1344;
export const THUMBNAIL_LONG_SIDE = 320;

export function resolveLimits(partial?: Partial<ImageLimits>): ImageLimits {
  const limits = { ...defaultImageLimits, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`image limit ${name} must be a positive number`);
  }
  return limits;
}
