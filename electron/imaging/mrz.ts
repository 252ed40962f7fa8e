// R11: reading a passport's machine-readable zone in the imaging process. sharp finds the band of two dense lines
// of monospace characters near the page's foot, crops it, straightens it (the projection profile is sharpest at
// the right angle) and thresholds it; tesseract.js reads it with trained data installed as a package and read
// from disk (no network: langPath is a folder, cacheMethod 'none'); the `mrz` package parses and checks the
// digits. The comparison with the entered data is electron/store/mrzCheck.ts (it needs the application, this does not).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse as parseMrz } from 'mrz';
import sharp, { type Region, type Sharp } from 'sharp';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import type { MrzBand, MrzField, MrzReading } from '../../shared/mrzReading';
import { mrzFieldNames } from '../../shared/mrzReading';
import type { ImageLimits } from './limits';
import { classifyDecodeError, inspectImage, uprightDecoder } from './process';

/** Long side of the grey copy the band is searched on (the band is then cut from a finer one). */
const SEARCH_WIDTH = 1000;
/** The finer copy the band is cut from: ~45 px per character line at a passport page's width. */
const READ_WIDTH = 2000;
/** Strokes a row across an MRZ line meets (44 characters). */
const MRZ_STROKES = { min: 30, max: 180 };
const ocrVariants = [
  { height: 80, threshold: false },
  { height: 110, threshold: true },
  { height: 100, threshold: false },
] as const;
const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

