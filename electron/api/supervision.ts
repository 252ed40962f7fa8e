// The supervisor's channels: the decision log and its counts from the central service while it answers, from the
// workstation's copy (sync keeps it fresh) when it does not, each answer saying which (electron/sync/decisionLog.ts).
// dispatch has already refused anyone but a supervisor.
import type { CaseStore } from '../store/types';
import { createDecisionLogReads } from '../sync/decisionLog';
import type { CentralGet } from '../sync/oversight';
import type { Handler } from './registry';

export interface SupervisionHandlers {
  'decisions.log': Handler<'decisions.log'>;
  'decisions.counts': Handler<'decisions.counts'>;
}

export function createSupervisionHandlers(store: CaseStore, get: CentralGet | null): SupervisionHandlers {
  const reads = createDecisionLogReads(get, store);
  return {
    'decisions.log': (query) => reads.page(query),
    'decisions.counts': (filter) => reads.counts(filter),
  };
}
