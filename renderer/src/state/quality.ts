// Quality review: the QA queue of each stage (sampled decisions; decisions held for a second review) from the
// workstation's copy, the supervisor's verdict being made on the selected decision, the actions sync has not sent
// or the central service refused, and the policy.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { QualityPolicy, ReviewStage, ReviewVerdict } from '../../../shared/contract/central';
import type { QualityPolicyState, QualityQueueEntry, SupervisionAction } from '../../../shared/contract/supervision';
import { unwrap, workstation, WorkstationError } from '../workstation';
import { asUiError, type UiError } from './frame';

export const QA_PAGE_SIZE = 50;

export interface QualityListState {
  stage: ReviewStage;
  /** A reviewer's username; '' for every reviewer. */
  reviewer: string;
  items: QualityQueueEntry[];
  nextCursor: string | null;
  total: number | null;
  syncedAt: string | null;
  selected: number;
  loading: boolean;
  loaded: boolean;
  loadingMore: boolean;
  error: UiError | null;
  /** Bumped on each reload, so answers to an older query are dropped. */
  generation: number;
  setReviewer(reviewer: string): void;
  /** Reads the first page again; `keepPlace` keeps as many rows as are loaded and the selected decision. */
  reload(options?: { keepPlace?: boolean }): Promise<void>;
  loadMore(): Promise<void>;
  select(index: number): void;
  clear(): void;
}

function createQualityList(stage: ReviewStage): UseBoundStore<StoreApi<QualityListState>> {
  const query = (s: QualityListState, limit: number, cursor?: string) => ({ stage, limit, ...(s.reviewer ? { reviewer: s.reviewer } : {}), ...(cursor ? { cursor } : {}) });
  return create<QualityListState>()((set, get) => ({
    stage,
    reviewer: '',
    items: [],
    nextCursor: null,
    total: null,
    syncedAt: null,
    selected: 0,
    loading: false,
    loaded: false,
    loadingMore: false,
    error: null,
    generation: 0,
    setReviewer(reviewer) {
      set({ reviewer, selected: 0 });
      void get().reload();
    },
    async reload(options) {
      const generation = get().generation + 1;
      const previous = get();
      const selectedId = options?.keepPlace ? previous.items[previous.selected]?.decision.id : undefined;
      const limit = options?.keepPlace ? Math.min(200, Math.max(QA_PAGE_SIZE, previous.items.length)) : QA_PAGE_SIZE;
      set({ generation, loading: true, loadingMore: false, error: null });
      try {
        const page = await unwrap(workstation().quality.queue(query(get(), limit)));
        if (get().generation !== generation) return;
        const kept = selectedId ? page.items.findIndex((i) => i.decision.id === selectedId) : -1;
        const selected = kept >= 0 ? kept : options?.keepPlace ? Math.min(previous.selected, Math.max(0, page.items.length - 1)) : 0;
        set({ items: page.items, nextCursor: page.nextCursor, total: page.total, syncedAt: page.syncedAt, loading: false, loaded: true, selected });
      } catch (err) {
        if (get().generation !== generation) return;
        set({ loading: false, loaded: true, error: asUiError(err) });
      }
    },
    async loadMore() {
      const s = get();
      if (!s.nextCursor || s.loading || s.loadingMore) return;
      set({ loadingMore: true, error: null });
      try {
        const page = await unwrap(workstation().quality.queue(query(s, QA_PAGE_SIZE, s.nextCursor)));
        if (get().generation !== s.generation) return;
        const known = new Set(get().items.map((i) => i.decision.id));
        set({ items: [...get().items, ...page.items.filter((i) => !known.has(i.decision.id))], nextCursor: page.nextCursor, total: page.total, loadingMore: false });
      } catch (err) {
        if (get().generation !== s.generation) return;
        // A sync replaced the stage under the cursor: start again from the top.
        if (err instanceof WorkstationError && err.code === 'bad_cursor') {
          set({ loadingMore: false });
          void get().reload();
          return;
        }
        set({ loadingMore: false, error: asUiError(err) });
      }
    },
    select(index) {
      const { items } = get();
      if (items.length === 0) return;
      set({ selected: Math.max(0, Math.min(items.length - 1, index)) });
    },
    clear() {
      set({ items: [], nextCursor: null, total: null, syncedAt: null, selected: 0, loaded: false, loading: false, loadingMore: false, error: null, generation: get().generation + 1 });
    },
  }));
}