interface Grey {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Otsu's threshold of a grey image. */
export function otsu(grey: Grey): number {
  const histogram = new Array<number>(256).fill(0);
  for (const v of grey.data) histogram[v]!++;
  const total = grey.data.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * histogram[i]!;
  let sumBack = 0;
  let weightBack = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    weightBack += histogram[t]!;
    if (weightBack === 0) continue;
    const weightFore = total - weightBack;
    if (weightFore === 0) break;
    sumBack += t * histogram[t]!;
    const meanBack = sumBack / weightBack;
    const meanFore = (sum - sumBack) / weightFore;
    const between = weightBack * weightFore * (meanBack - meanFore) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

interface RowStats {
  /** Strokes the row crosses. */
  transitions: number;
  first: number;
  last: number;
}

/**
 * Calls `visit` with every dark run of a grey image that can be a stroke of print: not touching the left or right
 * edge (the desk or shadow around a photographed page) and at most a twentieth of the width long (a header bar, a
 * photo's dark area).
 */
function eachStroke(grey: Grey, threshold: number, visit: (y: number, start: number, end: number) => void): void {
  const longest = Math.max(4, grey.width * 0.05);
  for (let y = 0; y < grey.height; y++) {
    const offset = y * grey.width;
    let x = 0;
    while (x < grey.width) {
      if (grey.data[offset + x]! >= threshold) {
        x++;
        continue;
      }
      const start = x;
      while (x < grey.width && grey.data[offset + x]! < threshold) x++;
      if (start > 0 && x < grey.width && x - start <= longest) visit(y, start, x);
    }
  }
}

/** Per row, the strokes of print it crosses (eachStroke: not the desk around a photographed page, not a dark area). */
function rowStats(grey: Grey, threshold: number): RowStats[] {
  const rows: RowStats[] = Array.from({ length: grey.height }, () => ({ transitions: 0, first: -1, last: -1 }));
  eachStroke(grey, threshold, (y, start) => {
    const row = rows[y]!;
    row.transitions++;
    if (row.first < 0) row.first = start;
    row.last = start;
  });
  return rows;
}

/**
 * Where the MRZ is on a grey page, in its pixels: the group of rows dense with character strokes across most of
 * the width (an MRZ line has ~44 characters of 2–4 strokes each; labels and photos have far fewer), the densest
 * such group winning, the lower one on a tie (the MRZ is at the page's foot). Null when nothing looks like it.
 */
export function findBand(grey: Grey): MrzBand | null {
  const threshold = otsu(grey);
  const rows = rowStats(grey, threshold);
  const minTransitions = Math.max(20, grey.width * 0.04);
  const texty = rows.map((r) => r.transitions >= minTransitions && r.last - r.first >= grey.width * 0.45);
  interface Group {
    top: number;
    bottom: number;
    density: number;
    left: number;
    right: number;
    strokesPerRow: number;
  }
  // Runs of text rows (a stroke's gap of a row or two ignored), each with the extent of its strokes.
  const runs: { top: number; bottom: number; left: number; right: number }[] = [];
  for (let y = 0; y < grey.height; y++) {
    if (!texty[y]) continue;
    const row = rows[y]!;
    const previous = runs[runs.length - 1];
    if (previous && y - previous.bottom <= 3) {
      previous.bottom = y;
      previous.left = Math.min(previous.left, row.first);
      previous.right = Math.max(previous.right, row.last);
    } else runs.push({ top: y, bottom: y, left: row.first, right: row.last });
  }
  // Lines merged into groups when the gap between them is smaller than they are tall, or, for two lines that start
  // and end alike (the MRZ's lines are both 44 characters), up to four times: the MRZ's two lines become one group
  // at any scale and line spacing. A tilted line or one of fillers has fewer text rows than its characters are tall.
  const aligned = (a: { left: number; right: number }, b: { left: number; right: number }) =>
    Math.abs(a.left - b.left) <= grey.width * 0.03 && Math.abs(a.right - b.right) <= grey.width * 0.03;
  const merged: { top: number; bottom: number; tallest: number; left: number; right: number }[] = [];
  for (const run of runs) {
    const height = run.bottom - run.top + 1;
    const previous = merged[merged.length - 1];
    const gap = previous ? run.top - previous.bottom : Infinity;
    const tallest = Math.max(previous?.tallest ?? 0, height);
    if (previous && (gap <= 1.6 * tallest || (gap <= 4 * tallest && aligned(previous, run)))) {
      previous.bottom = run.bottom;
      previous.tallest = tallest;
      // The next line is compared with this one, the last of the group.
      previous.left = run.left;
      previous.right = run.right;
    } else merged.push({ ...run, tallest: height });
  }
  const groups: Group[] = merged.map(({ top, bottom }) => {
    let transitions = 0;
    let textRows = 0;
    let textTransitions = 0;
    let left = grey.width;
    let right = 0;
    for (let r = top; r <= bottom; r++) {
      const row = rows[r]!;
      transitions += row.transitions;
      if (texty[r]) {
        textRows++;
        textTransitions += row.transitions;
        left = Math.min(left, row.first);
        right = Math.max(right, row.last);
      }
    }
    return { top, bottom, density: transitions / (bottom - top + 1) / grey.width, left, right, strokesPerRow: textTransitions / Math.max(1, textRows) };
  });
  // An MRZ line is 44 characters whatever the scale: 1–3 strokes each, so a row across it meets ~35–150 strokes.
  // Two lines at least a few pixels tall, about 8–16 times as wide as tall.
  const candidates = groups.filter((g) => {
    const height = g.bottom - g.top + 1;
    const aspect = (g.right - g.left) / height;
    return height >= Math.max(6, grey.height * 0.015) && g.strokesPerRow >= MRZ_STROKES.min && g.strokesPerRow <= MRZ_STROKES.max && aspect >= 5 && aspect <= 30;
  });
  if (candidates.length === 0) return null;
  const best = candidates.reduce((a, b) => (b.density >= a.density * 0.9 ? b : a));
  const height = best.bottom - best.top + 1;
  const marginY = Math.round(height * 0.25);
  const marginX = Math.round(grey.width * 0.02);
  const x0 = Math.max(0, best.left - marginX);
  const y0 = Math.max(0, best.top - marginY);
  const x1 = Math.min(grey.width, best.right + marginX);
  const y1 = Math.min(grey.height, best.bottom + marginY);
  return { x: x0 / grey.width, y: y0 / grey.height, width: (x1 - x0) / grey.width, height: (y1 - y0) / grey.height };
}

async function greyOf(image: Sharp): Promise<Grey> {
  const { data, info } = await image.greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * The angle (degrees, for sharp's rotate: clockwise) that levels the text lines of a grey image, from −6° to 6° by
 * ¼°: every dark pixel of a stroke is projected onto rows along the slope tried, and the sharpest profile (sum of
 * squared row counts) wins. A page photographed askew must be levelled before its MRZ lines can be seen as rows;
 * the desk around it would otherwise pull the answer to level (its edges are the image's rows).
 */
export function skewAngle(grey: Grey, threshold: number): number {
  // At most ~60,000 dark pixels are projected (a sample of a very dark image).
  let dark = 0;
  eachStroke(grey, threshold, (_y, start, end) => (dark += end - start));
  const step = Math.max(1, Math.ceil(dark / 60_000));
  const xs: number[] = [];
  const ys: number[] = [];
  let seen = 0;
  eachStroke(grey, threshold, (y, start, end) => {
    for (let x = start; x < end; x++) {
      if (seen++ % step !== 0) continue;
      xs.push(x);
      ys.push(y);
    }
  });
  const reach = Math.ceil(grey.width * Math.tan((6 * Math.PI) / 180));
  const rows = new Int32Array(grey.height + 2 * reach + 2);
  let best = 0;
  let bestScore = -1;
  for (let quarter = -24; quarter <= 24; quarter++) {
    const slope = Math.tan(((quarter / 4) * Math.PI) / 180);
    rows.fill(0);
    for (let i = 0; i < xs.length; i++) rows[Math.round(ys[i]! - xs[i]! * slope) + reach]!++;
    let score = 0;
    for (const count of rows) score += count * count;
    // Level wins a tie: a blank image is not turned.
    if (score > bestScore || (score === bestScore && quarter === 0)) {
      bestScore = score;
      best = quarter / 4;
    }
  }
  return best === 0 ? 0 : -best;
}

/** A band on the turned page, expressed on the upright page (rotation of the page clockwise by `turn`). */
function unturn(band: MrzBand, turn: 0 | 90 | 180 | 270): MrzBand {
  const { x, y, width, height } = band;
  if (turn === 90) return { x: y, y: 1 - x - width, width: height, height: width };
  if (turn === 180) return { x: 1 - x - width, y: 1 - y - height, width, height };
  if (turn === 270) return { x: 1 - y - height, y: x, width: height, height: width };
  return band;
}

let ocr: Promise<Worker> | null = null;

/** Where the trained data is: the @tesseract.js-data/eng package's LSTM "best_int" model, gzipped. */
export function trainedDataPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

/** One OCR worker per imaging process, made on first use (~0.3 s) and kept: it is the process's, so a crash costs one job. */
function ocrWorker(): Promise<Worker> {
  ocr ??= (async () => {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath: trainedDataPath(), gzip: true, cacheMethod: 'none' }, {
      load_system_dawg: '0',
      load_freq_dawg: '0',
    });
    // The band carries no resolution; tesseract would warn on every read without one.
    await worker.setParameters({ user_defined_dpi: '300', tessedit_char_whitelist: CHARSET, tessedit_pageseg_mode: PSM.SINGLE_BLOCK, preserve_interword_spaces: '0' });
    return worker;
  })();
  ocr.catch(() => {
    ocr = null;
  });
  return ocr;
}

/** Resident memory the OCR worker's model and heap take once loaded (~80–90 MB measured): allowed above the recycle size. */
export const OCR_RSS_ALLOWANCE_BYTES = 128 * 2 ** 20;

/** Whether this process has made its OCR worker. */
export function ocrLoaded(): boolean {
  return ocr !== null;
}

export async function closeOcr(): Promise<void> {
  const worker = ocr;
  ocr = null;
  if (worker) await (await worker.catch(() => null))?.terminate();
}

/** The MRZ lines in OCR text: the last two lines of 30+ MRZ characters, each made 44 long (TD3). */
export function mrzLinesOf(text: string): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/[^A-Z0-9<]/g, ''))
    .filter((l) => l.length >= 30);
  const last = lines.slice(-2);
  return last.map((line, i) => (i === 0 ? nameLine(line) : line));
}

