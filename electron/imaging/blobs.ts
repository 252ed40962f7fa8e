// Encrypted, content-addressed image blobs: <root>/<first two hex>/<sha256>.<variant>, each AES-256-GCM with the
// name bound in as associated data, so a blob moved or renamed on disk fails to decrypt instead of showing the
// wrong applicant's document. Writes are atomic (temp file, fsync, rename); reads verify the tag and, for an
// original, the SHA-256 the blob is named by.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../shared/errors';
import { seal as sealBytes, unseal as unsealBytes, writeAtomically } from '../common/seal';

/**
 * `original`: the applicant's bytes, sealed as evidence, only ever served as a download; `full`: the full-resolution
 * rendition the viewer shows at 1:1 (re-encoded, made on demand); `preview`, `thumbnail`: made by derivation.
 */
export const blobVariants = ['original', 'preview', 'thumbnail', 'full'] as const;
export type BlobVariant = (typeof blobVariants)[number];

const MAGIC = Buffer.from('VBL1');
export const SHA256_HEX = /^[0-9a-f]{64}$/;
const BLOB_NAME = new RegExp(`^([0-9a-f]{64})\\.(${blobVariants.join('|')})$`);
/** Temp files older than this are leftovers of a crash and may be removed by garbage collection. */
const STALE_TEMP_MS = 60 * 60 * 1000;

const aad = (sha256: string, variant: BlobVariant) => Buffer.from(`verity/blob/v1/${sha256}/${variant}`);
const partialAad = (sha256: string) => Buffer.from(`verity/partial/v1/${sha256}`);
/** Where broken-off downloads wait to be resumed, sealed like blobs (they are applicants' documents too). */
const PARTIAL_DIR = 'partial';

export function encryptBlob(key: Buffer, sha256: string, variant: BlobVariant, plain: Uint8Array): Buffer {
  return seal(key, aad(sha256, variant), plain);
}

export function decryptBlob(key: Buffer, sha256: string, variant: BlobVariant, sealed: Buffer): Buffer {
  const damaged = () => new DomainError('image_blob_corrupt', 'The stored copy of this document image is damaged or was altered. Download the case again to restore it.');
  const plain = unseal(key, aad(sha256, variant), sealed);
  if (plain === null) throw damaged();
  if (variant === 'original' && createHash('sha256').update(plain).digest('hex') !== sha256) throw damaged();
  return plain;
}

const seal = (key: Buffer, associated: Buffer, plain: Uint8Array) => sealBytes(key, MAGIC, associated, plain);
const unseal = (key: Buffer, associated: Buffer, sealed: Buffer) => unsealBytes(key, MAGIC, associated, sealed);

/** A download that broke off: the bytes received, and the ETag they came with (a resume must name it in If-Range). */
export interface PartialOriginal {
  etag: string;
  bytes: Buffer;
}

export interface GarbageReport {
  /** Distinct image hashes whose blobs were removed. */
  removedImages: number;
  removedFiles: number;
  bytesFreed: number;
  keptFiles: number;
}

export class BlobStore {
  private readonly key: Buffer;
  constructor(
    readonly root: string,
    key: Buffer,
  ) {
    if (key.length !== 32) throw new RangeError('the blob key must be 32 bytes');
    this.key = Buffer.from(key);
  }

  /** The only place a path is made; the hash and variant are checked here too, whatever the caller did. */
  pathOf(sha256: string, variant: BlobVariant): string {
    if (!SHA256_HEX.test(sha256) || !blobVariants.includes(variant)) throw new DomainError('invalid_request', 'Not a valid image reference.');
    return join(this.root, sha256.slice(0, 2), `${sha256}.${variant}`);
  }

