// The reports' store: filters → the report's filter, a number → the decision log's filters, and answers to older
// filters never overwriting the newer ones.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CachedDecisionReport, DecisionReportFilter } from '../../../shared/contract/reports';
import type { Outcome } from '../../../shared/errors';
import { defaultFilters as defaultLogFilters, useDecisionLog } from './decisionLog';
import { defaultReportFilters, localUtcOffsetMinutes, logFiltersFor, toReportFilter, useReports } from './reports';
import { useSupervisorNav } from './supervisorNav';

const report = (decisions: number, reviewer = 'reviewer3'): CachedDecisionReport => ({
  source: 'live',
  offlineReason: null,
  report: {
    filter: {},
    generatedAt: '2026-12-05T08:00:00.000Z',
    decisions,
    perReviewerDay: [{ reviewer, day: '2026-12-01', decisions }],
    handling: { overall: { measured: decisions, medianMs: 60_000, p90Ms: 120_000 }, perReviewer: [{ reviewer, measured: decisions, medianMs: 60_000, p90Ms: 120_000 }] },
    deadline: { overall: { within: decisions, missed: 0 }, perReviewer: [{ reviewer, within: decisions, missed: 0 }] },
    outcomesByKind: [{ kind: 'individual', approved: decisions, rejected: 0 }],
    topRejectionReasons: [],
    flagOverrides: [],
    quality: { agree: 0, overturn: 0 },
  },
});

let calls: { request: DecisionReportFilter; resolve(o: Outcome<CachedDecisionReport>): void }[];
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  calls = [];
  const pending = () => new Promise<Outcome<unknown>>(() => undefined);
  vi.stubGlobal('window', {
    workstation: {
      reports: { decisions: (request: DecisionReportFilter) => new Promise<Outcome<CachedDecisionReport>>((resolve) => calls.push({ request, resolve })) },
      decisions: { log: pending, counts: pending },
    },
  });
  useReports.setState({ filters: defaultReportFilters, answer: null, error: null, reviewers: [], tables: {} });
});
afterEach(() => vi.unstubAllGlobals());

describe('reports state', () => {
  it('asks for local days as instants, the last day included, and the local UTC offset', () => {
    expect(toReportFilter({ from: '2026-03-01', to: '2026-03-31', reviewer: ' reviewer4 ', kind: 'enterprise' }, 480)).toEqual({
      from: new Date(2026, 2, 1).toISOString(),
      to: new Date(2026, 3, 1).toISOString(),
      reviewer: 'reviewer4',
      kind: 'enterprise',
      utcOffsetMinutes: 480,
    });
    expect(toReportFilter(defaultReportFilters, 0)).toEqual({ utcOffsetMinutes: 0 });
    // Offsets east of UTC are positive (getTimezoneOffset says the opposite).
    expect(localUtcOffsetMinutes({ getTimezoneOffset: () => -480 } as Date)).toBe(480);
  });

  it('turns a number into the decision log filters of the decisions behind it', () => {
    const filters = { from: '2026-11-01', to: '2026-11-30', reviewer: '', kind: 'individual' as const };
    expect(logFiltersFor(filters, { reviewer: 'reviewer3', deadlineMissed: 'yes' })).toEqual({
      ...defaultLogFilters,
      from: '2026-11-01',
      to: '2026-11-30',
      kind: 'individual',
      reviewer: 'reviewer3',
      deadlineMissed: 'yes',
    });
    // A day's bar narrows the range to that day.
    expect(logFiltersFor(filters, { reviewer: 'reviewer4', from: '2026-11-05', to: '2026-11-05' })).toMatchObject({ from: '2026-11-05', to: '2026-11-05' });
  });

  it('opens the decision log on those filters', () => {
    useReports.setState({ filters: { ...defaultReportFilters, kind: 'change' } });
    useReports.getState().openLog({ outcome: 'reject', reasonCode: 'change_too_soon' });
    expect(useDecisionLog.getState().filters).toEqual({ ...defaultLogFilters, kind: 'change', outcome: 'reject', reasonCode: 'change_too_soon' });
    expect(useSupervisorNav.getState().requested?.id).toBe('decision-log');
  });

  it('never lets the answer to older filters overwrite the newer one, and remembers the reviewers seen', async () => {
    useReports.getState().setFilters({ reviewer: 'reviewer3' });
    useReports.getState().setFilters({ reviewer: 'reviewer4' });
    expect(calls.map((c) => c.request.reviewer)).toEqual(['reviewer3', 'reviewer4']);
    calls[1]!.resolve({ ok: true, value: report(7, 'reviewer4') });
    await settle();
    calls[0]!.resolve({ ok: true, value: report(3, 'reviewer3') });
    await settle();
    expect(useReports.getState().answer?.report.decisions).toBe(7);
    expect(useReports.getState().reviewers).toEqual(['reviewer4']);
  });

  it('shows no report, and why, when the workstation has none for the filters', async () => {
    useReports.setState({ answer: report(5) });
    void useReports.getState().load();
    calls[0]!.resolve({ ok: false, error: { code: 'report_unavailable', message: 'Not reachable, none kept.' } });
    await settle();
    expect(useReports.getState()).toMatchObject({ answer: null, loading: false, error: { code: 'report_unavailable' } });
  });
});