/**
 * Line 1 of a TD3 (P, type, issuer, then the names, then fillers to 44): names have at most `<<` inside, so from the
 * first `<<<` after the names on everything is filler, whatever the OCR saw in it (stains read as L or K).
 */
function nameLine(line: string): string {
  const end = line.indexOf('<<<', 5);
  return (end < 0 ? line : line.slice(0, end)).padEnd(44, '<').slice(0, 44);
}

const fieldOf = {
  surname: 'lastName',
  givenNames: 'firstName',
  documentNumber: 'documentNumber',
  nationality: 'nationality',
  birthDate: 'birthDate',
  sex: 'sex',
  expiryDate: 'expirationDate',
  issuingState: 'issuingState',
} as const;

/** Parses two TD3 lines and says, field by field, what was read and whether its own check (digit) held. */
export function readFields(lines: readonly string[]): Pick<MrzReading, 'fields' | 'valid'> | null {
  let parsed: ReturnType<typeof parseMrz>;
  try {
    parsed = parseMrz([...lines], { autocorrect: true });
  } catch {
    return null;
  }
  if (parsed.format !== 'TD3') return null;
  const detail = (name: string) => parsed.details.find((d) => d.field === name);
  const fields = {} as Record<(typeof mrzFieldNames)[number], MrzField>;
  for (const name of mrzFieldNames) {
    const own = detail(fieldOf[name]);
    const check = detail(`${fieldOf[name]}CheckDigit`);
    const raw = own?.ranges[0] ? lines[own.ranges[0].line]!.slice(own.ranges[0].start, own.ranges[0].end) : '';
    const ok = own?.valid === true && (check === undefined || check.valid);
    let value = ok ? String(own.value ?? '') : null;
    if (value !== null && name === 'sex') value = raw === '<' ? 'X' : raw;
    fields[name] = { value, raw: raw.slice(0, 44), checked: check !== undefined };
  }
  return { fields, valid: parsed.valid };
}

