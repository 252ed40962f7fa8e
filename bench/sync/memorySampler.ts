// The bench's memory sampler, on a worker thread of its own: every 50 ms it reads the RSS of the workstation's
// processes from Linux /proc (this process and its descendants but the ones the bench excludes: the server child,
// which stands for the remote server, and the processes that load the machine). Run on the measured event loop
// (before 2026-11-27 14:00) a sample took 0.3–0.5 ms at the median but up to 52 ms, and its reads were 0.8 s of
// the main thread's CPU in a pull: the instrument was in the stall figures it reports.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

/**
 * What the bench asks: leave a process out, start sampling a phase, stop and report it; with --trace-gaps, watch
 * where in the kernel the main thread waits (its wchan, every 5 ms).
 */
export type SamplerRequest = { op: 'exclude'; pid: number } | { op: 'start' } | { op: 'stop' } | { op: 'watchMainThread' };
export interface WorkstationMemory {
  engine: number;
  imaging: number;
  imagingProcs: number;
  /** tsx's esbuild services (development only, the built app has none). */
  esbuild: number;
}
/** The phase's peaks (bytes), and how long each sample took this thread (ms). */
export interface PhaseMemory {
  peakEngine: number;
  peakImaging: { rss: number; procs: number };
  /** Null where /proc/<pid>/task/<tid>/children cannot be read (only the engine's RSS is known). */
  atPeakTotal: (WorkstationMemory & { total: number }) | null;
  sampleMs: number[];
}
/**
 * What the sampler says: whether it can see child processes; a new peak of the engine's RSS (the main thread then
 * notes its heap figures); a stopped phase.
 */
export type SamplerReport =
  | { op: 'ready'; procReadable: boolean }
  | { op: 'enginePeak' }
  | ({ op: 'stopped' } & PhaseMemory)
  /** The main thread was seen asleep in the kernel at `at` (epoch ms) in `wchan`, other than waiting for events. */
  | { op: 'kernelWait'; at: number; wchan: string };

const excluded = new Set<number>();
const pageSize = 4096;
const gone = (error: unknown) => ['ENOENT', 'ESRCH'].includes((error as NodeJS.ErrnoException).code ?? '');
const procBuffer = Buffer.alloc(16 * 1024);
/** The text of an open /proc file, read afresh: at offset 0 the kernel regenerates it. */
const preadText = (fd: number) => procBuffer.toString('latin1', 0, readSync(fd, procBuffer, 0, procBuffer.length, 0));
/**
 * /proc files kept open between samples: on this VM a pread costs ~3 µs, opening, reading and closing ~13 µs,
 * readFileSync ~40 µs (it reads /proc's zero-size files in chunks). Processes and threads may go between listing
 * and reading (ENOENT, ESRCH: skipped); `sweep` closes the files not read since the last sweep, i.e. of those gone.
 */
