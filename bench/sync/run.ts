// Benchmark of the sync engine against the real central server (PGlite in memory) on loopback.
//   node --expose-gc --import tsx bench/sync/run.ts [--pull 1000] [--push 10000]   (0 skips a phase)
// The server runs in a child process, so its work (PGlite is WebAssembly on the main thread) does not count
// against the engine's event loop. Measured in this process, per phase: wall time, throughput, peak RSS and the
// longest event-loop stall (perf_hooks.monitorEventLoopDelay), next to a plain loopback download of the same bytes.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { startServer } from '../../server/app';
import { checkImage, type CheckedImage } from '../../server/images';
import type { CheckedDocument } from '../../server/service';
import { ChangesResponse, SessionResponse, type IntakeRequest } from '../../shared/contract/central';
import type { Person } from '../../shared/domain';
import { createImagePipeline } from '../../electron/imaging';
import { openCaseStore } from '../../electron/store/caseStore';
import { ExplicitKeyProvider } from '../../electron/store/keys';
import { createSyncEngine, type SyncProgress, type SyncReport } from '../../electron/sync';
import { recordDerivedQuality } from '../../electron/sync/derivedQuality';

process.env.VERITY_QUIET = '1';
const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const self = fileURLToPath(import.meta.url);
const corpusDir = fileURLToPath(new URL('../../../shared/corpus/images/', import.meta.url));

function request(n: number, tag: string): Omit<IntakeRequest, 'documents'> {
  return {
    accountId: `BENCH-${tag}-${n}`,
    kind: 'individual',
    registrationLocation: 'CN',
    identity: { kind: 'individual', fullName: `SPECIMEN Bench ${n}`, documentType: 'id_card', documentNumber: `B${tag}${n}${randomUUID().slice(0, 6)}`, issuingLocation: 'CN' },
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
  };
}

/** A distinct, valid JPEG per n: a real photo with a comment segment (FF FE) naming n right after SOI. */
function distinctPhoto(base: Buffer, n: number): Buffer {
  const text = Buffer.from(`verity bench ${n}`);
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(2 + text.length, 2);
  text.copy(segment, 4);
  return Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]);
}

/** Documents per application in the pull phase (front and back), as the issue asks: 1,000 applications, 2,000 images. */
const photosPerApplication = 2;

/**
 * Four ~1 MB JPEGs of a real 6 MP photo (2725×2225, the corpus' 2569067123_aca715a2ee_o.jpg): as it is, mirrored,
 * flipped, and both, re-encoded at quality 92. Each document then gets its own bytes with distinctPhoto.
 */
async function basePhotos(): Promise<{ bytes: Buffer; check: CheckedImage }[]> {
  const source = readFileSync(`${corpusDir}2569067123_aca715a2ee_o.jpg`);
  const variants = [(s: Sharp) => s, (s: Sharp) => s.flop(), (s: Sharp) => s.flip(), (s: Sharp) => s.flip().flop()];
  return Promise.all(
    variants.map(async (variant) => {
      const bytes = await variant(sharp(source)).jpeg({ quality: 92 }).toBuffer();
      return { bytes, check: await checkImage(bytes, 'front') };
    }),
  );
}

// ── the server child ─────────────────────────────────────────────────────────────────────────────
if (args[0] === '--server') {
  const server = await startServer({ assignmentCap: 100_000, log: () => undefined });
  const photos = await basePhotos();
  const commands = createInterface({ input: process.stdin });
  process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
  for await (const line of commands) {
    const [command, countText] = line.trim().split(' ');
    const count = Number(countText);
    const started = performance.now();
    if (command === 'seed-photos') {
      for (let n = 0; n < count; n++) {
        const documents = (['front', 'back'] as const).slice(0, photosPerApplication).map((role, i): CheckedDocument => {
          const k = n * photosPerApplication + i;
          const base = photos[k % photos.length] as (typeof photos)[number];
          // A comment segment changes the bytes, not the picture: the base's full check holds, only the hash is new.
          const bytes = distinctPhoto(base.bytes, k);
          return { role, bytes, ...base.check, sha256: createHash('sha256').update(bytes).digest('hex') };
        });
        await server.service.submitChecked(request(n, 'P'), documents, randomUUID(), false);
      }
    } else if (command === 'seed-plain') {
      const bytes = await sharp({ create: { width: 640, height: 400, channels: 3, background: { r: 200, g: 210, b: 220 } } }).jpeg().toBuffer();
      const checked: CheckedDocument = { role: 'front', bytes, ...(await checkImage(bytes, 'front')) };
      for (let n = 0; n < count; n++) await server.service.submitChecked(request(n, 'D'), [checked], randomUUID(), false);
    } else if (command === 'quit') {
      break;
    }
    process.stdout.write(JSON.stringify({ done: command, ms: performance.now() - started }) + '\n');
  }
  commands.close();
  await server.close();
  process.exit(0);
}

