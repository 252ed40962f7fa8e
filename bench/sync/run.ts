// Benchmark of the sync engine against the real central server (PGlite in memory) on loopback.
//   node --expose-gc --import tsx bench/sync/run.ts [--pull 1000] [--push 10000] [--trace-gaps] [--sources]   (0 skips a phase)
// Measured as shipped: started from TypeScript, this file bundles itself and the imaging and store-writer entries with
// esbuild (as electron-vite builds the app) and runs the bundle, since tsx's loader alone adds ~37 MB to every process
// it runs in; --sources measures the sources under tsx instead. The server runs in a child process (server.ts), so
// its work (PGlite is WebAssembly on the main thread) does not count against the engine's event loop. Measured per phase: wall time, throughput, peak RSS of this process, of its
// imaging child processes and of the whole workstation (this process and its descendants but the server, from
// Linux /proc), and the longest event-loop stall (perf_hooks.monitorEventLoopDelay), next to a plain loopback
// download of the same bytes; memory is sampled on a thread of its own (memorySampler.ts), off the measured loop.
// Per phase also the engine process's CPU and page faults and its main thread's time on and waiting for a core.
// --trace-gaps also prints every pause over 50 ms with how the main thread spent it, and the phase's GCs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ChangesResponse, SessionResponse } from '../../shared/contract/central';
import type { Person } from '../../shared/domain';
import { createImagePipeline } from '../../electron/imaging';
import { imagingPriority } from '../../electron/imaging/priority';
import { openCaseStore } from '../../electron/store/open';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { createSyncEngine, type SyncProgress, type SyncReport } from '../../electron/sync/engine';
import { recordDerivedQuality } from '../../electron/sync/derivedQuality';
import type { SamplerReport, SamplerRequest } from './memorySampler';
import { argValue, bundleEntries, machine } from '../common';

process.env.VERITY_QUIET = '1';
const args = process.argv.slice(2);
// The repository: two folders up from this file; a bundle is told where it is.
const root = process.env.VERITY_BENCH_REPO ?? fileURLToPath(new URL('../../', import.meta.url));
const corpusDir = join(root, '../shared/corpus/images/');

if (import.meta.url.endsWith('.ts') && !args.includes('--sources')) {
  const outdir = join(root, 'out/bench-sync');
  // The entries' names are the ones pool.ts, launch.ts and store/writer.ts look for next to a bundle.
  await bundleEntries(outdir, {
    run: join(root, 'bench/sync/run.ts'),
    'imaging-worker': join(root, 'electron/imaging/worker.ts'),
    'imaging-launcher': join(root, 'electron/imaging/launcherThread.ts'),
    'store-writer': join(root, 'electron/store/writerThread.ts'),
    'memory-sampler': join(root, 'bench/sync/memorySampler.ts'),
  });
  const run = spawnSync(process.execPath, ['--expose-gc', join(outdir, 'run.mjs'), ...args], { stdio: 'inherit', env: { ...process.env, VERITY_BENCH_REPO: root } });
  process.exit(run.status ?? 1);
}

// ── the workstation side ─────────────────────────────────────────────────────────────────────────
const pullCount = Number(argValue('--pull') ?? 1_000);
const pushCount = Number(argValue('--push') ?? 10_000);

/**
 * --server-nice N: the central server's niceness (default 0). The central API runs on other machines in use; here it
 * shares the two cores, and at 10 it yields them to the workstation when both want them (started under `nice`, so
 * every thread of it has the value).
 */
const serverNice = Number(argValue('--server-nice') ?? 0);
const serverCommand = [process.execPath, '--import', 'tsx', join(root, 'bench/sync/server.ts')];
const [serverFile, ...serverArgs] = (serverNice !== 0 ? ['nice', '-n', String(serverNice), ...serverCommand] : serverCommand) as [string, ...string[]];
const child = spawn(serverFile, serverArgs, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, VERITY_QUIET: '1' } });
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

const { url, photosPerApplication } = (await nextLine()) as { url: string; photosPerApplication: number };
console.log(`central server (child process${serverNice !== 0 ? `, nice ${serverNice}` : ''}) at ${url}`);

