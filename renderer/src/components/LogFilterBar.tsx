// The filter bar the supervisor's logs share (the decision log, the withdrawals): a search box applied a moment after
// the last keystroke (at once on Enter, cleared by Escape), the reviewer and the kind with the counts beside their
// choices, a local date range and a reset. A log adds its own filters between the kind and the dates.
import { useCallback, type ReactNode } from 'react';
import type { ApplicationKind } from '../../../shared/domain';
import { applicationKinds } from '../../../shared/vocabulary';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/useT';
import { useSearchText } from '../lib/useSearchText';

/** The filters every log has; days are local yyyy-mm-dd ('' open-ended), '' and 'all' mean any. */
export interface CommonLogFilters {
  text: string;
  reviewer: string;
  kind: ApplicationKind | 'all';
  from: string;
  to: string;
}

export interface ReviewerChoice {
  reviewer: string;
  name?: string | undefined;
  count: number | undefined;
}

export interface LogFilterBarProps {
  /** The words of this log: the form's name, the search's hint, the reviewer's and the dates' labels. */
  labels: { form: MessageKey; placeholder: MessageKey; reviewer: MessageKey; from: MessageKey; to: MessageKey };
  /** The search box's id: `/` focuses it. */
  searchId: string;
  filters: CommonLogFilters;
  setFilters(patch: Partial<CommonLogFilters>): void;
  reset(): void;
  /** Some filter is set: the reset button is enabled. */
  active: boolean;
  /** The reviewers the counts know; null while the counts are unknown. */
  reviewers: readonly ReviewerChoice[] | null;
  kindCounts: Readonly<Record<ApplicationKind, number>> | undefined;
  /** The log's own filters, between the kind and the dates. */
  children?: ReactNode;
}

/** The reviewers the counts know, and the one chosen even when none of its rows match the other filters. */
export function reviewerChoices(known: readonly ReviewerChoice[] | null, chosen: string): readonly ReviewerChoice[] {
  const list = known ?? [];
  if (chosen === '' || list.some((r) => r.reviewer === chosen)) return list;
  return [...list, { reviewer: chosen, count: known ? 0 : undefined }];
}

export function LogFilterBar({ labels, searchId, filters, setFilters, reset, active, reviewers, kindCounts, children }: LogFilterBarProps) {
  const t = useT();
  const applyText = useCallback((text: string) => setFilters({ text }), [setFilters]);
  const [text, setText] = useSearchText(filters.text, applyText);
  const withCount = (label: string, count: number | undefined) => (count === undefined ? label : t('queue.withCount', { label, count }));

  return (
    <form className="log-filters" role="search" aria-label={t(labels.form)} onSubmit={(e) => e.preventDefault()}>
      <label className="field search">
        <span>{t('log.search')}</span>
        <input
          type="search"
          id={searchId}
          aria-label={t('log.search')}
          value={text}
          placeholder={t(labels.placeholder)}
          maxLength={100}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              setFilters({ text });
            } else if (e.key === 'Escape') {
              e.preventDefault();
              setText('');
              if (filters.text !== '') setFilters({ text: '' });
            }
          }}
        />
      </label>
      <label className="field">
        <span>{t(labels.reviewer)}</span>
        <select aria-label={t(labels.reviewer)} value={filters.reviewer} onChange={(e) => setFilters({ reviewer: e.target.value })}>
          <option value="">{t('log.filter.allReviewers')}</option>
          {reviewerChoices(reviewers, filters.reviewer).map((r) => (
            <option key={r.reviewer} value={r.reviewer}>
              {withCount(r.name ?? r.reviewer, r.count)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('queue.filter.kind')}</span>
        <select aria-label={t('queue.filter.kind')} value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value as CommonLogFilters['kind'] })}>
          <option value="all">{t('queue.filter.allKinds')}</option>
          {applicationKinds.map((k) => (
            <option key={k} value={k}>
              {withCount(t(`kind.${k}`), kindCounts?.[k])}
            </option>
          ))}
        </select>
      </label>
      {children}
      <label className="field">
        <span>{t(labels.from)}</span>
        <input type="date" aria-label={t(labels.from)} value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters({ from: e.target.value })} />
      </label>
      <label className="field">
        <span>{t(labels.to)}</span>
        <input type="date" aria-label={t(labels.to)} value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters({ to: e.target.value })} />
      </label>
      <button type="button" onClick={reset} disabled={!active}>
        {t('queue.filter.reset')}
      </button>
    </form>
  );
}
