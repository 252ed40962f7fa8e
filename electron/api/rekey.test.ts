// Rotating the data key on a full data folder (real SQLCipher store with cases, a decision, an MRZ reading and its
// audit trail, a migration backup, real image blobs with their previews, a partial download, the built-in service's
// sealed snapshot): after the rotation everything reads back under the new key and nothing opens with the old one;
// a rotation cut short at any step leaves every file opening with one of the two keys, and the next start finishes it.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditVerification } from '../../shared/contract/cases';
import type { Application, IndividualIdentity, Person } from '../../shared/domain';
import type { MrzReading } from '../../shared/mrzReading';
import { reviewer, tempStore, type TempStore } from '../../tests/support/store';
import { tempFolder } from '../../tests/support/tempFolder';
import { deriveKey, ExplicitKeyProvider, HexKeyFile } from '../common/keys';
import { BlobStore, type BlobVariant } from '../imaging/blobs';
import { createImagePipeline } from '../imaging';
import { openCaseStore } from '../store/open';
import { seedEpoch } from '../store/seed';
import { backupDatabase, backupsOf, openDatabase } from '../store/sqlite/database';
import { centralSnapshotPath, sealCentralSnapshot, unsealCentralSnapshot } from './embeddedCentralSnapshot';
import { finishInterruptedRekey, rekeyDataFolder, type RekeyProgress } from './rekey';
import { dispatch, type Handlers } from './registry';
import { createRotateKeyHandlers } from './rotateKey';

let t: TempStore | null = null;
afterEach(() => t?.cleanup());

const oldMaster = Buffer.alloc(32, 0x11);
const derived = (master: Buffer, purpose: 'sqlite' | 'blobs' | 'central') => deriveKey(new ExplicitKeyProvider(master), purpose);
const centralDump = Buffer.from('PGlite dump of the built-in central service: Zhang Wei E12345678');

interface FullFolder {
  dir: string;
  keyFile: string;
  /** What must read back after the rotation. */
  cases: Record<string, unknown>;
  audit: AuditVerification;
  auditRows: number;
  images: { sha256: string; variant: BlobVariant; plain: Buffer }[];
  partialSha: string;
}

async function fullFolder(): Promise<FullFolder> {
  // The host's --key-file, outside the data folder.
  const keyFile = join(tempFolder('verity-rekey-key-'), 'host-dev.key');
  writeFileSync(keyFile, oldMaster.toString('hex') + '\n', { mode: 0o600 });
  const keys = new HexKeyFile(keyFile);
  t = await tempStore(30, 5, { keyProvider: keys });
  const { dir, store } = t;

  // A decision and an MRZ reading: rows of their own and audit entries.
  const [first] = store.listQueue({ assignee: reviewer.id, limit: 5 }).items;
  await store.openCase(first!.id, { actor: reviewer, deviceId: 'device-test', online: false });
  await store.recordDecision({ applicationId: first!.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'Please send a clearer photo.', internalNote: 'blurred', overrideNote: null }, reviewer, 'device-test', false);
  const passportSha = store.passportPagesLackingMrz()[0]!;
  const { application_id: passportCase } = t.db.prepare("SELECT application_id FROM documents WHERE sha256 = ? AND role = 'page'").get(passportSha) as { application_id: string };
  const identity = ((await store.getCase(passportCase)).application as Application).identity as IndividualIdentity;
  const values = { surname: 'ZHANG', givenNames: 'WEI', documentNumber: identity.documentNumber, nationality: 'CHN', birthDate: '900101', sex: 'F', expiryDate: '300101', issuingState: 'CHN' };
  const fields = Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, raw: value, checked: false }]));
  const reading = { status: 'read', band: { x: 0.05, y: 0.85, width: 0.9, height: 0.1 }, lines: [], fields: fields as MrzReading['fields'], valid: true, ms: 900 } satisfies MrzReading;
  await store.recordMrzReadings([{ sha256: passportSha, reading }]);

  // Real image blobs: an original, its preview and thumbnail, and a partial download.
  const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider: keys, workers: { size: 1 } });
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
  let sha256: string;
  try {
    sha256 = (await images.ingest(photo)).sha256;
    await images.derive(sha256);
  } finally {
    await images.close();
  }
  const blobs = new BlobStore(join(dir, 'blobs'), derived(oldMaster, 'blobs'));
  const partialSha = 'ab'.repeat(32);
  await blobs.writePartial(partialSha, { etag: '"v1"', bytes: photo.subarray(0, 1000) });
  const stored = [];
  for (const variant of ['original', 'preview', 'thumbnail'] as const) stored.push({ sha256, variant, plain: await blobs.read(sha256, variant) });

  writeFileSync(centralSnapshotPath(dir), sealCentralSnapshot(derived(oldMaster, 'central'), centralDump));
  const cases: Record<string, unknown> = {};
  for (const id of [first!.id, passportCase]) cases[id] = await store.getCase(id);
  const audit = store.verifyAudit();
  const auditRows = t.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  // A migration backup: the old key opens it too, so it must move to the new one.
  backupDatabase(t.db, t.path, 13, new Date('2026-12-01T00:00:00Z'));
  t.cleanup();
  t = null;
  return { dir, keyFile, cases, audit, auditRows, images: stored, partialSha };
}

