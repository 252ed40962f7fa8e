// The public face of the image pipeline. Main process and browser host create one pipeline per data folder.
import { DomainError } from '../../shared/errors';
import { deriveKey, type KeyProvider } from '../common/keys';
import { log } from '../common/log';
import { BlobStore, SHA256_HEX, type GarbageReport } from './blobs';
import { resolveLimits, type ImageLimits } from './limits';
import { ImageWorkerPool, type ImageWorkerPoolOptions } from './pool';
import type { MrzReading } from '../../shared/mrzReading';
import type { AdmitResult, DeriveResult, FetchRequest, FetchResult, FullResult, IngestResult } from './protocol';
import { readCaseImage, type CaseImage, type ImageAccess } from './serve';

export type { AdmitResult, DeriveResult, FetchRequest, FetchResult, IngestResult } from './protocol';
export type { ImagingProcess, LaunchImagingProcess } from './launch';
export type { ImageLimits } from './limits';
export type { CaseImage, CaseImageRequest, ImageAccess } from './serve';
export type { BlobVariant, GarbageReport } from './blobs';
export type { AllowedFormat } from '../../shared/imagePolicy';
export { blobVariants } from './blobs';
export { defaultImageLimits, PREVIEW_LONG_SIDE, THUMBNAIL_LONG_SIDE } from './limits';
export * as qualityThresholds from './quality';

export interface ImagePipelineOptions {
  /** Where the encrypted blobs live, e.g. `<dataDir>/blobs`. */
  blobDir: string;
  keyProvider: KeyProvider;
  limits?: Partial<ImageLimits>;
  workers?: ImageWorkerPoolOptions;
}

export interface BatchProgress {
  /** Index of the image just finished, in the order given. */
  index: number;
  done: number;
  total: number;
  ok: boolean;
  /** The refusal code when ok is false. */
  code?: string;
}

export type BatchOutcome =
  | { index: number; ok: true; result: IngestResult }
  | { index: number; ok: false; error: { code: string; message: string } };

/** How reading the MRZ of one stored passport photo ended (R11); `ok: false` only when the decoder refused the image. */
export type MrzOutcome = { sha256: string; ok: true; reading: MrzReading } | { sha256: string; ok: false; error: { code: string; message: string } };

/** How the derivation of one stored original ended (background or on demand). */
export type DeriveOutcome = { sha256: string; ok: true; result: DeriveResult } | { sha256: string; ok: false; error: { code: string; message: string } };

export interface ImagePipeline {
  /** Validates, normalises and stores one original; rejects with a DomainError (image_* code) on refusal. */
  ingest(bytes: Uint8Array): Promise<IngestResult>;
  /**
   * Admits one original without decoding its pixels: every check the header allows, SHA-256, forensics, upright
   * size; writes the original blob. Preview, thumbnail and quality come later from `derive`/`requestDerive`.
   * A sync's downloads are admitted the same way inside the imaging process (`fetchOriginal`).
   */
  admit(bytes: Uint8Array): Promise<AdmitResult>;
  /**
   * Downloads one original in an imaging process and admits it there (a sync's pull; see fetch.ts): one attempt,
   * its outcome for the caller to act on. Rejects with a DomainError only when the process failed (crashed, hung,
   * shut down) or `signal` stopped it before it ran.
   */
  fetchOriginal(request: FetchRequest, signal: AbortSignal): Promise<FetchResult>;
  /** Derives preview, thumbnail and quality of a stored original now, before any background work; image_* on failure. */
  derive(sha256: string): Promise<DeriveResult>;
  /** Queues stored originals for background derivation (first in, first out, each once); outcomes go to onDerived. */
  requestDerive(sha256s: Iterable<string>): void;
  /** Follows every derivation's outcome; returns the unsubscribe function. */
  onDerived(listener: (outcome: DeriveOutcome) => void): () => void;
  /**
   * Holds background derivation (a sync is downloading: the worker's core is better spent admitting); on-demand
   * derivation still runs. Counted: each pause needs its resume.
   */
  pauseBackground(): void;
  resumeBackground(): void;
  /** Reads the MRZ of a stored passport photo now, ahead of background work (R11; see mrz.ts). */
  readMrz(sha256: string): Promise<MrzReading>;
  /**
   * Queues stored passport photos for a background MRZ reading, after every queued derivation (each once, held by
   * pauseBackground like derivation); outcomes go to onMrzRead.
   */
  requestMrz(sha256s: Iterable<string>): void;
  onMrzRead(listener: (outcome: MrzOutcome) => void): () => void;
  /** Resolves when no derivation or MRZ reading is queued or running (for tests and the benchmark). */
  whenDerived(): Promise<void>;
  /** Ingests many originals, at most `workers.size` at a time; never rejects, reports each outcome and progress. */
  ingestBatch(items: readonly Uint8Array[], onProgress?: (progress: BatchProgress) => void): Promise<BatchOutcome[]>;
  /**
   * The function to bind to `case-image://` and `/images/…`; see serve.ts. A `preview` or `thumbnail` not derived
   * yet is derived first; a `full` rendition not made yet is made first. The `original` comes as an attachment.
   */
  read(request: unknown, access: ImageAccess): Promise<CaseImage>;
  /**
   * Deletes the blobs of every image not in `referenced` (the hashes cases still point at). Blobs written in the
   * last `minAgeMs` (default 15 minutes) are spared, so an image being ingested right now is never collected.
   */
  collectGarbage(referenced: ReadonlySet<string>, options?: { minAgeMs?: number }): Promise<GarbageReport>;
  close(): Promise<void>;
}

