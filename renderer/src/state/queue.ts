// The reviewer's queue: filters (kept across restarts), the loaded pages of cases, counts, and the selected row.
import { create } from 'zustand';
import type { DueWindow, QueueCounts, QueueItem, QueueQuery, QueueStatusFilter } from '../../../shared/contract/cases';
import { applicationKinds, applicationStatuses, ruleIds, type ApplicationKind, type RuleId } from '../../../shared/domain';
import { unwrap, workstation } from '../workstation';
import { asUiError, useFrame, type UiError } from './frame';

export interface QueueFilters {
  kind: ApplicationKind | 'all';
  status: QueueStatusFilter;
  flag: RuleId | 'all';
  due: DueWindow;
  text: string;
  /** Only the cases assigned to the signed-in person. */
  mine: boolean;
}

export const defaultFilters: QueueFilters = { kind: 'all', status: 'open', flag: 'all', due: 'all', text: '', mine: false };
export const statusFilters: readonly QueueStatusFilter[] = ['open', 'all', ...applicationStatuses];
export const dueWindows: readonly DueWindow[] = ['all', 'overdue', 'escalated', 'due_today'];

const STORAGE_KEY = 'verity.queue.filters.v1';
const PAGE_SIZE = 50;

const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;

/** Reads the saved filters, dropping anything this version does not know. */
export function loadFilters(): QueueFilters {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return defaultFilters;
    const saved = JSON.parse(raw) as Record<string, unknown>;
    return {
      kind: oneOf(saved.kind, ['all', ...applicationKinds], 'all'),
      status: oneOf(saved.status, statusFilters, 'open'),
      flag: oneOf(saved.flag, ['all', ...ruleIds], 'all'),
      due: oneOf(saved.due, dueWindows, 'all'),
      text: typeof saved.text === 'string' ? saved.text.slice(0, 100) : '',
      mine: saved.mine === true,
    };
  } catch {
    return defaultFilters;
  }
}

function saveFilters(filters: QueueFilters): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(filters));
  } catch {
    // Storage full or disabled: the filters still work for this session.
  }
}

function toQuery(filters: QueueFilters, limit: number, cursor?: string): QueueQuery {
  const text = filters.text.trim();
  const me = useFrame.getState().person?.id;
  return {
    status: filters.status,
    due: filters.due,
    limit,
    ...(filters.kind !== 'all' ? { kind: filters.kind } : {}),
    ...(filters.flag !== 'all' ? { flag: filters.flag } : {}),
    ...(text ? { text } : {}),
    ...(filters.mine && me ? { assignee: me } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

interface QueueState {
  filters: QueueFilters;
  items: QueueItem[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  loaded: boolean;
  counts: QueueCounts | null;
  selected: number;
  error: UiError | null;
  /** Bumped on each reload, so answers to an older query are dropped. */
  generation: number;
  setFilters(patch: Partial<QueueFilters>): void;
  resetFilters(): void;
  reload(options?: { keepSelection?: boolean }): Promise<void>;
  loadMore(): Promise<void>;
  refreshCounts(): Promise<void>;
  select(index: number): void;
  /** Forgets every loaded case (on lock and sign-out); the filters stay. */
  clear(): void;
}

export const useQueue = create<QueueState>()((set, get) => ({
  filters: loadFilters(),
  items: [],
  nextCursor: null,
  loading: false,
  loadingMore: false,
  loaded: false,
  counts: null,
  selected: 0,
  error: null,
  generation: 0,
  setFilters(patch) {
    const filters = { ...get().filters, ...patch };
    saveFilters(filters);
    set({ filters, selected: 0 });
    void get().reload();
  },
  resetFilters() {
    saveFilters(defaultFilters);
    set({ filters: defaultFilters, selected: 0 });
    void get().reload();
  },
  async reload(options) {
    const generation = get().generation + 1;
    const previous = get();
    const selectedId = options?.keepSelection ? previous.items[previous.selected]?.id : undefined;
    // A refresh keeps as many rows loaded as before, so the reviewer's place in a long list survives.
    const limit = options?.keepSelection ? Math.min(200, Math.max(PAGE_SIZE, previous.items.length)) : PAGE_SIZE;
    set({ generation, loading: true, error: null });
    void get().refreshCounts();
    try {
      const page = await unwrap(workstation().queue.list(toQuery(get().filters, limit)));
      if (get().generation !== generation) return;
      const keptIndex = selectedId ? page.items.findIndex((i) => i.id === selectedId) : -1;
      const selected = keptIndex >= 0 ? keptIndex : Math.min(previous.selected, Math.max(0, page.items.length - 1));
      set({ items: page.items, nextCursor: page.nextCursor, loading: false, loaded: true, selected: options?.keepSelection ? selected : 0 });
    } catch (err) {
      if (get().generation !== generation) return;
      set({ loading: false, loaded: true, error: asUiError(err) });
    }
  },
  async loadMore() {
    const { nextCursor, loadingMore, loading, generation, filters } = get();
    if (!nextCursor || loadingMore || loading) return;
    set({ loadingMore: true });
    try {
      const page = await unwrap(workstation().queue.list(toQuery(filters, PAGE_SIZE, nextCursor)));
      if (get().generation !== generation) return;
      const known = new Set(get().items.map((i) => i.id));
      set({ items: [...get().items, ...page.items.filter((i) => !known.has(i.id))], nextCursor: page.nextCursor, loadingMore: false });
    } catch (err) {
      if (get().generation !== generation) return;
      set({ loadingMore: false, error: asUiError(err) });
    }
  },
  async refreshCounts() {
    try {
      set({ counts: await unwrap(workstation().queue.counts({})) });
    } catch {
      // Counts are a convenience; the list itself reports errors.
    }
  },
  select(index) {
    const { items } = get();
    if (items.length === 0) return;
    set({ selected: Math.max(0, Math.min(items.length - 1, index)) });
  },
  clear() {
    set({ items: [], nextCursor: null, counts: null, selected: 0, loaded: false, loading: false, loadingMore: false, error: null, generation: get().generation + 1 });
  },
}));
