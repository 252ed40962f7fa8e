// A supervisor reads a decision's case: the application and its documents from the central service, the originals
// fetched into the image pipeline as a pull would, and their hashes given to the image route for this supervisor only.
// Nothing is written to the case store: a supervisor's workstation holds no cases and gains no write path.
import { ApplicationEnvelope } from '../../shared/contract/central';
import { DomainError } from '../../shared/errors';
import type { SyncEngine } from '../sync/engine';
import { SyncError } from '../sync/errors';
import type { Handler } from './registry';

export interface DecisionCaseHandlers {
  'decisions.application': Handler<'decisions.application'>;
}

/** The images a supervisor may view beyond the store's cases: those of decisions opened in this run. */
export type DecisionImages = Set<string>;

export function createDecisionCaseHandlers(central: Pick<SyncEngine, 'get' | 'fetchDocuments'> | null, images: DecisionImages): DecisionCaseHandlers {
  return {
    'decisions.application': async ({ applicationId }) => {
      if (central === null) throw new DomainError('sync_not_configured', "No central service is configured; a decision's documents come from it.");
      try {
        const envelope = await central.get(`/v1/applications/${encodeURIComponent(applicationId)}`, ApplicationEnvelope);
        const documents = await central.fetchDocuments(envelope.documents);
        // A change application's replaced identity: the central service serves its images to a supervisor too.
        const previousDocuments = envelope.previousDocuments?.length ? await central.fetchDocuments(envelope.previousDocuments) : [];
        for (const d of [...documents, ...previousDocuments]) images.add(d.sha256);
        return {
          application: envelope.application,
          documents,
          ...(previousDocuments.length > 0 ? { previousDocuments } : {}),
          dueAt: envelope.dueAt,
          escalateAt: envelope.escalateAt,
        };
      } catch (error) {
        if (error instanceof SyncError && (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'aborted')) {
          throw new DomainError('central_unreachable', "The central service cannot be reached now; a decision's documents are fetched from it when opened.");
        }
        throw error;
      }
    },
  };
}
