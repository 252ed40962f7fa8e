// The supervisor's live oversight: the counts per reviewer (live, or the copy the last sync kept), the list behind
// the count chosen, the applications checked in it, and the reassignment last queued.
import { create } from 'zustand';
import type { OversightApplication, OversightBucket } from '../../../shared/contract/central';
import type { OversightView } from '../../../shared/contract/oversight';
import { unwrap, workstation } from '../workstation';
import { asUiError, type UiError } from './frame';

// Plain values: the contract's enum lives inside a schema, which the renderer's bundle must not load.
export const oversightBuckets = ['open', 'due_today', 'escalated', 'overdue'] as const satisfies readonly OversightBucket[];
export const bucketField = { open: 'open', due_today: 'dueToday', escalated: 'escalated', overdue: 'overdue' } as const;

/** Whose list: a reviewer's username, or null for the applications nobody holds. */
export interface OversightList {
  holder: string | null;
  bucket: OversightBucket;
}

const PAGE_SIZE = 100;
/** The most applications one reassignment takes (ReassignMutation.applicationIds). */
export const MAX_REASSIGN = 200;

interface OversightState {
  view: OversightView | null;
  loading: boolean;
  error: UiError | null;
  list: OversightList | null;
  items: OversightApplication[];
  nextCursor: string | null;
  listLoading: boolean;
  listError: UiError | null;
  /** Ids of the checked applications of the list. */
  checked: ReadonlySet<string>;
  /** Where a shift-click or shift-space range starts. */
  anchor: number | null;
  /** The reassignment last queued here: how many and to whom (applied at the next sync); or why it was refused. */
  reassigned: { count: number; reviewer: string } | null;
  reassignError: UiError | null;
  reassigning: boolean;
  loadSummary(): Promise<void>;
  openList(list: OversightList): Promise<void>;
  closeList(): void;
  loadMore(): Promise<void>;
  /** Checks or unchecks one row; with `range`, every row from the anchor to it takes that row's new state. */
  toggle(index: number, range: boolean): void;
  checkAll(on: boolean): void;
  reassign(reviewer: string): Promise<void>;
}

let listRequest = 0;

export const useOversight = create<OversightState>()((set, get) => ({
  view: null,
  loading: false,
  error: null,
  list: null,
  items: [],
  nextCursor: null,
  listLoading: false,
  listError: null,
  checked: new Set(),
  anchor: null,
  reassigned: null,
  reassignError: null,
  reassigning: false,

  async loadSummary() {
    set({ loading: true });
    try {
      set({ view: await unwrap(workstation().oversight.summary({})), error: null, loading: false });
    } catch (err) {
      set({ error: asUiError(err), loading: false });
    }
  },

  async openList(list) {
    const request = ++listRequest;
    set({ list, items: [], nextCursor: null, listLoading: true, listError: null, checked: new Set(), anchor: null });
    try {
      const page = await unwrap(workstation().oversight.applications({ ...holderQuery(list.holder), bucket: list.bucket, limit: PAGE_SIZE }));
      if (request !== listRequest) return;
      set({ items: page.applications, nextCursor: page.nextCursor, listLoading: false });
    } catch (err) {
      if (request === listRequest) set({ listError: asUiError(err), listLoading: false });
    }
  },

  closeList() {
    listRequest += 1;
    set({ list: null, items: [], nextCursor: null, listError: null, checked: new Set(), anchor: null });
  },

  async loadMore() {
    const { list, nextCursor, listLoading } = get();
    if (!list || !nextCursor || listLoading) return;
    const request = listRequest;
    set({ listLoading: true });
    try {
      const page = await unwrap(workstation().oversight.applications({ ...holderQuery(list.holder), bucket: list.bucket, limit: PAGE_SIZE, cursor: nextCursor }));
      if (request !== listRequest) return;
      set((s) => ({ items: [...s.items, ...page.applications], nextCursor: page.nextCursor, listLoading: false }));
    } catch (err) {
      if (request === listRequest) set({ listError: asUiError(err), listLoading: false });
    }
  },

  toggle(index, range) {
    const { items, checked, anchor } = get();
    const target = items[index];
    if (!target) return;
    const on = !checked.has(target.id);
    const next = new Set(checked);
    const [from, to] = range && anchor !== null ? [Math.min(anchor, index), Math.max(anchor, index)] : [index, index];
    for (const item of items.slice(from, to + 1)) {
      if (on) next.add(item.id);
      else next.delete(item.id);
    }
    set({ checked: next, anchor: index });
  },

  checkAll(on) {
    set((s) => ({ checked: on ? new Set(s.items.map((i) => i.id)) : new Set(), anchor: null }));
  },

  async reassign(reviewer) {
    const { items, checked } = get();
    // In the list's order (due first), at most what one reassignment takes.
    const applicationIds = items.filter((i) => checked.has(i.id)).map((i) => i.id);
    if (applicationIds.length === 0 || applicationIds.length > MAX_REASSIGN) return;
    set({ reassigning: true, reassignError: null });
    try {
      await unwrap(workstation().supervision.act({ type: 'reassign', applicationIds, reviewer }));
      set({ reassigning: false, reassigned: { count: applicationIds.length, reviewer }, checked: new Set(), anchor: null });
    } catch (err) {
      set({ reassigning: false, reassignError: asUiError(err) });
    }
  },
}));

function holderQuery(holder: string | null): { reviewer: string } | { unassigned: true } {
  return holder === null ? { unassigned: true } : { reviewer: holder };
}
