// Live oversight: each reviewer's (and the unassigned pool's) open, due-today, escalated and overdue applications,
// every number a link to the applications behind it; in that list, check one or many (Space, Shift+Space for a
// range) and reassign them to another reviewer (queued here, applied once at the next sync). A chunk of its own.
import { useEffect, useState } from 'react';
import type { OversightApplication, OversightRow } from '../../../shared/contract/central';
import type { Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatNumber } from '../lib/format';
import { bucketField, MAX_REASSIGN, oversightBuckets, useOversight, type OversightList } from '../state/oversight';
import { useFrame } from '../state/frame';
import { ErrorBanner } from './ErrorBanner';

const checkboxId = (index: number) => `oversight-check-${index}`;
/** Events that arrive together (a sync's end and its status) make one refresh. */
const REFRESH_DELAY_MS = 150;

const holderName = (row: Pick<OversightRow, 'reviewer' | 'displayName'>, t: Translate) =>
  row.reviewer === null ? t('oversight.pool') : row.displayName ? `${row.displayName} (${row.reviewer})` : row.reviewer;

function Summary() {
  const t = useT();
  const language = useLanguage();
  const view = useOversight((s) => s.view);
  const list = useOversight((s) => s.list);
  const openList = useOversight((s) => s.openList);
  if (!view?.summary) return null;
  const { summary, live } = view;
  const totals = oversightBuckets.map((b) => summary.rows.reduce((n, r) => n + r[bucketField[b]], 0));
  return (
    <div className="log-table-wrap oversight-summary">
      <table className="log-table" data-testid="oversight-table">
        <caption className="visually-hidden">{t('oversight.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('oversight.col.reviewer')}</th>
            {oversightBuckets.map((b) => (
              <th key={b} scope="col" className="num">
                {t(`oversight.bucket.${b}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((row) => (
            <tr key={row.reviewer ?? ''} data-testid="oversight-row" data-holder={row.reviewer ?? ''}>
              <th scope="row">{holderName(row, t)}</th>
              {oversightBuckets.map((bucket) => {
                const count = row[bucketField[bucket]];
                const current = list?.holder === row.reviewer && list.bucket === bucket;
                return (
                  <td key={bucket} className={`num oversight-${bucket}${count > 0 && bucket !== 'open' ? ' attention' : ''}`}>
                    <button
                      type="button"
                      className="link"
                      data-testid="oversight-count"
                      data-bucket={bucket}
                      aria-pressed={current}
                      // The lists come from the central service: offline only the kept counts can be shown.
                      disabled={!live}
                      title={live ? undefined : t('oversight.listNeedsCentral')}
                      aria-label={t('oversight.showList', { count, bucket: t(`oversight.bucket.${bucket}`), holder: holderName(row, t) })}
                      onClick={() => void openList({ holder: row.reviewer, bucket })}
                    >
                      {formatNumber(count, language)}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('oversight.total')}</th>
            {totals.map((n, i) => (
              <td key={oversightBuckets[i]} className="num">
                {formatNumber(n, language)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Freshness() {
  const t = useT();
  const language = useLanguage();
  const view = useOversight((s) => s.view);
  const loading = useOversight((s) => s.loading);
  if (!view) return <p className="muted small">{loading ? t('oversight.loading') : ''}</p>;
  const { summary } = view;
  if (!summary) {
    return (
      <p className="muted small" data-testid="oversight-freshness" data-live="false">
        {view.live ? '' : t('oversight.neverSynced', { reason: view.notLiveReason ?? '' })}
      </p>
    );
  }
  const asOf = formatDateTime(summary.asOf, language);
  return view.live ? (
    <p className="muted small" data-testid="oversight-freshness" data-live="true">
      {t('oversight.live', { time: asOf, today: summary.today, timeZone: summary.timeZone })}
    </p>
  ) : (
    <p className="warning-banner small" role="status" data-testid="oversight-freshness" data-live="false">
      {t('oversight.notLive', { time: asOf, reason: view.notLiveReason ?? '' })}
    </p>
  );
}

/** Open work falling due in a year without official holidays (counted with weekends only), and what to do. */
function HolidayDataMissing() {
  const t = useT();
  const missing = useOversight((s) => s.view?.summary?.holidayDataMissing);
  if (!missing || missing.length === 0) return null;
  return (
    <div className="warning-banner small" role="status" data-testid="oversight-holiday-data-missing">
      {missing.map((m) => (
        <p key={m.year}>{t('oversight.holidayDataMissing', { year: String(m.year), open: m.open })}</p>
      ))}
    </div>
  );
}

function ListRow({ item, index, checked }: { item: OversightApplication; index: number; checked: boolean }) {
  const t = useT();
  const language = useLanguage();
  const toggle = useOversight((s) => s.toggle);
  return (
    <tr data-testid="oversight-application" data-application-id={item.id} className={checked ? 'selected' : undefined}>
      <td>
        <input
          type="checkbox"
          id={checkboxId(index)}
          checked={checked}
          aria-label={t('oversight.check', { id: item.id })}
          // The change is made by onClick, which knows about Shift; this only keeps React's controlled input quiet.
          onChange={() => undefined}
          onClick={(e) => toggle(index, e.shiftKey)}
          onKeyDown={(e) => {
            if (e.key === ' ') {
              e.preventDefault();
              toggle(index, e.shiftKey);
            } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              document.getElementById(checkboxId(index + (e.key === 'ArrowDown' ? 1 : -1)))?.focus();
            }
          }}
        />
      </td>
      <td className="mono">{item.id}</td>
      <td dir="auto">{item.applicantName}</td>
      <td>{t(`kind.${item.kind}`)}</td>
      <td>{item.assignee ?? t('oversight.pool')}</td>
      <td className="nowrap">{formatDateTime(item.submittedAt, language)}</td>
      <td className="nowrap">{formatDateTime(item.escalateAt, language)}</td>
      <td className="nowrap">{formatDateTime(item.dueAt, language)}</td>
    </tr>
  );
}

function Reassign({ list }: { list: OversightList }) {
  const t = useT();
  const view = useOversight((s) => s.view);
  const checked = useOversight((s) => s.checked);
  const reassigning = useOversight((s) => s.reassigning);
  const reassign = useOversight((s) => s.reassign);
  const [target, setTarget] = useState('');
  const reviewers = (view?.summary?.rows ?? []).flatMap((r) => (r.reviewer !== null && r.reviewer !== list.holder && r.displayName !== null ? [r] : []));
  const count = checked.size;
  const tooMany = count > MAX_REASSIGN;
  return (
    <form
      className="oversight-reassign"
      onSubmit={(e) => {
        e.preventDefault();
        if (target !== '') void reassign(target);
      }}
    >
      <span role="status" aria-live="polite" data-testid="oversight-checked">
        {tooMany ? t('oversight.tooMany', { max: MAX_REASSIGN }) : t('oversight.checked', { count })}
      </span>
      <label className="field">
        <span>{t('oversight.reassignTo')}</span>
        <select aria-label={t('oversight.reassignTo')} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{t('oversight.chooseReviewer')}</option>
          {reviewers.map((r) => (
            <option key={r.reviewer} value={r.reviewer ?? ''}>
              {holderName(r, t)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={count === 0 || tooMany || target === '' || reassigning}>
        {t('oversight.reassign', { count })}
      </button>
    </form>
  );
}

function ListPanel({ list }: { list: OversightList }) {
  const t = useT();
  const language = useLanguage();
  const view = useOversight((s) => s.view);
  const items = useOversight((s) => s.items);
  const checked = useOversight((s) => s.checked);
  const nextCursor = useOversight((s) => s.nextCursor);
  const listLoading = useOversight((s) => s.listLoading);
  const listError = useOversight((s) => s.listError);
  const reassigned = useOversight((s) => s.reassigned);
  const reassignError = useOversight((s) => s.reassignError);
  const { loadMore, closeList, checkAll, openList } = useOversight.getState();
  const row = view?.summary?.rows.find((r) => r.reviewer === list.holder);
  const title = t('oversight.listTitle', { bucket: t(`oversight.bucket.${list.bucket}`), holder: holderName(row ?? { reviewer: list.holder, displayName: null }, t) });
  const allChecked = items.length > 0 && items.every((i) => checked.has(i.id));
  return (
    <section className="oversight-list" aria-labelledby="oversight-list-title" data-testid="oversight-list" data-bucket={list.bucket} data-holder={list.holder ?? ''}>
      <div className="log-head">
        <h2 id="oversight-list-title">{title}</h2>
        <span className="muted" role="status" data-testid="oversight-list-shown">
          {listLoading && items.length === 0 ? t('oversight.loading') : t('oversight.listShown', { shown: formatNumber(items.length, language) })}
        </span>
        <button type="button" onClick={() => void openList(list)}>
          {t('oversight.refresh')}
        </button>
        <button type="button" onClick={closeList} aria-keyshortcuts="Escape">
          {t('oversight.closeList')}
        </button>
      </div>
      {reassigned && (
        <p className="muted small" role="status" data-testid="oversight-reassigned">
          {t('oversight.reassigned', { count: reassigned.count, reviewer: reassigned.reviewer })}
        </p>
      )}
      {reassignError && <ErrorBanner error={reassignError} />}
      {listError && <ErrorBanner error={listError} testId="oversight-list-error" onRetry={() => void openList(list)} />}
      <Reassign list={list} />
      <div className="log-table-wrap">
        <table className="log-table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" checked={allChecked} aria-label={t('oversight.checkAll')} onChange={(e) => checkAll(e.target.checked)} />
              </th>
              {(['application', 'applicant', 'kind', 'assignee', 'submitted', 'escalates', 'due'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`oversight.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((item, index) => (
              <ListRow key={item.id} item={item} index={index} checked={checked.has(item.id)} />
            ))}
          </tbody>
        </table>
        {!listLoading && !listError && items.length === 0 && <p className="log-empty">{t('oversight.listEmpty')}</p>}
      </div>
      {nextCursor && (
        <div className="log-more">
          <button type="button" onClick={() => void loadMore()} disabled={listLoading}>
            {t('log.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}

export function OversightView() {
  const t = useT();
  const error = useOversight((s) => s.error);
  const list = useOversight((s) => s.list);
  const loading = useOversight((s) => s.loading);

  // Counted on every visit, and again after each sync (a reassignment applied, new work, decisions made).
  useEffect(() => {
    void useOversight.getState().loadSummary();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offSync = useFrame.subscribe((state, previous) => {
      const synced = state.sync?.lastSyncAt;
      if (!synced || synced === previous.sync?.lastSyncAt) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const o = useOversight.getState();
        void o.loadSummary();
        if (o.list) void o.openList(o.list);
      }, REFRESH_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      offSync();
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || !useOversight.getState().list) return;
      event.preventDefault();
      useOversight.getState().closeList();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="decision-log oversight" aria-labelledby="oversight-title">
      <div className="log-head">
        <h1 id="oversight-title">{t('oversight.title')}</h1>
        <button type="button" onClick={() => void useOversight.getState().loadSummary()} disabled={loading}>
          {t('oversight.refresh')}
        </button>
      </div>
      <Freshness />
      <HolidayDataMissing />
      {error && <ErrorBanner error={error} />}
      <Summary />
      {list && <ListPanel list={list} />}
    </section>
  );
}