/** Derivation outcomes remembered, so a hash asked for again (another case showing the image) is answered at once. */
const derivedMemoLimit = 10_000;
/** Refusals that say nothing about the image itself. */
const notAVerdict = new Set(['image_pipeline_closed', 'image_queue_full', 'image_job_stopped']);

/** Tells every listener; one that throws is logged and the others still hear it. */
function tell<T>(listeners: ReadonlySet<(outcome: T) => void>, outcome: T, what: string): void {
  for (const listener of listeners) {
    try {
      listener(outcome);
    } catch (error) {
      log.error(`imaging: ${what} listener failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

export function createImagePipeline(options: ImagePipelineOptions): ImagePipeline {
  const limits = resolveLimits(options.limits);
  const blobKey = deriveKey(options.keyProvider, 'blobs');
  const store = new BlobStore(options.blobDir, blobKey);
  const pool = new ImageWorkerPool({ blobDir: options.blobDir, blobKey, limits }, options.workers);

  const tooLarge = (bytes: Uint8Array): DomainError | null => {
    // Refuse the obvious before copying the bytes to a worker.
    const length = bytes.byteLength;
    return length > limits.maxBytes
      ? new DomainError('image_too_large', `The file is ${(length / 1048576).toFixed(1)} MB; at most ${Math.round(limits.maxBytes / 1048576)} MB is accepted. Ask the applicant for a smaller photo.`)
      : null;
  };

  const ingest = (bytes: Uint8Array): Promise<IngestResult> => {
    const refusal = tooLarge(bytes);
    return refusal ? Promise.reject(refusal) : pool.run(bytes);
  };

  // ── derivation: a FIFO background queue (one at a time, pausable) and on-demand jobs that jump it ──
  const listeners = new Set<(outcome: DeriveOutcome) => void>();
  const memo = new Map<string, DeriveOutcome>();
  const running = new Map<string, Promise<DeriveResult>>();
  const queued = new Set<string>(); // insertion order is the queue's order
  let pauses = 0;
  let backgroundBusy = false;
  let closed = false;
  let idleWaiters: (() => void)[] = [];
  // R11 readings: a FIFO of their own that runs only when no derivation waits (a preview matters more).
  const mrzQueued = new Set<string>();
  const mrzListeners = new Set<(outcome: MrzOutcome) => void>();
  let mrzBusy = false;

  const emit = (outcome: DeriveOutcome): void => tell(listeners, outcome, 'derive');
  const remember = (outcome: DeriveOutcome): void => {
    memo.delete(outcome.sha256);
    if (memo.size >= derivedMemoLimit) {
      const oldest = memo.keys().next();
      if (!oldest.done) memo.delete(oldest.value);
    }
    memo.set(outcome.sha256, outcome);
  };
  const settleIdle = (): void => {
    if (queued.size > 0 || running.size > 0 || mrzQueued.size > 0 || mrzBusy) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const runDerive = (sha256: string, urgent: boolean): Promise<DeriveResult> => {
    const existing = running.get(sha256);
    if (existing) return existing;
    const job = pool.runTask({ kind: 'derive', sha256 }, { lane: urgent ? 'urgent' : 'background' }).then(
      (result) => {
        const outcome: DeriveOutcome = { sha256, ok: true, result };
        remember(outcome);
        emit(outcome);
        return result;
      },
      (error: unknown) => {
        const refusal = error instanceof DomainError ? error : new DomainError('image_corrupt', 'The image could not be processed.');
        // A shut-down pipeline or a full queue is no verdict on the image: it is derived again later.
        if (!notAVerdict.has(refusal.code)) {
          const outcome: DeriveOutcome = { sha256, ok: false, error: { code: refusal.code, message: refusal.message } };
          remember(outcome);
          emit(outcome);
        }
        throw refusal;
      },
    );
    running.set(sha256, job);
    void job
      .catch(() => undefined)
      .finally(() => {
        running.delete(sha256);
        settleIdle();
      });
    return job;
  };

  const pump = (): void => {
    if (pauses > 0 || backgroundBusy || closed) return;
    const next = queued.values().next();
    if (next.done) {
      pumpMrz();
      settleIdle();
      return;
    }
    queued.delete(next.value);
    backgroundBusy = true;
    void runDerive(next.value, false)
      .catch(() => undefined)
      .finally(() => {
        backgroundBusy = false;
        pump();
      });
  };

  const emitMrz = (outcome: MrzOutcome): void => tell(mrzListeners, outcome, 'MRZ');
  const pumpMrz = (): void => {
    if (pauses > 0 || mrzBusy || backgroundBusy || closed) return;
    const next = mrzQueued.values().next();
    if (next.done) return;
    const sha256 = next.value;
    mrzQueued.delete(sha256);
    mrzBusy = true;
    void pool
      .runTask({ kind: 'mrz', sha256 }, { lane: 'background' })
      .then(
        (reading) => emitMrz({ sha256, ok: true, reading }),
        (error: unknown) => {
          const refusal = error instanceof DomainError ? error : new DomainError('image_corrupt', 'The image could not be processed.');
          if (!notAVerdict.has(refusal.code)) emitMrz({ sha256, ok: false, error: { code: refusal.code, message: refusal.message } });
        },
      )
      .finally(() => {
        mrzBusy = false;
        pump();
      });
  };

  // The 1:1 rendition is made when a reviewer first zooms in (one full-size decode and encode), then kept as a blob.
  const rendering = new Map<string, Promise<FullResult>>();
  const renderFull = (sha256: string): Promise<FullResult> => {
    let job = rendering.get(sha256);
    if (!job) {
      job = pool.runTask({ kind: 'full', sha256 }, { lane: 'urgent' });
      rendering.set(sha256, job);
      void job.catch(() => undefined).finally(() => rendering.delete(sha256));
    }
    return job;
  };

  const derive = (sha256: string): Promise<DeriveResult> => {
    const known = memo.get(sha256);
    if (known) return known.ok ? Promise.resolve(known.result) : Promise.reject(new DomainError(known.error.code, known.error.message));
    queued.delete(sha256);
    return runDerive(sha256, true);
  };

  return {
    ingest,
    admit(bytes) {
      const refusal = tooLarge(bytes);
      if (refusal) return Promise.reject(refusal);
      return pool.runTask({ kind: 'admit', bytes }).then(({ derived, ...admitted }) => {
        if (derived) remember({ sha256: derived.sha256, ok: true, result: derived });
        return admitted;
      });
    },
    async fetchOriginal(request, signal) {
      const result = await pool.runTask({ kind: 'fetch', ...request }, { signal });
      if (result.kind === 'admitted' && result.admitted.derived) remember({ sha256: result.admitted.derived.sha256, ok: true, result: result.admitted.derived });
      return result;
    },
    derive,
    requestDerive(sha256s) {
      for (const sha256 of sha256s) {
        if (!SHA256_HEX.test(sha256) || running.has(sha256) || queued.has(sha256)) continue;
        const known = memo.get(sha256);
        if (known) {
          // Said once already; said again for the store (a new case may show the same image).
          queueMicrotask(() => emit(known));
          continue;
        }
        queued.add(sha256);
      }
      pump();
    },
    readMrz: (sha256) => pool.runTask({ kind: 'mrz', sha256 }, { lane: 'urgent' }),
    requestMrz(sha256s) {
      for (const sha256 of sha256s) if (SHA256_HEX.test(sha256)) mrzQueued.add(sha256);
      pump();
    },
    onMrzRead(listener) {
      mrzListeners.add(listener);
      return () => mrzListeners.delete(listener);
    },
    onDerived(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pauseBackground() {
      pauses++;
    },
    resumeBackground() {
      pauses = Math.max(0, pauses - 1);
      pump();
    },
    whenDerived() {
      if (queued.size === 0 && running.size === 0 && mrzQueued.size === 0 && !mrzBusy) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async ingestBatch(items, onProgress) {
      let done = 0;
      return Promise.all(
        items.map(async (bytes, index): Promise<BatchOutcome> => {
          let outcome: BatchOutcome;
          try {
            outcome = { index, ok: true, result: await ingest(bytes) };
          } catch (error) {
            const refusal = error instanceof DomainError ? error : new DomainError('image_corrupt', 'The image could not be processed.');
            outcome = { index, ok: false, error: { code: refusal.code, message: refusal.message } };
          }
          done++;
          onProgress?.({ index, done, total: items.length, ok: outcome.ok, ...(outcome.ok ? {} : { code: outcome.error.code }) });
          return outcome;
        }),
      );
    },
    read: (request, access) =>
      readCaseImage(store, request, access, async (sha256, variant) => {
        // Admitted during a sync and not derived yet: derive it now, ahead of the background queue. A remembered
        // success is not trusted here (the blob is missing after all); a remembered failure is.
        if (variant === 'original' || (await store.has(sha256, variant)) || !(await store.has(sha256, 'original'))) return;
        const known = memo.get(sha256);
        if (known && !known.ok) throw new DomainError(known.error.code, known.error.message);
        if (variant === 'full') {
          await renderFull(sha256);
          return;
        }
        queued.delete(sha256);
        await runDerive(sha256, true);
      }),
    collectGarbage: (referenced, gc) => store.collectGarbage(referenced, { minAgeMs: gc?.minAgeMs ?? 15 * 60_000 }),
    async close() {
      closed = true;
      queued.clear();
      mrzQueued.clear();
      await pool.close();
      settleIdle();
    },
  };
}
