// A small pool of imaging worker threads: bounded concurrency (one image per worker), a bounded queue, a hard
// per-image deadline, and a fresh worker after a crash, a timeout, a HEIC decode or N images. A failure fails that
// one image with a code; the pool and the app carry on.
//
// Worker script resolution (the `workerScript` option):
//  - given: used as is. The Electron build passes the bundled entry, e.g. electron-vite with
//    `main.build.rollupOptions.input = { index: 'electron/main/index.ts', 'imaging-worker': 'electron/imaging/worker.ts' }`
//    and `workerScript: new URL('./imaging-worker.js', import.meta.url)` from out/main/index.js.
//  - omitted, running from TypeScript sources (vitest, tsx): worker-boot.dev.mjs registers tsx in the thread and
//    imports worker.ts next to this file.
//  - omitted, running from JavaScript: `./imaging-worker.js` next to the module that holds this code.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
// libvips must be loaded by the main thread before any worker loads it, or glibc may unload it under a live
// worker when that worker exits (sharp's documented requirement for worker threads).
import sharp from 'sharp';
import { DomainError } from '../../shared/errors';
import { log } from '../api/log';
import type { ImageLimits } from './limits';
import type { ImageTask, JobReply, JobRequest, TaskKind, TaskResults, WorkerInit, WorkerReady } from './protocol';

export interface ImageWorkerPoolOptions {
  /**
   * Worker threads, i.e. images decoded at once (each decodes on one libvips thread). Default: one core fewer than
   * the machine has, at least 1 and at most 2 — so 1 on a 2-core laptop, leaving a core to the UI and keeping 8 queued
   * 12 MP photos under 250 MB RSS (bench/imaging/README.md).
   */
  size?: number;
  workerScript?: URL;
  /** Images waiting beyond the busy workers; past it `run` refuses with image_queue_full. Default 1000. */
  maxQueue?: number;
  /** A worker is replaced after this many images, returning any memory fragmentation to the system. Default 200. */
  maxJobsPerWorker?: number;
  /** V8 heap limits of each worker (the pixel buffers live outside it, bounded by the image limits). */
  resourceLimits?: ResourceLimits;
}

interface Job {
  id: number;
  task: ImageTask;
  resolve(result: TaskResults[TaskKind]): void;
  reject(error: DomainError): void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded its modules; deadlines start only then (tsx start-up in development takes seconds). */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  jobsDone: number;
  retired: boolean;
}

const sharpLoaded = sharp.versions.vips;

function defaultWorkerScript(): { script: URL; entry?: string } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { script: new URL('./worker-boot.dev.mjs', here), entry: new URL('./worker.ts', here).href };
  return { script: new URL('./imaging-worker.js', here) };
}

export class ImageWorkerPool {
  private readonly init: WorkerInit;
  private readonly script: URL;
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly maxJobsPerWorker: number;
  private readonly resourceLimits: ResourceLimits;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(init: Omit<WorkerInit, 'entry'>, options: ImageWorkerPoolOptions = {}) {
    const resolved = options.workerScript ? { script: options.workerScript } : defaultWorkerScript();
    this.script = resolved.script;
    this.init = { ...init, blobKey: Uint8Array.from(init.blobKey), ...(resolved.entry ? { entry: resolved.entry } : {}) };
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(2, availableParallelism() - 1)));
    this.maxQueue = options.maxQueue ?? 1000;
    this.maxJobsPerWorker = options.maxJobsPerWorker ?? 200;
    this.resourceLimits = options.resourceLimits ?? { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };
    log.info('imaging: pool ready', { workers: this.size, vips: sharpLoaded });
  }

  get limits(): ImageLimits {
    return this.init.limits;
  }

  /** Ingests one original (admit and derive at once) in a worker; resolves with the result or rejects with a DomainError. */
  run(bytes: Uint8Array): Promise<TaskResults['ingest']> {
    return this.runTask({ kind: 'ingest', bytes });
  }

  /**
   * Runs one task in a worker; resolves with its result or rejects with a DomainError. A `priority` task (a
   * reviewer waiting for a preview) goes before every queued one.
   */
  runTask<K extends TaskKind>(task: Extract<ImageTask, { kind: K }>, options: { priority?: boolean } = {}): Promise<TaskResults[K]> {
    if (this.closed) return Promise.reject(new DomainError('image_pipeline_closed', 'The image pipeline is shutting down; try again after restart.'));
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new DomainError('image_queue_full', 'Too many images are waiting to be processed. Wait for the current download to finish.'));
    }
    return new Promise<TaskResults[K]>((resolve, reject) => {
      // The worker answers a task of kind K with TaskResults[K] (worker.ts); the reply type cannot say which.
      const job: Job = { id: this.nextId++, task, resolve: resolve as (result: TaskResults[TaskKind]) => void, reject };
      if (options.priority) this.queue.unshift(job);
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

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => s.ready && !s.job && !s.retired);
      if (!slot) {
        const starting = [...this.slots].filter((s) => !s.ready).length;
        if (this.slots.size < this.size && starting < this.queue.length) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => {
        log.warn('imaging: job timed out; replacing its worker', { ms: this.init.limits.jobTimeoutMs });
        void this.retire(slot, new DomainError('image_timeout', 'The image took too long to process and was stopped. Ask the applicant to upload it again, as a JPEG photo.'));
      }, this.init.limits.jobTimeoutMs);
      const request: JobRequest = { ...job.task, id: job.id };
      slot.worker.postMessage(request);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { workerData: this.init, resourceLimits: this.resourceLimits });
    const slot: Slot = { worker, ready: false, job: null, timer: null, jobsDone: 0, retired: false };
    this.slots.add(slot);
    worker.on('message', (message: JobReply | WorkerReady) => {
      if ('ready' in message) {
        slot.ready = true;
        this.dispatch();
      } else this.onReply(slot, message);
    });
    worker.on('error', (error) => {
      log.error('imaging: worker failed', { detail: error.message.slice(0, 200) });
      void this.retire(slot, new DomainError('image_decoder_crashed', 'The image decoder stopped unexpectedly on this image. Ask the applicant to upload it again, as a JPEG photo.'));
    });
    worker.on('exit', () => {
      void this.retire(slot, new DomainError('image_decoder_crashed', 'The image decoder stopped unexpectedly on this image. Ask the applicant to upload it again, as a JPEG photo.'));
    });
    return slot;
  }

  private onReply(slot: Slot, reply: JobReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    slot.jobsDone++;
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new DomainError(reply.code, reply.message));
    if (reply.recycle || slot.jobsDone >= this.maxJobsPerWorker) void this.retire(slot, null);
    this.dispatch();
  }

  /** Takes a worker out of service, failing its current image (if any) with `reason`. */
  private async retire(slot: Slot, reason: DomainError | null): Promise<void> {
    if (slot.retired) return;
    slot.retired = true;
    this.slots.delete(slot);
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    if (job) job.reject(reason ?? new DomainError('image_decoder_crashed', 'The image decoder stopped unexpectedly on this image.'));
    await slot.worker.terminate().catch(() => undefined);
    if (!this.closed) this.dispatch();
  }
}