interface Phase {
  name: string;
  ms: number;
  items: number;
  unit: string;
  bytes: number;
  peakRssMb: number;
  /** Null where /proc cannot be read. */
  peakImagingRssMb: number | null;
  peakTotalRssMb: number | null;
  maxStallMs: number;
  p99StallMs: number;
}
const phases: Phase[] = [];

// ── memory of the workstation's processes: sampled on a thread of its own (memorySampler.ts) ───────────
const samplerEntry = import.meta.url.endsWith('.ts') ? './memorySampler.ts' : './memory-sampler.mjs';
const sampler = new Worker(new URL(samplerEntry, import.meta.url));
sampler.unref();
const samplerReports: SamplerReport[] = [];
let samplerWaiting: (() => void) | null = null;
/** At a new peak of the engine's RSS, the heap figures (process.memoryUsage() of the main thread's isolate). */
let atPeak = process.memoryUsage();
sampler.on('message', (report: SamplerReport) => {
  if (report.op === 'enginePeak') {
    atPeak = process.memoryUsage();
    return;
  }
  if (report.op === 'kernelWait') {
    recentKernelWaits.push({ at: report.at - performance.timeOrigin, wchan: report.wchan });
    return;
  }
  samplerReports.push(report);
  samplerWaiting?.();
});
sampler.on('error', (error) => {
  console.error(`memory sampler failed: ${error.message}`);
  process.exit(1);
});
async function samplerReport<K extends SamplerReport['op']>(op: K): Promise<Extract<SamplerReport, { op: K }>> {
  for (;;) {
    const i = samplerReports.findIndex((r) => r.op === op);
    if (i >= 0) return samplerReports.splice(i, 1)[0] as Extract<SamplerReport, { op: K }>;
    await new Promise<void>((resolve) => (samplerWaiting = resolve));
  }
}
const tell = (request: SamplerRequest) => sampler.postMessage(request);
if (child.pid) tell({ op: 'exclude', pid: child.pid });
if (!(await samplerReport('ready')).procReadable) console.log('/proc/<pid>/task/<tid>/children is unreadable here: only this process\'s RSS is measured');
/** How long each memory sample took the sampler's thread (ms), over the whole run. */
const sampleCosts: number[] = [];

/** Runs `fn` while sampling RSS (every 50 ms) and the event-loop delay. */
async function measure<T>(name: string, unit: string, fn: () => Promise<{ result: T; items: number; bytes: number }>): Promise<T> {
  global.gc?.();
  storeCalls.clear();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  tell({ op: 'start' });
  atPeak = process.memoryUsage();
  const usageBefore = process.resourceUsage();
  const mainBefore = schedstat();
  histogram.enable();
  currentPhase = name;
  const started = performance.now();
  const { result, items, bytes } = await fn();
  const ms = performance.now() - started;
  const usage = process.resourceUsage();
  const mainAfter = schedstat();
  currentPhase = betweenPhases;
  histogram.disable();
  tell({ op: 'stop' });
  const { peakEngine, peakImaging, atPeakTotal, sampleMs } = await samplerReport('stopped');
  sampleCosts.push(...sampleMs);
  phases.push({
    name,
    ms,
    items,
    unit,
    bytes,
    peakRssMb: peakEngine / 2 ** 20,
    peakImagingRssMb: atPeakTotal ? peakImaging.rss / 2 ** 20 : null,
    peakTotalRssMb: atPeakTotal ? atPeakTotal.total / 2 ** 20 : null,
    maxStallMs: histogram.max / 1e6,
    p99StallMs: histogram.percentile(99) / 1e6,
  });
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(`${name}: ${(ms / 1000).toFixed(1)} s, longest stall ${(histogram.max / 1e6).toFixed(0)} ms`);
  console.log(`  at peak RSS ${mb(peakEngine)} MB: V8 heap ${mb(atPeak.heapUsed)}/${mb(atPeak.heapTotal)} MB, external ${mb(atPeak.external)} MB (array buffers ${mb(atPeak.arrayBuffers)} MB)`);
  if (atPeakTotal) {
    const { total, engine, imaging, imagingProcs, esbuild } = atPeakTotal;
    console.log(`  workstation at its peak ${mb(total)} MB = engine ${mb(engine)} + imaging procs ${mb(imaging)} (${imagingProcs}) + tsx's esbuild ${mb(esbuild)} MB; imaging procs alone at most ${mb(peakImaging.rss)} MB (${peakImaging.procs})`);
  }
  // All its threads (main, libuv's pool, GC helpers, store writer, launcher, sampler); a fault is a page first touched.
  const cpuS = (u: NodeJS.ResourceUsage) => (u.userCPUTime + u.systemCPUTime) / 1e6;
  const main = mainBefore && mainAfter ? `; its main thread ${((mainAfter[0] - mainBefore[0]) / 1e9).toFixed(1)} s on a CPU, ${((mainAfter[1] - mainBefore[1]) / 1e9).toFixed(1)} s waiting for one` : '';
  console.log(`  engine process: CPU ${(cpuS(usage) - cpuS(usageBefore)).toFixed(1)} s (system ${((usage.systemCPUTime - usageBefore.systemCPUTime) / 1e6).toFixed(1)}), ${usage.minorPageFault - usageBefore.minorPageFault} minor page faults${main}`);
  reportStoreCalls(name);
  if (traceGaps) {
    await gapsSettled(name);
    reportGcs(name, started, started + ms);
    reportGaps(name);
  }
  return result;
}

