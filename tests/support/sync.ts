// Test support for the sync tests only (never imported by the engine): the real central server with applications
// submitted through intake with real photos from the corpus, and a workstation side (real store file, real
// image pipeline) in a temporary folder.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { intakeDocuments, startTestServer, TestClient, type TestServer } from './central';
import type { ApplicationEnvelope, IntakeRequest } from '../../shared/contract/central';
import type { Identity, Person } from '../../shared/domain';
import { createImagePipeline, type ImagePipeline } from '../../electron/imaging';
import { openCaseStore } from '../../electron/store/open';
import type { CaseStore } from '../../electron/store/types';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { tempFolder } from './tempFolder';
import type { SyncEngineOptions } from '../../electron/sync/engine';
import { specimenIdNumber } from './specimenNumbers';

process.env.VERITY_QUIET ??= '1';

const corpusDir = fileURLToPath(new URL('../../../shared/corpus/images/', import.meta.url));
/** Sixteen distinct real photos (~135 KB each); applications beyond sixteen share them, as real documents never do. */
const photoNames = [...Array.from({ length: 8 }, (_, i) => `Landscape_${i + 1}.jpg`), ...Array.from({ length: 8 }, (_, i) => `Portrait_${i + 1}.jpg`)];
const photos = photoNames.map((name) => readFileSync(corpusDir + name));

export const reviewer1: Person = { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' };

export interface CentralFixture {
  server: TestServer;
  intake: TestClient;
  supervisor: TestClient;
  /** Submits `count` individual ID card applications, each with one photo as both sides (the n-th photo of the corpus, cycling, or `photo`). */
  submit(count: number, photo?: number): Promise<ApplicationEnvelope[]>;
  withdraw(applicationId: string): Promise<void>;
  assign(applicationId: string, reviewer: string): Promise<void>;
  /**
   * Puts other JPEG bytes in the place of an application's first document, behind intake's back: what a central
   * service with a more lenient intake check would serve. Answers the new SHA-256.
   */
  replaceDocument(applicationId: string, jpeg: Buffer): Promise<string>;
  /** The decisions the server holds for these applications: mutation id, application, who and whether made offline. */
  decisionsFor(applicationIds: readonly string[]): Promise<{ id: string; application_id: string; reviewer: string; offline: boolean }[]>;
  close(): Promise<void>;
}

let submitted = 0;

/**
 * The photo of the n-th application: a shared corpus photo when `photo` is given; otherwise one with a
 * description of its own in EXIF, so its bytes (and SHA-256) are unique and sync must really download it.
 */
async function photoFor(n: number, photo: number | undefined): Promise<Buffer> {
  const base = photos[(photo ?? n) % photos.length] as Buffer;
  if (photo !== undefined) return base;
  return sharp(base).withExif({ IFD0: { ImageDescription: `sync test ${n}` } }).jpeg({ quality: 90 }).toBuffer();
}

export async function startCentral(): Promise<CentralFixture> {
  const server = await startTestServer();
  const intake = await new TestClient(server.url, () => server.clock.now).signIn('intake');
  const supervisor = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
  return {
    server,
    intake,
    supervisor,
    async submit(count, photo) {
      const out: ApplicationEnvelope[] = [];
      for (let i = 0; i < count; i++) {
        const n = submitted++;
        const identity: Identity = { kind: 'individual', fullName: `SPECIMEN Person ${n}`, documentType: 'id_card', documentNumber: specimenIdNumber(`SYNC${randomUUID()}`), issuingLocation: 'CN' };
        const body: IntakeRequest = {
          accountId: `SYNC-ACC-${n}-${randomUUID().slice(0, 8)}`,
          kind: 'individual',
          registrationLocation: 'CN',
          identity,
          icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
          applicantLanguage: 'en',
          documents: intakeDocuments(identity, await photoFor(n, photo)),
        };
        const answer = await intake.post('/v1/applications', body);
        if (answer.status !== 201) throw new Error(`intake failed: ${answer.status} ${JSON.stringify(answer.body)}`);
        out.push(answer.body as ApplicationEnvelope);
      }
      return out;
    },
    async withdraw(applicationId) {
      const answer = await intake.post(`/v1/applications/${applicationId}/withdraw`, { ticketRef: 'SUP-20001' });
      if (answer.status !== 200) throw new Error(`withdraw failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    async assign(applicationId, reviewer) {
      const answer = await supervisor.post(`/v1/applications/${applicationId}/assign`, { reviewer });
      if (answer.status !== 200) throw new Error(`assign failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    async replaceDocument(applicationId, jpeg) {
      const sha256 = createHash('sha256').update(jpeg).digest('hex');
      await server.db.query(`INSERT INTO blobs (sha256, media_type, byte_size, bytes) VALUES ($1, 'image/jpeg', $2, $3)`, [sha256, jpeg.length, jpeg]);
      await server.db.query(`UPDATE documents SET sha256 = $1 WHERE application_id = $2 AND position = (SELECT min(position) FROM documents WHERE application_id = $2)`, [sha256, applicationId]);
      return sha256;
    },
    async decisionsFor(applicationIds) {
      return server.db.query<{ id: string; application_id: string; reviewer: string; offline: boolean }>(
        `SELECT id::text AS id, application_id, reviewer, offline FROM decisions WHERE application_id IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY application_id`,
        [JSON.stringify(applicationIds)],
      );
    },
    close: () => server.close(),
  };
}

export interface Workstation {
  dir: string;
  keyProvider: ExplicitKeyProvider;
  store: CaseStore;
  images: ImagePipeline;
  close(): Promise<void>;
}

/** A real store file (with its writer thread, as the app opens it) and image pipeline in a fresh temporary folder. */
export function openWorkstationSide(): Workstation {
  const dir = tempFolder('verity-sync-');
  const keyProvider = new ExplicitKeyProvider(Buffer.alloc(32, 7));
  const store = openCaseStore({ path: join(dir, 'cases.db'), keyProvider, writer: {} });
  const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1 } });
  const side: Workstation = {
    dir,
    keyProvider,
    store,
    images,
    async close() {
      // What the side holds now: a test may have put a new pipeline in (a restart), whose processes must end.
      await side.images.close();
      side.store.close();
    },
  };
  return side;
}

/** Records a rejection of the application locally, the way the decision panel does. */
export async function rejectLocally(store: CaseStore, applicationId: string, online = false): Promise<string> {
  const decision = await store.recordDecision(
    { applicationId, outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'Please submit a clearer photo.', internalNote: '', overrideNote: null },
    reviewer1,
    'device-test',
    online,
  );
  return decision.mutationId;
}

/** Sleep for tests: never waits, records what the engine asked for. */
export function instantSleep(): { sleep: (ms: number, signal: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      waits.push(ms);
      if (signal.aborted) throw signal.reason;
    },
  };
}

/** The engine of the demo reviewer on a test workstation: no real waits, jitter fixed at its middle. */
export function engineOptions(local: Workstation, centralUrl: string, extra: Partial<SyncEngineOptions> = {}): SyncEngineOptions {
  return {
    store: local.store,
    images: local.images,
    centralUrl,
    credentials: { username: 'reviewer1', password: 'verity-demo' },
    deviceId: 'device-test',
    random: () => 0.5,
    sleep: instantSleep().sleep,
    ...extra,
  };
}
