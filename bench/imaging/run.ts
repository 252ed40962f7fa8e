// Imaging benchmark: full ingest through the worker pool vs sharp's bare decode (the floor) vs jimp (the
// pure-JavaScript peer) doing the same resizes. Run: `npx tsx bench/imaging/run.ts`. Each measurement runs in its
// own child process so its peak RSS (getrusage maxrss) belongs to that measurement alone. Inputs are generated
// into a temporary folder, never into the repository. Results go to bench/imaging/README.md by hand.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Median CPU time of all threads of the process per run: unlike wall time, barely moved by other load. */
  medianCpuMs: number;
  peakRssMb: number;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Peak RSS of this process (VmHWM). getrusage's maxrss would include the parent's peak: Linux keeps it across execve. */
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
const cpuTimes: number[] = [];

async function timed(runs: number, fn: (i: number) => Promise<unknown>, between?: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  cpuTimes.length = 0;
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
    if (between) await between();
  }
  return times;
}

function report(scenario: string, file: string, times: number[], note?: string): void {
  const m: Measurement = { scenario, file, runs: times.length, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), medianCpuMs: median(cpuTimes), peakRssMb: peakRssMb(), ...(note ? { note } : {}) };
  process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
}

/** Child side: one scenario on one or more files. */
async function child(scenario: string, files: string[], runs: number): Promise<void> {
  const file = files[0]!;
  const bytes = readFileSync(file);
  const sharp = (await import('sharp')).default;
  if (scenario === 'decode') {
    // The floor: libvips decoding every pixel of the file, nothing else.
    await sharp(bytes).raw().toBuffer();
    report(scenario, file, await timed(runs, () => sharp(bytes).raw().toBuffer()));
    return;
  }
  if (scenario === 'sharp-resize') {
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
  // The bundled worker, as the Electron build will ship it (no tsx inside the worker threads).
  const workerScript = process.env.VERITY_BENCH_WORKER ? pathToFileURL(process.env.VERITY_BENCH_WORKER) : undefined;
  const { ExplicitKeyProvider } = await import('../../electron/store/keys');
  const blobDir = mkdtempSync(join(tmpdir(), 'verity-bench-blobs-'));
  try {
    if (scenario === 'ingest') {
      // Full ingest of one image at a time through a warm worker: checks, orient, strip, preview, thumbnail,
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
      // Eight different images queued at once on the default pool, or on VERITY_BENCH_POOL_SIZE workers.
      const size = process.env.VERITY_BENCH_POOL_SIZE ? Number(process.env.VERITY_BENCH_POOL_SIZE) : undefined;
      const pipeline = createImagePipeline({ blobDir, keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 1)), workers: { workerScript, ...(size ? { size } : {}) } });
      await Promise.all([pipeline.ingest(readFileSync(join(corpus, 'quality/q-reference.jpg'))), pipeline.ingest(readFileSync(join(corpus, 'quality/progressive.jpg')))]);
      const batch = files.map((f) => readFileSync(f));
      const idleRss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
      let failed = 0;
      const times = await timed(1, async () => (failed = (await pipeline.ingestBatch(batch)).filter((o) => !o.ok).length));
      report(scenario, `${files.length} × ${file.split('/').pop()}`, times, `${failed} failed; ${(times[0]! / files.length).toFixed(0)} ms per image; RSS of the warm, idle process before the batch ${idleRss.toFixed(0)} MB`);
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
  const childBundle = await bundle('./run.ts', 'bench.mjs');
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
  rows.push('| input | size | full ingest median ms (min) | ingest CPU ms | ingest peak RSS MB | bare decode median ms (min) | decode CPU ms | ingest ÷ decode (CPU) | sharp same resize ms | jimp same resize ms (min) | jimp CPU ms | jimp peak RSS MB | jimp ÷ ingest (CPU) | jimp ÷ sharp resize (CPU) |');
  rows.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
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
      `| ${label} | ${(bytes / 1048576).toFixed(1)} MB | ${f(ingest.medianMs)} (${f(ingest.minMs)}) | ${f(ingest.medianCpuMs)} | ${f(ingest.peakRssMb)} | ${f(decode.medianMs)} (${f(decode.minMs)}) | ${f(decode.medianCpuMs)} | ${r(ingest.medianMs, decode.medianMs, 2)} (${r(ingest.medianCpuMs, decode.medianCpuMs, 2)}) | ${f(resize.medianMs)} | ${f(jimp.medianMs)} (${f(jimp.minMs)}) | ${f(jimp.medianCpuMs)} | ${f(jimp.peakRssMb)} | ${r(jimp.medianMs, ingest.medianMs)} (${r(jimp.medianCpuMs, ingest.medianCpuMs)}) | ${r(jimp.medianMs, resize.medianMs)} (${r(jimp.medianCpuMs, resize.medianCpuMs)}) |`,
    );
  }
  rows.push('');
  rows.push('| 8 different 12 MP JPEGs queued at once | wall ms | CPU ms | peak RSS MB | notes |');
  rows.push('| --- | ---: | ---: | ---: | --- |');
  const variants: Array<[string, Record<string, string>]> = [
    ['2 workers', { VERITY_BENCH_POOL_SIZE: '2' }],
    ['1 worker (the default on ≤ 2 cores)', { VERITY_BENCH_POOL_SIZE: '1' }],
    ['2 workers, MALLOC_ARENA_MAX=2', { VERITY_BENCH_POOL_SIZE: '2', MALLOC_ARENA_MAX: '2' }],
    ['1 worker, MALLOC_ARENA_MAX=2', { VERITY_BENCH_POOL_SIZE: '1', MALLOC_ARENA_MAX: '2' }],
  ];
  for (const [label, env] of variants) {
    const queue = run('queue8', queued, 1, env);
    rows.push(`| ${label} | ${queue.medianMs.toFixed(0)} | ${queue.medianCpuMs.toFixed(0)} | ${queue.peakRssMb.toFixed(0)} | ${queue.note} |`);
  }
  const header = `Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}, load average before the run ${loadBefore.map((l) => l.toFixed(1)).join(' / ')}.`;
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
