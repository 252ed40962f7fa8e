// The supervisor's withdrawals view (WithdrawalLogView.tsx): its filters, the pages loaded and the selected row. As
// in the decision log (state/decisionLog.ts), each first page starts a generation and an answer is kept only while its
// generation is the latest: a quick change of filters, a sync's reload or a "load more" of the filters before can
// answer after the newer question, and its rows must not replace (or join) the newer answer's.
import { create } from 'zustand';
import type { WithdrawalLogFilter, WithdrawalLogPage, WithdrawalLogQuery, WithdrawalRecord } from '../../../shared/contract/withdrawals';
import type { CommonLogFilters } from '../components/LogFilterBar';
import { commonFilter } from './decisionLog';
import { asUiError, type UiError } from './frame';
import { unwrap, workstation } from '../workstation';

export type WithdrawalLogFilters = CommonLogFilters;
export const noWithdrawalFilters: WithdrawalLogFilters = { text: '', reviewer: '', kind: 'all', from: '', to: '' };
const pageSize = 50;

/** The filters as the workstation takes them (the decision log's rule): local days, `to` included. */
export const withdrawalFilterOf = (f: WithdrawalLogFilters): WithdrawalLogFilter => commonFilter(f);

const queryOf = (f: WithdrawalLogFilters, cursor?: string): WithdrawalLogQuery => ({ ...withdrawalFilterOf(f), limit: pageSize, ...(cursor ? { cursor } : {}) });

interface WithdrawalLogState {
  filters: WithdrawalLogFilters;
  /** The latest page's answer (total, counts, source); null before the first. */
  page: WithdrawalLogPage | null;
  items: WithdrawalRecord[];
  selected: number;
  error: UiError | null;
  loading: boolean;
  /** Bumped by each first page (and by reset): answers of an older generation are dropped. */
  generation: number;
  setFilters(patch: Partial<WithdrawalLogFilters>): void;
  /** The first page for the filters as they are, or with `cursor` the next page of the current answer. */
  load(cursor?: string): Promise<void>;
  select(index: number): void;
  /** Forgets everything (the view went): the next visit starts unfiltered, and no applicant's name stays in memory. */
  reset(): void;
}

const initial = { filters: noWithdrawalFilters, page: null, items: [], selected: 0, error: null, loading: false };

export const useWithdrawalLog = create<WithdrawalLogState>()((set, get) => ({
  ...initial,
  generation: 0,
  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch }, selected: 0 });
    void get().load();
  },
  async load(cursor) {
    const generation = cursor ? get().generation : get().generation + 1;
    set({ generation, loading: true });
    try {
      const next = await unwrap(workstation().withdrawals.log(queryOf(get().filters, cursor)));
      if (get().generation !== generation) return;
      set((s) => ({
        page: next,
        items: cursor ? [...s.items, ...next.items] : next.items,
        selected: cursor ? s.selected : Math.min(s.selected, Math.max(0, next.items.length - 1)),
        error: null,
        loading: false,
      }));
    } catch (err) {
      if (get().generation !== generation) return;
      set({ error: asUiError(err), loading: false });
    }
  },
  select(index) {
    set({ selected: index });
  },
  reset() {
    set({ ...initial, generation: get().generation + 1 });
  },
}));
