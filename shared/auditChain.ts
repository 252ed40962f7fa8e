// The audit hash chain's bytes, one definition for the workstation that writes the chain and the central service
// that verifies it: the same entry always encodes to the same text, and its hash is the SHA-256 of that text (UTF-8,
// lower-case hex). shared/ may not use node:crypto and WebCrypto's digest is async (an entry is appended inside a
// synchronous SQLite transaction), so each side digests these bytes with its own node:crypto; the agreement is tested
// (server/audit.test.ts verifies entries a real workstation store wrote).

/** The previous hash of a device's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always encodes to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What an entry's hash covers: every field but the hash itself, the previous entry's hash included. */
export interface ChainedFields {
  seq: number;
  /** The device clock, ms since the epoch. */
  at: number;
  action: string;
  applicationId: string | null;
  actorId: string | null;
  actorName: string | null;
  deviceId: string;
  online: boolean;
  /** The details as the canonical JSON text written with the entry (the hash covers this text, not a re-encoding). */
  details: string;
  prevHash: string;
}

/** An entry as it travels to the central service: its fields and the hash the device gave it. */
export interface ChainedEntry extends ChainedFields {
  hash: string;
}

/** The text whose SHA-256 is the entry's hash (`online` as 1/0, as the workstation's store has always hashed it). */
export function chainedBytes(entry: ChainedFields): string {
  return canonicalJson({
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    applicationId: entry.applicationId,
    actorId: entry.actorId,
    actorName: entry.actorName,
    deviceId: entry.deviceId,
    online: entry.online ? 1 : 0,
    details: entry.details,
    prevHash: entry.prevHash,
  });
}

/** Why an entry does not check out against the chain: the same words on the workstation and the central service. */
export const chainProblems = {
  gap: (from: number, to: number) => (from === to ? `entry ${from} is missing` : `entries ${from} to ${to} are missing`),
  brokenLink: 'its link to the previous entry does not match',
  hashMismatch: 'its content was changed after it was written',
} as const;
