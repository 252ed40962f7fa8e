// The reviewer's queue: filters (kept across restarts), the loaded pages of cases, counts, and the selected row.
import { create } from 'zustand';
import type { DueWindow, QueueCounts, QueueItem, QueuePage, QueueQuery, QueueStatusFilter } from '../../../shared/contract/cases';
import type { ApplicationKind, RuleId } from '../../../shared/domain';
import { applicationKinds, applicationStatuses, ruleIds } from '../../../shared/vocabulary';
import type { Outcome } from '../../../shared/errors';
import { oneOf, readSaved, save } from '../lib/savedFilters';
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
/** The next page is fetched once the selection or the case open is this close to the end of what is loaded. */
export const LOAD_AHEAD = 10;

/** Reads the saved filters, dropping anything this version does not know. */
export function loadFilters(): QueueFilters {
  const saved = readSaved(STORAGE_KEY);
  if (!saved) return defaultFilters;
  return {
    kind: oneOf(saved.kind, ['all', ...applicationKinds], 'all'),
    status: oneOf(saved.status, statusFilters, 'open'),
    flag: oneOf(saved.flag, ['all', ...ruleIds], 'all'),
    due: oneOf(saved.due, dueWindows, 'all'),
    text: typeof saved.text === 'string' ? saved.text.slice(0, 100) : '',
    mine: saved.mine === true,
  };
}

const saveFilters = (filters: QueueFilters) => save(STORAGE_KEY, filters);

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

/**
 * The first page and the counts, asked for as the renderer starts, alongside the session, instead of one round
 * trip and two renders later when the queue mounts: at start this is most of the wait for an interactive queue.
 * The workstation answers only a signed-in, unlocked person (anyone else gets an error, and the queue asks again
 * when it mounts). The page goes into the store only once the session is known to show it (signed in, unlocked),
 * so the queue's first render has its rows; it is never kept past a lock or sign-out (clear()) or EARLY_TTL_MS.
 */
interface Early {
  key: string;
  at: number;
  list: Promise<Outcome<QueuePage>>;
  counts: Promise<Outcome<QueueCounts>>;
  /** The page is already in the store. */
  applied: boolean;
}
let early: Early | null = null;
const EARLY_TTL_MS = 10_000;
/** The next page on its way, for the list it belongs to (a reload or clear lets go of it). */
let more: Promise<void> | null = null;

function startEarly(): void {
  const filters = loadFilters();
  // "Mine" needs the person's id, which the session has not told yet.
  if (filters.mine || typeof window === 'undefined' || !window.workstation) return;
  const query = toQuery(filters, PAGE_SIZE);
  const started: Early = { key: JSON.stringify(query), at: Date.now(), list: workstation().queue.list(query), counts: workstation().queue.counts({}), applied: false };
  early = started;
  void started.list.then((answer) => {
    if (!answer.ok || early !== started) return;
    /** True once settled: applied, or not to be (taken by a reload, dropped, too old, nobody to show it to). */
    const apply = () => {
      if (early !== started) return true;
      const { person, locked, status } = useFrame.getState();
      if (status === 'loading') return false;
      const state = useQueue.getState();
      // Only into an untouched queue, only while fresh, and only for a person who may see it now.
      if (status === 'ready' && person && !locked && state.generation === 0 && !state.loaded && Date.now() - started.at < EARLY_TTL_MS) {
        started.applied = true;
        useQueue.setState({ items: answer.value.items, nextCursor: answer.value.nextCursor, loaded: true, selected: 0 });
      }
      return true;
    };
    if (apply()) return;
    // Applied within the session's own update, so the queue's first render already has the rows.
    const off = useFrame.subscribe(() => {
      if (apply()) off();
    });
  });
}

/** The early answer for this query, if it is still fresh; it can be taken once. */
function takeEarly(query: QueueQuery): Early | null {
  const taken = early;
  early = null;
  return taken && taken.key === JSON.stringify(query) && Date.now() - taken.at < EARLY_TTL_MS ? taken : null;
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
  /** Fetches the page after the loaded ones; resolves when it is in (or dropped), also for a page already on its way. */
  loadMore(): Promise<void>;
  /** Reads the counts, or takes them from an answer already on its way. */
  refreshCounts(answer?: Promise<Outcome<QueueCounts>>): Promise<void>;
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
    const query = toQuery(get().filters, limit);
    const head = takeEarly(query);
    // A next page on its way belongs to the list this reload replaces: its answer will be dropped, so it no longer blocks.
    more = null;
    set({ generation, loading: head?.applied !== true, loadingMore: false, error: null });
    void get().refreshCounts(head?.counts);
    // The early page is already shown: this reload is it.
    if (head?.applied) return;
    try {
      // An early answer that failed (e.g. nobody was signed in yet) is simply asked again.
      const first = head ? await head.list : null;
      const page = first?.ok ? first.value : await unwrap(workstation().queue.list(query));
      if (get().generation !== generation) return;
      const keptIndex = selectedId ? page.items.findIndex((i) => i.id === selectedId) : -1;
      const selected = keptIndex >= 0 ? keptIndex : Math.min(previous.selected, Math.max(0, page.items.length - 1));
      set({ items: page.items, nextCursor: page.nextCursor, loading: false, loaded: true, selected: options?.keepSelection ? selected : 0 });
    } catch (err) {
      if (get().generation !== generation) return;
      set({ loading: false, loaded: true, error: asUiError(err) });
    }
  },
  loadMore() {
    // One page at a time: a second caller (J at the last loaded case) waits for the page already on its way.
    if (more) return more;
    const { nextCursor, loading, generation, filters } = get();
    if (!nextCursor || loading) return Promise.resolve();
    set({ loadingMore: true });
    const fetchPage = async () => {
      try {
        const answer = await unwrap(workstation().queue.list(toQuery(filters, PAGE_SIZE, nextCursor)));
        if (get().generation !== generation) return;
        const known = new Set(get().items.map((i) => i.id));
        set({ items: [...get().items, ...answer.items.filter((i) => !known.has(i.id))], nextCursor: answer.nextCursor, loadingMore: false });
      } catch (err) {
        if (get().generation !== generation) return;
        set({ loadingMore: false, error: asUiError(err) });
      }
    };
    const page: Promise<void> = fetchPage().finally(() => {
      if (more === page) more = null;
    });
    more = page;
    return page;
  },
  async refreshCounts(answer) {
    try {
      const given = answer ? await answer : null;
      set({ counts: given?.ok ? given.value : await unwrap(workstation().queue.counts({})) });
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
    early = null;
    more = null;
    set({ items: [], nextCursor: null, counts: null, selected: 0, loaded: false, loading: false, loadingMore: false, error: null, generation: get().generation + 1 });
  },
}));

startEarly();
