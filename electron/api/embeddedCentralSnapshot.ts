// The built-in central service's database at rest: PGlite runs in memory and is kept in the data folder only as
// a sealed snapshot (AES-256-GCM, key derived from the data folder's master key), so DIR/central no longer holds
// every applicant's name and document in clear. A data folder from before is moved into a snapshot once.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../shared/errors';
import { dumpPgliteFolder, type PgliteSnapshot } from '../../server/db';
import { seal, unseal, writeAtomically } from '../common/seal';

const MAGIC = Buffer.from('VCS1');
const AAD = Buffer.from('verity/central-snapshot/v1');

/** The snapshot's file in a data folder, and the clear PGlite folder earlier versions kept. */
export const centralSnapshotPath = (dataDir: string) => join(dataDir, 'central.sealed');
export const legacyCentralFolder = (dataDir: string) => join(dataDir, 'central');

export function sealCentralSnapshot(key: Buffer, dump: Uint8Array): Buffer {
  return seal(key, MAGIC, AAD, dump);
}

/** The dump, or a DomainError when the file cannot be opened with this key. */
export function unsealCentralSnapshot(key: Buffer, sealed: Buffer, path: string): Buffer {
  const dump = unseal(key, MAGIC, AAD, sealed);
  if (!dump) throw new DomainError('key_unavailable', `The built-in central service's data in ${path} cannot be opened with this data folder's key (another key, or the file is damaged).`);
  return dump;
}

export function sealedCentralSnapshot(dataDir: string, key: Buffer, everyMs?: number): PgliteSnapshot {
  const path = centralSnapshotPath(dataDir);
  const legacy = legacyCentralFolder(dataDir);
  return {
    ...(everyMs === undefined ? {} : { everyMs }),
    async load() {
      if (existsSync(path)) return unsealCentralSnapshot(key, await readFile(path), path);
      if (!existsSync(join(legacy, 'PG_VERSION'))) return null;
      // An older data folder: its clear database becomes the first sealed snapshot, then the clear folder goes.
      const dump = await dumpPgliteFolder(legacy);
      await writeAtomically(path, sealCentralSnapshot(key, dump), true);
      await rm(legacy, { recursive: true, force: true });
      return dump;
    },
    async save(dump) {
      await writeAtomically(path, sealCentralSnapshot(key, dump), true);
    },
  };
}

/**
 * Re-seals the snapshot from key `from` to key `to` in one atomic replace (so it opens with one of the two at every
 * instant); one `to` already opens is left as is (a rotation resumed).
 */
export async function rekeyCentralSnapshot(dataDir: string, from: Buffer, to: Buffer): Promise<'rekeyed' | 'already' | 'absent'> {
  const path = centralSnapshotPath(dataDir);
  if (!existsSync(path)) return 'absent';
  const sealed = await readFile(path);
  if (unseal(to, MAGIC, AAD, sealed) !== null) return 'already';
  await writeAtomically(path, sealCentralSnapshot(to, unsealCentralSnapshot(from, sealed, path)), true);
  return 'rekeyed';
}
