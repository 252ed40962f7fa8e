// Test support: valid-looking specimen document numbers (R9 passes them), distinct per tag, never a real person's
// in intent: Beijing region codes, birth dates and sequence numbers derived from a hash of the tag.
import { createHash } from 'node:crypto';
import { withMod11_2Check } from '../../shared/documentNumbers';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An 18-digit resident ID number with a valid check character, the same for the same tag. */
export function specimenIdNumber(tag: string): string {
  const h = createHash('sha256').update(tag).digest();
  const born = new Date(Date.UTC(1950, 0, 1) + (h.readUInt32BE(0) % 18_000) * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
  const area = String(h.readUInt16BE(4) % 100).padStart(2, '0');
  const sequence = String(h.readUInt16BE(6) % 1000).padStart(3, '0');
  return withMod11_2Check(`1101${area}${born}${sequence}`);
}
