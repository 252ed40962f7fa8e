// A small pool of imaging processes: bounded concurrency (one image per process, or a few downloads: a download
// waits for the network most of the time), a bounded queue, a hard per-job deadline, and a fresh process after a
// crash, a timeout, a HEIC decode, N images, or as soon as it has grown past a resident size. A failure fails that
// one image (or the downloads that shared its process) with a code; the pool and the app carry on.
// Processes rather than worker threads: a decoder that crashes (libvips and libheif are native code fed untrusted
// bytes) takes only its process down, and the memory libvips fragments goes back to the system with the process
// (see launch.ts for the allocator settings).
//
// Entry script resolution (the `workerScript` option):
//  - given: used as is. The Electron build passes the bundled entry, out/main/imaging-worker.js (electron.vite.config.ts).
//  - omitted, running from TypeScript sources (vitest, tsx): ../common/worker-boot.dev.mjs registers tsx in the process and
//    imports worker.ts next to this file.
//  - omitted, running from a bundle: `imaging-worker` with this module's extension next to the bundle
//    (out/main/imaging-worker.js; .mjs for the sync benchmark's esbuild bundle).
import { availableParallelism } from 'node:os';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import { forkImagingProcess, imagingEnvironment, type ImagingProcess, type LaunchImagingProcess } from './launch';
import type { ImageLimits } from './limits';
import type { ImageTask, JobReply, JobRequest, ProcessInit, TaskKind, TaskResults, WorkerInit } from './protocol';
import { workerScript } from '../common/workerScript';

export interface ImageWorkerPoolOptions {
  /**
   * Imaging processes, i.e. images decoded at once (each decodes on one libvips thread). Default: one core fewer
   * than the machine has, at least 1 and at most 2 — so 1 on a 2-core laptop, leaving a core to the UI.
   */
  size?: number;
  workerScript?: URL;
  /** How a process starts: a Node child from a launcher thread by default; Electron passes its utilityProcess launcher. */
  launch?: LaunchImagingProcess;
  /** Images waiting beyond the busy workers; past it `run` refuses with image_queue_full. Default 1000. */
  maxQueue?: number;
  /**
   * A process whose resident size is past this after an image asks to be replaced at once: something (a leak, an
   * odd file) made it grow. Default 200 MB; deriving 6 MP photos, a process holds 115–135 MB.
   */
  recycleAboveRssMb?: number;
  /**
   * A process is replaced after this many images, returning what libvips fragmented to the system. Default 1000:
   * without it a process went on from 109 MB after 2,000 admissions to 134 MB while deriving them, against
   * 123–127 MB when replaced every 1,000 (bench/sync/README.md). Not more often: each start costs a core for a
   * moment (both hosts start processes off the main thread: launch.ts).
   */
  maxJobsPerWorker?: number;
  /** V8 old-generation ceiling of each process in MB (the pixel buffers live outside it). Default 256. */
  maxOldGenerationSizeMb?: number;
  /**
   * Downloads (fetch jobs) one process runs at once; they share it with nothing else. Default 4, the sync
   * engine's download concurrency: each holds at most one original in memory.
   */
  fetchesPerProcess?: number;
}

/**
 * Who waits for a job. `urgent`: a reviewer waiting for a preview; it goes before every queued job. `background`:
 * nobody (the background derivation); its process runs below normal priority from then on, so that the app's main
 * process gets a core first. Otherwise a sync or an upload waits: admission and ingestion run in a process at normal
 * priority (at niceness 10 on a machine busy with other work, admission starved and a sync's pull fell to 37 % of a
 * plain download: bench/sync/README.md), and a lowered process that is idle is replaced for them.
 */
export type JobLane = 'urgent' | 'background';

interface Job {
  id: number;
  task: ImageTask;
  lane: JobLane | undefined;
  /** Where it runs, once dispatched. */
  slot: Slot | null;
  timer: NodeJS.Timeout | null;
  resolve(result: TaskResults[TaskKind]): void;
  reject(error: DomainError): void;
}

