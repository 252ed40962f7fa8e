// R8 quality signals, computed on a small upright sRGB copy so they cost milliseconds and do not depend on
// the camera's resolution. Thresholds were calibrated on corpus/images/quality/ (see bench/imaging/README.md).
import type { QualitySignals } from '../../shared/domain';

/** Long side of the copy the signals are measured on. */
export const QUALITY_LONG_SIDE = 1024;

/** A document photo whose upright short side is below this is too small to read (ID-1 card at ~200 dpi ≈ 430 px high). */
export const MIN_SHORT_SIDE_PX = 720;
/** Or whose pixel count is below this. */
export const MIN_PIXELS = 600_000;
/**
 * Variance of the 4-neighbour Laplacian on the grey copy; below it the photo is blurry.
 * Calibrated on corpus/images/quality: sharp reference 370, 15 px motion blur 77, Gaussian σ4 6, washed-out scan 24.
 */
export const BLUR_VARIANCE_MIN = 150;
/** Grey levels at or below / at or above these count as clipped. */
export const DARK_LEVEL = 16;
export const BRIGHT_LEVEL = 245;
/** Share of clipped dark pixels past which the photo is under-exposed (calibrated: ×0.18 photo 0.62, normal ≤ 0.06). */
export const DARK_SHARE_MAX = 0.2;
/** Share of clipped bright pixels past which the photo is over-exposed (calibrated: ×2.2+40 photo 0.28, glare 0.02, normal ≤ 0.01). */
export const BRIGHT_SHARE_MAX = 0.15;
/**
 * Blown photos lose their blacks too; a scan of white paper keeps its black print (fax scans: 0.03–0.05 dark).
 * So over-exposure also needs the dark share below this, which keeps white-paper scans from being flagged.
 */
export const OVEREXPOSED_MAX_DARK_SHARE = 0.01;
/** A glare pixel is near-white in every channel with little colour. */
export const GLARE_MIN_CHANNEL = 235;
export const GLARE_MAX_CHROMA = 24;
/** Glare comes in blobs: connected regions at least this share of the image count. */
export const GLARE_MIN_BLOB_SHARE = 0.002;
/** Share of the image in glare blobs past which the glare flag is raised (calibrated: glare ellipse 0.021, photos ≤ 0.004). */
export const GLARE_SHARE_MAX = 0.01;

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB) */
  channels: number;
}

export interface QualityStats {
  blurVariance: number;
  darkShare: number;
  brightShare: number;
  glareShare: number;
}

export function measureQuality(img: RgbImage): QualityStats {
  const { data, width, height, channels } = img;
  const n = width * height;
  const grey = new Uint8Array(n);
  const glareMask = new Uint8Array(n);
  let dark = 0;
  let bright = 0;
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = data[p]!;
    const g = data[p + 1]!;
    const b = data[p + 2]!;
    // Rec. 601 luma in integer arithmetic (weights 77/150/29 of 256).
    const y = (r * 77 + g * 150 + b * 29 + 128) >> 8;
    grey[i] = y;
    if (y <= DARK_LEVEL) dark++;
    else if (y >= BRIGHT_LEVEL) bright++;
    if (r >= GLARE_MIN_CHANNEL && g >= GLARE_MIN_CHANNEL && b >= GLARE_MIN_CHANNEL) {
      const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
      const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
      if (hi - lo <= GLARE_MAX_CHROMA) glareMask[i] = 1;
    }
  }
  return {
    blurVariance: laplacianVariance(grey, width, height),
    darkShare: n ? dark / n : 0,
    brightShare: n ? bright / n : 0,
    glareShare: n ? blobShare(glareMask, width, height, Math.max(4, Math.round(n * GLARE_MIN_BLOB_SHARE))) : 0,
  };
}

function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = 1; y < height - 1; y++) {
    const end = y * width + width - 1;
    for (let i = y * width + 1; i < end; i++) {
      const v = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += v;
      sumSq += v * v;
    }
  }
  const count = (width - 2) * (height - 2);
  const mean = sum / count;
  return Math.max(0, sumSq / count - mean * mean);
}

/**
 * Share of the image covered by 4-connected regions of the mask no smaller than minArea pixels that do not touch
 * the border: glare sits on the document, while white paper, sky or background runs off the edge.
 */
function blobShare(mask: Uint8Array, width: number, height: number, minArea: number): number {
  const stack = new Int32Array(width * height);
  let covered = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1) continue;
    let top = 0;
    let area = 0;
    let touchesBorder = false;
    stack[top++] = start;
    mask[start] = 2;
    while (top > 0) {
      const i = stack[--top]!;
      area++;
      const x = i % width;
      if (x === 0 || x === width - 1 || i < width || i >= mask.length - width) touchesBorder = true;
      if (x > 0 && mask[i - 1] === 1) { mask[i - 1] = 2; stack[top++] = i - 1; }
      if (x < width - 1 && mask[i + 1] === 1) { mask[i + 1] = 2; stack[top++] = i + 1; }
      if (i >= width && mask[i - width] === 1) { mask[i - width] = 2; stack[top++] = i - width; }
      if (i + width < mask.length && mask[i + width] === 1) { mask[i + width] = 2; stack[top++] = i + width; }
    }
    if (area >= minArea && !touchesBorder) covered += area;
  }
  return covered / mask.length;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** The R8 verdicts from the stats and the upright size of the original. */
export function judgeQuality(stats: QualityStats, width: number, height: number, colourSource: boolean): QualitySignals {
  const overExposed = stats.brightShare > BRIGHT_SHARE_MAX && stats.darkShare < OVEREXPOSED_MAX_DARK_SHARE;
  // Glare is told from white print by its lack of colour; a grey or bilevel source has no colour to tell it by.
  const glareShare = colourSource ? stats.glareShare : 0;
  return {
    width,
    height,
    lowResolution: Math.min(width, height) < MIN_SHORT_SIDE_PX || width * height < MIN_PIXELS,
    blurVariance: round(stats.blurVariance, 2),
    blurry: stats.blurVariance < BLUR_VARIANCE_MIN,
    darkShare: round(stats.darkShare, 4),
    brightShare: round(stats.brightShare, 4),
    underExposed: stats.darkShare > DARK_SHARE_MAX,
    overExposed,
    glareShare: round(glareShare, 4),
    // Blown highlights everywhere are over-exposure, not glare; glare is a bright blob on an otherwise fine photo.
    glare: !overExposed && glareShare > GLARE_SHARE_MAX,
  };
}