// ── the workstation side ─────────────────────────────────────────────────────────────────────────
const pullCount = Number(argValue('--pull') ?? 1_000);
const pushCount = Number(argValue('--push') ?? 10_000);

const child = spawn(process.execPath, ['--import', 'tsx', self, '--server'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, VERITY_QUIET: '1' } });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
async function nextLine(): Promise<Record<string, unknown>> {
  const { value, done } = await lines.next();
  if (done) throw new Error('the server child ended');
  return JSON.parse(value as string) as Record<string, unknown>;
}
async function command(text: string): Promise<number> {
  child.stdin.write(text + '\n');
  return Number((await nextLine()).ms);
}

const { url } = (await nextLine()) as { url: string };
console.log(`central server (child process) at ${url}`);

interface Phase {
  name: string;
  ms: number;
  items: number;
  unit: string;
  bytes: number;
  peakRssMb: number;
  maxStallMs: number;
  p99StallMs: number;
}
const phases: Phase[] = [];

/** Runs `fn` while sampling RSS and the event-loop delay. */
async function measure<T>(name: string, unit: string, fn: () => Promise<{ result: T; items: number; bytes: number }>): Promise<T> {
  global.gc?.();
  storeCalls.clear();
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let peak = process.memoryUsage().rss;
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss > peak) [peak, atPeak] = [usage.rss, usage];
  }, 50);
  histogram.enable();
  const started = performance.now();
  const { result, items, bytes } = await fn();
  const ms = performance.now() - started;
  histogram.disable();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  phases.push({ name, ms, items, unit, bytes, peakRssMb: peak / 2 ** 20, maxStallMs: histogram.max / 1e6, p99StallMs: histogram.percentile(99) / 1e6 });
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(`${name}: ${(ms / 1000).toFixed(1)} s, longest stall ${(histogram.max / 1e6).toFixed(0)} ms`);
  console.log(`  at peak RSS ${mb(peak)} MB: V8 heap ${mb(atPeak.heapUsed)}/${mb(atPeak.heapTotal)} MB, external ${mb(atPeak.external)} MB (array buffers ${mb(atPeak.arrayBuffers)} MB)`);
  reportStoreCalls(name);
  return result;
}

// --trace-gaps: prints every pause of the event loop over 50 ms as it happens, with the engine's last progress event.
let lastProgress = '';
if (args.includes('--trace-gaps')) {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 55) console.log(`  gap ${(now - last - 5).toFixed(0)} ms after ${lastProgress}`);
    last = now;
  }, 5).unref();
}

const dir = mkdtempSync(join(tmpdir(), 'verity-bench-sync-'));
const keyProvider = new ExplicitKeyProvider(Buffer.alloc(32, 9));

/** The longest single call of each store method (synchronous work on the engine's event loop), per phase. */
const storeCalls = new Map<string, { calls: number; maxMs: number; totalMs: number }>();
function timedStore<S extends object>(store: S): S {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...callArgs: unknown[]) => {
        const started = performance.now();
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, callArgs);
        } finally {
          const ms = performance.now() - started;
          const entry = storeCalls.get(String(key)) ?? { calls: 0, maxMs: 0, totalMs: 0 };
          entry.calls += 1;
          entry.maxMs = Math.max(entry.maxMs, ms);
          entry.totalMs += ms;
          storeCalls.set(String(key), entry);
        }
      };
    },
  });
}
function reportStoreCalls(phase: string): void {
  const rows = [...storeCalls].sort((x, y) => y[1].maxMs - x[1].maxMs).slice(0, 5);
  console.log(`  store calls during ${phase}: ${rows.map(([k, v]) => `${k} ×${v.calls} max ${v.maxMs.toFixed(0)} ms, total ${(v.totalMs / 1000).toFixed(1)} s`).join('; ')}`);
  storeCalls.clear();
}

