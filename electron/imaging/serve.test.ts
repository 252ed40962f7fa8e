import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../../tests/support/tempFolder';
import { BlobStore } from './blobs';
import { dispositionOf } from '../api/imageRoute';
import { readCaseImage } from './serve';
import { corpusFile } from '../../tests/support/imaging';
import { codeOf } from '../../tests/support/imaging';

let root: string;
let store: BlobStore;
let hash: string;
const allowAll = { canView: () => true };

beforeAll(async () => {
  root = tempFolder('verity-serve-');
  store = new BlobStore(join(root, 'blobs'), Buffer.alloc(32, 3));
  const original = corpusFile('swiss.png');
  hash = createHash('sha256').update(original).digest('hex');
  await store.write(hash, 'original', original);
  await store.write(hash, 'preview', Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  // A file outside the blob root that a traversal would like to reach.
  writeFileSync(join(root, 'secret.txt'), 'do not serve');
});

describe('readCaseImage', () => {
  it('serves a stored image with its content type; the original only as an attachment named from its hash', async () => {
    const original = await readCaseImage(store, { sha256: hash, variant: 'original' }, allowAll);
    expect(original.contentType).toBe('image/png');
    expect(original.bytes).toEqual(corpusFile('swiss.png'));
    expect(original.attachment).toBe(`verity-original-${hash.slice(0, 16)}.png`);
    expect(dispositionOf(original)).toEqual({ 'Content-Disposition': `attachment; filename="verity-original-${hash.slice(0, 16)}.png"` });
    const preview = await readCaseImage(store, { sha256: hash, variant: 'preview' }, allowAll);
    expect([preview.contentType, preview.attachment, dispositionOf(preview)]).toEqual(['image/jpeg', null, {}]);
  });

  it('checks access before reading', async () => {
    const seen: string[] = [];
    const deny = { canView: (sha: string) => (seen.push(sha), false) };
    expect(await codeOf(readCaseImage(store, { sha256: hash, variant: 'original' }, deny))).toBe('forbidden');
    expect(seen).toEqual([hash]);
    expect(await codeOf(readCaseImage(store, { sha256: hash, variant: 'original' }, { canView: async () => false }))).toBe('forbidden');
  });

  it('refuses every malformed request before touching the disk', async () => {
    const bad: unknown[] = [
      null,
      'string',
      { sha256: hash },
      { sha256: hash, variant: 'raw' },
      { sha256: hash.toUpperCase(), variant: 'original' },
      { sha256: `../${hash.slice(3)}`, variant: 'original' },
      { sha256: '../../secret.txt', variant: 'original' },
      { sha256: `${hash.slice(0, 62)}%2f`, variant: 'original' },
      { sha256: `${hash.slice(0, 63)}\0`, variant: 'original' },
      { sha256: `/etc/${hash.slice(5)}`, variant: 'original' },
      { sha256: hash, variant: '../original' },
      { sha256: hash, variant: 'original/../../secret.txt' },
      { sha256: hash, variant: 'original\0' },
      { sha256: hash, variant: 'original', extra: 1 },
      { sha256: [hash], variant: 'original' },
    ];
    let asked = 0;
    const counting = { canView: () => (asked++, true) };
    for (const request of bad) expect(await codeOf(readCaseImage(store, request, counting)), JSON.stringify(request)).toBe('invalid_request');
    expect(asked).toBe(0);
  });

  it('answers image_not_found for a well-formed but unknown image', async () => {
    expect(await codeOf(readCaseImage(store, { sha256: 'f'.repeat(64), variant: 'thumbnail' }, allowAll))).toBe('image_not_found');
  });
});