class ProcFiles {
  private readonly files = new Map<string, { fd: number; read: boolean }>();
  text(path: string): string | undefined {
    let file = this.files.get(path);
    try {
      if (file) file.read = true;
      else this.files.set(path, (file = { fd: openSync(path, 'r'), read: true }));
      return preadText(file.fd);
    } catch (error) {
      if (!gone(error)) throw error;
      if (file) this.close(path, file.fd);
      return undefined;
    }
  }
  sweep(): void {
    for (const [path, file] of this.files) {
      if (file.read) file.read = false;
      else this.close(path, file.fd);
    }
  }
  private close(path: string, fd: number): void {
    closeSync(fd);
    this.files.delete(path);
  }
}
const procFiles = new ProcFiles();
/** Command name, RSS and thread count of a process, from one read of its stat (the fields as proc(5) numbers them). */
function procStat(pid: number): { name: string; rss: number; threads: number } | undefined {
  const stat = procFiles.text(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The name is in parentheses and may hold spaces and parentheses; field 3 starts after the last ')'.
  const nameEnd = stat.lastIndexOf(')');
  const fields = stat.slice(nameEnd + 2).split(' ');
  // Field 24, resident pages, is the counter statm's second field and process.memoryUsage().rss show.
  return { name: stat.slice(stat.indexOf('(') + 1, nameEnd), rss: Number(fields[21]) * pageSize, threads: Number(fields[17]) };
}
/**
 * Thread ids per process, listed again when its thread count (field 20) changes and every 20th walk: listing a
 * task directory costs as much as ten reads, and the threads of these processes hardly change.
 */
const taskLists = new Map<number, { threads: number; tids: string[]; walk: number }>();
let walks = 0;
/** Child processes of every thread of pid (a process forked from a worker thread is that thread's child). */
function childPids(pid: number, threads: number): number[] {
  let tasks = taskLists.get(pid);
  if (!tasks || tasks.threads !== threads || walks % 20 === 0) {
    try {
      tasks = { threads, tids: readdirSync(`/proc/${pid}/task`), walk: walks };
    } catch (error) {
      if (gone(error)) return [];
      throw error;
    }
    taskLists.set(pid, tasks);
  }
  tasks.walk = walks;
  return tasks.tids.flatMap((tid) => (procFiles.text(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ').filter(Boolean).map(Number));
}
const procReadable = procFiles.text(`/proc/${process.pid}/task/${process.pid}/children`) !== undefined;
/** RSS of this process and of its descendants but the excluded processes' subtrees, all from one walk. */
function workstationMemory(): WorkstationMemory {
  walks++;
  const self = procStat(process.pid) as NonNullable<ReturnType<typeof procStat>>;
  const memory = { engine: self.rss, imaging: 0, imagingProcs: 0, esbuild: 0 };
  const pending = childPids(process.pid, self.threads);
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (excluded.has(pid)) continue;
    const stat = procStat(pid);
    if (!stat) continue;
    if (stat.name === 'esbuild') {
      memory.esbuild += stat.rss;
    } else {
      memory.imaging += stat.rss;
      memory.imagingProcs += 1;
    }
    pending.push(...childPids(pid, stat.threads));
  }
  procFiles.sweep();
  for (const [pid, tasks] of taskLists) if (tasks.walk !== walks) taskLists.delete(pid);
  return memory;
}

const port = parentPort;
if (!port) throw new Error('bench/sync/memorySampler runs as a worker thread of bench/sync/run.ts');
let phase: PhaseMemory | null = null;
let timer: NodeJS.Timeout | null = null;

function sample(): void {
  if (!phase) return;
  const started = performance.now();
  const memory = procReadable ? workstationMemory() : null;
  const engine = memory?.engine ?? process.memoryUsage.rss();
  if (engine > phase.peakEngine) {
    phase.peakEngine = engine;
    port!.postMessage({ op: 'enginePeak' } satisfies SamplerReport);
  }
  if (memory) {
    if (memory.imaging > phase.peakImaging.rss) phase.peakImaging = { rss: memory.imaging, procs: memory.imagingProcs };
    const total = memory.engine + memory.imaging + memory.esbuild;
    if (total > (phase.atPeakTotal?.total ?? 0)) phase.atPeakTotal = { ...memory, total };
  }
  phase.sampleMs.push(performance.now() - started);
}

/**
 * The kernel function the main thread sleeps in ('0' while it runs or is runnable). Waiting in epoll is the idle
 * event loop and is not reported; anything else (a lock, a disk flush, a page read) during a pause names its cause.
 */
const idleWaits = new Set(['0', 'ep_poll', 'do_epoll_wait']);
function watchMainThread(): void {
  const path = `/proc/${process.pid}/task/${process.pid}/wchan`;
  setInterval(() => {
    const wchan = procFiles.text(path)?.trim();
    if (wchan !== undefined && !idleWaits.has(wchan)) port!.postMessage({ op: 'kernelWait', at: performance.timeOrigin + performance.now(), wchan } satisfies SamplerReport);
  }, 5);
}

port.on('message', (request: SamplerRequest) => {
  if (request.op === 'watchMainThread') {
    watchMainThread();
  } else if (request.op === 'exclude') {
    excluded.add(request.pid);
  } else if (request.op === 'start') {
    phase = { peakEngine: 0, peakImaging: { rss: 0, procs: 0 }, atPeakTotal: null, sampleMs: [] };
    sample();
    timer = setInterval(sample, 50);
  } else if (phase) {
    if (timer) clearInterval(timer);
    sample();
    port.postMessage({ op: 'stopped', ...phase } satisfies SamplerReport);
    phase = null;
  }
});
port.postMessage({ op: 'ready', procReadable } satisfies SamplerReport);
