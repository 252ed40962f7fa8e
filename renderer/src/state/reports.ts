// The supervisor's reports: the filters (kept across restarts), the report the workstation gave for them (live, or
// the last kept one when the central service cannot be asked), which charts show their table, and the way from a
// number to the decisions behind it in the decision log.
import { create } from 'zustand';
import type { CachedDecisionReport, DecisionReport, DecisionReportFilter } from '../../../shared/contract/reports';
import type { ApplicationKind } from '../../../shared/domain';
import { applicationKinds } from '../../../shared/vocabulary';
import { oneOf, readSaved, save } from '../lib/savedFilters';
import { unwrap, workstation } from '../workstation';
import { defaultFilters as defaultLogFilters, localDayStart, useDecisionLog, type DecisionLogFilters } from './decisionLog';
import { asUiError, type UiError } from './frame';
import { useSupervisorNav } from './supervisorNav';

export interface ReportFilters {
  /** Local calendar days (yyyy-mm-dd), both included; '' leaves that end open. */
  from: string;
  to: string;
  /** A reviewer's username; '' for all. */
  reviewer: string;
  kind: ApplicationKind | 'all';
}

export const defaultReportFilters: ReportFilters = { from: '', to: '', reviewer: '', kind: 'all' };
const STORAGE_KEY = 'verity.reports.filters.v1';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (value: unknown): string => (typeof value === 'string' && DAY.test(value) ? value : '');

export function loadReportFilters(): ReportFilters {
  const saved = readSaved(STORAGE_KEY);
  if (!saved) return defaultReportFilters;
  return {
    from: day(saved.from),
    to: day(saved.to),
    reviewer: typeof saved.reviewer === 'string' ? saved.reviewer.slice(0, 64) : '',
    kind: oneOf(saved.kind, ['all', ...applicationKinds], 'all'),
  };
}

/** This workstation's offset from UTC now, in minutes east, to the quarter hour the report takes. */
export function localUtcOffsetMinutes(at: Date = new Date()): number {
  return Math.round(-at.getTimezoneOffset() / 15) * 15;
}

/** The filters as the report takes them: local days as instants (`to` included), days counted at the local offset. */
export function toReportFilter(filters: ReportFilters, utcOffsetMinutes = localUtcOffsetMinutes()): DecisionReportFilter {
  const from = localDayStart(filters.from);
  const to = localDayStart(filters.to, 1);
  const reviewer = filters.reviewer.trim();
  return {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(reviewer ? { reviewer } : {}),
    ...(filters.kind !== 'all' ? { kind: filters.kind } : {}),
    utcOffsetMinutes,
  };
}

/** What a number of the report counts, as decision log filters on top of the report's own. */
export type LogLink = Partial<Pick<DecisionLogFilters, 'reviewer' | 'kind' | 'outcome' | 'reasonCode' | 'overridden' | 'reviewed' | 'deadlineMissed' | 'from' | 'to'>>;

/** The decision log's filters that show exactly the decisions behind a number: the report's filters and the link's. */
export function logFiltersFor(filters: ReportFilters, link: LogLink): DecisionLogFilters {
  return {
    ...defaultLogFilters,
    from: filters.from,
    to: filters.to,
    reviewer: filters.reviewer,
    kind: filters.kind,
    ...link,
  };
}

/** Every reviewer a report names, sorted. */
export function reviewersOf(report: DecisionReport): string[] {
  return [...new Set(report.perReviewerDay.map((r) => r.reviewer))].sort((a, b) => a.localeCompare(b));
}

interface ReportsState {
  filters: ReportFilters;
  answer: CachedDecisionReport | null;
  loading: boolean;
  error: UiError | null;
  /** Reviewers seen in any report of this session: the reviewer filter's choices stay when one is chosen. */
  reviewers: string[];
  /** Charts showing their table instead of the chart, by chart id. */
  tables: Record<string, boolean>;
  generation: number;
  setFilters(patch: Partial<ReportFilters>): void;
  load(): Promise<void>;
  toggleTable(chart: string): void;
  /** Opens the decision log on the decisions behind a number. */
  openLog(link: LogLink): void;
  clear(): void;
}

export const useReports = create<ReportsState>()((set, get) => ({
  filters: loadReportFilters(),
  answer: null,
  loading: false,
  error: null,
  reviewers: [],
  tables: {},
  generation: 0,
  setFilters(patch) {
    const filters = { ...get().filters, ...patch };
    save(STORAGE_KEY, filters);
    set({ filters });
    void get().load();
  },
  async load() {
    const generation = get().generation + 1;
    set({ generation, loading: true, error: null });
    try {
      const answer = await unwrap(workstation().reports.decisions(toReportFilter(get().filters)));
      if (get().generation !== generation) return;
      const reviewers = [...new Set([...get().reviewers, ...reviewersOf(answer.report)])].sort((a, b) => a.localeCompare(b));
      set({ answer, loading: false, reviewers });
    } catch (err) {
      if (get().generation !== generation) return;
      // The report of other filters would mislead: none is shown, and why.
      set({ answer: null, loading: false, error: asUiError(err) });
    }
  },
  toggleTable(chart) {
    set({ tables: { ...get().tables, [chart]: !get().tables[chart] } });
  },
  openLog(link) {
    useDecisionLog.getState().setFilters(logFiltersFor(get().filters, link));
    useSupervisorNav.getState().go('decision-log');
  },
  clear() {
    set({ answer: null, error: null, loading: false, generation: get().generation + 1 });
  },
}));
