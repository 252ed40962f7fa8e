// The QA queue (decisions the policy sampled, in effect) and the second-review list (decisions four-eyes holds),
// from the workstation's copy: why each was sampled, who decided what, the rules overridden, the flags as judged,
// and this workstation's verdict on it. Fully keyboard-driven: J/K or arrows, A agree, O overturn, Enter, Esc.
// Chunks of their own (SupervisorArea.tsx).
import { memo, useEffect } from 'react';
import type { QualityQueueEntry } from '../../../shared/contract/supervision';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatNumber } from '../lib/format';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { useRefreshOnSync } from '../lib/useRefreshOnSync';
import { useQualityQueue, useSecondReview, useVerdict, type QualityListState } from '../state/quality';
import { useUi } from '../state/ui';
import { ErrorBanner } from './ErrorBanner';
import { FlagIcon } from './FlagIcon';
import { SelectableRow } from './SelectableRow';
import { EffectBadge, SupervisionAttention, useVerdictKeys, VerdictPanel, VerdictStatus } from './Verdict';
import type { StoreApi, UseBoundStore } from 'zustand';

type ListStore = UseBoundStore<StoreApi<QualityListState>>;
const outcomeLabel = { approve: 'appStatus.approved', reject: 'appStatus.rejected' } as const;
const rowId = (stage: string, index: number) => `qa-${stage}-row-${index}`;

const Row = memo(function Row({ item, index, stage, selected, onSelect }: { item: QualityQueueEntry; index: number; stage: string; selected: boolean; onSelect(i: number): void }) {
  const t = useT();
  const language = useLanguage();
  const d = item.decision;
  return (
    <SelectableRow id={rowId(stage, index)} testId="qa-row" decisionId={d.id} applicationId={d.applicationId} index={index} selected={selected} onSelect={onSelect}>
      <td className="nowrap">{formatDateTime(d.decidedAt, language)}</td>
      <td>{d.reviewer}</td>
      <td>
        <span dir="auto">{d.applicantName}</span>
        <span className="mono small muted qa-application">{d.applicationId}</span>
      </td>
      <td className={`status-${d.outcome === 'approve' ? 'approved' : 'rejected'}`}>
        {t(outcomeLabel[d.outcome])}
        {d.reasonCodes.length > 0 && <span className="muted small"> · {d.reasonCodes.map((r) => t(`reason.${r}`)).join(', ')}</span>}
      </td>
      <td>{item.sampledFor.length === 0 ? t('qa.sampled.fourEyes') : item.sampledFor.map((s) => t(`qa.sampled.${s}`)).join(', ')}</td>
      <td>
        {d.overriddenRules.length === 0 ? (
          <span className="muted">{t('log.none')}</span>
        ) : (
          <span className="log-override" title={d.overrideNote ? t('log.overrideNote', { note: d.overrideNote }) : undefined}>
            {d.overriddenRules.join(' ')}
            {d.overrideNote && <span className="visually-hidden">, {t('log.overrideNote', { note: d.overrideNote })}</span>}
          </span>
        )}
      </td>
      <td>
        {d.flags === null ? (
          <span className="muted">{t('qa.flagsUnknown')}</span>
        ) : d.flags.length === 0 ? (
          <span className="muted">{t('log.none')}</span>
        ) : (
          <span className="qa-flags">
            {d.flags.map((f, i) => (
              <FlagIcon key={`${f.rule}-${i}`} rule={f.rule} severity={f.severity} />
            ))}
          </span>
        )}
      </td>
      <td>
        <VerdictStatus action={item.verdict} />
        <EffectBadge entry={d} />
      </td>
    </SelectableRow>
  );
});

function move(store: ListStore, delta: number) {
  const s = store.getState();
  s.select(s.selected + delta);
  // A draft belongs to the decision it was started on.
  useVerdict.getState().cancel();
  document.getElementById(rowId(s.stage, store.getState().selected))?.focus();
}

