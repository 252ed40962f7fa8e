// "Remove all applicant data" (a workstation leaving service): a last sync, then every decision the central service
// has not taken is named and must be confirmed one by one, then every case's applicant fields and documents go and
// every image blob with them. The decisions and the audit trail stay (with one entry saying so).
import { DomainError } from '../../shared/errors';
import type { ImagePipeline } from '../imaging';
import type { CaseStore } from '../store/types';
import type { Handlers } from './registry';
import { log } from '../common/log';

export interface RetirementParts {
  store: CaseStore;
  images: Pick<ImagePipeline, 'collectGarbage' | 'whenDerived'>;
  deviceId: string;
  isOnline: () => boolean;
  /** Pushes and pulls once now; false when the central service could not be reached (or there is none). */
  finalSync: () => Promise<boolean>;
}

export function createRetirementHandlers(parts: RetirementParts): Pick<Handlers, 'device.retirementCheck' | 'device.removeApplicantData'> {
  const { store } = parts;
  const signedIn = (person: unknown) => {
    if (!person) throw new DomainError('unauthorized', 'Sign in to remove the applicant data from this device.');
  };
  return {
    'device.retirementCheck': async (_request, ctx) => {
      signedIn(ctx.person);
      const synced = await parts.finalSync();
      return { synced, unsynced: store.unsyncedDecisions(), unsyncedVerdicts: store.unsyncedVerdicts() };
    },
    'device.removeApplicantData': async ({ confirmUnsynced, confirmVerdicts }, ctx) => {
      signedIn(ctx.person);
      await parts.finalSync();
      const confirmed = new Set(confirmUnsynced);
      const unconfirmed = store.unsyncedDecisions().filter((d) => !confirmed.has(d.applicationId));
      if (unconfirmed.length > 0) {
        const named = unconfirmed.slice(0, 20).map((d) => `${d.applicationId} (${d.displayName}, ${d.outcome} by ${d.decidedBy})`);
        throw new DomainError(
          'unsynced_decisions',
          `${unconfirmed.length} decision${unconfirmed.length === 1 ? ' has' : 's have'} not reached the central service and would be lost: ${named.join('; ')}${unconfirmed.length > 20 ? '; …' : ''}. Sync again, or confirm each of them to remove the data anyway.`,
        );
      }
      const confirmedVerdicts = new Set(confirmVerdicts);
      const unconfirmedVerdicts = store.unsyncedVerdicts().filter((v) => !confirmedVerdicts.has(v.id));
      if (unconfirmedVerdicts.length > 0) {
        const named = unconfirmedVerdicts.slice(0, 20).map((v) => `${v.verdict} of ${v.applicationId ?? `decision ${v.decisionId}`}${v.applicantName ? ` (${v.applicantName})` : ''} by ${v.madeBy}`);
        throw new DomainError(
          'unsynced_verdicts',
          `${unconfirmedVerdicts.length} verdict${unconfirmedVerdicts.length === 1 ? ' has' : 's have'} not reached the central service and would be lost: ${named.join('; ')}${unconfirmedVerdicts.length > 20 ? '; …' : ''}. Sync again, or confirm each of them to remove the data anyway.`,
        );
      }
      const removed = await store.purgeApplicantData({ kind: 'all' }, { deviceId: parts.deviceId, online: parts.isOnline() });
      // A preview derived in the background from a purged original would otherwise be written after the collection.
      await parts.images.whenDerived();
      // Every blob no case shows, the ones downloaded a minute ago too: the device is leaving service.
      const blobs = await parts.images.collectGarbage(store.referencedImages(), { minAgeMs: 0 });
      log.info('all applicant data removed from this device', { applications: removed.applications, documents: removed.documents, copies: removed.copies, blobFiles: blobs.removedFiles });
      return { applications: removed.applications, documents: removed.documents };
    },
  };
}