// --trace-gaps: prints every pause of the event loop over 50 ms, with the engine's last progress event, the main
// thread's time on CPU and waiting for a core across it (its schedstat, read at every 5 ms tick), and any garbage
// collection that overlapped it. Gaps are kept per phase for a summary at the end of each measured phase.
const traceGaps = args.includes('--trace-gaps');
/**
 * --gap-ms N: the pause the tracer prints from (default 50, the goal; lower to see what the longest pauses are made
 * of). Printed as the time between two 5 ms ticks less 5 ms, so a few just under N come too.
 */
const gapThresholdMs = Number(argValue('--gap-ms') ?? 50);
const betweenPhases = '(between phases)';
let currentPhase = betweenPhases;
let lastProgress = '';
interface Gap {
  phase: string;
  /** The ticks before and after the pause (performance.now() ms). */
  from: number;
  to: number;
  after: string;
  /** From schedstat; undefined when it cannot be read. */
  cpuMs?: number;
  runQueueMs?: number;
  gcs: { kind: string; start: number; ms: number }[];
  /** Store calls of 2 ms or more that overlapped it: the engine's own synchronous work in the pause (five printed). */
  storeCalls: { kind: string; start: number; ms: number }[];
  /** Where in the kernel the main thread was seen asleep during it (sampled every 5 ms), by function. */
  kernelWaits: Map<string, number>;
  /** The core the main thread last ran on before it (undefined where /proc cannot tell). */
  core?: number;
  /** How much of it the witness on that core was paused too (ms), when witnesses ran. */
  witnessMs?: number;
}
const gaps: Gap[] = [];
/** Gaps waiting for the GC entries that overlapped them: those reach observers an event-loop turn or two late. */
const unsettledGaps: { gap: Gap; ticksLeft: number }[] = [];
const recentGcs: Gap['gcs'] = [];
const recentStoreCalls: Gap['storeCalls'] = [];
const recentKernelWaits: { at: number; wchan: string }[] = [];
if (traceGaps) tell({ op: 'watchMainThread' });
const gapMs = (gap: Gap) => gap.to - gap.from - 5;
/**
 * A /proc file of the main thread, kept open and read afresh at every call (at offset 0 the kernel regenerates it);
 * undefined once it has proved unreadable, which `onFailure` is told once.
 */
