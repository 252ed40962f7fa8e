// The decision a supervisor opened read-only from the decision log: its log entry (the flags as judged, the reviews)
// and the decided application with its documents, fetched from the central service.
import { create } from 'zustand';
import type { DecisionApplication } from '../../../shared/contract/decisionCase';
import type { DecisionLogEntry } from '../../../shared/contract/supervision';
import { unwrap, workstation } from '../workstation';
import { asUiError, type UiError } from './frame';

interface DecisionCaseState {
  entry: DecisionLogEntry | null;
  data: DecisionApplication | null;
  loading: boolean;
  error: UiError | null;
  open(entry: DecisionLogEntry): Promise<void>;
  close(): void;
}

let request = 0;

export const useDecisionCase = create<DecisionCaseState>()((set) => ({
  entry: null,
  data: null,
  loading: false,
  error: null,
  async open(entry) {
    const mine = ++request;
    set({ entry, data: null, loading: true, error: null });
    try {
      const data = await unwrap(workstation().decisions.application({ applicationId: entry.applicationId }));
      if (mine === request) set({ data, loading: false });
    } catch (err) {
      if (mine === request) set({ error: asUiError(err), loading: false });
    }
  },
  close() {
    request += 1;
    set({ entry: null, data: null, loading: false, error: null });
  },
}));
