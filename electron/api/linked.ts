// The linked accounts of a case's R2/R3 flags: asked of the central service when it answers (which decides what
// may be seen and audits the look), kept in the store with the counts they imply, and the kept copy answered when
// it cannot be asked. A refusal (another reviewer's case) is passed on, never covered by the copy.
import { LinkedAccountsResponse } from '../../shared/contract/linked';
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import { unreachable, type CentralGet } from '../sync/oversight';
import type { Handler } from './registry';

export interface LinkedHandlers {
  'case.linkedAccounts': Handler<'case.linkedAccounts'>;
}

export function createLinkedHandlers(
  store: Pick<CaseStore, 'getCase' | 'linkedAccounts' | 'storeLinkedAccounts'>,
  get: CentralGet | null,
  onFactsChanged: (applicationId: string) => void,
): LinkedHandlers {
  const copy = (applicationId: string, why: DomainError) => {
    const kept = store.linkedAccounts(applicationId);
    if (!kept) throw why;
    return { ...kept, source: 'copy' as const };
  };
  return {
    'case.linkedAccounts': async ({ applicationId }) => {
      store.getCase(applicationId); // case_not_found: only the cases on this workstation
      if (get === null) {
        return copy(applicationId, new DomainError('sync_not_configured', 'No central service is configured; the linked accounts come from it.'));
      }
      let linked: LinkedAccountsResponse;
      try {
        linked = await get(`/v1/applications/${encodeURIComponent(applicationId)}/linked-accounts`, LinkedAccountsResponse);
      } catch (error) {
        if (!unreachable(error)) throw error;
        return copy(applicationId, new DomainError('central_unreachable', 'The linked accounts were not fetched while the central service could be reached.'));
      }
      const { factsChanged } = await store.storeLinkedAccounts(linked);
      if (factsChanged) onFactsChanged(applicationId);
      const kept = store.linkedAccounts(applicationId);
      return { linked, source: 'central', storedAt: kept?.storedAt ?? linked.asOf };
    },
  };
}
