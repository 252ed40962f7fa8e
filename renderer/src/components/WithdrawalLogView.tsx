// The withdrawals view of the decision log (issue 22 item 3): each withdrawal on record (ticket, intake account, time,
// the reviewer holding it), newest first, from the central service while it answers, else from this workstation's
// copy; filters with counts beside them (holder, kind, date range, text), the decision log's keys (J/K, Enter, /, Esc,
// E) and its CSV export of exactly the filtered rows. A row opens the case read-only.
// A chunk of its own (SupervisorArea.tsx).
import { useEffect, useRef } from 'react';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatNumber } from '../lib/format';
import { useLogKeys } from '../lib/useLogKeys';
import { useRefreshOnSync } from '../lib/useRefreshOnSync';
import { useDecisionCase } from '../state/decisionCase';
import { useExports } from '../state/exports';
import { noWithdrawalFilters, useWithdrawalLog, withdrawalFilterOf } from '../state/withdrawalLog';
import { workstation } from '../workstation';
import { DecisionCaseView } from './DecisionCaseView';
import { ErrorBanner } from './ErrorBanner';
import { ExportButton } from './ExportButton';
import { LogFilterBar } from './LogFilterBar';

const SEARCH_ID = 'withdrawals-search';
const rowId = (index: number) => `withdrawal-row-${index}`;
const filterLabels = { form: 'withdrawals.filters', placeholder: 'withdrawals.searchPlaceholder', reviewer: 'withdrawals.filter.reviewer', from: 'withdrawals.filter.from', to: 'withdrawals.filter.to' } as const;

export function WithdrawalLogView() {
  const t = useT();
  const language = useLanguage();
  // The loading lives in the store: an answer to an older question (filters changed meanwhile) is dropped there.
  const { filters, page, items, selected, error, loading, setFilters, load, select: setSelected } = useWithdrawalLog();
  // Set when the keyboard moved the selection: the focus follows it, so a screen reader reads the row.
  const focusSelected = useRef(false);
  // Each visit reads the first page, and again after a sync.
  useRefreshOnSync(() => void load());
  // A case opened here is closed when the view goes, and the view's answers are forgotten.
  useEffect(
    () => () => {
      useDecisionCase.getState().close();
      useWithdrawalLog.getState().reset();
    },
    [],
  );
  useEffect(() => {
    if (!focusSelected.current) return;
    focusSelected.current = false;
    document.getElementById(rowId(selected))?.focus();
  }, [selected]);

  /** Exactly the filtered withdrawals, every one (not only the loaded pages), in the person's language. */
  const makeCsv = () => workstation().withdrawals.exportCsv({ filter: withdrawalFilterOf(filters), language });
  const openSelected = () => {
    const w = items[selected];
    if (w) void useDecisionCase.getState().openWithdrawal(w);
  };
  useLogKeys({
    searchId: SEARCH_ID,
    caseOpen: () => useDecisionCase.getState().withdrawal !== null,
    move: (delta) => {
      if (items.length === 0) return;
      const next = Math.max(0, Math.min(items.length - 1, selected + delta));
      if (next === selected) document.getElementById(rowId(next))?.focus();
      else {
        focusSelected.current = true;
        setSelected(next);
      }
    },
    open: openSelected,
    exportCsv: () => void useExports.getState().run('withdrawals_csv', makeCsv),
    searchText: () => filters.text,
    clearSearch: () => setFilters({ text: '' }),
  });

  const opened = useDecisionCase((s) => s.withdrawal !== null);
  if (opened) {
    const back = () => {
      useDecisionCase.getState().close();
      // Back at the row it was opened from.
      requestAnimationFrame(() => document.getElementById(rowId(selected))?.focus());
    };
    return <DecisionCaseView onClose={back} />;
  }

  const counts = page?.counts;
  const source =
    page === null
      ? ''
      : page.source === 'central'
        ? t('withdrawals.source.central')
        : page.syncedAt
          ? t('withdrawals.source.copy', { syncedAt: formatDateTime(page.syncedAt, language), reason: page.offlineReason ?? '' })
          : t('withdrawals.source.copyNever', { reason: page.offlineReason ?? '' });

  return (
    <section className="decision-log" aria-labelledby="withdrawals-title" data-testid="withdrawals">
      <div className="log-head">
        <h1 id="withdrawals-title">{t('withdrawals.title')}</h1>
        <span className="muted" role="status" aria-live="polite" data-testid="withdrawals-shown">
          {page ? t('log.shown', { shown: formatNumber(items.length, language), total: formatNumber(page.total, language) }) : t('log.loading')}
        </span>
        <ExportButton kind="withdrawals_csv" label="export.csv" hint="withdrawals.exportHint" make={makeCsv} shortcut="E" />
      </div>
      <p className="muted small">{t('withdrawals.intro')}</p>
      <p className="muted small" data-testid="withdrawals-source" data-source={page?.source}>
        {source}
      </p>
      <LogFilterBar
        labels={filterLabels}
        searchId={SEARCH_ID}
        filters={filters}
        setFilters={setFilters}
        reset={() => setFilters(noWithdrawalFilters)}
        active={Object.keys(withdrawalFilterOf(filters)).length > 0}
        reviewers={counts?.reviewer ?? null}
        kindCounts={counts?.kind}
      />
      {error && <ErrorBanner error={error} testId="withdrawals-error" onRetry={() => void load()} />}
      <div className="log-table-wrap">
        <table className="log-table" aria-labelledby="withdrawals-title" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">{t('withdrawals.col.withdrawnAt')}</th>
              <th scope="col">{t('log.col.application')}</th>
              <th scope="col">{t('log.col.applicant')}</th>
              <th scope="col">{t('log.col.kind')}</th>
              <th scope="col">{t('withdrawals.col.heldBy')}</th>
              <th scope="col">{t('withdrawals.col.ticket')}</th>
              <th scope="col">{t('withdrawals.col.by')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((w, index) => (
              <tr
                key={w.applicationId}
                id={rowId(index)}
                data-testid="withdrawal-row"
                data-application-id={w.applicationId}
                className={index === selected ? 'selected' : undefined}
                aria-current={index === selected ? 'true' : undefined}
                tabIndex={index === selected ? 0 : -1}
                onClick={() => setSelected(index)}
              >
                <td>{formatDateTime(w.withdrawnAt, language)}</td>
                <td>
                  <button type="button" className="link" aria-label={t('withdrawals.open', { id: w.applicationId })} onClick={() => void useDecisionCase.getState().openWithdrawal(w)}>
                    {w.applicationId}
                  </button>
                </td>
                <td dir="auto">{w.applicantName}</td>
                <td>{t(`kind.${w.kind}`)}</td>
                <td>{w.reviewer === null ? t('withdrawals.filter.unassigned') : (w.reviewerName ?? w.reviewer)}</td>
                <td className="mono" data-testid="withdrawal-row-ticket">
                  {w.ticketRef}
                </td>
                <td>{w.withdrawnBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && !loading && !error && items.length === 0 && <p className="muted padded">{t('withdrawals.empty')}</p>}
      </div>
      {page?.nextCursor && (
        <div className="log-more">
          <button type="button" onClick={() => void load(page.nextCursor ?? undefined)} disabled={loading}>
            {t('log.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}
