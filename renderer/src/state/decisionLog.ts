// The supervisor's decision log: filters (kept across restarts), the loaded pages newest first with their total and
// freshness, the counts beside the filters, and the selected row.
import { create } from 'zustand';
import type { DecisionLogCounts, DecisionLogEntry, DecisionLogFilter, DecisionLogFreshness, DecisionLogPage, DecisionLogQuery } from '../../../shared/contract/supervision';
import type { ApplicationKind, DecisionOutcome, ReasonCode } from '../../../shared/domain';
import { applicationKinds, reasonCodes } from '../../../shared/vocabulary';
import { oneOf, readSaved, save } from '../lib/savedFilters';
import { unwrap, workstation, WorkstationError } from '../workstation';
import { asUiError, type UiError } from './frame';

/** A yes/no filter: "any" leaves it out of the request. */
export type YesNo = 'any' | 'yes' | 'no';
export const yesNoChoices: readonly YesNo[] = ['any', 'yes', 'no'];

// Plain values: shared/domain.ts holds these only inside schemas, which the renderer's bundle must not load.
export const decisionOutcomes = ['approve', 'reject'] as const satisfies readonly DecisionOutcome[];

export interface DecisionLogFilters {
  /** A reviewer's username; '' for every reviewer. */
  reviewer: string;
  outcome: DecisionOutcome | 'all';
  kind: ApplicationKind | 'all';
  reasonCode: ReasonCode | 'all';
  offline: YesNo;
  overridden: YesNo;
  reviewed: YesNo;
  deadlineMissed: YesNo;
  /** Local calendar days (yyyy-mm-dd, as a date input gives them), both included; '' leaves that end open. */
  from: string;
  to: string;
  /** An application id prefix or part of the applicant's name. */
  text: string;
  /** By when the reviewer decided; kept with the filters (not a filter: clearing them keeps it). */
  order: DecisionLogOrder;
}

/** Plain values (the contract's DecisionOrder): the renderer's bundle must not load schemas. */
export const decisionLogOrders = ['newest', 'oldest'] as const;
export type DecisionLogOrder = (typeof decisionLogOrders)[number];

export const defaultFilters: DecisionLogFilters = {
  reviewer: '',
  outcome: 'all',
  kind: 'all',
  reasonCode: 'all',
  offline: 'any',
  overridden: 'any',
  reviewed: 'any',
  deadlineMissed: 'any',
  from: '',
  to: '',
  text: '',
  order: 'newest',
};

const STORAGE_KEY = 'verity.decisionLog.filters.v1';
export const PAGE_SIZE = 50;
/** The most one request may ask for (DecisionLogQuery's limit). */
const MAX_LIMIT = 200;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const day = (value: unknown): string => (typeof value === 'string' && DAY.test(value) ? value : '');

/** Reads the saved filters, dropping anything this version does not know. */
export function loadFilters(): DecisionLogFilters {
  const saved = readSaved(STORAGE_KEY);
  if (!saved) return defaultFilters;
  return {
    reviewer: typeof saved.reviewer === 'string' ? saved.reviewer.slice(0, 64) : '',
    outcome: oneOf(saved.outcome, ['all', ...decisionOutcomes], 'all'),
    kind: oneOf(saved.kind, ['all', ...applicationKinds], 'all'),
    reasonCode: oneOf(saved.reasonCode, ['all', ...reasonCodes], 'all'),
    offline: oneOf(saved.offline, yesNoChoices, 'any'),
    overridden: oneOf(saved.overridden, yesNoChoices, 'any'),
    reviewed: oneOf(saved.reviewed, yesNoChoices, 'any'),
    deadlineMissed: oneOf(saved.deadlineMissed, yesNoChoices, 'any'),
    from: day(saved.from),
    to: day(saved.to),
    text: typeof saved.text === 'string' ? saved.text.slice(0, 100) : '',
    order: oneOf(saved.order, decisionLogOrders, 'newest'),
  };
}

const saveFilters = (filters: DecisionLogFilters) => save(STORAGE_KEY, filters);

