// Rotating a data folder's master key (`rekey`): everything sealed under the keys derived from it (the case store and
// its migration backups, the image blobs and partial downloads, the built-in central service's snapshot) is
// re-encrypted under keys derived from a new random one, and the old key is then gone, so a copy of it opens nothing.
// Runs on a closed data folder (before the workstation opens it, or with it closed). Crash-safe: the new key is
// saved (wrapped like the old one) before any data is touched and replaces the old one only when all of it is
// re-encrypted; each file is replaced atomically and opens with one of the two keys at every instant, so a rotation
// cut short is finished at the next start (finishInterruptedRekey) with both keys at hand.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { deriveKey, ExplicitKeyProvider, type KeyPurpose, type KeyStore } from '../common/keys';
import { log } from '../common/log';
import { countBlobFiles, rekeyBlobs, type BlobRekeyReport } from '../imaging/blobs';
import { backupsOf, rekeyDatabase } from '../store/sqlite/database';
import { recordKeyRotation } from '../store/sqlite/keyRotation';
import { loadDeviceId } from './device';
import { rekeyCentralSnapshot } from './embeddedCentralSnapshot';

export type RekeyStep = 'store' | 'blobs' | 'central' | 'key';

export interface RekeyProgress {
  step: RekeyStep;
  done: number;
  total: number;
}

export interface RekeyReport {
  storeFiles: number;
  blobs: BlobRekeyReport;
  centralSnapshot: boolean;
}

export interface RekeyOptions {
  nativeBinding?: string;
  onProgress?: (progress: RekeyProgress) => void;
}

/** Rotates the key of the closed data folder `dataDir`, or finishes a rotation that was cut short. */
export async function rekeyDataFolder(dataDir: string, keys: KeyStore, options: RekeyOptions = {}): Promise<RekeyReport> {
  let next = keys.nextKey();
  if (!next) {
    next = randomBytes(32);
    keys.saveNextKey(next);
  }
  const derived = (master: Buffer, purpose: KeyPurpose) => deriveKey(new ExplicitKeyProvider(master), purpose);
  const from = keys.masterKey();
  const casesPath = join(dataDir, 'cases.db');
  const storeFiles = [casesPath, ...backupsOf(casesPath)];
  const blobRoot = join(dataDir, 'blobs');
  const total = storeFiles.length + (await countBlobFiles(blobRoot)) + 2;
  let done = 0;
  const advance = (step: RekeyStep) => options.onProgress?.({ step, done: ++done, total });

  let rekeyedStores = 0;
  // The case store itself (not its backups) gets the rotation's audit entry, under the new key only.
  const recordRotation = (db: Parameters<typeof recordKeyRotation>[0]) => recordKeyRotation(db, loadDeviceId(join(dataDir, 'device-id')), Date.now());
  for (const file of storeFiles) {
    if (rekeyDatabase(file, derived(from, 'sqlite'), derived(next, 'sqlite'), options.nativeBinding, file === casesPath ? recordRotation : undefined) !== 'absent') rekeyedStores++;
    advance('store');
  }
  const blobs = await rekeyBlobs(blobRoot, derived(from, 'blobs'), derived(next, 'blobs'), () => advance('blobs'));
  const central = await rekeyCentralSnapshot(dataDir, derived(from, 'central'), derived(next, 'central'));
  advance('central');
  keys.promoteNextKey();
  advance('key');
  log.info('data key rotated', { storeFiles: rekeyedStores, blobs: blobs.rekeyed + blobs.already, unreadableBlobs: blobs.unreadable });
  return { storeFiles: rekeyedStores, blobs, centralSnapshot: central !== 'absent' };
}

/**
 * At start, before the data folder is opened: finishes a pending rotation, one the app asked for before restarting
 * (electron/api/rotateKey.ts) or one a crash or a closed window cut short.
 */
export async function finishInterruptedRekey(dataDir: string, keys: KeyStore, options: RekeyOptions = {}): Promise<boolean> {
  if (!keys.nextKey()) return false;
  log.warn('finishing a pending data key rotation (asked for in the app, or cut short)');
  await rekeyDataFolder(dataDir, keys, options);
  return true;
}
