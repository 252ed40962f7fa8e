// The decision a supervisor opened read-only from the decision log: its log entry (the flags as judged, the reviews)
// and the decided application with its documents, fetched from the central service.
import { create } from 'zustand';
import type { DecisionApplication } from '../../../shared/contract/decisionCase';
import type { DecisionLogEntry } from '../../../shared/contract/supervision';
import type { WithdrawalRecord } from '../../../shared/contract/withdrawals';
import { unwrap, workstation } from '../workstation';
import { asUiError, type UiError } from './frame';

interface DecisionCaseState {
  entry: DecisionLogEntry | null;
  /** Or a withdrawal opened from the withdrawals view: the application has no decision. */
  withdrawal: WithdrawalRecord | null;
  data: DecisionApplication | null;
  loading: boolean;
  error: UiError | null;
  open(entry: DecisionLogEntry): Promise<void>;
  openWithdrawal(withdrawal: WithdrawalRecord): Promise<void>;
  close(): void;
}

let request = 0;

export const useDecisionCase = create<DecisionCaseState>()((set) => {
  const load = async (applicationId: string) => {
    const mine = ++request;
    set({ data: null, loading: true, error: null });
    try {
      const data = await unwrap(workstation().decisions.application({ applicationId }));
      if (mine === request) set({ data, loading: false });
    } catch (err) {
      if (mine === request) set({ error: asUiError(err), loading: false });
    }
  };
  return {
    entry: null,
    withdrawal: null,
    data: null,
    loading: false,
    error: null,
    async open(entry) {
      set({ entry, withdrawal: null });
      await load(entry.applicationId);
    },
    async openWithdrawal(withdrawal) {
      set({ entry: null, withdrawal });
      await load(withdrawal.applicationId);
    },
    close() {
      request += 1;
      set({ entry: null, withdrawal: null, data: null, loading: false, error: null });
    },
  };
});
