import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { corpusFile } from '../../tests/support/imaging';
import { caseImageRequestFromPath } from './imageRoute';

// A real image's hash, as serve.test.ts stores it.
const hash = createHash('sha256').update(corpusFile('swiss.png')).digest('hex');

describe('caseImageRequestFromPath', () => {
  it('parses /<sha256>/<variant> and nothing else', () => {
    expect(caseImageRequestFromPath(`/${hash}/preview`)).toEqual({ sha256: hash, variant: 'preview' });
    expect(caseImageRequestFromPath(`${hash}/thumbnail`)).toEqual({ sha256: hash, variant: 'thumbnail' });
    expect(caseImageRequestFromPath(`/${hash}/full`)).toEqual({ sha256: hash, variant: 'full' });
    const attacks = [
      `/../${hash}/preview`,
      `/${hash}/../preview`,
      `/${hash}/preview/..`,
      `/..%2f..%2fsecret.txt/original`,
      `/${hash}%2foriginal`,
      `/${hash}%2Foriginal`,
      `/${hash}/%2e%2e%2fsecret.txt`,
      `/${hash}/original%00.png`,
      `/${hash}/original\0`,
      `//etc/passwd`,
      `/etc/passwd`,
      `C:\\Windows\\win.ini`,
      `/${hash}\\original`,
      `/${hash}/original?x=1`,
      `/${hash.toUpperCase()}/original`,
      `/${hash}/`,
      '',
    ];
    for (const path of attacks) expect(() => caseImageRequestFromPath(path), path).toThrow(DomainError);
  });
});
