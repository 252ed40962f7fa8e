// The supervisor's live oversight channels (dispatch has already refused anyone but a supervisor): the counts from
// the central service, or the ones the last sync kept when it does not answer; the lists from the central service.
import { createOversightReads, type CentralGet } from '../sync/oversight';
import type { CaseStore } from '../store/types';
import type { Handler } from './registry';

export interface OversightHandlers {
  'oversight.summary': Handler<'oversight.summary'>;
  'oversight.applications': Handler<'oversight.applications'>;
}

export function createOversightHandlers(store: CaseStore, get: CentralGet | null): OversightHandlers {
  const reads = createOversightReads(get, store);
  return {
    'oversight.summary': () => reads.summary(),
    'oversight.applications': (query) => reads.applications(query),
  };
}
