// R11 in the background: after a pull, once a passport data page is derived (its preview made), the image pipeline
// reads its MRZ in an imaging process (after every derivation queued: previews come first), and this stores the
// reading with the document and the case's flags anew. At start it queues whatever open passport pages a previous
// run left unread. A reading that fails (the decoder refused the image: R8 says so already) is retried next start.
import { log } from '../common/log';
import type { ImagePipeline, MrzOutcome } from '../imaging';
import type { CaseStore } from '../store/types';
import type { MrzResult } from '../store/sqlite/mrz';

export interface DerivedMrzOptions {
  images: Pick<ImagePipeline, 'onDerived' | 'onMrzRead' | 'requestMrz'>;
  store: Pick<CaseStore, 'passportPagesLackingMrz' | 'recordMrzReadings'>;
  onRecorded?: (applicationIds: string[]) => void;
  /** Readings and newly derived images are handled at most this long after they arrive (default 500 ms). */
  flushMs?: number;
}

export interface DerivedMrzRecorder {
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function recordDerivedMrz(options: DerivedMrzOptions): DerivedMrzRecorder {
  const { images, store } = options;
  const flushMs = options.flushMs ?? 500;
  /** Asked for in this run: not asked again (a reading in flight is not in the store yet). */
  const asked = new Set<string>();
  let readings: MrzResult[] = [];
  let derivedSince = false;
  let timer: NodeJS.Timeout | null = null;

  const queueLacking = (): void => {
    const lacking = store.passportPagesLackingMrz().filter((sha256) => !asked.has(sha256));
    for (const sha256 of lacking) asked.add(sha256);
    if (lacking.length > 0) images.requestMrz(lacking);
  };

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (derivedSince) {
      derivedSince = false;
      queueLacking();
    }
    if (readings.length === 0) return;
    const batch = readings;
    readings = [];
    try {
      const applicationIds = await store.recordMrzReadings(batch);
      if (applicationIds.length > 0) options.onRecorded?.(applicationIds);
    } catch (error) {
      log.error('MRZ readings not stored', { readings: batch.length, error: error instanceof Error ? error.message : String(error) });
      for (const r of batch) asked.delete(r.sha256);
    }
  };
  const later = (): void => {
    if (timer) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref?.();
  };

  const stopDerived = images.onDerived((outcome) => {
    if (!outcome.ok) return;
    derivedSince = true;
    later();
  });
  const stopRead = images.onMrzRead((outcome: MrzOutcome) => {
    if (!outcome.ok) {
      log.warn('passport MRZ could not be read', { sha256: outcome.sha256.slice(0, 12), code: outcome.error.code });
      return;
    }
    readings.push({ sha256: outcome.sha256, reading: outcome.reading });
    later();
  });
  queueLacking();

  return {
    flush,
    close() {
      stopDerived();
      stopRead();
      return flush();
    },
  };
}
