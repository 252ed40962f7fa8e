// The supervisor's reports: the central service's numbers over the chosen range, reviewer and kind, as charts with a
// table view each; live when the central service answers, else the last report kept for these filters, said plainly.
// A chunk of its own (SupervisorArea.tsx).
import { useEffect, useMemo } from 'react';
import type { DecisionReport } from '../../../shared/contract/reports';
import { handlingTimePrecision } from '../../../shared/reportPrecision';
import { KindSelect } from './KindSelect';
import { errorMessage, type Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import type { UiLanguage } from '../../../shared/contract/app';
import { formatDateTime, formatDuration, formatNumber, formatPercent } from '../lib/format';
import { ruleName } from '../lib/ruleLabels';
import { useReports } from '../state/reports';
import { ReportPdfExport } from './ReportPdfExport';
import { ReportChart, type ChartRow } from './ReportChart';

/** A handling-time percentile, marked approximate (the central service reads it from a histogram). */
const approximateDuration = (ms: number, t: Translate) => t('reports.approximate', { value: formatDuration(ms, t) });
/** How approximate: the precision handlingTimePrecision promises, in words. */
const approximateNote = (language: UiLanguage, t: Translate) =>
  t('reports.approximate.note', { percent: formatPercent(handlingTimePrecision.relative, language), minute: formatDuration(handlingTimePrecision.absoluteMs, t) });

const rate = (part: number, whole: number, language: UiLanguage, t: Translate) => (whole > 0 ? formatPercent(part / whole, language) : t('reports.summary.notAvailable'));

function Filters() {
  const t = useT();
  const filters = useReports((s) => s.filters);
  const reviewers = useReports((s) => s.reviewers);
  const setFilters = useReports((s) => s.setFilters);
  const choices = filters.reviewer && !reviewers.includes(filters.reviewer) ? [...reviewers, filters.reviewer] : reviewers;
  return (
    <form className="log-filters" role="search" aria-label={t('reports.filters')} onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span>{t('reports.filter.from')}</span>
        <input type="date" aria-label={t('reports.filter.from')} value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters({ from: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('reports.filter.to')}</span>
        <input type="date" aria-label={t('reports.filter.to')} value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters({ to: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('reports.filter.reviewer')}</span>
        <select aria-label={t('reports.filter.reviewer')} value={filters.reviewer} onChange={(e) => setFilters({ reviewer: e.target.value })}>
          <option value="">{t('reports.filter.allReviewers')}</option>
          {choices.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <KindSelect value={filters.kind} onChange={(kind) => setFilters({ kind })} />
      <button type="button" onClick={() => void useReports.getState().load()}>
        {t('reports.refresh')}
      </button>
    </form>
  );
}

function Summary({ report }: { report: DecisionReport }) {
  const t = useT();
  const language = useLanguage();
  const { handling, deadline, quality } = report;
  const na = t('reports.summary.notAvailable');
  const note = approximateNote(language, t);
  // [label, value, detail, title]: the percentiles carry their precision as a tooltip (and the handling chart's note).
  const items: [string, string, string?, string?][] = [
    [t('reports.summary.decisions'), formatNumber(report.decisions, language)],
    [t('reports.summary.median'), handling.overall.medianMs === null ? na : approximateDuration(handling.overall.medianMs, t), t('reports.summary.measured', { measured: handling.overall.measured }), note],
    [t('reports.summary.p90'), handling.overall.p90Ms === null ? na : approximateDuration(handling.overall.p90Ms, t), undefined, note],
    [t('reports.summary.compliance'), rate(deadline.overall.within, deadline.overall.within + deadline.overall.missed, language, t)],
    [t('reports.summary.agreement'), rate(quality.agree, quality.agree + quality.overturn, language, t)],
  ];
  return (
    <dl className="report-summary" aria-label={t('reports.summary')} data-testid="report-summary">
      {items.map(([label, value, detail, title]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd title={title}>
            {value}
            {detail && <span className="muted small"> · {detail}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Charts({ report }: { report: DecisionReport }) {
  const t = useT();
  const language = useLanguage();
  const count = (v: number) => formatNumber(v, language);
  const duration = (v: number) => approximateDuration(v, t);
  const charts = useMemo(() => {
    const reviewers = [...new Set(report.perReviewerDay.map((r) => r.reviewer))].sort((a, b) => a.localeCompare(b));
    const days = [...new Set(report.perReviewerDay.map((r) => r.day))].sort();
    const perDay: ChartRow[] = days.map((day) => ({
      key: day,
      label: day,
      values: Object.fromEntries(reviewers.map((r) => [r, report.perReviewerDay.find((p) => p.day === day && p.reviewer === r)?.decisions ?? 0])),
      links: Object.fromEntries(reviewers.map((r) => [r, { reviewer: r, from: day, to: day }])),
    }));
    const handling: ChartRow[] = report.handling.perReviewer.map((h) => ({
      key: h.reviewer,
      label: h.reviewer,
      values: { median: h.medianMs, p90: h.p90Ms, measured: h.measured },
    }));
    const deadline: ChartRow[] = report.deadline.perReviewer.map((d) => ({
      key: d.reviewer,
      label: d.reviewer,
      values: { within: d.within, missed: d.missed },
      links: { within: { reviewer: d.reviewer, deadlineMissed: 'no' }, missed: { reviewer: d.reviewer, deadlineMissed: 'yes' } },
    }));
    const outcomes: ChartRow[] = report.outcomesByKind.map((o) => ({
      key: o.kind,
      label: t(`kind.${o.kind}`),
      values: { approved: o.approved, rejected: o.rejected },
      links: { approved: { kind: o.kind, outcome: 'approve' }, rejected: { kind: o.kind, outcome: 'reject' } },
    }));
    const reasons: ChartRow[] = report.topRejectionReasons.map((r) => ({
      key: r.reasonCode,
      label: t(`reason.${r.reasonCode}`),
      values: { count: r.count },
      links: { count: { reasonCode: r.reasonCode, outcome: 'reject' } },
    }));
    const overrides: ChartRow[] = report.flagOverrides.map((o) => ({ key: o.rule, label: `${o.rule} ${ruleName(o.rule, t)}`, values: { count: o.count } }));
    const quality: ChartRow[] = [{ key: 'all', label: t('reports.table.total'), values: { agree: report.quality.agree, overturn: report.quality.overturn } }];
    return { reviewers, perDay, handling, deadline, outcomes, reasons, overrides, quality };
  }, [report, t]);
  const value = (row: ChartRow, key: string) => row.values[key] ?? 0;
  return (
    <div className="report-charts">
      <ReportChart
        id="per-day"
        title={t('reports.chart.perDay')}
        note={t('reports.chart.perDay.note')}
        rows={charts.perDay}
        series={charts.reviewers.map((r) => ({ key: r, label: r }))}
        mode="stacked"
        format={count}
        counts
        extra={[{ label: t('reports.table.total'), value: (row) => count(charts.reviewers.reduce((s, r) => s + value(row, r), 0)) }]}
      />
      <ReportChart
        id="handling"
        title={t('reports.chart.handling')}
        note={approximateNote(language, t)}
        rows={charts.handling}
        series={[
          { key: 'median', label: t('reports.chart.handling.median') },
          { key: 'p90', label: t('reports.chart.handling.p90') },
        ]}
        mode="grouped"
        format={duration}
        counts={false}
        extra={[{ label: t('reports.chart.handling.measured'), value: (row) => count(value(row, 'measured')) }]}
      />
      <ReportChart
        id="deadline"
        title={t('reports.chart.deadline')}
        rows={charts.deadline}
        series={[
          { key: 'within', label: t('reports.chart.deadline.within') },
          { key: 'missed', label: t('reports.chart.deadline.missed') },
        ]}
        mode="stacked"
        format={count}
        counts
        extra={[{ label: t('reports.chart.deadline.rate'), value: (row) => rate(value(row, 'within'), value(row, 'within') + value(row, 'missed'), language, t) }]}
      />
      <ReportChart
        id="outcomes"
        title={t('reports.chart.outcomes')}
        rows={charts.outcomes}
        series={[
          { key: 'approved', label: t('reports.chart.outcomes.approved') },
          { key: 'rejected', label: t('reports.chart.outcomes.rejected') },
        ]}
        mode="stacked"
        format={count}
        counts
        extra={[{ label: t('reports.chart.outcomes.rate'), value: (row) => rate(value(row, 'approved'), value(row, 'approved') + value(row, 'rejected'), language, t) }]}
      />
      <ReportChart id="reasons" title={t('reports.chart.reasons')} rows={charts.reasons} series={[{ key: 'count', label: t('reports.chart.reasons.count') }]} mode="stacked" format={count} counts />
      <ReportChart
        id="overrides"
        title={t('reports.chart.overrides')}
        note={t('reports.chart.overrides.note')}
        rows={charts.overrides}
        series={[{ key: 'count', label: t('reports.chart.overrides.count') }]}
        mode="stacked"
        format={count}
        counts
      />
      <ReportChart
        id="quality"
        title={t('reports.chart.quality')}
        rows={charts.quality}
        series={[
          { key: 'agree', label: t('reports.chart.quality.agree') },
          { key: 'overturn', label: t('reports.chart.quality.overturn') },
        ]}
        mode="stacked"
        format={count}
        counts={false}
        extra={[{ label: t('reports.chart.quality.rate'), value: (row) => rate(value(row, 'agree'), value(row, 'agree') + value(row, 'overturn'), language, t) }]}
      />
    </div>
  );
}

export function ReportsView() {
  const t = useT();
  const language = useLanguage();
  const answer = useReports((s) => s.answer);
  const loading = useReports((s) => s.loading);
  const error = useReports((s) => s.error);

  useEffect(() => {
    void useReports.getState().load();
  }, []);

  return (
    <section className="reports" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('reports.title')}</h2>
      <Filters />
      <div role="status" aria-live="polite" className="report-status" data-testid="report-status">
        {loading && !answer ? t('reports.loading') : null}
        {answer?.source === 'live' && t('reports.live', { time: formatDateTime(answer.report.generatedAt, language) })}
        {answer?.source === 'cached' && (
          <span className="report-cached">{t('reports.cached', { time: formatDateTime(answer.report.generatedAt, language), reason: answer.offlineReason ?? '' })}</span>
        )}
      </div>
      {answer && <ReportPdfExport report={answer} />}
      {error && (
        <p role="alert" className="error">
          {t('reports.failed', { message: errorMessage(t, error) })}
        </p>
      )}
      {answer && answer.report.decisions === 0 && <p>{t('reports.empty')}</p>}
      {answer && answer.report.decisions > 0 && (
        <>
          <Summary report={answer.report} />
          <Charts report={answer.report} />
        </>
      )}
    </section>
  );
}