const deviceIdOf = (folder: FullFolder) => readFileSync(join(folder.dir, 'device-id'), 'utf8').trim();

const opens = (path: string, master: Buffer): boolean => {
  try {
    openDatabase(path, derived(master, 'sqlite'), undefined, { quickCheck: true }).db.close();
    return true;
  } catch {
    return false;
  }
};

/** Reads everything back under `master`; the audit trail whole, with one entry for each of the `rotations` since. */
async function expectReadsBackUnder(folder: FullFolder, master: Buffer, rotations: number, by: Person | null = null): Promise<void> {
  const store = openCaseStore({ path: join(folder.dir, 'cases.db'), keyProvider: new ExplicitKeyProvider(master), now: seedEpoch });
  try {
    for (const [id, detail] of Object.entries(folder.cases)) expect(await store.getCase(id)).toEqual(detail);
    expect(store.verifyAudit()).toEqual({ ok: true, count: folder.audit.count + rotations });
    // The rotations' entries, as sync pushes them to the central service with the rest of the trail: the device's own
    // (its id from the folder), offline, naming the person who asked for the last one in the app.
    const entries = store.auditAfter(folder.audit.count, 1000);
    expect(entries.map((e) => [e.action, e.applicationId, e.deviceId, e.online])).toEqual(Array.from({ length: rotations }, () => ['data_key_rotated', null, deviceIdOf(folder), false]));
    expect(entries.at(-1)).toMatchObject({ actorId: by?.id ?? null, actorName: by?.displayName ?? null, details: JSON.stringify({ requestedInApp: by !== null }) });
  } finally {
    store.close();
  }
  for (const backup of backupsOf(join(folder.dir, 'cases.db'))) expect(opens(backup, master)).toBe(true);
  const blobs = new BlobStore(join(folder.dir, 'blobs'), derived(master, 'blobs'));
  for (const image of folder.images) expect((await blobs.read(image.sha256, image.variant)).equals(image.plain)).toBe(true);
  expect(await blobs.readPartial(folder.partialSha)).toMatchObject({ etag: '"v1"' });
  const snapshot = centralSnapshotPath(folder.dir);
  expect(unsealCentralSnapshot(derived(master, 'central'), await readFile(snapshot), snapshot).equals(centralDump)).toBe(true);
}

async function expectNothingOpensUnder(folder: FullFolder, master: Buffer): Promise<void> {
  expect(() => openCaseStore({ path: join(folder.dir, 'cases.db'), keyProvider: new ExplicitKeyProvider(master) })).toThrow(expect.objectContaining({ code: 'store_key_wrong' }));
  const backups = backupsOf(join(folder.dir, 'cases.db'));
  expect(backups).toHaveLength(1);
  for (const backup of backups) expect(opens(backup, master)).toBe(false);
  const blobs = new BlobStore(join(folder.dir, 'blobs'), derived(master, 'blobs'));
  for (const image of folder.images) await expect(blobs.read(image.sha256, image.variant)).rejects.toMatchObject({ code: 'image_blob_corrupt' });
  // readPartial removes a partial it cannot open: asked of a copy.
  const copyRoot = tempFolder('verity-rekey-partial-');
  mkdirSync(join(copyRoot, 'partial'));
  copyFileSync(join(folder.dir, 'blobs', 'partial', `${folder.partialSha}.part`), join(copyRoot, 'partial', `${folder.partialSha}.part`));
  expect(await new BlobStore(copyRoot, derived(master, 'blobs')).readPartial(folder.partialSha)).toBeNull();
  const snapshot = centralSnapshotPath(folder.dir);
  expect(() => unsealCentralSnapshot(derived(master, 'central'), readFileSync(snapshot), snapshot)).toThrow(/cannot be opened/);
}

