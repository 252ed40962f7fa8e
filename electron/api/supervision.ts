// The supervisor's channels: the decision log from the workstation's copy (sync keeps it fresh). dispatch has
// already refused anyone but a supervisor.
import type { CaseStore } from '../store/types';
import type { Handler } from './registry';

export interface SupervisionHandlers {
  'decisions.log': Handler<'decisions.log'>;
  'decisions.counts': Handler<'decisions.counts'>;
}

export function createSupervisionHandlers(store: CaseStore): SupervisionHandlers {
  return {
    'decisions.log': (query) => store.decisionLog(query),
    'decisions.counts': (filter) => store.decisionLogCounts(filter),
  };
}
