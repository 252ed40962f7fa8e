// Shared by the imaging tests only: where the corpus lives and how to read its manifest.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../shared/errors';

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