function procReader(path: string, onFailure: (error: Error) => void = () => undefined): () => string | undefined {
  const buffer = Buffer.alloc(1024);
  /** Null once the file has proved unreadable. */
  let fd: number | null | undefined;
  return () => {
    if (fd === null) return undefined;
    try {
      fd ??= openSync(path, 'r');
      return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
    } catch (error) {
      fd = null;
      onFailure(error as Error);
      return undefined;
    }
  };
}
const schedstatPath = `/proc/self/task/${process.pid}/schedstat`;
const readSchedstat = procReader(schedstatPath, (error) => console.log(`${schedstatPath} is unreadable (${error.message}): gaps are traced without on-CPU and run-queue time`));
/** The main thread's ns on CPU and ns waiting on a run queue, or undefined where schedstat is unreadable. */
function schedstat(): [number, number] | undefined {
  const [cpu, wait] = readSchedstat()?.split(' ').map(Number) ?? [];
  return cpu === undefined || wait === undefined ? undefined : [cpu, wait];
}
const readStat = procReader(`/proc/self/task/${process.pid}/stat`);
/** The core the main thread is on (its stat's 39th field), or undefined where /proc cannot tell. */
function currentCore(): number | undefined {
  const stat = readStat();
  // Fields from the 3rd on follow the command name's closing parenthesis.
  return stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
}
function settleGaps(): void {
  for (const pending of unsettledGaps) pending.ticksLeft--;
  while (unsettledGaps[0] && unsettledGaps[0].ticksLeft <= 0) {
    const { gap } = unsettledGaps.shift() as (typeof unsettledGaps)[number];
    gap.gcs = recentGcs.filter((gc) => gc.start < gap.to && gc.start + gc.ms > gap.from);
    gap.storeCalls = recentStoreCalls.filter((call) => call.start < gap.to && call.start + call.ms > gap.from);
    for (const wait of recentKernelWaits) if (wait.at > gap.from && wait.at < gap.to) gap.kernelWaits.set(wait.wchan, (gap.kernelWaits.get(wait.wchan) ?? 0) + 1);
    if (witnesses) gap.witnessMs = witnesses.pausedWithin(gap.core ?? -1, performance.timeOrigin + gap.from + 5, performance.timeOrigin + gap.to);
    const ms = gapMs(gap);
    const sched = gap.cpuMs === undefined ? '' : `: on CPU ${gap.cpuMs.toFixed(0)} ms, run queue ${(gap.runQueueMs as number).toFixed(0)} ms, blocked or asleep ${Math.max(0, gap.to - gap.from - gap.cpuMs - (gap.runQueueMs as number)).toFixed(0)} ms`;
    const gcs = gap.gcs.map((gc) => `${gc.kind} GC ${gc.ms.toFixed(0)} ms at +${(gc.start - gap.from).toFixed(0)} ms`).join(', ');
    const clock = new Date(performance.timeOrigin + gap.from).toISOString().slice(11, 23);
    // The five longest, in the order they ran (a pause outside the phases, the local recording, holds thousands).
    const longest = [...gap.storeCalls].sort((x, y) => y.ms - x.ms).slice(0, 5).sort((x, y) => x.start - y.start);
    const calls = longest.map((call) => `${call.kind} ${call.ms.toFixed(0)} ms at +${(call.start - gap.from).toFixed(0)} ms`).join(', ');
    const shared = gap.witnessMs === undefined ? '' : `; the witness${witnesses?.pinned ? ` on its core (${gap.core})` : ''} paused ${gap.witnessMs.toFixed(0)} ms of it`;
    const waits = [...gap.kernelWaits].map(([wchan, n]) => `${wchan} ×${n}`).join(', ');
    console.log(`  gap ${ms.toFixed(0)} ms at ${clock} after ${gap.after}${sched}${shared}${gcs ? `; ${gcs}` : ''}${calls ? `; store: ${calls}` : ''}${waits ? `; asleep in the kernel in (5 ms samples): ${waits}` : ''}`);
    gaps.push(gap);
  }
  // No pending or later gap reaches back before the oldest pending one or the last tick.
  const horizon = unsettledGaps[0]?.gap.from ?? lastTick;
  while (recentGcs[0] && recentGcs[0].start + recentGcs[0].ms < horizon) recentGcs.shift();
  while (recentStoreCalls[0] && recentStoreCalls[0].start + recentStoreCalls[0].ms < horizon) recentStoreCalls.shift();
  while (recentKernelWaits[0] && recentKernelWaits[0].at < horizon) recentKernelWaits.shift();
}
async function gapsSettled(phase: string): Promise<void> {
  while (unsettledGaps.some(({ gap }) => gap.phase === phase)) await new Promise((resolve) => setTimeout(resolve, 10));
}
/** Every garbage collection of the main thread's heap in the run (a few thousand entries). */
const gcLog: Gap['gcs'] = [];
/** The garbage collections that began within a phase, by kind. */
function reportGcs(phase: string, from: number, to: number): void {
  const totals = new Map<string, { count: number; ms: number; maxMs: number }>();
  for (const gc of gcLog) {
    if (gc.start < from || gc.start > to) continue;
    const total = totals.get(gc.kind) ?? { count: 0, ms: 0, maxMs: 0 };
    totals.set(gc.kind, { count: total.count + 1, ms: total.ms + gc.ms, maxMs: Math.max(total.maxMs, gc.ms) });
  }
  const kinds = [...totals].map(([kind, t]) => `${kind} ×${t.count} ${(t.ms / 1000).toFixed(2)} s (longest ${t.maxMs.toFixed(0)} ms)`);
  console.log(`  garbage collections during ${phase}: ${kinds.join(', ') || 'none'}`);
}
function reportGaps(phase: string): void {
  const mine = gaps.filter((gap) => gap.phase === phase);
  const timed = mine.filter((gap) => gap.cpuMs !== undefined);
  const mostCpu = timed.reduce<Gap | undefined>((best, gap) => (!best || (gap.cpuMs as number) > (best.cpuMs as number) ? gap : best), undefined);
  const parts = [`${mine.length}`];
  if (timed.length > 0) {
    // Each gap by where most of it went: our work on a CPU, waiting for a core, or neither (a blocking call, or
    // the VM not running the thread).
    const mostly = { cpu: 0, queue: 0, neither: 0 };
    for (const gap of timed) {
      const [cpu, queue] = [gap.cpuMs as number, gap.runQueueMs as number];
      const neither = gap.to - gap.from - cpu - queue;
      mostly[cpu >= queue && cpu >= neither ? 'cpu' : queue >= neither ? 'queue' : 'neither'] += 1;
    }
    parts.push(`mostly on a CPU ${mostly.cpu}, waiting for a core ${mostly.queue}, neither ${mostly.neither}`);
  }
  parts.push(`overlapping a GC ≥ 20 ms ${mine.filter((gap) => gap.gcs.some((gc) => gc.ms >= 20)).length}`);
  if (mostCpu) parts.push(`largest on-CPU ${(mostCpu.cpuMs as number).toFixed(0)} ms (of a ${gapMs(mostCpu).toFixed(0)} ms gap after ${mostCpu.after})`);
  const witnessed = mine.filter((gap) => gap.witnessMs !== undefined);
  if (witnessed.length > 0) {
    // The part of each pause the machine does not explain: the witness on the same core ran meanwhile, this loop did not.
    const own = Math.max(...witnessed.map((gap) => Math.max(0, gapMs(gap) - (gap.witnessMs as number))));
    parts.push(`shared with a witness ${witnessed.filter((gap) => (gap.witnessMs as number) >= gapMs(gap) / 2).length} of ${witnessed.length}, longest part it did not share ${own.toFixed(0)} ms`);
  }
  console.log(`  gaps > ${gapThresholdMs} ms during ${phase}: ${parts.join(', ')}`);
}
/**
 * The witnesses: one process per core, pinned to it (`taskset`), whose event loop does nothing but tick every 5 ms at
 * the engine's priority. A pause the witness on the engine's core had at the same time is the machine's (the VM not
 * running that core, another process on it), not the engine's own work; a VM here pauses one core at a time too.
 * Their pauses of over 20 ms come back on their stdout as wall-clock [from, to] pairs.
 */