export interface MrzReadOptions {
  limits: ImageLimits;
}

/**
 * Reads the MRZ of one stored original. Never throws for what the picture is (no band, unreadable text, not a
 * passport at all): that is the answer's status. A picture the decoder refuses throws its image_* DomainError,
 * as deriving it would.
 */
export async function readMrz(input: Uint8Array, options: MrzReadOptions): Promise<MrzReading> {
  const started = performance.now();
  const inspected = await inspectImage(input, options.limits);
  let page: Buffer;
  try {
    const { decoder } = await uprightDecoder(input, inspected, options.limits);
    page = await decoder
      .timeout({ seconds: options.limits.decodeTimeoutSeconds })
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize({ width: READ_WIDTH, height: READ_WIDTH, fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 0 })
      .toBuffer();
  } catch (error) {
    throw classifyDecodeError(error);
  }
  const elapsed = () => Math.round(performance.now() - started);
  // A photo taken sideways or upside down: the page as it is first, then turned.
  const small = await sharp(page).resize({ width: SEARCH_WIDTH, height: SEARCH_WIDTH, fit: 'inside' }).median(3).png({ compressionLevel: 0 }).toBuffer();
  // A photo taken sideways or upside down: the page as it is first, then turned. The search runs on a small copy;
  // the page is turned only where a band was found.
  for (const turn of [0, 180, 90, 270] as const) {
    const smallTurned = turn === 0 ? small : await sharp(small).rotate(turn).png({ compressionLevel: 0 }).toBuffer();
    const grey = await greyOf(sharp(smallTurned));
    const skew = skewAngle(grey, otsu(grey));
    // The corners the rotation adds are black: background, like a desk reaching the edge (findBand ignores it).
    const search = skew === 0 ? grey : await greyOf(sharp(smallTurned).rotate(skew, { background: '#000000' }));
    const band = findBand(search);
    if (!band) continue;
    let turned = sharp(page);
    if (turn !== 0) turned = sharp(await turned.rotate(turn).png({ compressionLevel: 0 }).toBuffer());
    if (skew !== 0) turned = turned.rotate(skew, { background: '#ffffff' });
    const attempt = await readBand(await turned.png({ compressionLevel: 0 }).toBuffer(), band);
    if (attempt.fields || attempt.lines.length === 2 || turn === 270) return { ...attempt, band: unturn(band, turn), ms: elapsed() };
  }
  return { status: 'not_found', band: null, lines: [], fields: null, valid: false, ms: elapsed() };
}

