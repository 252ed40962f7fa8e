// The decision log: every decision of every reviewer, newest first, from the central service while it answers, else from the workstation's copy (so a
// supervisor can audit offline). Filters that combine, each choice with its count; keyset paging by "load more".
// A chunk of its own (SupervisorArea.tsx).
import { memo } from 'react';
import type { DecisionLogEntry, DecisionLogFreshness, DecisionLogSource } from '../../../shared/contract/supervision';
import { reasonCodes } from '../../../shared/vocabulary';
import { errorMessage, type Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format';
import { ruleName } from '../lib/ruleLabels';
import { decisionLogOrders, decisionOutcomes, yesNoChoices, filtersActive, toFilter, useDecisionLog, type DecisionLogFilters, type DecisionLogOrder, type YesNo } from '../state/decisionLog';
import { useDecisionCase } from '../state/decisionCase';
import { useExports } from '../state/exports';
import type { UiLanguage } from '../../../shared/contract/app';
import { ErrorBanner } from './ErrorBanner';
import { ExportButton } from './ExportButton';
import { SelectableRow } from './SelectableRow';
import { useRefreshOnSync } from '../lib/useRefreshOnSync';
import { useLogKeys } from '../lib/useLogKeys';
import { workstation } from '../workstation';
import { EffectBadge, SelectedDecisionVerdict } from './Verdict';
import { DecisionCaseView } from './DecisionCaseView';
import { LogFilterBar } from './LogFilterBar';

const SEARCH_ID = 'decision-log-search';
const rowId = (index: number) => `decision-row-${index}`;

const outcomeLabel = { approve: 'appStatus.approved', reject: 'appStatus.rejected' } as const;

type YesNoFilter = 'offline' | 'overridden' | 'reviewed' | 'deadlineMissed';
const yesNoFilters: readonly YesNoFilter[] = ['offline', 'overridden', 'reviewed', 'deadlineMissed'];

const filterLabels = { form: 'log.filters', placeholder: 'log.searchPlaceholder', reviewer: 'log.filter.reviewer', from: 'log.filter.from', to: 'log.filter.to' } as const;

function Filters() {
  const t = useT();
  const filters = useDecisionLog((s) => s.filters);
  const counts = useDecisionLog((s) => s.counts);
  const setFilters = useDecisionLog((s) => s.setFilters);
  const resetFilters = useDecisionLog((s) => s.resetFilters);

  const withCount = (label: string, count: number | undefined) => (count === undefined ? label : t('queue.withCount', { label, count }));
  const reasonCount = (code: (typeof reasonCodes)[number]) => (counts ? (counts.reasonCode.find((r) => r.reasonCode === code)?.count ?? 0) : undefined);

  return (
    <LogFilterBar
      labels={filterLabels}
      searchId={SEARCH_ID}
      filters={filters}
      setFilters={setFilters}
      reset={resetFilters}
      active={filtersActive(filters)}
      reviewers={counts?.reviewer ?? null}
      kindCounts={counts?.kind}
    >
      <label className="field">
        <span>{t('log.filter.outcome')}</span>
        <select aria-label={t('log.filter.outcome')} value={filters.outcome} onChange={(e) => setFilters({ outcome: e.target.value as DecisionLogFilters['outcome'] })}>
          <option value="all">{t('log.filter.anyOutcome')}</option>
          {decisionOutcomes.map((o) => (
            <option key={o} value={o}>
              {withCount(t(outcomeLabel[o]), counts?.outcome[o])}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('log.filter.reason')}</span>
        <select aria-label={t('log.filter.reason')} value={filters.reasonCode} onChange={(e) => setFilters({ reasonCode: e.target.value as DecisionLogFilters['reasonCode'] })}>
          <option value="all">{t('log.filter.anyReason')}</option>
          {reasonCodes.map((r) => (
            <option key={r} value={r}>
              {withCount(t(`reason.${r}`), reasonCount(r))}
            </option>
          ))}
        </select>
      </label>
      {yesNoFilters.map((name) => (
        <label className="field" key={name}>
          <span>{t(`log.filter.${name}`)}</span>
          <select aria-label={t(`log.filter.${name}`)} value={filters[name]} onChange={(e) => setFilters({ [name]: e.target.value as YesNo })}>
            {yesNoChoices.map((choice) => (
              <option key={choice} value={choice}>
                {choice === 'any' ? t(`log.filter.${name}.any`) : withCount(t(`log.filter.${name}.${choice}`), counts?.[name][choice])}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label className="field">
        <span>{t('log.order')}</span>
        <select aria-label={t('log.order')} value={filters.order} onChange={(e) => setFilters({ order: e.target.value as DecisionLogOrder })}>
          {decisionLogOrders.map((order) => (
            <option key={order} value={order}>
              {t(`log.order.${order}`)}
            </option>
          ))}
        </select>
      </label>
    </LogFilterBar>
  );
}

/** Where the rows come from: the central service (every decision), or this workstation's copy, why and how fresh. */
function Freshness({ freshness, source, offlineReason }: { freshness: DecisionLogFreshness; source: DecisionLogSource | null; offlineReason: string | null }) {
  const t = useT();
  const language = useLanguage();
  if (source === 'central') {
    return (
      <p className="muted small log-freshness" data-testid="decision-log-source">
        {t('log.source.central')}
      </p>
    );
  }
  const held = { cached: formatNumber(freshness.cached, language), capacity: formatNumber(freshness.capacity, language) };
  return (
    <>
      {source === 'copy' && (
        <p className="muted small log-freshness" data-testid="decision-log-source">
          {t('log.source.copy', { reason: offlineReason ?? '' })}
        </p>
      )}
      <p className="muted small log-freshness" data-testid="decision-log-freshness">
        {freshness.syncedAt ? t('log.freshness', { time: formatDateTime(freshness.syncedAt, language), ...held }) : t('log.freshness.never', held)}
      </p>
    </>
  );
}

const columns = ['decidedAt', 'reviewer', 'application', 'applicant', 'kind', 'outcome', 'reasons', 'overridden', 'offline', 'handling', 'deadline', 'reviews'] as const;

function Nothing({ label }: { label: string }) {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{label}</span>
    </>
  );
}

function overrideTitle(entry: DecisionLogEntry, t: Translate): string {
  const rules = entry.overriddenRules.map((r) => `${r} ${ruleName(r, t)}`).join(', ');
  return entry.overrideNote ? `${rules} — ${t('log.overrideNote', { note: entry.overrideNote })}` : rules;
}

// Memoised: moving the selection renders only the two rows whose selection changed.
const Row = memo(function Row({ entry, index, selected, onSelect }: { entry: DecisionLogEntry; index: number; selected: boolean; onSelect(index: number): void }) {
  const t = useT();
  const language = useLanguage();
  const decided = formatDateTime(entry.decidedAt, language);
  return (
    <SelectableRow id={rowId(index)} testId="decision-row" decisionId={entry.id} applicationId={entry.applicationId} index={index} selected={selected} onSelect={onSelect}>
      <td className="nowrap" title={t('log.madeAt', { made: decided, applied: formatDateTime(entry.appliedAt, language) })}>
        {decided}
      </td>
      <td>
        {entry.reviewerName && entry.reviewerName !== entry.reviewer ? (
          <>
            {entry.reviewerName} <span className="muted small">{entry.reviewer}</span>
          </>
        ) : (
          entry.reviewer
        )}
      </td>
      <td className="mono">{entry.applicationId}</td>
      <td dir="auto">{entry.applicantName}</td>
      <td>{t(`kind.${entry.kind}`)}</td>
      <td className={`status-${entry.outcome === 'approve' ? 'approved' : 'rejected'}`}>{t(outcomeLabel[entry.outcome])}</td>
      <td>{entry.reasonCodes.length === 0 ? <Nothing label={t('log.none')} /> : entry.reasonCodes.map((r) => t(`reason.${r}`)).join(', ')}</td>
      <td>
        {entry.overriddenRules.length === 0 ? (
          <Nothing label={t('log.none')} />
        ) : (
          <span className="log-override" title={overrideTitle(entry, t)}>
            {entry.overriddenRules.join(' ')}
            {entry.overrideNote && <span className="visually-hidden">, {t('log.overrideNote', { note: entry.overrideNote })}</span>}
          </span>
        )}
      </td>
      <td>{entry.offline ? <span className="log-offline">{t('log.offline')}</span> : <Nothing label={t('log.online')} />}</td>
      <td className="nowrap" data-testid="decision-handling" title={entry.openedAt ? t('log.handling.detail', { opened: formatDateTime(entry.openedAt, language) }) : undefined}>
        {entry.handlingMs === null ? <Nothing label={t('log.handling.unknown')} /> : formatDuration(entry.handlingMs, t)}
      </td>
      <td className="nowrap" data-testid="decision-deadline" title={entry.dueAt ? t('log.deadline.detail', { due: formatDateTime(entry.dueAt, language) }) : undefined}>
        {entry.withinDeadline === null ? (
          <Nothing label={t('log.deadline.unknown')} />
        ) : entry.withinDeadline ? (
          t('log.deadline.within')
        ) : (
          <span className="log-missed">{t('log.deadline.missed')}</span>
        )}
      </td>
      <td>
        <EffectBadge entry={entry} />
        {entry.reviews.length === 0 ? (
          <span className="muted">{t('log.notReviewed')}</span>
        ) : (
          <ul className="log-reviews">
            {entry.reviews.map((r) => (
              <li key={`${r.supervisor}-${r.reviewedAt}`} className={`review-${r.verdict}`} title={t('log.review.detail', { time: formatDateTime(r.reviewedAt, language), reason: r.reason })}>
                {t(`log.review.${r.verdict}`, { supervisor: r.supervisor })} · {t(`stage.${r.stage}`)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </SelectableRow>
  );
});

function Empty() {
  const t = useT();
  const filters = useDecisionLog((s) => s.filters);
  const freshness = useDecisionLog((s) => s.freshness);
  const resetFilters = useDecisionLog((s) => s.resetFilters);
  if (filtersActive(filters)) {
    return (
      <div className="log-empty" data-testid="decision-log-empty">
        <p>{t('log.empty')}</p>
        <button type="button" onClick={resetFilters}>
          {t('queue.filter.reset')}
        </button>
      </div>
    );
  }
  return (
    <p className="log-empty" data-testid="decision-log-empty">
      {freshness?.syncedAt ? t('log.emptySynced') : t('log.emptyNotSynced')}
    </p>
  );
}

/** Opens the selected decision read-only (Enter, or the button). */
function openSelected() {
  const { items, selected } = useDecisionLog.getState();
  const entry = items[selected];
  if (entry) void useDecisionCase.getState().open(entry);
}

/** Back from the read-only case to the log, at the row it was opened from. */
function closeCase() {
  useDecisionCase.getState().close();
  requestAnimationFrame(() => document.getElementById(rowId(useDecisionLog.getState().selected))?.focus());
}

/** Exactly the filtered log, every matching decision (not only the loaded pages), in the person's language. */
const makeCsv = (language: UiLanguage) => () => workstation().decisions.exportCsv({ filter: toFilter(useDecisionLog.getState().filters), language });
const exportCsv = (language: UiLanguage) => void useExports.getState().run('decisions_csv', makeCsv(language));

/** Moves the selection and the focus with it, so a screen reader reads the row. */
function moveSelection(delta: number) {
  const log = useDecisionLog.getState();
  log.select(log.selected + delta);
  document.getElementById(rowId(useDecisionLog.getState().selected))?.focus();
}

export function DecisionLogView() {
  const t = useT();
  const language = useLanguage();
  const items = useDecisionLog((s) => s.items);
  const selected = useDecisionLog((s) => s.selected);
  const total = useDecisionLog((s) => s.total);
  const freshness = useDecisionLog((s) => s.freshness);
  const source = useDecisionLog((s) => s.source);
  const offlineReason = useDecisionLog((s) => s.offlineReason);
  const totalAtLeast = useDecisionLog((s) => s.totalAtLeast);
  const nextCursor = useDecisionLog((s) => s.nextCursor);
  const loading = useDecisionLog((s) => s.loading);
  const loaded = useDecisionLog((s) => s.loaded);
  const loadingMore = useDecisionLog((s) => s.loadingMore);
  const error = useDecisionLog((s) => s.error);
  const countsError = useDecisionLog((s) => s.countsError);
  const select = useDecisionLog((s) => s.select);
  const loadMore = useDecisionLog((s) => s.loadMore);
  const retry = useDecisionLog((s) => s.retry);

  // Read on every visit; read again when a sync may have changed the workstation's copy.
  useRefreshOnSync(() => void useDecisionLog.getState().reload({ keepPlace: true }));

  useLogKeys({
    searchId: SEARCH_ID,
    caseOpen: () => useDecisionCase.getState().entry !== null,
    move: moveSelection,
    open: openSelected,
    exportCsv: () => exportCsv(language),
    searchText: () => useDecisionLog.getState().filters.text,
    clearSearch: () => useDecisionLog.getState().setFilters({ text: '' }),
  });

  const opened = useDecisionCase((s) => s.entry !== null);
  if (opened) return <DecisionCaseView onClose={closeCase} />;

  const shown =
    loading && !loaded
      ? t('log.loading')
      : total === null
        ? ''
        : t(totalAtLeast ? 'log.shownAtLeast' : 'log.shown', { shown: formatNumber(items.length, language), total: formatNumber(total, language) });

  return (
    <section className="decision-log" aria-labelledby="decision-log-title">
      <div className="log-head">
        <h1 id="decision-log-title">{t('log.title')}</h1>
        <span className="muted" role="status" aria-live="polite" data-testid="decision-log-shown">
          {shown}
        </span>
        <button type="button" data-testid="open-decision" onClick={openSelected} disabled={items.length === 0} aria-keyshortcuts="Enter">
          {t('decisionCase.open')}
        </button>
        <ExportButton kind="decisions_csv" label="export.csv" hint="export.csvHint" make={makeCsv(language)} shortcut="E" />
      </div>
      {freshness && <Freshness freshness={freshness} source={source} offlineReason={offlineReason} />}
      <Filters />
      {countsError && (
        <p className="muted small" role="status">
          {t('log.countsFailed', { message: errorMessage(t, countsError) })}
        </p>
      )}
      {error && <ErrorBanner error={error} testId="decision-log-error" onRetry={() => void retry()} />}
      <div className="log-table-wrap">
        <table className="log-table" aria-labelledby="decision-log-title" aria-describedby="decision-log-order" aria-busy={loading}>
          <caption id="decision-log-order" className="visually-hidden">
            {t('log.label')}
          </caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {t(`log.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((entry, index) => (
              <Row key={entry.id} entry={entry} index={index} selected={index === selected} onSelect={select} />
            ))}
          </tbody>
        </table>
        {loaded && !loading && !error && items.length === 0 && <Empty />}
      </div>
      {nextCursor && (
        <div className="log-more">
          <button type="button" onClick={() => void loadMore()} disabled={loadingMore || loading}>
            {loadingMore ? t('queue.loadingMore') : t('log.loadMore')}
          </button>
        </div>
      )}
      <SelectedDecisionVerdict entry={items[selected] ?? null} onActed={() => void useDecisionLog.getState().reload({ keepPlace: true })} />
    </section>
  );
}
