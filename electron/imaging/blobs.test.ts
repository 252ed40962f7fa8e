import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { tempFolder } from '../../tests/support/tempFolder';
import { BlobStore } from './blobs';
import { codeOf } from '../../tests/support/imaging';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
let root: string;
let store: BlobStore;
const key = Buffer.alloc(32, 9);

beforeEach(() => {
  root = tempFolder('verity-blobs-');
  store = new BlobStore(root, key);
});

describe('BlobStore', () => {
  it('round-trips, and keeps no plain bytes or temp files on disk', async () => {
    const original = Buffer.concat([Buffer.from('\xff\xd8\xff-secret-applicant-photo', 'latin1'), randomBytes(5000)]);
    const hash = sha(original);
    await store.write(hash, 'original', original);
    await store.write(hash, 'preview', Buffer.from('preview bytes'));
    expect(await store.read(hash, 'original')).toEqual(original);
    expect((await store.read(hash, 'preview')).toString()).toBe('preview bytes');
    const files = readdirSync(join(root, hash.slice(0, 2)));
    expect(files.sort()).toEqual([`${hash}.original`, `${hash}.preview`]);
    const onDisk = readFileSync(join(root, hash.slice(0, 2), `${hash}.original`));
    expect(onDisk.includes(Buffer.from('secret-applicant-photo'))).toBe(false);
    // Content addressing: a second write of the same hash is a no-op.
    await store.write(hash, 'original', original);
    expect(readFileSync(join(root, hash.slice(0, 2), `${hash}.original`))).toEqual(onDisk);
  });

  it('detects a flipped bit, a wrong key, and a blob moved under another name', async () => {
    const a = Buffer.from('image A');
    const b = Buffer.from('image B');
    await store.write(sha(a), 'original', a);
    await store.write(sha(b), 'original', b);
    const pathA = join(root, sha(a).slice(0, 2), `${sha(a)}.original`);
    const pristine = readFileSync(pathA);
    const flipped = Buffer.from(pristine);
    flipped[flipped.length - 1]! ^= 1;
    writeFileSync(pathA, flipped);
    expect(await codeOf(store.read(sha(a), 'original'))).toBe('image_blob_corrupt');
    writeFileSync(pathA, pristine);
    expect(await codeOf(new BlobStore(root, Buffer.alloc(32, 1)).read(sha(a), 'original'))).toBe('image_blob_corrupt');
    // B's file renamed to A's name: GCM's associated data binds the name, so it fails instead of showing B.
    renameSync(join(root, sha(b).slice(0, 2), `${sha(b)}.original`), pathA);
    expect(await codeOf(store.read(sha(a), 'original'))).toBe('image_blob_corrupt');
    // A preview stored as another variant fails the same way.
    await store.write(sha(b), 'preview', b);
    renameSync(join(root, sha(b).slice(0, 2), `${sha(b)}.preview`), join(root, sha(b).slice(0, 2), `${sha(b)}.thumbnail`));
    expect(await codeOf(store.read(sha(b), 'thumbnail'))).toBe('image_blob_corrupt');
    expect(await codeOf(store.read('0'.repeat(64), 'original'))).toBe('image_not_found');
  });

  it('verifies the original against the hash it is named by', async () => {
    const bytes = Buffer.from('real content');
    const wrongName = sha(Buffer.from('other content'));
    await store.write(wrongName, 'original', bytes);
    expect(await codeOf(store.read(wrongName, 'original'))).toBe('image_blob_corrupt');
  });

  it('never builds a path from anything but a hash and a known variant', () => {
    for (const bad of ['../etc/passwd', 'A'.repeat(64), `${'a'.repeat(63)}/`, '']) {
      expect(() => store.pathOf(bad, 'original')).toThrow(DomainError);
    }
    expect(() => store.pathOf('a'.repeat(64), '../x' as 'original')).toThrow(DomainError);
  });

  it('keeps a broken-off download sealed under its hash: one moved, damaged or sealed with another key reads as none, and is removed', async () => {
    const hash = 'cd'.repeat(32);
    const bytes = Buffer.from('-partial-applicant-photo-'.repeat(40));
    await store.writePartial(hash, { etag: `"${hash}"`, bytes });
    expect(await store.readPartial(hash)).toEqual({ etag: `"${hash}"`, bytes });
    const dir = join(root, 'partial');
    expect(readdirSync(dir)).toEqual([`${hash}.part`]);
    expect(readFileSync(join(dir, `${hash}.part`)).includes(Buffer.from('-partial-applicant-photo-'))).toBe(false);
    expect(await new BlobStore(root, Buffer.alloc(32, 1)).readPartial(hash)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);

    await store.writePartial(hash, { etag: '"x"', bytes });
    const other = 'ef'.repeat(32);
    renameSync(join(dir, `${hash}.part`), join(dir, `${other}.part`));
    expect(await store.readPartial(other)).toBeNull();
    expect(await store.readPartial(hash)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('collects garbage: unreferenced blobs, stale temp files and stale partial downloads go, referenced ones stay', async () => {
    const keep = Buffer.from('keep me');
    const drop = Buffer.from('drop me');
    for (const v of ['original', 'preview', 'thumbnail'] as const) {
      await store.write(sha(keep), v, keep);
      await store.write(sha(drop), v, drop);
    }
    const shard = join(root, 'ab');
    mkdirSync(shard, { recursive: true });
    const stale = join(shard, `${'ab'.repeat(32)}.original.123456.tmp`);
    const fresh = join(shard, `${'ab'.repeat(32)}.original.654321.tmp`);
    writeFileSync(stale, 'x');
    writeFileSync(fresh, 'y');
    utimesSync(stale, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    // Partial downloads are never referenced by a case: they go when nobody resumed them within the hour.
    await store.writePartial('12'.repeat(32), { etag: '"old"', bytes: Buffer.from('old') });
    await store.writePartial('34'.repeat(32), { etag: '"new"', bytes: Buffer.from('new') });
    utimesSync(join(root, 'partial', `${'12'.repeat(32)}.part`), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const report = await store.collectGarbage(new Set([sha(keep)]));
    expect(report).toMatchObject({ removedImages: 1, removedFiles: 5, keptFiles: 5 });
    expect(readdirSync(join(root, 'partial'))).toEqual([`${'34'.repeat(32)}.part`]);
    expect(report.bytesFreed).toBeGreaterThan(0);
    expect(await store.read(sha(keep), 'thumbnail')).toEqual(keep);
    expect(await codeOf(store.read(sha(drop), 'original'))).toBe('image_not_found');
    expect(readdirSync(shard)).toEqual([`${'ab'.repeat(32)}.original.654321.tmp`]);
  });

  it('spares blobs younger than the grace period', async () => {
    const fresh = Buffer.from('just ingested');
    await store.write(sha(fresh), 'original', fresh);
    expect((await store.collectGarbage(new Set(), { minAgeMs: 60_000 })).removedFiles).toBe(0);
    expect((await store.collectGarbage(new Set(), { minAgeMs: 0 })).removedFiles).toBe(1);
  });
});
