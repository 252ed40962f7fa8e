// Imaging benchmark: full ingest through the imaging process pool vs sharp's bare decode (the floor) vs jimp (the
// pure-JavaScript peer) doing the same resizes. Run: `npx tsx bench/imaging/run.ts`. Each measurement runs in its
// own child process (the "measuring process"). Since the pool forks a child process per imaging slot
// (electron/imaging/launch.ts), the pipeline's work happens in a grandchild of this script, so every figure counts
// the measuring process AND its descendants: CPU time = own cpuUsage + the descendants' per-thread schedstat, peak
// RSS = the peak of the sampled sum of their RSS (every 10 ms), peak PSS = the peak of the sampled sum of their PSS
// (smaps_rollup, every 50 ms). Inputs are generated into a temporary folder, never into the repository. Results go
// to bench/imaging/README.md by hand.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const corpus = process.env.VERITY_BENCH_CORPUS ?? fileURLToPath(new URL('../../../shared/corpus/images/', import.meta.url));

interface Measurement {
  scenario: string;
  file: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /**
   * Median CPU time per run of all threads of the measuring process and of its descendants (the imaging processes):
   * unlike wall time, barely moved by other load.
   */
  medianCpuMs: number;
  /** The part of medianCpuMs spent in descendants (the imaging processes): median of their per-run CPU. */
  medianChildCpuMs: number;
  peakRssMb: number;
  /**
   * Peak of the sampled sum of the PSS (proportional set size: each shared page divided among the processes mapping
   * it) of the same processes, sampled every 50 ms. No high-water-mark floor exists for PSS, so while the event loop
   * is blocked (jimp) this misses peaks.
   */
  peakPssMb: number;
  /**
   * Median cost of one PSS sample (smaps_rollup of every process in the set): wall ms, and CPU ms of the sampling
   * thread (its schedstat); and how smaps_rollup was read.
   */
  pssSampleMs: number;
  pssSampleCpuMs: number;
  pssRead: string;
  /** Median CPU per run spent in PSS samples; subtracted from medianCpuMs (harness overhead, not pipeline work). */
  medianPssCpuMs: number;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const PAGE = 4096;
const gone = (error: unknown) => ['ENOENT', 'ESRCH'].includes((error as NodeJS.ErrnoException).code ?? '');
/** Reads a /proc file; null when the process (or thread) has gone meanwhile. */
function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (gone(error)) return null;
    throw error;
  }
}
function tasksOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch (error) {
    if (gone(error)) return [];
    throw error;
  }
}
/** All descendants of this process: the children of every thread (fork may run on any), recursively. */
function descendants(root = process.pid): number[] {
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    for (const tid of tasksOf(pid)) {
      for (const child of (readProc(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ')) {
        if (!child) continue;
        const c = Number(child);
        if (!found.includes(c)) {
          found.push(c);
          pending.push(c);
        }
      }
    }
  }
  return found;
}
/** Resident set of one process in bytes (statm field 2), 0 if it has gone. */
const rssBytes = (pid: number | 'self') => Number((readProc(`/proc/${pid}/statm`) ?? '0 0').split(' ')[1] ?? 0) * PAGE;
/** RSS of this process plus all its descendants, in MB. */
const totalRssMb = () => [rssBytes('self'), ...descendants().map(rssBytes)].reduce((a, b) => a + b, 0) / 1048576;
/** Peak of this process's own RSS (VmHWM): a floor for the summed peak when the event loop was too busy to sample. */
const ownHwmMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

/**
 * PSS from /proc/<pid>/smaps_rollup (the `Pss:` line, kB). The kernel walks the page tables of every VMA of the
 * process to produce it, so it costs far more than statm (milliseconds for a process with libvips loaded). Two ways
 * to read it; `choosePssRead` times both once and keeps the cheaper:
 * - 'readFileSync': open, read, close on every sample;
 * - 'fd': one descriptor per process kept open and re-read with readSync at position 0 (a seq_file read from offset
 *   0 regenerates the text).
 */
let pssRead: 'readFileSync' | 'fd' = 'fd';
const pssFds = new Map<number, number>();
const pssBuf = Buffer.alloc(8192);
const pssOfText = (text: string) => Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024;
function pssFdBytes(pid: number): number {
  let fd = pssFds.get(pid);
  try {
    if (fd === undefined) {
      fd = openSync(`/proc/${pid}/smaps_rollup`, 'r');
      pssFds.set(pid, fd);
    }
    const n = readSync(fd, pssBuf, 0, pssBuf.length, 0);
    return pssOfText(pssBuf.toString('latin1', 0, n));
  } catch (error) {
    if (!gone(error)) throw error;
    if (fd !== undefined) closeSync(fd);
    pssFds.delete(pid);
    return 0;
  }
}
/** PSS of one process in bytes, 0 if it has gone. */
const pssBytes = (pid: number) => (pssRead === 'fd' ? pssFdBytes(pid) : pssOfText(readProc(`/proc/${pid}/smaps_rollup`) ?? ''));
/** Closes the kept descriptors of processes no longer in the set (or all of them). */
function closePssFds(keep: number[] = []): void {
  for (const [pid, fd] of pssFds) {
    if (keep.includes(pid)) continue;
    closeSync(fd);
    pssFds.delete(pid);
  }
}
/** PSS of the given processes, in MB. */
const totalPssMb = (pids: number[]) => pids.reduce((sum, pid) => sum + pssBytes(pid), 0) / 1048576;
/** Times 25 reads of this process's smaps_rollup each way and keeps the cheaper way. */
function choosePssRead(): string {
  const cost = (way: 'readFileSync' | 'fd') => {
    pssRead = way;
    pssBytes(process.pid);
    const ms: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t = performance.now();
      pssBytes(process.pid);
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  const viaFile = cost('readFileSync');
  const viaFd = cost('fd');
  pssRead = viaFd <= viaFile ? 'fd' : 'readFileSync';
  if (pssRead !== 'fd') closePssFds();
  return `${pssRead} (one read of this process's smaps_rollup: readFileSync ${viaFile.toFixed(3)} ms, kept fd + readSync ${viaFd.toFixed(3)} ms)`;
}

/**
 * Samples the summed RSS every 10 ms, and every 5th tick (50 ms) the summed PSS of the same processes, from the start
 * of the measuring process's work (warm-up included, as VmHWM did before) until the report. The sampler runs on the
 * event loop, so it misses peaks while the main thread is busy in synchronous JavaScript (jimp); the reported RSS
 * peak is therefore never below this process's own VmHWM. PSS has no such floor.
 */
let sampledPeakMb = 0;
let sampledPeakPssMb = 0;
const pssSampleMs: number[] = [];
const pssSampleCpuMs: number[] = [];
/**
 * CPU time of the calling thread, ns (schedstat field 1: user + system). The kernel brings a running thread's figure
 * up to date at scheduler ticks only, so one sample's difference is rough; summed over a run it is not biased.
 */
const threadCpuNs = () => Number((readProc('/proc/thread-self/schedstat') ?? '0').split(' ')[0]);
/** Running total of the CPU spent in PSS samples, ns. */
let pssCpuNs = 0;
let pssReadChoice = '';
let sampler: NodeJS.Timeout | null = null;
function samplePss(pids: number[]): void {
  const t = performance.now();
  const c = threadCpuNs();
  const pss = totalPssMb(pids);
  const cpuNs = threadCpuNs() - c;
  pssSampleMs.push(performance.now() - t);
  pssSampleCpuMs.push(cpuNs / 1e6);
  pssCpuNs += cpuNs;
  sampledPeakPssMb = Math.max(sampledPeakPssMb, pss);
  if (pssRead === 'fd') closePssFds(pids);
}
function startMemorySampler(): void {
  pssReadChoice = choosePssRead();
  pssSampleMs.length = 0;
  pssSampleCpuMs.length = 0;
  let tick = 0;
  const sample = () => {
    const pids = [process.pid, ...descendants()];
    sampledPeakMb = Math.max(sampledPeakMb, pids.reduce((sum, pid) => sum + rssBytes(pid), 0) / 1048576);
    if (tick++ % 5 === 0) samplePss(pids);
  };
  sample();
  sampler = setInterval(sample, 10).unref();
}
function stopMemorySampler(): { peakRssMb: number; peakPssMb: number; pssSampleMs: number; pssSampleCpuMs: number; pssRead: string } {
  if (sampler) clearInterval(sampler);
  sampler = null;
  const pids = [process.pid, ...descendants()];
  sampledPeakMb = Math.max(sampledPeakMb, totalRssMb());
  samplePss(pids);
  closePssFds();
  const summary = { peakRssMb: Math.max(sampledPeakMb, ownHwmMb()), peakPssMb: sampledPeakPssMb, pssSampleMs: median(pssSampleMs), pssSampleCpuMs: median(pssSampleCpuMs), pssRead: pssReadChoice };
  process.stderr.write(`  [${process.argv[3]}] PSS: ${pssSampleMs.length} samples of ${pids.length} process(es) at the end; one sample median ${summary.pssSampleMs.toFixed(3)} ms wall (max ${Math.max(...pssSampleMs).toFixed(3)}), ${summary.pssSampleCpuMs.toFixed(3)} ms CPU; read via ${pssReadChoice}\n`);
  return summary;
}

/** CPU time on record (ns, schedstat field 1) of every thread of every descendant of this process, by "pid/tid". */
function descendantCpuNs(): Map<string, number> {
  const byThread = new Map<string, number>();
  for (const pid of descendants()) {
    for (const tid of tasksOf(pid)) {
      const stat = readProc(`/proc/${pid}/task/${tid}/schedstat`);
      if (stat !== null) byThread.set(`${pid}/${tid}`, Number(stat.split(' ')[0]));
    }
  }
  return byThread;
}
/**
 * Descendants' CPU between two snapshots, in ms. A thread or process that started during the run counts in full;
 * one that exited during the run is missing from `after`, so its slice since `before` is lost. Acceptable here:
 * the pool keeps one warm imaging process between runs and retires none in these scenarios.
 */
function descendantCpuMs(before: Map<string, number>, after: Map<string, number>): number {
  let ns = 0;
  for (const [thread, now] of after) ns += now - (before.get(thread) ?? 0);
  return ns / 1e6;
}
const cpuTimes: number[] = [];
const childCpuTimes: number[] = [];
const pssCpuTimes: number[] = [];

async function timed(runs: number, fn: (i: number) => Promise<unknown>, between?: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  cpuTimes.length = 0;
  childCpuTimes.length = 0;
  pssCpuTimes.length = 0;
  for (let i = 0; i < runs; i++) {
    const children = descendantCpuNs();
    const cpu = process.cpuUsage();
    const pssBefore = pssCpuNs;
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    const pssMs = (pssCpuNs - pssBefore) / 1e6;
    const childMs = descendantCpuMs(children, descendantCpuNs());
    childCpuTimes.push(childMs);
    pssCpuTimes.push(pssMs);
    // The PSS samples taken during the run are harness overhead (up to several ms each): not counted.
    cpuTimes.push((used.user + used.system) / 1000 - pssMs + childMs);
    if (between) await between();
  }
  return times;
}

function report(scenario: string, file: string, times: number[], note?: string): void {
  const m: Measurement = { scenario, file, runs: times.length, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), medianCpuMs: median(cpuTimes), medianChildCpuMs: median(childCpuTimes), medianPssCpuMs: median(pssCpuTimes), ...stopMemorySampler(), ...(note ? { note } : {}) };
  process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
}

/** Child side: one scenario on one or more files. */
async function child(scenario: string, files: string[], runs: number): Promise<void> {
  startMemorySampler();
  const file = files[0]!;
  const bytes = readFileSync(file);
  // Loaded for the sharp-only scenarios alone: the pipeline's host does not need libvips (32 MB of RSS), the
  // imaging process does, and the app's process loads it only to draw a demo or start the built-in central.
  const sharp = scenario === 'decode' || scenario === 'sharp-resize' ? (await import('sharp')).default : null;
  if (sharp && scenario === 'decode') {
    // The floor: libvips decoding every pixel of the file, nothing else.
    await sharp(bytes).raw().toBuffer();
    report(scenario, file, await timed(runs, () => sharp(bytes).raw().toBuffer()));
    return;
  }
  if (sharp && scenario === 'sharp-resize') {
    // Only the resizes jimp is asked to do, with sharp: orient, 1344 preview JPEG, 320 thumbnail JPEG.
    const work = async () => {
      const preview = await sharp(bytes).rotate().resize(1344, 1344, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
      await sharp(preview).resize(320, 320, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
    };
    await work();
    report(scenario, file, await timed(runs, work));
    return;
  }
  if (scenario === 'jimp') {
    const { Jimp } = await import('jimp');
    const work = async () => {
      const image = await Jimp.read(bytes);
      image.scaleToFit({ w: 1344, h: 1344 });
      await image.getBuffer('image/jpeg', { quality: 85 });
      image.scaleToFit({ w: 320, h: 320 });
      await image.getBuffer('image/jpeg', { quality: 80 });
    };
    report(scenario, file, await timed(runs, work));
    return;
  }
  const { createImagePipeline } = await import('../../electron/imaging/index');
  // The bundled imaging entry, as the Electron build will ship it: the pool forks it as a plain-node child process
  // (worker.ts talks through process.send), no tsx inside.
  const workerScript = process.env.VERITY_BENCH_WORKER ? pathToFileURL(process.env.VERITY_BENCH_WORKER) : undefined;
  const { ExplicitKeyProvider } = await import('../../electron/common/keys');
  const blobDir = mkdtempSync(join(tmpdir(), 'verity-bench-blobs-'));
  try {
    if (scenario === 'ingest') {
      // Full ingest of one image at a time through a warm imaging process: checks, orient, strip, preview, thumbnail,
      // quality, SHA-256, encrypt, atomic write with fsync. Blobs are removed between runs (untimed), or
      // content addressing would skip the writes.
      const pipeline = createImagePipeline({ blobDir, keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 1)), workers: { size: 1, workerScript } });
      const clean = () => pipeline.collectGarbage(new Set(), { minAgeMs: 0 });
      await pipeline.ingest(bytes);
      await clean();
      report(scenario, file, await timed(runs, () => pipeline.ingest(bytes), clean));
      await pipeline.close();
      return;
    }
    if (scenario === 'queue8') {
      // Eight different images queued at once on the default pool, or on VERITY_BENCH_POOL_SIZE imaging processes.
      const size = process.env.VERITY_BENCH_POOL_SIZE ? Number(process.env.VERITY_BENCH_POOL_SIZE) : undefined;
      const pipeline = createImagePipeline({ blobDir, keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 1)), workers: { workerScript, ...(size ? { size } : {}) } });
      await Promise.all([pipeline.ingest(readFileSync(join(corpus, 'quality/q-reference.jpg'))), pipeline.ingest(readFileSync(join(corpus, 'quality/progressive.jpg')))]);
      const batch = files.map((f) => readFileSync(f));
      // The host and its warm imaging process(es), at rest with the batch read.
      const idleRss = totalRssMb();
      const idlePss = totalPssMb([process.pid, ...descendants()]);
      let failed = 0;
      const times = await timed(1, async () => (failed = (await pipeline.ingestBatch(batch)).filter((o) => !o.ok).length));
      report(scenario, `${files.length} × ${file.split('/').pop()}`, times, `${failed} failed; ${(times[0]! / files.length).toFixed(0)} ms per image; warm, idle host + imaging processes before the batch: RSS ${idleRss.toFixed(0)} MB, PSS ${idlePss.toFixed(0)} MB`);
      await pipeline.close();
      return;
    }
  } finally {
    rmSync(blobDir, { recursive: true, force: true });
  }
  throw new Error(`unknown scenario ${scenario}`);
}