interface Witnesses {
  pids: number[];
  /** Pinned to one core each; else one unpinned witness, reported as core -1. */
  pinned: boolean;
  /** How long the witness on `core` (any core's, unpinned) was paused between the wall-clock times from and to. */
  pausedWithin(core: number, from: number, to: number): number;
  stop(): void;
}
function startWitnesses(): Witnesses {
  const source = `let last = performance.now();
setInterval(() => { const now = performance.now(); if (now - last > 25) process.stdout.write(JSON.stringify([performance.timeOrigin + last + 5, performance.timeOrigin + now]) + '\\n'); last = now; }, 5);`;
  const pinned = process.platform === 'linux' && spawnSync('taskset', ['--version']).status === 0;
  const cores = pinned ? cpus().map((_, core) => core) : [-1];
  const witnesses = cores.map((core) => {
    const command = core >= 0 ? ['taskset', '--cpu-list', String(core), process.execPath] : [process.execPath];
    const witness = spawn(command[0] as string, [...command.slice(1), '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pauses: [number, number][] = [];
    createInterface({ input: witness.stdout }).on('line', (line) => pauses.push(JSON.parse(line) as [number, number]));
    witness.unref();
    return { core, witness, pauses };
  });
  return {
    pids: witnesses.flatMap(({ witness }) => (witness.pid ? [witness.pid] : [])),
    pinned,
    pausedWithin: (core, from, to) => {
      const pauses = (witnesses.find((w) => w.core === core) ?? witnesses[0])?.pauses ?? [];
      return pauses.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
    },
    stop: () => witnesses.forEach(({ witness }) => witness.kill('SIGKILL')),
  };
}
const witnesses = traceGaps ? startWitnesses() : null;
for (const pid of witnesses?.pids ?? []) tell({ op: 'exclude', pid });

let lastTick = performance.now();
let lastTickPhase = currentPhase;
if (traceGaps) {
  const gcKinds = new Map([
    [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
    [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
    [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
    [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
  ]);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = gcKinds.get((entry as unknown as { detail: { kind: number } }).detail.kind) ?? 'other';
      recentGcs.push({ kind, start: entry.startTime, ms: entry.duration });
      gcLog.push({ kind, start: entry.startTime, ms: entry.duration });
    }
  }).observe({ entryTypes: ['gc'] });
  let lastSched = schedstat();
  let lastCore = currentCore();
  setInterval(() => {
    const now = performance.now();
    const sched = schedstat();
    // Ticks further apart than the threshold, not the threshold + the 5 ms interval: a pause of 54 ms that began
    // just after a tick ends 54–59 ms after it, and the histogram's 54 ms is then traced (2026-11-28 01:37 was not).
    if (now - lastTick > gapThresholdMs) {
      // The phase the pause began in: one between phases (the push's local recording) is not the next phase's. The
      // core is the one the thread was on at the tick before the pause: where it then slept or worked.
      const gap: Gap = { phase: lastTickPhase, from: lastTick, to: now, after: lastProgress, gcs: [], storeCalls: [], kernelWaits: new Map(), ...(lastCore === undefined ? {} : { core: lastCore }) };
      if (sched && lastSched) [gap.cpuMs, gap.runQueueMs] = [(sched[0] - lastSched[0]) / 1e6, (sched[1] - lastSched[1]) / 1e6];
      // Ten ticks: at least 50 ms and as many event-loop turns, past the GC entries' late delivery.
      unsettledGaps.push({ gap, ticksLeft: 10 });
    }
    [lastTick, lastSched, lastTickPhase, lastCore] = [now, sched, currentPhase, currentCore()];
    settleGaps();
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
      // A write sent to the store writer's thread is timed the same way: what this thread pays is the sending.
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
          if (traceGaps && ms >= 2) recentStoreCalls.push({ kind: String(key), start: started, ms });
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

/**
 * The plain download runs in a process of its own: in the engine's process its buffers stayed in the RSS of every
 * phase after it (the engine went from 146–148 MB pulling to 182–187 MB downloading, and the derivation that
 * followed counted them: 312 MB at 19:32). Its figures are its own: wall time of the downloads (not the process's
 * start), its event loop's stalls, its peak RSS.
 */
async function plainDownload(address: string, token: string, documentIds: string[]): Promise<Phase> {
  const source = `
const { get } = require('node:http');
const { monitorEventLoopDelay } = require('node:perf_hooks');
let input = '';
process.stdin.on('data', (data) => (input += data)).on('end', async () => {
  const { address, token, ids } = JSON.parse(input);
  const download = (id) => new Promise((resolve, reject) => {
    get(address + '/v1/documents/' + id + '/content', { headers: { authorization: 'Bearer ' + token } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        if (response.statusCode === 200) resolve(body.length);
        else reject(new Error('plain download of ' + id + ': HTTP ' + response.statusCode + ' ' + body.toString('utf8', 0, 200)));
      });
    }).on('error', reject);
  });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < ids.length) {
      // Awaited first: bytes += await … would read bytes before the wait and lose the other downloads' sums.
      const length = await download(ids[next++]);
      bytes += length;
    }
  }));
  const ms = performance.now() - started;
  histogram.disable();
  process.stdout.write(JSON.stringify({ ms, bytes, maxStallMs: histogram.max / 1e6, p99StallMs: histogram.percentile(99) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
});`;
  const downloader = spawn(process.execPath, ['-e', source], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (downloader.pid) tell({ op: 'exclude', pid: downloader.pid });
  let output = '';
  downloader.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => downloader.once('exit', resolve));
  downloader.stdin.end(JSON.stringify({ address, token, ids: documentIds }));
  const code = await exited;
  if (code !== 0) throw new Error(`the plain download failed (exit code ${code})`);
  const result = JSON.parse(output) as { ms: number; bytes: number; maxStallMs: number; p99StallMs: number; peakRssMb: number };
  const name = `plain loopback download of the same ${documentIds.length} images (node:http, 4 at a time, a process of its own)`;
  console.log(`${name}: ${(result.ms / 1000).toFixed(1)} s, its longest stall ${result.maxStallMs.toFixed(0)} ms, its peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  return { name, ms: result.ms, items: documentIds.length, unit: 'images', bytes: result.bytes, peakRssMb: result.peakRssMb, peakImagingRssMb: null, peakTotalRssMb: null, maxStallMs: result.maxStallMs, p99StallMs: result.p99StallMs };
}

function workstation(name: string) {
  // As the app opens it (electron/api/workstation.ts): sync's writes on the store writer's thread.
  const store = timedStore(openCaseStore({ path: join(dir, `${name}.db`), keyProvider, writer: {} }));
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
    // Paid once per app run, not per sync, so not measured: the first request (Node loads its HTTP client) at sign-in, and the
    // imaging worker's start (under tsx in development it compiles the worker's TypeScript; the built app does not).
    await pullEngine.authenticate({ username: 'reviewer1', password: 'verity-demo' });
    await a.images.ingest(readFileSync(join(corpusDir, 'Landscape_6.jpg')));
    const pulled = await measure<SyncReport>(`pull ${pullCount} applications with ${pullCount * photosPerApplication} images (download + verify + admit original + store)`, 'applications', async () => {
      const report = await pullEngine.syncNow();
      if (!report.ok) throw new Error(`pull failed: ${JSON.stringify(report.error)}`);
      return { result: report, items: report.pulled.inserted, bytes: report.images.bytes };
    });
    console.log(JSON.stringify(pulled.images));

    // The same documents with plain node:http (the engine's client; fetch is slower and makes more garbage), 4 at a
    // time, no hashing, no ingest: the loopback ceiling. In a process of its own (plainDownload).
    const session = SessionResponse.parse(await (await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reviewer1', password: 'verity-demo' }) })).json());
    const auth = { authorization: `Bearer ${session.accessToken}` };
    const documentIds: string[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = ChangesResponse.parse(await (await fetch(`${url}/v1/changes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth })).json());
      for (const change of page.changes) documentIds.push(...change.documents.map((d) => d.id));
      cursor = page.cursor;
      if (!page.hasMore) break;
  }
  phases.push(await plainDownload(url, session.accessToken, documentIds));
  const [pullPhase, plainPhase] = phases.slice(-2) as [Phase, Phase];
  console.log(`pull throughput ÷ plain download throughput: ${((pullPhase.bytes / pullPhase.ms / (plainPhase.bytes / plainPhase.ms)) * 100).toFixed(0)} %`);
  const underived = a.store.imagesLackingQuality().length;
  console.log(`after the pull: ${pulled.pulled.inserted} cases and their originals stored; ${underived} images still to derive`);

  // What the pull left for later: preview, thumbnail and quality of every image, one at a time in the background.
  await measure(`derive previews, thumbnails and quality of ${underived} images in the background (1 at a time)`, 'images', async () => {
    a.images.resumeBackground();
    await a.images.whenDerived();
    await recorder.flush();
    return { result: null, items: derivedOutcomes.ok + derivedOutcomes.failed, bytes: 0 };
  });
  console.log(`derived ${derivedOutcomes.ok}, failed ${derivedOutcomes.failed}; still without quality: ${a.store.imagesLackingQuality().length}`);
  await recorder.close();
  await a.images.close();
  a.store.close();
  }

  // The noise floor of this machine: the same histogram over an idle event loop (nothing but the RSS sampler).
  await measure('idle event loop, 10 s (the machine\'s noise floor for stalls)', 'seconds', async () => {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    return { result: null, items: 10, bytes: 0 };
  });

  // The floor under load: the same idle loop while two other processes keep both cores busy, as the imaging
  // process, the server child and the engine's own threads do during a sync. What this shows is the machine's.
  // Then the same with the two at the priority of background derivation (priority.ts).
  // Started before the measurement, so that their fork() is not in it.
  for (const niceness of [0, imagingPriority]) {
    const spinners = [0, 1].map(() => spawn(process.execPath, ['-e', `require('node:os').setPriority(${niceness}); for (;;);`], { stdio: 'ignore' }));
    for (const spinner of spinners) if (spinner.pid) tell({ op: 'exclude', pid: spinner.pid });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const label = niceness === 0 ? 'the loaded floor' : `the loaded floor, they at niceness ${niceness} as background derivation runs`;
    await measure(`idle event loop, 10 s, while two other processes keep both cores busy (${label})`, 'seconds', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      return { result: null, items: 10, bytes: 0 };
    });
    await Promise.all(spinners.map((spinner) => new Promise((resolve) => (spinner.once('exit', resolve), spinner.kill('SIGKILL')))));
  }

  if (pushCount > 0) {
    // 2. Push: reviewer2 receives pushCount applications (one shared image), decides each offline, then syncs.
    const seedPlainMs = await command(`seed-plain ${pushCount}`);
    console.log(`seeded ${pushCount} applications in ${(seedPlainMs / 1000).toFixed(1)} s`);
    const b = workstation('reviewer2');
    const pushEngine = createSyncEngine({ store: b.store, images: b.images, centralUrl: url, credentials: { username: 'reviewer2', password: 'verity-demo' }, deviceId: 'bench-b', onProgress: (p) => (lastProgress = `${p.phase} ${p.done}/${p.total ?? '?'}`) });
    await b.images.ingest(readFileSync(join(corpusDir, 'Landscape_6.jpg')));
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
    await b.store.recordDecision({ applicationId, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null }, reviewer2, 'bench-b', false);
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

    console.log(`\n${machine()}\n${new Date().toISOString()}`);
  console.log(
    [
      '| phase | wall s | items | per s | MB/s | peak RSS MB | imaging procs peak RSS MB | total peak RSS MB | longest event-loop stall ms | p99 stall ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...phases.map(
        (p) =>
          `| ${p.name} | ${(p.ms / 1000).toFixed(1)} | ${p.items} ${p.unit} | ${(p.items / (p.ms / 1000)).toFixed(0)} | ${p.bytes ? (p.bytes / 2 ** 20 / (p.ms / 1000)).toFixed(1) : '–'} | ${p.peakRssMb.toFixed(0)} | ${p.peakImagingRssMb?.toFixed(0) ?? '–'} | ${p.peakTotalRssMb?.toFixed(0) ?? '–'} | ${p.maxStallMs.toFixed(0)} | ${p.p99StallMs.toFixed(0)} |`,
      ),
    ].join('\n'),
  );
  const costs = [...sampleCosts].sort((x, y) => x - y);
  console.log(`memory sample (engine + its child processes from /proc, on the sampler's thread): median ${(costs[Math.floor(costs.length / 2)] ?? 0).toFixed(3)} ms, max ${(costs.at(-1) ?? 0).toFixed(3)} ms over ${costs.length} samples`);
} finally {
  child.stdin.write('quit\n');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
  // Unreferenced, its port still held the process open after the last phase.
  await sampler.terminate();
  witnesses?.stop();
}
