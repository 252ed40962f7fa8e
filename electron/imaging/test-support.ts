// Shared by the imaging tests only: where the corpus lives and how to read its manifest.
import { readFileSync } from 'node:fs';
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

/** The DomainError code a promise fails with, 'ok' when it succeeds, or 'crash: …' for any other error. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : `crash: ${String(error)}`;
  }
}