function workstation(name: string) {
  const store = timedStore(openCaseStore({ path: join(dir, `${name}.db`), keyProvider }));
  const images = createImagePipeline({ blobDir: join(dir, `${name}-blobs`), keyProvider });
  return { store, images };
}

try {
  // 1. Pull: reviewer1 receives pullCount applications, each with two photos of its own (~1 MB each).
  if (pullCount > 0) {
    const seedPhotosMs = await command(`seed-photos ${pullCount}`);
    console.log(`seeded ${pullCount} applications with ${pullCount * photosPerApplication} distinct photos in ${(seedPhotosMs / 1000).toFixed(1)} s`);
    const a = workstation('reviewer1');
    // As the app wires it (electron/api/workstation.ts): derived quality goes to the store in batches.
    const derivedOutcomes = { ok: 0, failed: 0 };
    a.images.onDerived((o) => (o.ok ? derivedOutcomes.ok++ : derivedOutcomes.failed++));
    const recorder = recordDerivedQuality({ images: a.images, store: a.store });
    // Background derivation is held through the pull (the engine holds it too) and the plain download, so that
    // neither competes with it; it is measured on its own below.
    a.images.pauseBackground();
    const progress: SyncProgress[] = [];
    const pullEngine = createSyncEngine({ store: a.store, images: a.images, centralUrl: url, credentials: { username: 'reviewer1', password: 'verity-demo' }, deviceId: 'bench-a', pageSize: 100, onProgress: (p) => {
      progress.push(p);
      lastProgress = `${p.phase} ${p.done}/${p.total ?? '?'}`;
    } });
    // Paid once per app run, not per sync, so not measured: the first fetch (Node loads undici) at sign-in, and the
    // imaging worker's start (under tsx in development it compiles the worker's TypeScript; the built app does not).
    await pullEngine.authenticate({ username: 'reviewer1', password: 'verity-demo' });
    await a.images.ingest(await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toBuffer());
    const pulled = await measure<SyncReport>(`pull ${pullCount} applications with ${pullCount * photosPerApplication} images (download + verify + admit original + store)`, 'applications', async () => {
      const report = await pullEngine.syncNow();
      if (!report.ok) throw new Error(`pull failed: ${JSON.stringify(report.error)}`);
      return { result: report, items: report.pulled.inserted, bytes: report.images.bytes };
    });
    console.log(JSON.stringify(pulled.images));

    // The same documents with plain fetch, 4 at a time, no hashing, no ingest: the loopback ceiling.
    const session = SessionResponse.parse(await (await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reviewer1', password: 'verity-demo' }) })).json());
    const auth = { authorization: `Bearer ${session.accessToken}` };
    const documentIds: string[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = ChangesResponse.parse(await (await fetch(`${url}/v1/changes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth })).json());
      for (const change of page.changes) documentIds.push(...change.documents.map((d) => d.id));
      cursor = page.cursor;
      if (!page.hasMore) break;
  }
  await measure(`plain loopback download of the same ${documentIds.length} images (fetch, 4 at a time)`, 'images', async () => {
    let next = 0;
    let bytes = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < documentIds.length) {
          const id = documentIds[next++] as string;
          const response = await fetch(`${url}/v1/documents/${id}/content`, { headers: auth });
          if (response.status !== 200) throw new Error(`plain download of ${id}: HTTP ${response.status} ${await response.text()}`);
          bytes += (await response.arrayBuffer()).byteLength;
        }
      }),
    );
    return { result: null, items: documentIds.length, bytes };
  });
  const [pullPhase, plainPhase] = phases.slice(-2) as [Phase, Phase];
  console.log(`pull throughput ÷ plain download throughput: ${((pullPhase.bytes / pullPhase.ms / (plainPhase.bytes / plainPhase.ms)) * 100).toFixed(0)} %`);
  const underived = a.store.imagesLackingQuality().length;
  console.log(`after the pull: ${pulled.pulled.inserted} cases and their originals stored; ${underived} images still to derive`);

  // What the pull left for later: preview, thumbnail and quality of every image, one at a time in the background.
  await measure(`derive previews, thumbnails and quality of ${underived} images in the background (1 at a time)`, 'images', async () => {
    a.images.resumeBackground();
    await a.images.whenDerived();
    recorder.flush();
    return { result: null, items: derivedOutcomes.ok + derivedOutcomes.failed, bytes: 0 };
  });
  console.log(`derived ${derivedOutcomes.ok}, failed ${derivedOutcomes.failed}; still without quality: ${a.store.imagesLackingQuality().length}`);
  recorder.close();
  await a.images.close();
  a.store.close();
  }

  // The noise floor of this machine: the same histogram over an idle event loop (nothing but the RSS sampler).
  await measure('idle event loop, 10 s (the machine\'s noise floor for stalls)', 'seconds', async () => {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    return { result: null, items: 10, bytes: 0 };
  });

  if (pushCount > 0) {
    // 2. Push: reviewer2 receives pushCount applications (one shared image), decides each offline, then syncs.
    const seedPlainMs = await command(`seed-plain ${pushCount}`);
    console.log(`seeded ${pushCount} applications in ${(seedPlainMs / 1000).toFixed(1)} s`);
    const b = workstation('reviewer2');
    const pushEngine = createSyncEngine({ store: b.store, images: b.images, centralUrl: url, credentials: { username: 'reviewer2', password: 'verity-demo' }, deviceId: 'bench-b', onProgress: (p) => (lastProgress = `${p.phase} ${p.done}/${p.total ?? '?'}`) });
    await b.images.ingest(await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 150, g: 120, b: 90 } } }).jpeg().toBuffer());
    await measure(`pull ${pushCount} applications (one shared image)`, 'applications', async () => {
      const report = await pushEngine.syncNow();
      if (!report.ok) throw new Error(`pull failed: ${JSON.stringify(report.error)}`);
      return { result: report, items: report.pulled.inserted, bytes: report.images.bytes };
    });
    const reviewer2: Person = { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' };
    const ids = b.store.listQueue({ limit: 200 });
    const all: string[] = [];
    for (let page = ids; ; ) {
      all.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      page = b.store.listQueue({ limit: 200, cursor: page.nextCursor });
  }
  const decideStarted = performance.now();
  for (const applicationId of all) {
    b.store.recordDecision({ applicationId, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null }, reviewer2, 'bench-b', false);
  }
  console.log(`recorded ${all.length} decisions locally in ${((performance.now() - decideStarted) / 1000).toFixed(1)} s`);
  let pushEndedAt = 0;
  const pushWatcher = createSyncEngine({
    store: b.store,
    images: b.images,
    centralUrl: url,
    credentials: { username: 'reviewer2', password: 'verity-demo' },
    deviceId: 'bench-b',
    onProgress: (p) => {
      lastProgress = `${p.phase} ${p.done}/${p.total ?? '?'}`;
      if (p.phase !== 'push' && pushEndedAt === 0) pushEndedAt = performance.now();
    },
  });
  let pushStartedAt = 0;
  const pushed = await measure<SyncReport>(`push ${all.length} decisions (batches of 100), then pull their ${all.length} updates`, 'decisions', async () => {
    pushStartedAt = performance.now();
    const report = await pushWatcher.syncNow();
    if (!report.ok) throw new Error(`push failed: ${JSON.stringify(report.error)}`);
    return { result: report, items: report.pushed.applied, bytes: 0 };
  });
  console.log(`push part alone: ${((pushEndedAt - pushStartedAt) / 1000).toFixed(1)} s for ${pushed.pushed.applied} applied, ${pushed.pushed.rejected} rejected, ${pushed.pushed.batches} batches`);
  const counts = b.store.outboxCounts();
  await b.images.close();
  b.store.close();
  console.log(`outbox after push: ${JSON.stringify(counts)}; push part alone ${((pushEndedAt - pushStartedAt) / 1000).toFixed(1)} s`);
  }

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${platform()} ${release()}, Node ${process.version}`;
  console.log(`\n${machine}\n${new Date().toISOString()}`);
  console.log(
    [
      '| phase | wall s | items | per s | MB/s | peak RSS MB | longest event-loop stall ms | p99 stall ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...phases.map(
        (p) =>
          `| ${p.name} | ${(p.ms / 1000).toFixed(1)} | ${p.items} ${p.unit} | ${(p.items / (p.ms / 1000)).toFixed(0)} | ${p.bytes ? (p.bytes / 2 ** 20 / (p.ms / 1000)).toFixed(1) : '–'} | ${p.peakRssMb.toFixed(0)} | ${p.maxStallMs.toFixed(0)} | ${p.p99StallMs.toFixed(0)} |`,
      ),
    ].join('\n'),
  );
} finally {
  child.stdin.write('quit\n');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
