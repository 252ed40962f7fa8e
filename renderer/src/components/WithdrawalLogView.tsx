// The withdrawals view of the decision log (issue 22 item 3): each withdrawal on record (ticket, intake account, time,
// the reviewer holding it), newest first, from the central service while it answers, else from this workstation's
// copy; filters with counts beside them (holder, kind, date range, text). A row opens the case read-only.
// A chunk of its own (SupervisorArea.tsx).
import { useCallback, useEffect, useState } from 'react';
import type { WithdrawalLogPage, WithdrawalLogQuery, WithdrawalRecord } from '../../../shared/contract/withdrawals';
import type { ApplicationKind } from '../../../shared/domain';
import { applicationKinds } from '../../../shared/vocabulary';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatNumber } from '../lib/format';
import { useRefreshOnSync } from '../lib/useRefreshOnSync';
import { useSearchText } from '../lib/useSearchText';
import { useDecisionCase } from '../state/decisionCase';
import { localDayStart } from '../state/decisionLog';
import { asUiError, type UiError } from '../state/frame';
import { unwrap, workstation } from '../workstation';
import { DecisionCaseView } from './DecisionCaseView';

interface Filters {
  text: string;
  /** A username, '' for any. */
  reviewer: string;
  kind: ApplicationKind | 'all';
  /** yyyy-mm-dd, local days; '' for open-ended. */
  from: string;
  to: string;
}
const noFilters: Filters = { text: '', reviewer: '', kind: 'all', from: '', to: '' };
const pageSize = 50;

function queryOf(f: Filters, cursor?: string): WithdrawalLogQuery {
  const text = f.text.trim();
  const from = localDayStart(f.from);
  const to = localDayStart(f.to, 1);
  return {
    ...(f.reviewer ? { reviewer: f.reviewer } : {}),
    ...(f.kind !== 'all' ? { kind: f.kind } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(text ? { text } : {}),
    limit: pageSize,
    ...(cursor ? { cursor } : {}),
  };
}

export function WithdrawalLogView() {
  const t = useT();
  const language = useLanguage();
  const [filters, setFiltersState] = useState<Filters>(noFilters);
  const [page, setPage] = useState<WithdrawalLogPage | null>(null);
  const [items, setItems] = useState<WithdrawalRecord[]>([]);
  const [error, setError] = useState<UiError | null>(null);
  const [loading, setLoading] = useState(false);
  const setFilters = (patch: Partial<Filters>) => setFiltersState((f) => ({ ...f, ...patch }));
  const applyText = useCallback((text: string) => setFiltersState((f) => ({ ...f, text })), []);
  const [text, setText] = useSearchText(filters.text, applyText);

  const load = useCallback(async (f: Filters, cursor?: string) => {
    setLoading(true);
    try {
      const next = await unwrap(workstation().withdrawals.log(queryOf(f, cursor)));
      setPage(next);
      setItems((shown) => (cursor ? [...shown, ...next.items] : next.items));
      setError(null);
    } catch (err) {
      setError(asUiError(err));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => void load(filters), [filters, load]);
  useRefreshOnSync(() => void load(filters));
  // A case opened here is closed when the view goes.
  useEffect(() => () => useDecisionCase.getState().close(), []);

  const opened = useDecisionCase((s) => s.withdrawal !== null);
  if (opened) return <DecisionCaseView onClose={() => useDecisionCase.getState().close()} />;

  const counts = page?.counts;
  const withCount = (label: string, count: number | undefined) => (count === undefined ? label : t('queue.withCount', { label, count }));
  const reviewers = counts?.reviewer ?? [];
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
      </div>
      <p className="muted small">{t('withdrawals.intro')}</p>
      <p className="muted small" data-testid="withdrawals-source" data-source={page?.source}>
        {source}
      </p>
      <form className="log-filters" role="search" aria-label={t('withdrawals.filters')} onSubmit={(e) => e.preventDefault()}>
        <label className="field search">
          <span>{t('log.search')}</span>
          <input type="search" aria-label={t('log.search')} value={text} placeholder={t('withdrawals.searchPlaceholder')} maxLength={100} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('withdrawals.filter.reviewer')}</span>
          <select aria-label={t('withdrawals.filter.reviewer')} value={filters.reviewer} onChange={(e) => setFilters({ reviewer: e.target.value })}>
            <option value="">{t('log.filter.allReviewers')}</option>
            {filters.reviewer && !reviewers.some((r) => r.reviewer === filters.reviewer) && <option value={filters.reviewer}>{withCount(filters.reviewer, 0)}</option>}
            {reviewers.map((r) => (
              <option key={r.reviewer} value={r.reviewer}>
                {withCount(r.name, r.count)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('queue.filter.kind')}</span>
          <select aria-label={t('queue.filter.kind')} value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value as Filters['kind'] })}>
            <option value="all">{t('queue.filter.allKinds')}</option>
            {applicationKinds.map((k) => (
              <option key={k} value={k}>
                {withCount(t(`kind.${k}`), counts?.kind[k])}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('withdrawals.filter.from')}</span>
          <input type="date" aria-label={t('withdrawals.filter.from')} value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters({ from: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('withdrawals.filter.to')}</span>
          <input type="date" aria-label={t('withdrawals.filter.to')} value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters({ to: e.target.value })} />
        </label>
        <button type="button" onClick={() => setFiltersState(noFilters)} disabled={JSON.stringify(filters) === JSON.stringify(noFilters)}>
          {t('queue.filter.reset')}
        </button>
      </form>
      {error && (
        <div className="error-banner" role="alert" data-testid="withdrawals-error" data-code={error.code}>
          <p>{errorMessage(t, error)}</p>
          <button type="button" onClick={() => void load(filters)}>
            {t('error.retry')}
          </button>
        </div>
      )}
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
            {items.map((w) => (
              <tr key={w.applicationId} data-testid="withdrawal-row" data-application-id={w.applicationId}>
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
          <button type="button" onClick={() => void load(filters, page.nextCursor ?? undefined)} disabled={loading}>
            {t('log.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}