interface Slot {
  worker: ImagingProcess;
  /** The process has loaded its modules; deadlines start only then (tsx start-up in development takes seconds). */
  ready: boolean;
  /** Running: one decode job, or up to fetchesPerProcess fetch jobs. */
  jobs: Map<number, Job>;
  jobsDone: number;
  /** Asked to be replaced while other jobs ran: it takes no new job and is retired when they end. */
  draining: boolean;
  retired: boolean;
  /** It has run a background job, and so runs below normal priority for the rest of its life. */
  lowered: boolean;
}


export class ImageWorkerPool {
  private readonly init: ProcessInit;
  private readonly script: URL;
  private readonly args: string[];
  private readonly launch: LaunchImagingProcess;
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly maxJobsPerWorker: number;
  private readonly maxOldGenerationSizeMb: number;
  private readonly fetchesPerProcess: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(init: WorkerInit, options: ImageWorkerPoolOptions = {}) {
    const resolved = options.workerScript ? { script: options.workerScript } : workerScript(import.meta.url, './worker.ts', 'imaging-worker');
    this.script = resolved.script;
    this.args = resolved.entry ? [resolved.entry] : [];
    this.launch = options.launch ?? forkImagingProcess;
    this.init = { ...init, blobKey: Uint8Array.from(init.blobKey), recycleAboveRssBytes: (options.recycleAboveRssMb ?? 200) * 2 ** 20 };
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(2, availableParallelism() - 1)));
    this.maxQueue = options.maxQueue ?? 1000;
    this.maxJobsPerWorker = options.maxJobsPerWorker ?? 1000;
    this.maxOldGenerationSizeMb = options.maxOldGenerationSizeMb ?? 256;
    this.fetchesPerProcess = Math.max(1, Math.floor(options.fetchesPerProcess ?? 4));
    log.info('imaging: pool ready', { processes: this.size });
  }

  get limits(): ImageLimits {
    return this.init.limits;
  }

  /** Ingests one original (admit and derive at once) in an imaging process; resolves with the result or rejects with a DomainError. */
  run(bytes: Uint8Array): Promise<TaskResults['ingest']> {
    return this.runTask({ kind: 'ingest', bytes });
  }

  /**
   * Runs one task in an imaging process; resolves with its result or rejects with a DomainError. See JobLane.
   * `signal`: a queued job is dropped (image_job_stopped); a running fetch is told to stop and answers as it can.
   */
  runTask<K extends TaskKind>(task: Extract<ImageTask, { kind: K }>, options: { lane?: JobLane; signal?: AbortSignal } = {}): Promise<TaskResults[K]> {
    if (this.closed) return Promise.reject(new DomainError('image_pipeline_closed', 'The image pipeline is shutting down; try again after restart.'));
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new DomainError('image_queue_full', 'Too many images are waiting to be processed. Wait for the current download to finish.'));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(stopped());
    return new Promise<TaskResults[K]>((resolve, reject) => {
      const onAbort = (): void => {
        const queued = this.queue.indexOf(job);
        if (queued >= 0) {
          this.queue.splice(queued, 1);
          job.reject(stopped());
        } else if (job.slot && !job.slot.retired) job.slot.worker.send({ cancel: job.id });
      };
      const settled = (): void => signal?.removeEventListener('abort', onAbort);
      const job: Job = {
        id: this.nextId++,
        task,
        lane: options.lane,
        slot: null,
        timer: null,
        // The process answers a task of kind K with TaskResults[K] (worker.ts); the reply type cannot say which.
        resolve: (result) => {
          settled();
          resolve(result as TaskResults[K]);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.lane === 'urgent') this.queue.unshift(job);
      else this.queue.push(job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.queue.splice(0);
    for (const job of pending) job.reject(new DomainError('image_pipeline_closed', 'The image pipeline was shut down before this image was processed.'));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new DomainError('image_pipeline_closed', 'The image pipeline was shut down while this image was processed.'))));
  }

  /** Where a job may run now, or undefined. */
  private slotFor(job: Job): Slot | undefined {
    const open = [...this.slots].filter((s) => s.ready && !s.retired && !s.draining);
    if (job.task.kind === 'fetch') {
      // Downloads share a process at normal priority with other downloads only; the least busy one first.
      return open
        .filter((s) => !s.lowered && s.jobs.size < this.fetchesPerProcess && [...s.jobs.values()].every((j) => j.task.kind === 'fetch'))
        .sort((a, b) => a.jobs.size - b.jobs.size)[0];
    }
    const idle = open.filter((s) => s.jobs.size === 0);
    // Derivations and MRZ readings run anywhere (background ones in a lowered process first); admission and ingestion only at
    // normal priority. A derivation somebody waits for does not wait for a fresh process.
    return job.task.kind === 'derive' || job.task.kind === 'mrz' ? (idle.find((s) => s.lowered === (job.lane === 'background')) ?? idle[0]) : idle.find((s) => !s.lowered);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const job = this.queue[0]!;
      const slot = this.slotFor(job);
      if (!slot) {
        const lowered = [...this.slots].find((s) => s.ready && !s.retired && s.lowered && s.jobs.size === 0);
        // Its replacement is started by retire's own dispatch.
        if (lowered) void this.retire(lowered, null);
        else {
          const starting = [...this.slots].filter((s) => !s.ready).length;
          if (this.slots.size < this.size && starting < this.queue.length) this.spawn();
        }
        return;
      }
      this.queue.shift();
      job.slot = slot;
      slot.jobs.set(job.id, job);
      if (job.lane === 'background') slot.lowered = true;
      // A download has its own deadline in the process (its answer says so); this one is for a process that hangs.
      const deadline = this.init.limits.jobTimeoutMs + (job.task.kind === 'fetch' ? job.task.timeoutMs : 0);
      job.timer = setTimeout(() => {
        log.warn('imaging: job timed out; replacing its process', { ms: deadline });
        void this.retire(slot, new DomainError('image_timeout', 'The image took too long to process and was stopped. Ask the applicant to upload it again, as a JPEG photo.'));
      }, deadline);
      const request: JobRequest = { ...job.task, id: job.id, ...(job.lane === 'background' ? { background: true as const } : {}) };
      slot.worker.send(request);
    }
  }

  private spawn(): Slot {
    const worker = this.launch({ script: this.script, args: this.args, env: imagingEnvironment(), maxOldGenerationSizeMb: this.maxOldGenerationSizeMb });
    const slot: Slot = { worker, ready: false, jobs: new Map(), jobsDone: 0, draining: false, retired: false, lowered: false };
    this.slots.add(slot);
    worker.onMessage((message) => {
      if ('ready' in message) {
        slot.ready = true;
        this.dispatch();
      } else this.onReply(slot, message);
    });
    worker.onExit((detail) => {
      if (!slot.retired) log.error('imaging: process stopped', { detail: detail.slice(0, 200) });
      void this.retire(slot, new DomainError('image_decoder_crashed', 'The image decoder stopped unexpectedly on this image. Ask the applicant to upload it again, as a JPEG photo.'));
    });
    worker.send({ init: this.init });
    return slot;
  }

  private onReply(slot: Slot, reply: JobReply): void {
    const job = slot.jobs.get(reply.id);
    if (!job) return;
    if (job.timer) clearTimeout(job.timer);
    slot.jobs.delete(reply.id);
    slot.jobsDone++;
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new DomainError(reply.code, reply.message));
    if (reply.recycle || slot.jobsDone >= this.maxJobsPerWorker) slot.draining = true;
    if (slot.draining && slot.jobs.size === 0) void this.retire(slot, null);
    this.dispatch();
  }

  /** Takes a process out of service, failing its running jobs (if any) with `reason`. */
  private async retire(slot: Slot, reason: DomainError | null): Promise<void> {
    if (slot.retired) return;
    slot.retired = true;
    this.slots.delete(slot);
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) {
      if (job.timer) clearTimeout(job.timer);
      job.reject(reason ?? new DomainError('image_decoder_crashed', 'The image decoder stopped unexpectedly on this image.'));
    }
    const gone = slot.worker.kill();
    if (!this.closed) this.dispatch();
    await gone;
  }
}

const stopped = (): DomainError => new DomainError('image_job_stopped', 'The image job was stopped before it ran.');