/** A phone-like JPEG: a real photo scaled up, with sensor-like noise so it compresses like a camera file. */
async function phoneJpeg(path: string, width: number, height: number, seedPhoto: Buffer): Promise<void> {
  const sharp = (await import('sharp')).default;
  const base = await sharp(seedPhoto).resize(width, height, { fit: 'fill' }).raw().toBuffer();
  const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 24 } } }).raw().toBuffer();
  const jpeg = await sharp(base, { raw: { width, height, channels: 3 } })
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'soft-light' }])
    .withExif({ IFD0: { Make: 'Bench', Model: 'Phone', Orientation: '6' } })
    .jpeg({ quality: 90 })
    .toBuffer();
  writeFileSync(path, jpeg);
}

/** An A4 page scanned at 300 dpi (2480 × 3508), greyscale, lines of dark "print" on white paper. */
async function a4Scan(path: string): Promise<void> {
  const sharp = (await import('sharp')).default;
  const width = 2480;
  const height = 3508;
  const page = new Uint8Array(width * height).fill(246);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let line = 300; line < height - 300; line += 60) {
    for (let x = 250; x < width - 250; ) {
      const word = 30 + Math.floor(rnd() * 140);
      for (let y = line; y < line + 28; y++) for (let i = x; i < Math.min(x + word, width - 250); i++) if (rnd() < 0.55) page[y * width + i] = 20 + Math.floor(rnd() * 40);
      x += word + 25;
    }
  }
  for (let i = 0; i < page.length; i++) page[i] = Math.max(0, Math.min(255, page[i]! + Math.floor(rnd() * 9) - 4));
  writeFileSync(path, await sharp(page, { raw: { width, height, channels: 1 } }).png().toBuffer());
}