/** The instant a local calendar day starts, `days` days after `value` (yyyy-mm-dd); undefined for no day. */
export function localDayStart(value: string, days = 0): string | undefined {
  const match = DAY.exec(value);
  if (!match) return undefined;
  const start = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

const yesNo = (value: YesNo): boolean | undefined => (value === 'any' ? undefined : value === 'yes');

/** The filters every log has (LogFilterBar's) as the workstation takes them: each one left at "any" is absent. */
export function commonFilter(filters: Pick<DecisionLogFilters, 'reviewer' | 'kind' | 'from' | 'to' | 'text'>): Pick<DecisionLogFilter, 'reviewer' | 'kind' | 'from' | 'to' | 'text'> {
  const text = filters.text.trim();
  const reviewer = filters.reviewer.trim();
  const from = localDayStart(filters.from);
  const to = localDayStart(filters.to, 1);
  return {
    ...(reviewer ? { reviewer } : {}),
    ...(filters.kind !== 'all' ? { kind: filters.kind } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(text ? { text } : {}),
  };
}

/**
 * The filters as the workstation takes them: each one left at "any" is absent, and the days are the supervisor's
 * local days, `to` included (the log's `to` is exclusive, so it is the start of the next day).
 */
export function toFilter(filters: DecisionLogFilters): DecisionLogFilter {
  const offline = yesNo(filters.offline);
  const overridden = yesNo(filters.overridden);
  const reviewed = yesNo(filters.reviewed);
  const deadlineMissed = yesNo(filters.deadlineMissed);
  return {
    ...commonFilter(filters),
    ...(filters.outcome !== 'all' ? { outcome: filters.outcome } : {}),
    ...(filters.reasonCode !== 'all' ? { reasonCode: filters.reasonCode } : {}),
    ...(offline !== undefined ? { offline } : {}),
    ...(overridden !== undefined ? { overridden } : {}),
    ...(reviewed !== undefined ? { reviewed } : {}),
    ...(deadlineMissed !== undefined ? { deadlineMissed } : {}),
    ...(filters.order === 'oldest' ? { order: 'oldest' as const } : {}),
  };
}

export function toQuery(filters: DecisionLogFilters, limit: number, cursor?: string): DecisionLogQuery {
  return { ...toFilter(filters), limit, ...(cursor ? { cursor } : {}) };
}

// The order is not a filter: oldest first alone hides nothing.
export const filtersActive = (filters: DecisionLogFilters): boolean => Object.keys(toFilter({ ...filters, order: 'newest' })).length > 0;

interface DecisionLogState {
  filters: DecisionLogFilters;
  items: DecisionLogEntry[];
  nextCursor: string | null;
  /** How many decisions match the filters; null until the first page arrives. */
  total: number | null;
  freshness: DecisionLogFreshness | null;
  /** Where the last page came from (the central service, or this workstation's copy) and, for the copy, why. */
  source: DecisionLogPage['source'] | null;
  offlineReason: string | null;
  /** The total is a lower bound (the central service counts up to a cap). */
  totalAtLeast: boolean;
  loading: boolean;
  loadingMore: boolean;
  loaded: boolean;
  /** The counts beside the filters, for the filters as they are; null while unknown. */
  counts: DecisionLogCounts | null;
  countsError: UiError | null;
  selected: number;
  error: UiError | null;
  /** What the error interrupted, so that trying again repeats it. */
  failed: 'page' | 'more' | null;
  /** Bumped on each reload, so answers to an older query (its first page or a later one) are dropped. */
  generation: number;
  /** Bumped on each counts request and each reload, for the same reason. */
  countsGeneration: number;
  setFilters(patch: Partial<DecisionLogFilters>): void;
  resetFilters(): void;
  /** Reads the first page again; `keepPlace` keeps as many rows as are loaded (up to 200) and the selected one. */
  reload(options?: { keepPlace?: boolean }): Promise<void>;
  loadMore(): Promise<void>;
  refreshCounts(): Promise<void>;
  /** Repeats what failed: the first page, or the next one. */
  retry(): Promise<void>;
  select(index: number): void;
  /** Forgets every loaded decision (on lock and sign-out); the filters stay. */
  clear(): void;
}

/** What a page says about where it came from and how many match. */
const sourceOf = (page: DecisionLogPage) => ({
  total: page.total,
  totalAtLeast: page.totalAtLeast,
  freshness: page.freshness,
  source: page.source,
  offlineReason: page.offlineReason,
});

export const useDecisionLog = create<DecisionLogState>()((set, get) => ({
  filters: loadFilters(),
  items: [],
  nextCursor: null,
  total: null,
  freshness: null,
  source: null,
  offlineReason: null,
  totalAtLeast: false,
  loading: false,
  loadingMore: false,
  loaded: false,
  counts: null,
  countsError: null,
  selected: 0,
  error: null,
  failed: null,
  generation: 0,
  countsGeneration: 0,
  setFilters(patch) {
    const filters = { ...get().filters, ...patch };
    saveFilters(filters);
    set({ filters, selected: 0 });
    void get().reload();
  },
  resetFilters() {
    const filters = { ...defaultFilters, order: get().filters.order };
    saveFilters(filters);
    set({ filters, selected: 0 });
    void get().reload();
  },
  async reload(options) {
    const generation = get().generation + 1;
    const previous = get();
    const selectedId = options?.keepPlace ? previous.items[previous.selected]?.id : undefined;
    const limit = options?.keepPlace ? Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, previous.items.length)) : PAGE_SIZE;
    // A "load more" still on its way belongs to the old query: its answer is dropped, so it no longer blocks the next.
    // So are counts still on their way: they belong to the old filters.
    set({ generation, countsGeneration: get().countsGeneration + 1, loading: true, loadingMore: false, error: null, failed: null });
    try {
      const page = await unwrap(workstation().decisions.log(toQuery(get().filters, limit)));
      if (get().generation !== generation) return;
      const keptIndex = selectedId ? page.items.findIndex((i) => i.id === selectedId) : -1;
      const selected = keptIndex >= 0 ? keptIndex : options?.keepPlace ? Math.min(previous.selected, Math.max(0, page.items.length - 1)) : 0;
      set({ items: page.items, nextCursor: page.nextCursor, ...sourceOf(page), loading: false, loaded: true, selected });
    } catch (err) {
      if (get().generation !== generation) return;
      set({ loading: false, loaded: true, error: asUiError(err), failed: 'page' });
    }
    // The counts only once the page is there: the rows are what the person waits for, and asked together the counts'
    // query shares the service (two cores, one PostgreSQL) with the page's.
    void get().refreshCounts();
  },
  async loadMore() {
    const { nextCursor, loadingMore, loading, generation, filters } = get();
    if (!nextCursor || loadingMore || loading) return;
    set({ loadingMore: true, error: null, failed: null });
    try {
      const page = await unwrap(workstation().decisions.log(toQuery(filters, PAGE_SIZE, nextCursor)));
      if (get().generation !== generation) return;
      // A decision synced between two pages can move one already shown down onto the next page.
      const known = new Set(get().items.map((i) => i.id));
      set({
        items: [...get().items, ...page.items.filter((i) => !known.has(i.id))],
        nextCursor: page.nextCursor,
        ...sourceOf(page),
        loadingMore: false,
      });
    } catch (err) {
      if (get().generation !== generation) return;
      // The cursor no longer fits the log (the cache was trimmed under it): start again from the newest.
      if (err instanceof WorkstationError && err.code === 'bad_cursor') {
        set({ loadingMore: false });
        void get().reload();
        return;
      }
      set({ loadingMore: false, error: asUiError(err), failed: 'more' });
    }
  },
  async refreshCounts() {
    const countsGeneration = get().countsGeneration + 1;
    set({ countsGeneration });
    try {
      const counts = await unwrap(workstation().decisions.counts(toFilter(get().filters)));
      if (get().countsGeneration !== countsGeneration) return;
      set({ counts, countsError: null });
    } catch (err) {
      if (get().countsGeneration !== countsGeneration) return;
      // Counts of other filters would mislead: none are shown, and why.
      set({ counts: null, countsError: asUiError(err) });
    }
  },
  async retry() {
    if (get().failed === 'more') await get().loadMore();
    else await get().reload({ keepPlace: true });
  },
  select(index) {
    const { items } = get();
    if (items.length === 0) return;
    set({ selected: Math.max(0, Math.min(items.length - 1, index)) });
  },
  clear() {
    set({
      items: [],
      nextCursor: null,
      total: null,
      freshness: null,
      source: null,
      offlineReason: null,
      totalAtLeast: false,
      counts: null,
      countsError: null,
      selected: 0,
      loaded: false,
      loading: false,
      loadingMore: false,
      error: null,
      failed: null,
      generation: get().generation + 1,
      countsGeneration: get().countsGeneration + 1,
    });
  },
}));