export const useQualityQueue = createQualityList('quality');
export const useSecondReview = createQualityList('second_review');

/** The verdict being made: which decision, agree or overturn, and the reason typed so far. */
export interface VerdictDraft {
  decisionId: string;
  verdict: ReviewVerdict;
  reason: string;
}

interface VerdictState {
  draft: VerdictDraft | null;
  submitting: boolean;
  error: UiError | null;
  start(decisionId: string, verdict: ReviewVerdict): void;
  setReason(reason: string): void;
  cancel(): void;
  /** Queues the verdict (main gives it its id and time); answers the action, or null when refused here. */
  confirm(): Promise<SupervisionAction | null>;
}

export const useVerdict = create<VerdictState>()((set, get) => ({
  draft: null,
  submitting: false,
  error: null,
  start(decisionId, verdict) {
    const draft = get().draft;
    // Switching agree ↔ overturn on the same decision keeps what was typed.
    set({ draft: { decisionId, verdict, reason: draft?.decisionId === decisionId ? draft.reason : '' }, error: null });
  },
  setReason(reason) {
    const draft = get().draft;
    if (draft) set({ draft: { ...draft, reason } });
  },
  cancel() {
    set({ draft: null, error: null });
  },
  async confirm() {
    const { draft, submitting } = get();
    if (!draft || submitting) return null;
    if (draft.verdict === 'overturn' && draft.reason.trim() === '') {
      set({ error: { code: 'reason_required', message: '' } });
      return null;
    }
    set({ submitting: true, error: null });
    try {
      const action = await unwrap(workstation().supervision.act({ type: 'review', decisionId: draft.decisionId, verdict: draft.verdict, reason: draft.reason.trim() }));
      set({ draft: null, submitting: false });
      void useSupervisionOutbox.getState().reload();
      return action;
    } catch (err) {
      set({ submitting: false, error: asUiError(err) });
      return null;
    }
  },
}));

interface OutboxState {
  /** Queued actions (oldest first), then refused ones not dismissed (newest first). */
  items: SupervisionAction[];
  error: UiError | null;
  reload(): Promise<void>;
  dismiss(id: string): Promise<void>;
}

export const useSupervisionOutbox = create<OutboxState>()((set, get) => ({
  items: [],
  error: null,
  async reload() {
    try {
      const { items } = await unwrap(workstation().supervision.outbox({}));
      set({ items, error: null });
    } catch (err) {
      set({ error: asUiError(err) });
    }
  },
  async dismiss(id) {
    try {
      await unwrap(workstation().supervision.dismiss({ id }));
      await get().reload();
    } catch (err) {
      set({ error: asUiError(err) });
    }
  },
}));

interface PolicyState {
  state: QualityPolicyState | null;
  saving: boolean;
  error: UiError | null;
  reload(): Promise<void>;
  save(policy: QualityPolicy): Promise<boolean>;
}

export const usePolicy = create<PolicyState>()((set, get) => ({
  state: null,
  saving: false,
  error: null,
  async reload() {
    try {
      set({ state: await unwrap(workstation().quality.policy({})), error: null });
    } catch (err) {
      set({ error: asUiError(err) });
    }
  },
  async save(policy) {
    if (get().saving) return false;
    set({ saving: true, error: null });
    try {
      await unwrap(workstation().supervision.act({ type: 'policy', policy }));
      set({ saving: false });
      await get().reload();
      return true;
    } catch (err) {
      set({ saving: false, error: asUiError(err) });
      return false;
    }
  },
}));
