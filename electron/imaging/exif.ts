// A minimal, bounds-checked reader of the few EXIF/TIFF tags forensics needs. GPS values are never read,
// only whether a GPS directory with entries exists.
import { toLineText } from '../../shared/text';

export interface ExifFacts {
  make: string | null;
  model: string | null;
  software: string | null;
  /** 'YYYY-MM-DDTHH:MM:SS' plus the offset when the file states one; camera-local time otherwise. */
  capturedAt: string | null;
  orientation: number | null;
  hasGps: boolean;
  /** An EXIF sub-directory (0x8769) was present; for a TIFF file that is what "has EXIF" means. */
  hasExifIfd: boolean;
}

const TAG = {
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  software: 0x0131,
  dateTime: 0x0132,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
} as const;


const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
const MAX_ENTRIES = 512;

interface Entry {
  type: number;
  count: number;
  /** Offset of the value bytes within the TIFF block. */
  valueAt: number;
}

class TiffReader {
  private readonly view: DataView;
  private readonly little: boolean;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
    if (order !== 'II' && order !== 'MM') throw new RangeError('not a TIFF block');
    this.little = order === 'II';
    if (this.u16(2) !== 42) throw new RangeError('not a classic TIFF block');
  }
  u16(at: number): number {
    if (at < 0 || at + 2 > this.bytes.length) throw new RangeError('out of bounds');
    return this.view.getUint16(at, this.little);
  }
  u32(at: number): number {
    if (at < 0 || at + 4 > this.bytes.length) throw new RangeError('out of bounds');
    return this.view.getUint32(at, this.little);
  }
  firstIfd(): number {
    return this.u32(4);
  }
  entries(ifdAt: number): Map<number, Entry> {
    const out = new Map<number, Entry>();
    const count = this.u16(ifdAt);
    if (count > MAX_ENTRIES) throw new RangeError('implausible directory');
    for (let i = 0; i < count; i++) {
      const at = ifdAt + 2 + i * 12;
      const tag = this.u16(at);
      const type = this.u16(at + 2);
      const n = this.u32(at + 4);
      const size = (TYPE_SIZES[type] ?? 0) * n;
      if (size === 0) continue;
      const valueAt = size <= 4 ? at + 8 : this.u32(at + 8);
      if (valueAt + size > this.bytes.length) continue;
      out.set(tag, { type, count: n, valueAt });
    }
    return out;
  }
  ascii(entry: Entry | undefined, max: number): string | null {
    if (!entry || entry.type !== 2) return null;
    const raw = this.bytes.subarray(entry.valueAt, entry.valueAt + Math.min(entry.count, 1024));
    const text = new TextDecoder('utf-8', { fatal: false })
      .decode(raw)
      .replace(/\0[\s\S]*$/, '');
    // Control characters never belong in these tags; dropping them keeps anything odd off the reviewer's screen.
    const clean = toLineText(text, max);
    return clean || null;
  }
  short(entry: Entry | undefined): number | null {
    if (!entry || entry.type !== 3) return null;
    return this.u16(entry.valueAt);
  }
  offset(entry: Entry | undefined): number | null {
    if (!entry || (entry.type !== 4 && entry.type !== 13)) return null;
    return this.u32(entry.valueAt);
  }
}

function toIsoLocal(exifTime: string | null, offset: string | null): string | null {
  const m = exifTime?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  if (y === '0000') return null;
  const tz = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${tz}`;
}

const empty: ExifFacts = { make: null, model: null, software: null, capturedAt: null, orientation: null, hasGps: false, hasExifIfd: false };

/**
 * Reads a TIFF-structured block: sharp's `metadata().exif` (which starts with "Exif\0\0") or a whole TIFF file.
 * Damaged or hostile blocks yield what could be read so far, never an exception.
 */
export function readExif(block: Uint8Array | undefined): ExifFacts {
  if (!block || block.length < 8) return { ...empty };
  const bytes = String.fromCharCode(...block.subarray(0, 6)) === 'Exif\0\0' ? block.subarray(6) : block;
  const facts: ExifFacts = { ...empty };
  let reader: TiffReader;
  try {
    reader = new TiffReader(bytes);
  } catch {
    return facts;
  }
  try {
    const ifd0 = reader.entries(reader.firstIfd());
    facts.make = reader.ascii(ifd0.get(TAG.make), 100);
    facts.model = reader.ascii(ifd0.get(TAG.model), 100);
    facts.software = reader.ascii(ifd0.get(TAG.software), 200);
    facts.orientation = reader.short(ifd0.get(TAG.orientation));
    let when = reader.ascii(ifd0.get(TAG.dateTime), 40);
    let offset: string | null = null;
    const gpsAt = reader.offset(ifd0.get(TAG.gpsIfd));
    if (gpsAt !== null && gpsAt > 0) {
      try {
        facts.hasGps = reader.entries(gpsAt).size > 0;
      } catch {
        facts.hasGps = true; // a pointer to a GPS directory is itself the fact worth knowing
      }
    }
    const exifAt = reader.offset(ifd0.get(TAG.exifIfd));
    if (exifAt !== null && exifAt > 0) {
      facts.hasExifIfd = true;
      try {
        const exif = reader.entries(exifAt);
        when = reader.ascii(exif.get(TAG.dateTimeOriginal), 40) ?? when;
        offset = reader.ascii(exif.get(TAG.offsetTimeOriginal), 10);
      } catch {
        // keep what IFD0 gave
      }
    }
    facts.capturedAt = toIsoLocal(when, offset);
  } catch {
    // a truncated directory: keep what was read
  }
  return facts;
}

/** XMP is text; these are the tags that carry GPS coordinates or the editing tool. */
export function readXmpHints(xmp: Uint8Array | undefined): { hasGps: boolean; creatorTool: string | null } {
  if (!xmp || xmp.length === 0) return { hasGps: false, creatorTool: null };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(xmp.subarray(0, 256 * 1024));
  const hasGps = /exif:GPS(Latitude|Longitude)/.test(text);
  const tool = text.match(/xmp:CreatorTool(?:="([^"]{1,200})"|>([^<]{1,200})<)/);
  const creatorTool = toLineText(tool?.[1] ?? tool?.[2] ?? '', 200);
  return { hasGps, creatorTool: creatorTool || null };
}
