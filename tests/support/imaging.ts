// Shared by the imaging tests (and sync's, for damaged photos): where the corpus lives, how to read its manifest,
// and JPEGs damaged the way a lenient decoder lets through.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../shared/errors';
import { seededRandom } from '../../shared/prng';

/** The corpus sits beside the repository (../shared/corpus/images from the repo root); it is never copied in. */
export const corpusDir = fileURLToPath(new URL('../../../shared/corpus/images/', import.meta.url));

export interface ManifestRow {
  file: string;
  bytes: number;
  what: string;
  expected: string;
}

export function readManifest(): ManifestRow[] {
  return readFileSync(corpusDir + 'MANIFEST.tsv', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file = '', bytes = '0', what = '', expected = ''] = line.split('\t');
      return { file, bytes: Number(bytes), what, expected };
    });
}

export const corpusFile = (name: string): Buffer => readFileSync(corpusDir + name);

/** Where the first scan's entropy-coded data begins: just after the SOS segment's header. */
function scanStart(jpeg: Buffer): number {
  for (let at = 2; at + 4 <= jpeg.length; ) {
    if (jpeg[at] !== 0xff) throw new Error(`not a JPEG marker at ${at}`);
    const length = jpeg.readUInt16BE(at + 2);
    if (jpeg[at + 1] === 0xda) return at + 2 + length;
    at += 2 + length;
  }
  throw new Error('no SOS marker');
}

/**
 * Damage to the entropy-coded data of a real JPEG, headers and markers intact: the kind of file libjpeg decodes
 * with a "Corrupt JPEG data" warning (bad Huffman code, premature end of data segment) instead of an error.
 */
export const entropyDamage = {
  'a zeroed run': (jpeg) => {
    const out = Buffer.from(jpeg);
    const at = scanStart(out) + Math.floor((out.length - scanStart(out)) / 3);
    return out.fill(0, at, at + 4096);
  },
  'random bytes': (jpeg) => {
    const out = Buffer.from(jpeg);
    const random = seededRandom(7);
    const at = scanStart(out) + Math.floor((out.length - scanStart(out)) / 2);
    // 0xFF would start a marker; the damage stays inside the entropy-coded segment.
    for (let i = at; i < at + 512; i++) out[i] = Math.floor(random() * 255);
    return out;
  },
  'a stray restart marker': (jpeg) => {
    const out = Buffer.from(jpeg);
    let at = scanStart(out) + Math.floor((out.length - scanStart(out)) / 2);
    while (out[at - 1] === 0xff || out[at] === 0xff || out[at + 1] === 0xff) at++;
    out[at] = 0xff;
    out[at + 1] = 0xd3;
    return out;
  },
  'scan data cut short before a proper EOI': (jpeg) => Buffer.concat([jpeg.subarray(0, jpeg.length - 5000), Buffer.from([0xff, 0xd9])]),
} satisfies Record<string, (jpeg: Buffer) => Buffer>;

/** A /proc stat line's fields from the 3rd (the state) on: they follow the command name's closing parenthesis. */
export const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** The niceness of every thread of a process (Linux: the 19th field of each thread's stat); `self` for this one. */
export const threadNiceness = (pid: number | string): number[] =>
  readdirSync(`/proc/${pid}/task`).map((thread) => Number(statFields(readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8'))[16]));

/** The DomainError code a promise fails with, 'ok' when it succeeds, or 'crash: …' for any other error. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : `crash: ${String(error)}`;
  }
}

/** VmRSS of a process in bytes, or null if it has gone. */
function vmRss(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/**
 * Resident memory of this process plus every process it started (the imaging processes), summed, and how many
 * of those there were, from Linux /proc; null where there is no /proc (macOS, Windows).
 */
export function processTreeRss(root = process.pid): { bytes: number; descendants: number } | null {
  if (!existsSync(`/proc/${root}/task`)) return null;
  let bytes = vmRss(root) ?? 0;
  let descendants = 0;
  const pending = childrenOf(root);
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const rss = vmRss(pid);
    if (rss === null) continue;
    bytes += rss;
    descendants++;
    pending.push(...childrenOf(pid));
  }
  return { bytes, descendants };
}