  async has(sha256: string, variant: BlobVariant): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256, variant))).isFile();
    } catch {
      return false;
    }
  }

  /** Writes unless a blob of that name exists already (content addressing makes it the same content). */
  async write(sha256: string, variant: BlobVariant, plain: Uint8Array): Promise<void> {
    const path = this.pathOf(sha256, variant);
    if (await this.has(sha256, variant)) return;
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
    await writeAtomically(path, encryptBlob(this.key, sha256, variant, plain), true);
  }

  private partialPath(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new DomainError('invalid_request', 'Not a valid image reference.');
    return join(this.root, PARTIAL_DIR, `${sha256}.part`);
  }

  /** Keeps a broken-off download for a later attempt, in whichever imaging process it runs (atomic, sealed). */
  async writePartial(sha256: string, partial: PartialOriginal): Promise<void> {
    const etag = Buffer.from(partial.etag, 'utf8');
    const header = Buffer.allocUnsafe(2);
    header.writeUInt16BE(etag.length);
    await mkdir(join(this.root, PARTIAL_DIR), { recursive: true, mode: 0o700 });
    // Not flushed to disk: a partial lost in a power cut is downloaded again.
    await writeAtomically(this.partialPath(sha256), seal(this.key, partialAad(sha256), Buffer.concat([header, etag, partial.bytes])), false);
  }

  /** The kept download of `sha256`, or null; one that is damaged is removed and reads as none. */
  async readPartial(sha256: string): Promise<PartialOriginal | null> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.partialPath(sha256));
    } catch {
      return null;
    }
    const plain = unseal(this.key, partialAad(sha256), sealed);
    const etagLength = plain && plain.length >= 2 ? plain.readUInt16BE(0) : -1;
    if (!plain || etagLength < 1 || plain.length < 2 + etagLength) {
      await this.removePartial(sha256);
      return null;
    }
    return { etag: plain.subarray(2, 2 + etagLength).toString('utf8'), bytes: plain.subarray(2 + etagLength) };
  }

  async removePartial(sha256: string): Promise<void> {
    await unlink(this.partialPath(sha256)).catch(() => undefined);
  }

  async read(sha256: string, variant: BlobVariant): Promise<Buffer> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(sha256, variant));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('image_not_found', 'This document image is not on this workstation. Sync the case to download it.');
    }
    return decryptBlob(this.key, sha256, variant, sealed);
  }

  /**
   * Removes every blob whose hash is not referenced by a case, temp files a crash left behind, and broken-off
   * downloads nobody resumed within the hour. Blobs younger than `minAgeMs` are kept: an image ingested a moment
   * ago may not be recorded in a case yet.
   */
  async collectGarbage(referenced: ReadonlySet<string>, options: { minAgeMs?: number } = {}): Promise<GarbageReport> {
    const minAgeMs = options.minAgeMs ?? 0;
    const report: GarbageReport = { removedImages: 0, removedFiles: 0, bytesFreed: 0, keptFiles: 0 };
    const removedHashes = new Set<string>();
    let shards: string[];
    try {
      shards = await readdir(this.root);
    } catch {
      return report;
    }
    for (const shard of shards) {
      const partials = shard === PARTIAL_DIR;
      if (!partials && !/^[0-9a-f]{2}$/.test(shard)) continue;
      const dir = join(this.root, shard);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(dir, name);
        const match = BLOB_NAME.exec(name);
        let remove = false;
        if (partials || name.endsWith('.tmp')) {
          const info = await stat(path).catch(() => null);
          remove = info !== null && Date.now() - info.mtimeMs > STALE_TEMP_MS;
        } else if (match && !referenced.has(match[1]!)) {
          const info = minAgeMs > 0 ? await stat(path).catch(() => null) : null;
          remove = minAgeMs === 0 || (info !== null && Date.now() - info.mtimeMs >= minAgeMs);
          if (remove) removedHashes.add(match[1]!);
        }
        if (!remove) {
          report.keptFiles++;
          continue;
        }
        const info = await stat(path).catch(() => null);
        try {
          await unlink(path);
          report.removedFiles++;
          report.bytesFreed += info?.size ?? 0;
        } catch {
          // gone already
        }
      }
    }
    report.removedImages = removedHashes.size;
    return report;
  }
}

export interface BlobRekeyReport {
  rekeyed: number;
  /** Already sealed under the new key (a rotation resumed). */
  already: number;
  /** Opened by neither key (damaged before the rotation): left as they were, as unreadable as before. */
  unreadable: number;
}

/**
 * Re-seals every blob and partial download under `root` from key `from` to key `to`, each file on its own and
 * atomically (temp file, flush, rename), so each opens with exactly one of the two keys at every instant; a file `to`
 * already opens is skipped, which makes an interrupted rotation resumable. Temp files (crash leftovers) are removed.
 */
export async function rekeyBlobs(root: string, from: Buffer, to: Buffer, onFile?: () => void): Promise<BlobRekeyReport> {
  const report: BlobRekeyReport = { rekeyed: 0, already: 0, unreadable: 0 };
  const shards = await readdir(root).catch(() => [] as string[]);
  for (const shard of shards) {
    const partials = shard === PARTIAL_DIR;
    if (!partials && !/^[0-9a-f]{2}$/.test(shard)) continue;
    const dir = join(root, shard);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      if (name.endsWith('.tmp')) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      const blob = BLOB_NAME.exec(name);
      const part = partials ? /^([0-9a-f]{64})\.part$/.exec(name) : null;
      const associated = blob ? aad(blob[1]!, blob[2] as BlobVariant) : part ? partialAad(part[1]!) : null;
      if (!associated) continue;
      const sealed = await readFile(path);
      if (unseal(to, associated, sealed) !== null) {
        report.already++;
      } else {
        const plain = unseal(from, associated, sealed);
        if (plain === null) {
          report.unreadable++;
        } else {
          await writeAtomically(path, seal(to, associated, plain), true);
          report.rekeyed++;
        }
      }
      onFile?.();
    }
  }
  return report;
}

/** How many files rekeyBlobs will look at (for its progress). */
export async function countBlobFiles(root: string): Promise<number> {
  let count = 0;
  for (const shard of await readdir(root).catch(() => [] as string[])) {
    if (shard !== PARTIAL_DIR && !/^[0-9a-f]{2}$/.test(shard)) continue;
    count += (await readdir(join(root, shard)).catch(() => [] as string[])).filter((name) => !name.endsWith('.tmp')).length;
  }
  return count;
}
