// The case being reviewed, the decision waiting out its undo window, and prefetching of the next case.
import { create } from 'zustand';
import type { CaseDetail } from '../../../shared/contract/cases';
import type { DecisionInput } from '../../../shared/domain';
import { unwrap, workstation } from '../workstation';
import { asUiError, useFrame, type UiError } from './frame';
import { useQueue } from './queue';

/** How long a confirmed decision can be undone before it is recorded. */
export const UNDO_WINDOW_MS = 5_000;

export interface PendingDecision {
  input: DecisionInput;
  /** What the queue showed for the case, to name it in the undo bar. */
  label: string;
  deadline: number;
}

interface ReviewState {
  view: 'queue' | 'case';
  openId: string | null;
  detail: CaseDetail | null;
  loading: boolean;
  error: UiError | null;
  pending: PendingDecision | null;
  /** A decision the workstation refused when it was committed. */
  commitError: (UiError & { applicationId: string }) | null;
  /** Bumped on every open, so a late answer for an older case is dropped. */
  openGeneration: number;
  open(applicationId: string): Promise<void>;
  /** Reads the open case again after it changed elsewhere, without recording another opening. */
  refresh(): Promise<void>;
  backToQueue(): void;
  /** Starts the undo window for a confirmed decision and moves on to `nextId` at once. */
  decide(input: DecisionInput, label: string, nextId: string | null): void;
  undo(): void;
  /** Records the pending decision now (before a lock or sign-out). */
  flush(): Promise<void>;
  dismissCommitError(): void;
  prefetch(applicationId: string): void;
  /** Forgets every case (on lock and sign-out). */
  clear(): void;
}

let pendingTimer: ReturnType<typeof setTimeout> | null = null;
const prefetched = new Map<string, Promise<CaseDetail>>();
const MAX_PREFETCHED = 4;

/** Asks for the preview and thumbnails so the browser has them before the case is shown. */
export function warmImages(detail: CaseDetail): void {
  for (const doc of detail.documents) {
    for (const variant of ['preview', 'thumbnail'] as const) {
      void workstation()
        .images.url({ sha256: doc.sha256, variant })
        .then((o) => {
          if (!o.ok) return;
          const img = new Image();
          img.decoding = 'async';
          img.src = o.value;
        });
    }
  }
}

async function commit(pending: PendingDecision): Promise<void> {
  try {
    await unwrap(workstation().case.decide(pending.input));
  } catch (err) {
    useReview.setState({ commitError: { ...asUiError(err), applicationId: pending.input.applicationId } });
  }
  void useFrame.getState().refreshSync();
  void useQueue.getState().reload({ keepSelection: true });
}

export const useReview = create<ReviewState>()((set, get) => ({
  view: 'queue',
  openId: null,
  detail: null,
  loading: false,
  error: null,
  pending: null,
  commitError: null,
  openGeneration: 0,
  async open(applicationId) {
    const generation = get().openGeneration + 1;
    const early = prefetched.get(applicationId);
    prefetched.delete(applicationId);
    set({ view: 'case', openId: applicationId, openGeneration: generation, loading: true, error: null, detail: null });
    if (early) {
      // Show the prefetched case at once; the opening call below records the audit entry and refreshes it.
      void early.then((detail) => {
        if (get().openGeneration === generation && get().detail === null) set({ detail, loading: false });
      }, () => undefined);
    }
    try {
      const detail = await unwrap(workstation().case.get({ applicationId, open: true }));
      if (get().openGeneration !== generation) return;
      set({ detail, loading: false });
      warmImages(detail);
    } catch (err) {
      if (get().openGeneration !== generation) return;
      set({ loading: false, error: asUiError(err) });
    }
  },
  async refresh() {
    const { openId, openGeneration } = get();
    if (!openId) return;
    try {
      const detail = await unwrap(workstation().case.get({ applicationId: openId, open: false }));
      if (get().openGeneration === openGeneration) set({ detail });
    } catch (err) {
      if (get().openGeneration === openGeneration) set({ error: asUiError(err) });
    }
  },
  backToQueue() {
    set({ view: 'queue', openId: null, detail: null, error: null, openGeneration: get().openGeneration + 1 });
  },
  decide(input, label, nextId) {
    const previous = get().pending;
    if (previous) void get().flush();
    set({ pending: { input, label, deadline: Date.now() + UNDO_WINDOW_MS }, commitError: null });
    pendingTimer = setTimeout(() => {
      const pending = get().pending;
      pendingTimer = null;
      if (!pending || pending.input.applicationId !== input.applicationId) return;
      set({ pending: null });
      void commit(pending);
    }, UNDO_WINDOW_MS);
    if (nextId) void get().open(nextId);
    else get().backToQueue();
  },
  undo() {
    const pending = get().pending;
    if (!pending) return;
    if (pendingTimer) clearTimeout(pendingTimer);
    pendingTimer = null;
    set({ pending: null });
    void get().open(pending.input.applicationId);
  },
  async flush() {
    const pending = get().pending;
    if (!pending) return;
    if (pendingTimer) clearTimeout(pendingTimer);
    pendingTimer = null;
    set({ pending: null });
    await commit(pending);
  },
  dismissCommitError() {
    set({ commitError: null });
  },
  prefetch(applicationId) {
    if (prefetched.has(applicationId) || get().openId === applicationId) return;
    const request = unwrap(workstation().case.get({ applicationId, open: false }));
    prefetched.set(applicationId, request);
    if (prefetched.size > MAX_PREFETCHED) {
      const oldest = prefetched.keys().next().value;
      if (oldest !== undefined) prefetched.delete(oldest);
    }
    request.then(warmImages, () => prefetched.delete(applicationId));
  },
  clear() {
    prefetched.clear();
    set({ view: 'queue', openId: null, detail: null, loading: false, error: null, openGeneration: get().openGeneration + 1 });
  },
}));