/**
 * The rows of the straightened cut that carry the MRZ: the runs of inked rows overlapping its middle (the band
 * found on the page, `pad` being the share of the cut added above and below it), with a small margin.
 */
function tightCrop(grey: Grey, threshold: number, pad: number): Region {
  // Only strokes count: a desk or shadow reaching into the cut from its side inks every row.
  const dark = new Array<number>(grey.height).fill(0);
  eachStroke(grey, threshold, (y, start, end) => (dark[y]! += end - start));
  const inked = dark.map((n) => n >= grey.width * 0.01);
  const middleTop = grey.height * pad;
  const middleBottom = grey.height * (1 - pad);
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < grey.height; ) {
    if (!inked[y]) {
      y++;
      continue;
    }
    const start = y;
    while (y < grey.height && inked[y]) y++;
    if (y - 1 >= middleTop && start <= middleBottom) {
      if (top < 0) top = start;
      bottom = y - 1;
    }
  }
  if (top < 0) return { left: 0, top: 0, width: grey.width, height: grey.height };
  const margin = Math.round((bottom - top + 1) * 0.12);
  const y0 = Math.max(0, top - margin);
  const y1 = Math.min(grey.height, bottom + 1 + margin);
  return { left: 0, top: y0, width: grey.width, height: y1 - y0 };
}

async function readBand(turned: Buffer, band: MrzBand): Promise<Omit<MrzReading, 'band' | 'ms'>> {
  const meta = await sharp(turned).metadata();
  const W = meta.width!;
  const H = meta.height!;
  // Cut generously (a skewed band reaches past its box), straighten, then cut again tightly.
  const padY = band.height * 0.5;
  const region = {
    left: Math.max(0, Math.floor(band.x * W)),
    top: Math.max(0, Math.floor((band.y - padY) * H)),
    width: 0,
    height: 0,
  };
  region.width = Math.min(W - region.left, Math.ceil(band.width * W));
  region.height = Math.min(H - region.top, Math.ceil((band.height + 2 * padY) * H));
  const cut = await sharp(turned).extract(region).png({ compressionLevel: 0 }).toBuffer();
  const cutGrey = await greyOf(sharp(cut));
  const threshold = otsu(cutGrey);
  const angle = skewAngle(cutGrey, threshold);
  const level = angle === 0 ? cut : await sharp(cut).rotate(angle, { background: '#ffffff' }).png({ compressionLevel: 0 }).toBuffer();
  const levelGrey = await greyOf(sharp(level));
  const crop = tightCrop(levelGrey, threshold, padY / (band.height + 2 * padY));
  // Tesseract's LSTM reads best at ~20–30 px per character line; the band (two lines and its margins) is scaled to
  // that. A thresholded copy reads stains and faint print better, the grey one antialiased print: the first whose
  // every check digit holds wins, otherwise the one with the most fields read.
  let best: Omit<MrzReading, 'band' | 'ms'> = { status: 'unreadable', lines: [], fields: null, valid: false };
  let bestReadable = -1;
  for (const variant of ocrVariants) {
    const scaled = await sharp(level)
      .extract(crop)
      .resize({ height: variant.height, width: Math.round((crop.width * variant.height) / crop.height), kernel: 'lanczos3' })
      .normalise()
      .png({ compressionLevel: 0 })
      .toBuffer();
    const prepared = variant.threshold ? sharp(scaled).threshold(otsu(await greyOf(sharp(scaled)))) : sharp(scaled);
    const bandImage = await prepared.extend({ top: 16, bottom: 16, left: 16, right: 16, background: '#ffffff' }).png().toBuffer();
    const worker = await ocrWorker();
    const { data } = await worker.recognize(bandImage);
    const lines = mrzLinesOf(data.text);
    const read = lines.length === 2 ? readFields(lines) : null;
    const attempt: Omit<MrzReading, 'band' | 'ms'> = read ? { status: 'read', lines, ...read } : { status: 'unreadable', lines, fields: null, valid: false };
    if (attempt.valid) return attempt;
    const readable = read ? Object.values(read.fields ?? {}).filter((f) => f.value !== null).length : lines.length - 2;
    if (readable > bestReadable) {
      best = attempt;
      bestReadable = readable;
    }
  }
  return best;
}