describe('rekey: rotating the data key', () => {
  it('re-encrypts a full data folder: everything reads back under the new key, nothing under the old one', async () => {
    const folder = await fullFolder();
    const keys = new HexKeyFile(folder.keyFile);
    const progress: RekeyProgress[] = [];
    const report = await rekeyDataFolder(folder.dir, keys, { onProgress: (p) => progress.push(p) });

    const newMaster = new HexKeyFile(folder.keyFile).masterKey();
    expect(newMaster.equals(oldMaster)).toBe(false);
    expect(keys.nextKey()).toBeNull();
    expect(report).toMatchObject({ storeFiles: 2, blobs: { rekeyed: 4, already: 0, unreadable: 0 }, centralSnapshot: true });
    expect(progress.at(-1)).toEqual({ step: 'key', done: progress.length, total: progress.length });
    await expectReadsBackUnder(folder, newMaster, 1);
    await expectNothingOpensUnder(folder, oldMaster);
    // No clear trace of the rotation is left beside the data.
    expect(readFileSync(folder.keyFile, 'utf8').trim()).toBe(newMaster.toString('hex'));
  }, 60_000);

  it('cut short at any step, leaves every file opening with one of the two keys; the next start finishes it', async () => {
    const folder = await fullFolder();
    const steps = (await rekeyDataFolder(folder.dir, new HexKeyFile(folder.keyFile), {})).storeFiles + 4 + 1 + 1;
    // Each later rotation starts from the key the previous one left.
    for (let stopAt = 1; stopAt < steps; stopAt++) {
      const before = new HexKeyFile(folder.keyFile).masterKey();
      const keys = new HexKeyFile(folder.keyFile);
      const cut = rekeyDataFolder(folder.dir, keys, {
        onProgress: ({ done }) => {
          if (done === stopAt) throw new Error('power cut');
        },
      });
      await expect(cut).rejects.toThrow('power cut');
      const next = new HexKeyFile(folder.keyFile).nextKey();
      expect(next).not.toBeNull();
      // The old key is still the folder's key, and each file opens with it or with the next one.
      expect(new HexKeyFile(folder.keyFile).masterKey().equals(before)).toBe(true);
      const cases = join(folder.dir, 'cases.db');
      for (const file of [cases, ...backupsOf(cases)]) expect(opens(file, before) !== opens(file, next!)).toBe(true);
      for (const image of folder.images) {
        const underOld = await new BlobStore(join(folder.dir, 'blobs'), derived(before, 'blobs')).read(image.sha256, image.variant).then(() => true, () => false);
        const underNew = await new BlobStore(join(folder.dir, 'blobs'), derived(next!, 'blobs')).read(image.sha256, image.variant).then(() => true, () => false);
        expect(underOld !== underNew).toBe(true);
      }

      expect(await finishInterruptedRekey(folder.dir, new HexKeyFile(folder.keyFile))).toBe(true);
      const after = new HexKeyFile(folder.keyFile).masterKey();
      expect(after.equals(next!)).toBe(true);
      // One entry per rotation, however it was cut short: written into the store's re-encrypted copy before that
      // replaces the file, so it is there exactly when the store is under the new key.
      await expectReadsBackUnder(folder, after, 1 + stopAt);
      await expectNothingOpensUnder(folder, before);
    }
    expect(await finishInterruptedRekey(folder.dir, new HexKeyFile(folder.keyFile))).toBe(false);
  }, 120_000);

  it('asked for in the app, names the person who asked in its audit entry', async () => {
    const folder = await fullFolder();
    const keys = new HexKeyFile(folder.keyFile);
    const person: Person = { id: 'reviewer-01', displayName: 'Lin Wei', role: 'reviewer' };
    const store = openCaseStore({ path: join(folder.dir, 'cases.db'), keyProvider: keys, now: seedEpoch });
    let restarts = 0;
    try {
      const answer = await dispatch(createRotateKeyHandlers(keys, () => restarts++, store) as Handlers, 'device.rotateDataKey', {}, { person, deviceId: 'device-test', transport: 'http' });
      expect(answer).toEqual({ ok: true, value: { restarting: true } });
    } finally {
      store.close();
    }
    expect(restarts).toBe(1);
    // The restart finishes the rotation before anything opens the folder.
    expect(await finishInterruptedRekey(folder.dir, new HexKeyFile(folder.keyFile))).toBe(true);
    await expectReadsBackUnder(folder, new HexKeyFile(folder.keyFile).masterKey(), 1, person);
  }, 60_000);
});
