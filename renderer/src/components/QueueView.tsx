// The queue: filters with counts, free-text search, and a windowed grid of applications sorted by due time.
// Only the rows in view (plus a small margin) are in the DOM, whatever the number of cases.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { QueueItem } from '../../../shared/contract/cases';
import { ruleIds } from '../../../shared/vocabulary';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatDue } from '../lib/format';
import { ruleName } from '../lib/ruleLabels';
import { useSearchText } from '../lib/useSearchText';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { useNow } from '../lib/useNow';
import { dueWindows, LOAD_AHEAD, statusFilters, useQueue, type QueueFilters } from '../state/queue';
import { useReview } from '../state/review';
import { useUi } from '../state/ui';
import { KindSelect } from './KindSelect';
import { FlagIcon, FlagLegend } from './FlagIcon';
import { ReturnedMark } from './Returned';

export const ROW_HEIGHT = 38;
/** The DOM never holds more rows than this, however tall the window. */
const MAX_ROWS = 60;

function Filters() {
  const t = useT();
  const filters = useQueue((s) => s.filters);
  const counts = useQueue((s) => s.counts);
  const setFilters = useQueue((s) => s.setFilters);
  const resetFilters = useQueue((s) => s.resetFilters);
  const applyText = useCallback((text: string) => setFilters({ text }), [setFilters]);
  const [text, setText] = useSearchText(filters.text, applyText);

  const withCount = (label: string, count: number | undefined) => (count === undefined ? label : t('queue.withCount', { label, count }));
  const openCount = counts ? counts.byStatus.submitted + counts.byStatus.queued + counts.byStatus.in_review : undefined;
  const dueCount = (w: (typeof dueWindows)[number]) =>
    !counts ? undefined : w === 'overdue' ? counts.byDue.overdue : w === 'escalated' ? counts.byDue.escalated : w === 'due_today' ? counts.byDue.dueToday : undefined;

  return (
    <form className="queue-filters" role="search" aria-label={t('queue.filters')} onSubmit={(e) => e.preventDefault()}>
      <label className="field search">
        <span>{t('queue.search')}</span>
        <input
          type="search"
          id="queue-search"
          aria-label={t('queue.search')}
          value={text}
          placeholder={t('queue.searchPlaceholder')}
          maxLength={100}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === 'ArrowDown') {
              e.preventDefault();
              setFilters({ text });
              document.getElementById('queue-grid')?.focus();
            }
          }}
        />
      </label>
      <KindSelect value={filters.kind} onChange={(kind) => setFilters({ kind })} />
      <label className="field">
        <span>{t('queue.filter.status')}</span>
        <select aria-label={t('queue.filter.status')} value={filters.status} onChange={(e) => setFilters({ status: e.target.value as QueueFilters['status'] })}>
          {statusFilters.map((s) => (
            <option key={s} value={s}>
              {s === 'open'
                ? withCount(t('queue.filter.open'), openCount)
                : s === 'all'
                  ? t('queue.filter.allStatuses')
                  : withCount(t(`appStatus.${s}`), counts?.byStatus[s])}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('queue.filter.flag')}</span>
        <select aria-label={t('queue.filter.flag')} value={filters.flag} onChange={(e) => setFilters({ flag: e.target.value as QueueFilters['flag'] })}>
          <option value="all">{t('queue.filter.allFlags')}</option>
          {ruleIds.map((r) => (
            <option key={r} value={r}>
              {withCount(`${r} ${ruleName(r, t)}`, counts?.byFlag[r])}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('queue.filter.due')}</span>
        <select aria-label={t('queue.filter.due')} value={filters.due} onChange={(e) => setFilters({ due: e.target.value as QueueFilters['due'] })}>
          {dueWindows.map((w) => (
            <option key={w} value={w}>
              {w === 'all' ? t('queue.filter.anyDue') : withCount(t(`queue.filter.${w}`), dueCount(w))}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <input type="checkbox" checked={filters.mine} onChange={(e) => setFilters({ mine: e.target.checked })} />
        <span>{t('queue.filter.mine')}</span>
      </label>
      <button type="button" onClick={resetFilters}>
        {t('queue.filter.reset')}
      </button>
    </form>
  );
}

const severityRank = { blocking: 0, warning: 1, info: 2 } as const;
function uniqueRules(flags: QueueItem['flags']): QueueItem['flags'] {
  const byRule = new Map<string, QueueItem['flags'][number]>();
  for (const f of flags) {
    const known = byRule.get(f.rule);
    if (!known || severityRank[f.severity] < severityRank[known.severity]) byRule.set(f.rule, f);
  }
  return [...byRule.values()];
}

// Status and sync state share a column: the status, then whatever sync has to say (waiting, conflict, overturned,
// held), which is nothing for most rows. The due column gets the room.
const columns = ['kind', 'account', 'name', 'submitted', 'due', 'flags', 'status'] as const;

// Memoised: moving the selection, scrolling or measuring the grid renders only the rows whose props changed.
const Row = memo(function Row({ item, index, selected, now, pendingId, onOpen }: { item: QueueItem; index: number; selected: boolean; now: number; pendingId: string | null; onOpen(index: number): void }) {
  const t = useT();
  const language = useLanguage();
  const deadline = item.deadline;
  return (
    <div
      role="row"
      id={`queue-row-${index}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`queue-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      data-application-id={item.id}
      onClick={() => onOpen(index)}
    >
      <div role="gridcell" className="c-kind" title={item.changeDirection ? t(`direction.${item.changeDirection}`) : undefined}>
        {t(`kind.${item.kind}`)}
        {item.changeDirection && <span className="muted small"> {t(`directionShort.${item.changeDirection}`)}</span>}
      </div>
      <div role="gridcell" className="c-account mono">
        {item.accountId}
      </div>
      <div role="gridcell" className="c-name" dir="auto">
        {item.displayName}
      </div>
      <div role="gridcell" className="c-submitted">
        {formatDateTime(item.submittedAt, language)}
      </div>
      <div role="gridcell" className={`c-due deadline-${deadline}`}>
        {deadline === 'closed' ? t('deadline.closed') : formatDue(item.dueAt, now, t)}
        {item.holidayDataMissing ? <span className="holiday-data-missing">{t('queue.holidayDataMissing', { year: String(item.holidayDataMissing) })}</span> : null}
        {deadline !== 'closed' && deadline !== 'on_time' && <span className="visually-hidden"> {t(`deadline.${deadline}`)}</span>}
      </div>
      <div role="gridcell" className="c-flags">
        {item.flags.length === 0 ? (
          <span className="visually-hidden">{t('queue.noFlags')}</span>
        ) : (
          // One icon per rule (R8 may be raised once per image), at its most severe.
          uniqueRules(item.flags).map((f) => <FlagIcon key={f.rule} rule={f.rule} severity={f.severity} />)
        )}
      </div>
      <div role="gridcell" className={`c-status status-${item.status}`}>
        <span>{pendingId === item.id ? t('queue.undoPending') : t(`appStatus.${item.status}`)}</span>
        <span className="c-status-sync">
          <ReturnedMark returned={item.returned} held={item.heldForSecondReview} />
          {item.conflict ? <span className="sync-conflict">{t('queue.sync.conflict')}</span> : item.pendingSync ? <span className="sync-pending">{t('queue.sync.pending')}</span> : null}
        </span>
      </div>
    </div>
  );
});

export function QueueView() {
  const t = useT();
  const items = useQueue((s) => s.items);
  const selected = useQueue((s) => s.selected);
  const loading = useQueue((s) => s.loading);
  const loaded = useQueue((s) => s.loaded);
  const loadingMore = useQueue((s) => s.loadingMore);
  const nextCursor = useQueue((s) => s.nextCursor);
  const error = useQueue((s) => s.error);
  const select = useQueue((s) => s.select);
  const loadMore = useQueue((s) => s.loadMore);
  const open = useReview((s) => s.open);
  const prefetch = useReview((s) => s.prefetch);
  const pendingId = useReview((s) => s.pending?.input.applicationId ?? null);
  const now = useNow(30_000);
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    setViewport(el.clientHeight - ROW_HEIGHT);
    el.scrollTop = Math.max(0, useQueue.getState().selected * ROW_HEIGHT - el.clientHeight / 2);
    setScrollTop(el.scrollTop);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight - ROW_HEIGHT));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // The first render draws what fits on screen and two rows more; the rest of the overscan follows once that has
  // been painted, so a launch shows its queue sooner.
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true), 0)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);

  const visible = Math.ceil(viewport / ROW_HEIGHT) + 1;
  const overscan = painted ? Math.max(2, Math.min(8, Math.floor((MAX_ROWS - visible) / 2))) : 2;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - overscan);
  const last = Math.min(items.length, first + Math.min(MAX_ROWS, visible + 2 * overscan));

  // Infinite scroll: fetch the next page (keyset cursor) when the window nears the end of what is loaded.
  useEffect(() => {
    if (nextCursor && last >= items.length - LOAD_AHEAD) void loadMore();
  }, [last, items.length, nextCursor, loadMore]);

  // Keep the selected row in view.
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    // Row offsets are below the sticky header row.
    const top = selected * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + 2 * ROW_HEIGHT - el.clientHeight;
  }, [selected]);

  // Warm the selected case so opening it is instant.
  const selectedId = items[selected]?.id;
  useEffect(() => {
    if (!selectedId) return;
    const timer = setTimeout(() => prefetch(selectedId), 200);
    return () => clearTimeout(timer);
  }, [selectedId, prefetch]);

  const openAt = useCallback(
    (index: number) => {
      const item = useQueue.getState().items[index];
      if (!item) return;
      select(index);
      void open(item.id);
    },
    [open, select],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen || hasModifier(event)) return;
      if (isTypingTarget(event.target)) return;
      const { selected: current } = useQueue.getState();
      switch (event.key) {
        case 'ArrowDown':
        case 'j':
        case 'J':
          event.preventDefault();
          select(current + 1);
          break;
        case 'ArrowUp':
        case 'k':
        case 'K':
          event.preventDefault();
          select(current - 1);
          break;
        case 'PageDown':
          event.preventDefault();
          select(current + Math.max(1, visible - 2));
          break;
        case 'PageUp':
          event.preventDefault();
          select(current - Math.max(1, visible - 2));
          break;
        case 'Home':
          event.preventDefault();
          select(0);
          break;
        case 'End':
          event.preventDefault();
          select(useQueue.getState().items.length - 1);
          break;
        case 'Enter':
          if (event.target instanceof HTMLButtonElement) return;
          event.preventDefault();
          openAt(current);
          break;
        case '/':
          event.preventDefault();
          document.getElementById('queue-search')?.focus();
          break;
        default:
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [select, openAt, visible]);

  const rows: React.ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    if (item) rows.push(<Row key={item.id} item={item} index={i} selected={i === selected} now={now} pendingId={pendingId} onOpen={openAt} />);
  }

  return (
    <section className="queue" aria-labelledby="queue-title">
      <div className="queue-head">
        <h1 id="queue-title">{t('queue.title')}</h1>
        <span className="muted" aria-live="polite">
          {loading && !loaded ? t('queue.loading') : nextCursor ? t('queue.shownMore', { count: items.length }) : t('queue.shown', { count: items.length })}
        </span>
      </div>
      <Filters />
      <FlagLegend />
      {error && (
        <p className="form-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
      <div
        id="queue-grid"
        ref={body}
        className="queue-grid"
        role="grid"
        aria-label={t('queue.label')}
        aria-rowcount={nextCursor ? -1 : items.length + 1}
        aria-activedescendant={items.length > 0 ? `queue-row-${selected}` : undefined}
        tabIndex={0}
        aria-busy={loading}
        data-testid="queue-body"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div role="row" aria-rowindex={1} className="queue-row header">
          {columns.map((c) => (
            <div key={c} role="columnheader" className={`c-${c}`}>
              {t(`queue.col.${c}`)}
            </div>
          ))}
        </div>
        <div role="rowgroup" className="queue-body" style={{ height: items.length * ROW_HEIGHT }}>
          {rows}
        </div>
      </div>
      {loaded && items.length === 0 && !loading && <p className="queue-empty">{t('queue.empty')}</p>}
      {loadingMore && <p className="queue-more muted">{t('queue.loadingMore')}</p>}
    </section>
  );
}
