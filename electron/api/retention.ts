// Applies the retention period on this workstation: at start and every hour, a decided and synced case untouched
// for longer than the period the central service set (default 30 days) loses its applicant fields and documents;
// then the image blobs no case refers to are deleted. The decisions and the audit trail stay.
import type { ImagePipeline } from '../imaging';
import type { CaseStore } from '../store/types';
import type { PurgeResult } from '../store/sqlite/retention';
import { retentionDays } from '../sync/retention';
import { log } from '../common/log';

const DAY_MS = 24 * 60 * 60 * 1000;
const EVERY_MS = 60 * 60 * 1000;

export interface RetentionParts {
  store: CaseStore;
  images: Pick<ImagePipeline, 'collectGarbage'>;
  deviceId: string;
  isOnline: () => boolean;
  now?: () => Date;
}

/** One pass: the purge, then the blobs it left unreferenced. */
export async function applyRetention(parts: RetentionParts): Promise<PurgeResult> {
  const now = (parts.now ?? (() => new Date()))().getTime();
  const days = retentionDays(parts.store);
  const result = await parts.store.purgeApplicantData({ kind: 'retention', before: now - days * DAY_MS }, { deviceId: parts.deviceId, online: parts.isOnline() });
  if (result.applications > 0) {
    const blobs = await parts.images.collectGarbage(parts.store.referencedImages());
    log.info('retention: applicant data removed', { days, applications: result.applications, documents: result.documents, copies: result.copies, blobFiles: blobs.removedFiles });
  } else if (result.copies > 0) log.info("retention: applicant data removed from a supervisor's copies", { days, copies: result.copies });
  return result;
}

/** Runs applyRetention now and every hour until stopped; a failed pass is logged and tried again at the next. */
export function scheduleRetention(parts: RetentionParts): { stop(): void; idle(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = running.then(() => applyRetention(parts).then(
      () => undefined,
      (error: unknown) => log.warn('retention pass failed', { error: error instanceof Error ? error.message : String(error) }),
    ));
  };
  pass();
  const timer = setInterval(pass, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), idle: () => running };
}