function QualityList({ store }: { store: ListStore }) {
  const t = useT();
  const language = useLanguage();
  const stage = store((s) => s.stage);
  const items = store((s) => s.items);
  const selected = store((s) => s.selected);
  const total = store((s) => s.total);
  const syncedAt = store((s) => s.syncedAt);
  const loaded = store((s) => s.loaded);
  const loading = store((s) => s.loading);
  const error = store((s) => s.error);
  const nextCursor = store((s) => s.nextCursor);
  const reviewer = store((s) => s.reviewer);
  const current = items[selected] ?? null;
  useVerdictKeys(current?.decision.id ?? null);

  useRefreshOnSync(() => void store.getState().reload({ keepPlace: true }));

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen || hasModifier(event) || isTypingTarget(event.target)) return;
      if (['j', 'J', 'ArrowDown'].includes(event.key)) {
        event.preventDefault();
        move(store, 1);
      } else if (['k', 'K', 'ArrowUp'].includes(event.key)) {
        event.preventDefault();
        move(store, -1);
      } else if (event.key === 'Escape' && useVerdict.getState().draft) {
        event.preventDefault();
        useVerdict.getState().cancel();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);

  const titleId = `qa-${stage}-title`;
  const reviewers = [...new Set(items.map((i) => i.decision.reviewer))].sort();
  if (reviewer && !reviewers.includes(reviewer)) reviewers.push(reviewer);
  const acted = () => {
    void store.getState().reload({ keepPlace: true });
    // Sync sends it soon (main asked); the list shows it queued meanwhile.
  };

  return (
    <section className="decision-log quality-review" aria-labelledby={titleId} data-testid={`qa-${stage}`}>
      <div className="log-head">
        <h1 id={titleId}>{t(stage === 'quality' ? 'qa.title' : 'qa.second.title')}</h1>
        <span className="muted" role="status" aria-live="polite" data-testid="qa-shown">
          {total === null ? (loading ? t('log.loading') : '') : t('log.shown', { shown: formatNumber(items.length, language), total: formatNumber(total, language) })}
        </span>
      </div>
      <p className="muted small log-freshness" data-testid="qa-freshness">
        {syncedAt ? t('qa.freshness', { time: formatDateTime(syncedAt, language) }) : t('qa.freshness.never')}
      </p>
      <SupervisionAttention />
      <form className="log-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('log.filters')}>
        <label className="field">
          <span>{t('log.filter.reviewer')}</span>
          <select aria-label={t('log.filter.reviewer')} value={reviewer} onChange={(e) => store.getState().setReviewer(e.target.value)}>
            <option value="">{t('log.filter.allReviewers')}</option>
            {reviewers.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && <ErrorBanner error={error} onRetry={() => void store.getState().reload({ keepPlace: true })} />}
      <div className="qa-body">
        <div className="log-table-wrap">
          <table className="log-table" aria-labelledby={titleId} aria-busy={loading}>
            <thead>
              <tr>
                {(['decidedAt', 'reviewer', 'applicant', 'outcome'] as const).map((c) => (
                  <th key={c} scope="col">
                    {t(`log.col.${c}`)}
                  </th>
                ))}
                <th scope="col">{t('qa.col.sampled')}</th>
                <th scope="col">{t('log.col.overridden')}</th>
                <th scope="col">{t('qa.col.flags')}</th>
                <th scope="col">{t('qa.col.verdict')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item, index) => (
                <Row key={item.decision.id} item={item} index={index} stage={stage} selected={index === selected} onSelect={(i) => store.getState().select(i)} />
              ))}
            </tbody>
          </table>
          {loaded && !loading && !error && items.length === 0 && (
            <p className="log-empty" data-testid="qa-empty">
              {t(syncedAt ? (stage === 'quality' ? 'qa.empty' : 'qa.second.empty') : 'qa.emptyNotSynced')}
            </p>
          )}
          {nextCursor && (
            <div className="log-more">
              <button type="button" onClick={() => void store.getState().loadMore()}>
                {t('log.loadMore')}
              </button>
            </div>
          )}
        </div>
        {current && <VerdictPanel entry={current.decision} action={current.verdict} onActed={acted} />}
      </div>
    </section>
  );
}

export function QualityReviewView() {
  return <QualityList store={useQualityQueue} />;
}

export function SecondReviewView() {
  return <QualityList store={useSecondReview} />;
}