/**
 * Bundles worker.ts the way electron-vite will (one ESM file, sharp and libheif-js external) with esbuild, which
 * tsx brings along. The bundle must sit inside the repository so `sharp` resolves from node_modules; it is removed
 * after the run.
 */
async function bundle(entry: string, name: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = fileURLToPath(new URL(`./.build/${name}`, import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['sharp', 'libheif-js', 'jimp', 'esbuild'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
const bundleWorker = () => bundle('../../electron/imaging/worker.ts', 'imaging-worker.mjs');

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const workerBundle = await bundleWorker();
  // The measuring children run this file bundled, under plain node: tsx's loader thread alone costs ~30 MB of RSS.
  // Their pool's launcher thread is found beside it, as the app's is beside out/main/index.js.
  const childBundle = await bundle('./run.ts', 'bench.mjs');
  await bundle('../../electron/imaging/launcherThread.ts', 'imaging-launcher.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'verity-bench-'));
  const seedPhoto = readFileSync(join(corpus, '2569067123_aca715a2ee_o.jpg'));
  const inputs = {
    '6 MP JPEG': join(dir, 'phone-6mp.jpg'),
    '12 MP JPEG': join(dir, 'phone-12mp.jpg'),
    '24 MP JPEG': join(dir, 'phone-24mp.jpg'),
    'A4 PNG scan': join(dir, 'a4-300dpi.png'),
  };
  await phoneJpeg(inputs['6 MP JPEG'], 3024, 2016, seedPhoto);
  await phoneJpeg(inputs['12 MP JPEG'], 4032, 3024, seedPhoto);
  await phoneJpeg(inputs['24 MP JPEG'], 5712, 4284, seedPhoto);
  await a4Scan(inputs['A4 PNG scan']);
  const queueDir = join(dir, 'queue');
  mkdirSync(queueDir);
  const queued: string[] = [];
  for (let i = 0; i < 8; i++) {
    queued.push(join(queueDir, `q${i}.jpg`));
    await phoneJpeg(queued[i]!, 4032, 3024, seedPhoto); // random noise: eight different files, eight hashes
  }

  const run = (scenario: string, files: string[], runs: number, env: Record<string, string> = {}): Measurement => {
    const out = execFileSync(process.execPath, [childBundle, 'child', scenario, String(runs), ...files], {
      encoding: 'utf8',
      env: { ...process.env, VERITY_QUIET: '1', VERITY_BENCH_WORKER: workerBundle, VERITY_BENCH_CORPUS: corpus, ...env },
      maxBuffer: 1 << 24,
    });
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no result from ${scenario}`);
    return JSON.parse(line.slice(7)) as Measurement;
  };

  const rows: string[] = [];
  rows.push('| input | size | full ingest median ms (min) | ingest CPU ms | ingest peak RSS MB | ingest peak PSS MB | bare decode median ms (min) | decode CPU ms | ingest ÷ decode (CPU) | sharp same resize ms | jimp same resize ms (min) | jimp CPU ms | jimp peak RSS MB | jimp peak PSS MB | jimp ÷ ingest (CPU) | jimp ÷ sharp resize (CPU) |');
  rows.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, file] of Object.entries(inputs)) {
    const bytes = readFileSync(file).length;
    const big = label.startsWith('24') || label.startsWith('A4');
    const ingest = run('ingest', [file], big ? 7 : 11);
    const decode = run('decode', [file], big ? 7 : 11);
    const resize = run('sharp-resize', [file], big ? 7 : 11);
    const jimp = run('jimp', [file], big ? 3 : 5);
    console.error(label, JSON.stringify({ ingest, decode, resize, jimp }));
    const f = (v: number) => v.toFixed(0);
    const r = (a: number, b: number, digits = 1) => `${(a / b).toFixed(digits)}×`;
    rows.push(
      `| ${label} | ${(bytes / 1048576).toFixed(1)} MB | ${f(ingest.medianMs)} (${f(ingest.minMs)}) | ${f(ingest.medianCpuMs)} | ${f(ingest.peakRssMb)} | ${f(ingest.peakPssMb)} | ${f(decode.medianMs)} (${f(decode.minMs)}) | ${f(decode.medianCpuMs)} | ${r(ingest.medianMs, decode.medianMs, 2)} (${r(ingest.medianCpuMs, decode.medianCpuMs, 2)}) | ${f(resize.medianMs)} | ${f(jimp.medianMs)} (${f(jimp.minMs)}) | ${f(jimp.medianCpuMs)} | ${f(jimp.peakRssMb)} | ${f(jimp.peakPssMb)} | ${r(jimp.medianMs, ingest.medianMs)} (${r(jimp.medianCpuMs, ingest.medianCpuMs)}) | ${r(jimp.medianMs, resize.medianMs)} (${r(jimp.medianCpuMs, resize.medianCpuMs)}) |`,
    );
  }
  rows.push('');
  rows.push('| 8 different 12 MP JPEGs queued at once | wall ms | CPU ms | peak RSS MB | peak PSS MB | notes |');
  rows.push('| --- | ---: | ---: | ---: | ---: | --- |');
  const variants: Array<[string, Record<string, string>]> = [
    // The imaging processes always get MALLOC_ARENA_MAX=1 (launch.ts); the variable here reaches the host only.
    ['2 imaging processes', { VERITY_BENCH_POOL_SIZE: '2' }],
    ['1 imaging process (the default on ≤ 2 cores)', { VERITY_BENCH_POOL_SIZE: '1' }],
    ['2 imaging processes, host MALLOC_ARENA_MAX=2', { VERITY_BENCH_POOL_SIZE: '2', MALLOC_ARENA_MAX: '2' }],
    ['1 imaging process, host MALLOC_ARENA_MAX=2', { VERITY_BENCH_POOL_SIZE: '1', MALLOC_ARENA_MAX: '2' }],
  ];
  for (const [label, env] of variants) {
    const queue = run('queue8', queued, 1, env);
    rows.push(`| ${label} | ${queue.medianMs.toFixed(0)} | ${queue.medianCpuMs.toFixed(0)} | ${queue.peakRssMb.toFixed(0)} | ${queue.peakPssMb.toFixed(0)} | ${queue.note} |`);
    console.error(label, JSON.stringify(queue));
  }
  const header = `Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}, load average before the run ${loadBefore.map((l) => l.toFixed(1)).join(' / ')}, after it ${loadavg().map((l) => l.toFixed(1)).join(' / ')}.`;
  console.log([header, '', ...rows].join('\n'));
  rmSync(dir, { recursive: true, force: true });
  rmSync(fileURLToPath(new URL('./.build/', import.meta.url)), { recursive: true, force: true });
}

if (process.argv[2] === 'generate') {
  // `npx tsx bench/imaging/run.ts generate <dir>`: the inputs only (for running one child by hand).
  const dir = process.argv[3]!;
  const seedPhoto = readFileSync(join(corpus, '2569067123_aca715a2ee_o.jpg'));
  for (let i = 0; i < 8; i++) await phoneJpeg(join(dir, `q${i}.jpg`), 4032, 3024, seedPhoto);
  console.log(await bundleWorker());
} else if (process.argv[2] === 'child') {
  const [, , , scenario = '', runs = '5', ...files] = process.argv;
  await child(scenario, files, Number(runs));
} else {
  await main();
}
