// Where background derivation meets the case store: sync admits originals (no decode), the image pipeline derives
// preview, thumbnail and quality later, and this writes the quality (or why the image failed to decode) to every
// document showing the image, a batch per transaction, with the flags (R8) stored anew. At start it queues
// whatever a previous run left underived, failures included (a decoder update may read them now).
import { log } from '../common/log';
import type { DeriveOutcome, ImagePipeline } from '../imaging';
import type { CaseStore, ImageQuality } from '../store/types';

export interface DerivedQualityOptions {
  images: Pick<ImagePipeline, 'onDerived' | 'requestDerive'>;
  store: Pick<CaseStore, 'imagesLackingQuality' | 'recordImageQuality'>;
  /** After a batch is stored: the applications whose documents (and flags) changed. */
  onRecorded?: (applicationIds: string[]) => void;
  /** Results are written at most this long after they arrive (default 500 ms)… */
  flushMs?: number;
  /** …or as soon as this many wait (default 50: one short transaction). */
  batchSize?: number;
}

export interface DerivedQualityRecorder {
  /** Writes what is waiting now. */
  flush(): Promise<void>;
  /** Writes what is waiting and stops following the pipeline. */
  close(): Promise<void>;
}

export function recordDerivedQuality(options: DerivedQualityOptions): DerivedQualityRecorder {
  const { images, store } = options;
  const flushMs = options.flushMs ?? 500;
  const batchSize = Math.max(1, options.batchSize ?? 50);
  let waiting: ImageQuality[] = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    try {
      const { applicationIds } = await store.recordImageQuality(batch);
      if (applicationIds.length > 0) options.onRecorded?.(applicationIds);
    } catch (error) {
      // Lost only until the next start: the documents still lack quality and are queued again then.
      log.error('derived image quality not stored', { images: batch.length, error: error instanceof Error ? error.message : String(error) });
    }
  };

  const unsubscribe = images.onDerived((outcome: DeriveOutcome) => {
    if (!outcome.ok) {
      // The case stays (its original is verified and stored, and can be downloaded); the case view shows the image
      // as failed with this reason, R8 flags it, and the next start tries once more.
      log.warn('document image could not be derived', { sha256: outcome.sha256.slice(0, 12), code: outcome.error.code });
    }
    waiting.push(outcome.ok ? { sha256: outcome.sha256, quality: outcome.result.quality } : { sha256: outcome.sha256, failure: outcome.error });
    if (waiting.length >= batchSize) void flush();
    else if (!timer) {
      timer = setTimeout(() => void flush(), flushMs);
      timer.unref?.();
    }
  });

  const lacking = store.imagesLackingQuality();
  if (lacking.length > 0) {
    log.info('deriving images a previous run left unprocessed', { images: lacking.length });
    images.requestDerive(lacking);
  }

  return {
    flush,
    close() {
      unsubscribe();
      return flush();
    },
  };
}
