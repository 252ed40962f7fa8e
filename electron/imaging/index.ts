// The public face of the image pipeline. Main process and browser host create one pipeline per data folder.
import { DomainError } from '../../shared/errors';
import { deriveKey, type KeyProvider } from '../store/keys';
import { BlobStore, type GarbageReport } from './blobs';
import { resolveLimits, type ImageLimits } from './limits';
import { ImageWorkerPool, type ImageWorkerPoolOptions } from './pool';
import type { IngestResult } from './protocol';
import { readCaseImage, type CaseImage, type ImageAccess } from './serve';

export type { IngestResult } from './protocol';
export type { ImageLimits } from './limits';
export type { CaseImage, CaseImageRequest, ImageAccess } from './serve';
export type { BlobVariant, GarbageReport } from './blobs';
export type { AllowedFormat } from './sniff';
export { caseImageRequestFromPath } from './serve';
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

export interface ImagePipeline {
  /** Validates, normalises and stores one original; rejects with a DomainError (image_* code) on refusal. */
  ingest(bytes: Uint8Array): Promise<IngestResult>;
  /** Ingests many originals, at most `workers.size` at a time; never rejects, reports each outcome and progress. */
  ingestBatch(items: readonly Uint8Array[], onProgress?: (progress: BatchProgress) => void): Promise<BatchOutcome[]>;
  /** The function to bind to `case-image://` and `/images/…`; see serve.ts. */
  read(request: unknown, access: ImageAccess): Promise<CaseImage>;
  /**
   * Deletes the blobs of every image not in `referenced` (the hashes cases still point at). Blobs written in the
   * last `minAgeMs` (default 15 minutes) are spared, so an image being ingested right now is never collected.
   */
  collectGarbage(referenced: ReadonlySet<string>, options?: { minAgeMs?: number }): Promise<GarbageReport>;
  close(): Promise<void>;
}

export function createImagePipeline(options: ImagePipelineOptions): ImagePipeline {
  const limits = resolveLimits(options.limits);
  const blobKey = deriveKey(options.keyProvider, 'blobs');
  const store = new BlobStore(options.blobDir, blobKey);
  const pool = new ImageWorkerPool({ blobDir: options.blobDir, blobKey, limits }, options.workers);

  const ingest = (bytes: Uint8Array): Promise<IngestResult> => {
    // Refuse the obvious before copying the bytes to a worker.
    if (bytes.length > limits.maxBytes) {
      return Promise.reject(
        new DomainError('image_too_large', `The file is ${(bytes.length / 1048576).toFixed(1)} MB; at most ${Math.round(limits.maxBytes / 1048576)} MB is accepted. Ask the applicant for a smaller photo.`),
      );
    }
    return pool.run(bytes);
  };

  return {
    ingest,
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
    read: (request, access) => readCaseImage(store, request, access),
    collectGarbage: (referenced, gc) => store.collectGarbage(referenced, { minAgeMs: gc?.minAgeMs ?? 15 * 60_000 }),
    close: () => pool.close(),
  };
}
