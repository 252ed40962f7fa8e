// One case, side by side: the documents on the left, the entered data, flags and history on the right,
// and the decision panel. Keyboard: viewer keys, A/R/1–9/Enter to decide, J/K for the next case, Esc back.
import { useEffect, useRef, useState } from 'react';
import type { DecisionInput } from '../../../shared/domain';
import { shortRef } from '../../../shared/applicationRef';
import { canDecide, isDecided } from '../../../shared/lifecycle';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatDue } from '../lib/format';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { useNow } from '../lib/useNow';
import { useFrame } from '../state/frame';
import { LOAD_AHEAD, useQueue } from '../state/queue';
import { useReview } from '../state/review';
import { useUi } from '../state/ui';
import type { BandHighlight } from './BandOverlay';
import { CaseDetails } from './CaseDetails';
import { CaseNotifications } from './CaseNotifications';
import { CopyId } from './CopyId';
import { DecisionPanel, type DecisionHandle } from './DecisionPanel';
import { DocumentViewer, type ViewerHandle } from './DocumentViewer';
import { ReturnedNotice } from './Returned';

/** The queue neighbour of a case (skipping one that waits out its undo window). */
function neighbour(applicationId: string, step: 1 | -1, skip: string | null): string | null {
  const { items } = useQueue.getState();
  const at = items.findIndex((i) => i.id === applicationId);
  if (at < 0) return step === 1 ? (items.find((i) => i.id !== skip)?.id ?? null) : null;
  for (let i = at + step; i >= 0 && i < items.length; i += step) {
    const item = items[i];
    if (item && item.id !== skip && item.id !== applicationId) return item.id;
  }
  return null;
}

/** The longest a prefetch waits for the page to be idle after a case is shown. */
const PREFETCH_WAIT_MS = 150;

/** Prefetches the two cases after the one open now (if any), and the queue's next page when they are near its end. */
function prefetchAhead(prefetch: (applicationId: string) => void): void {
  const openId = useReview.getState().openId;
  if (!openId) return;
  // The queue holds the pages loaded so far (the queue view, which loads on scrolling, is not on screen): near
  // their end the next page comes now, so that J and this prefetch find the cases after it.
  const { items, nextCursor, loadMore } = useQueue.getState();
  if (nextCursor && items.findIndex((i) => i.id === openId) >= items.length - LOAD_AHEAD) void loadMore();
  const skip = useReview.getState().pending?.input.applicationId ?? null;
  const next = neighbour(openId, 1, skip);
  if (!next) return;
  prefetch(next);
  const after = neighbour(next, 1, skip);
  if (after) prefetch(after);
}

function selectInQueue(applicationId: string | null) {
  if (!applicationId) return;
  const index = useQueue.getState().items.findIndex((i) => i.id === applicationId);
  if (index >= 0) useQueue.getState().select(index);
}

export function CaseView() {
  const t = useT();
  const language = useLanguage();
  const detail = useReview((s) => s.detail);
  const openId = useReview((s) => s.openId);
  const loading = useReview((s) => s.loading);
  const error = useReview((s) => s.error);
  const open = useReview((s) => s.open);
  const backToQueue = useReview((s) => s.backToQueue);
  const decide = useReview((s) => s.decide);
  const prefetch = useReview((s) => s.prefetch);
  const now = useNow(30_000);
  const person = useFrame((s) => s.person);
  const viewer = useRef<ViewerHandle>(null);
  // R11: the MRZ band the reviewer asked to see, for the case it belongs to.
  const [highlight, setHighlight] = useState<(BandHighlight & { applicationId: string }) | null>(null);
  const decision = useRef<DecisionHandle>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // Prefetch the next two cases (data and images) while this one is reviewed: J pressed quickly twice still
  // lands on a case that is ready. Once this case is painted (the page idle, or PREFETCH_WAIT_MS at most while J is
  // held): the answers' parsing and their images' decoding competed with this case's own paint on two cores.
  useEffect(() => {
    if (!openId || !detail) return;
    // Not cancelled when the case changes again: with J held the page is never idle, and the wait's end still comes.
    requestIdleCallback(() => prefetchAhead(prefetch), { timeout: PREFETCH_WAIT_MS });
  }, [openId, detail, prefetch]);

  useEffect(() => {
    if (detail) heading.current?.focus({ preventScroll: true });
  }, [detail?.application.id]);

  useEffect(() => {
    const go = async (step: 1 | -1) => {
      const id = useReview.getState().openId;
      if (!id) return;
      let next = neighbour(id, step, null);
      // At the last loaded case, J waits for the next page instead of doing nothing.
      if (!next && step === 1 && useQueue.getState().nextCursor) {
        await useQueue.getState().loadMore();
        if (useReview.getState().openId !== id) return;
        next = neighbour(id, step, null);
      }
      if (next) {
        selectInQueue(next);
        void open(next);
      }
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen) return;
      if (decision.current?.handleKey(event)) {
        event.preventDefault();
        return;
      }
      if (isTypingTarget(event.target) || hasModifier(event)) return;
      if (event.target instanceof HTMLInputElement && event.target.type === 'range' && event.key.startsWith('Arrow')) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        backToQueue();
        return;
      }
      if (event.key === 'j' || event.key === 'J') {
        event.preventDefault();
        void go(1);
        return;
      }
      if (event.key === 'k' || event.key === 'K') {
        event.preventDefault();
        void go(-1);
        return;
      }
      if (viewer.current?.handleKey(event)) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, backToQueue]);

  const onDecide = (input: DecisionInput) => {
    const label = shortRef(input.applicationId);
    const next = neighbour(input.applicationId, 1, null);
    selectInQueue(next);
    decide(input, label, next);
  };

  const application = detail?.application;
  // A reviewer decides and sees the documents of their own cases only; a supervisor audits and never decides.
  const elsewhere = application && person?.role === 'reviewer' && application.assignee !== person.id ? application.assignee : undefined;
  const unavailable =
    person?.role === 'supervisor'
      ? t('decision.supervisor')
      : elsewhere === undefined
        ? null
        : elsewhere === null
          ? t('case.released')
          : t('case.reassigned', { assignee: elsewhere });
  return (
    <section className="case" aria-labelledby="case-title">
      <div className="case-bar">
        <button type="button" onClick={backToQueue} aria-keyshortcuts="Escape">
          ← {t('case.back')}
        </button>
        <h1 id="case-title" ref={heading} tabIndex={-1}>
          {application ? t('case.heading', { kind: t(`kind.${application.kind}`), id: shortRef(application.id) }) : t('case.loading')}
        </h1>
        {application && <CopyId id={application.id} />}
        {application && detail && (
          <div className="case-meta">
            <span className="mono">{t('case.account', { id: application.accountId })}</span>
            <span>{t('case.submitted', { time: formatDateTime(application.submittedAt, language) })}</span>
            <span className={`deadline-${detail.deadline}`}>
              {detail.deadline === 'closed'
                ? t('deadline.closed')
                : // "Due in 2 d", but "3 d 11 h overdue" (not "Due 3 d 11 h overdue")
                  Date.parse(detail.dueAt) < now
                  ? formatDue(detail.dueAt, now, t)
                  : t('case.due', { time: formatDue(detail.dueAt, now, t) })}
            </span>
            <span className={`status-pill status-${application.status}`}>{t(`appStatus.${application.status}`)}</span>
          </div>
        )}
      </div>
      {error && (
        <p className="form-error padded" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
      {loading && !detail && <p className="padded muted">{t('case.loading')}</p>}
      {detail && (
        <div className="case-body">
          {elsewhere === undefined ? (
            <DocumentViewer
              key={detail.application.id}
              documents={detail.documents}
              previousDocuments={detail.previousDocuments}
              // Adding an image is offered only while the case still takes a decision.
              applicationId={canDecide(detail.application.status) ? detail.application.id : undefined}
              ref={viewer}
              highlight={highlight?.applicationId === detail.application.id ? highlight : null}
            />
          ) : (
            <div className="viewer viewer-unavailable" data-testid="documents-unavailable">
              <p className="padded muted">{t('case.documentsUnavailable')}</p>
            </div>
          )}
          <div className="case-side">
            <div className="case-details" role="region" aria-label={t('case.details')} tabIndex={0}>
              {elsewhere !== undefined && unavailable && (
                <p className="blocked" role="status" data-testid="not-assigned">
                  {unavailable}
                </p>
              )}
              <ReturnedNotice returned={detail.returned} />
              {detail.conflict && (
                <p className="blocked" role="alert">
                  {t('case.conflict', { reason: detail.conflict.reason })}
                </p>
              )}
              <CaseDetails detail={detail} onMrzField={(h) => setHighlight({ ...h, applicationId: detail.application.id })} />
              {/* Once decided: where the applicant's notifications stand, as the central service knows it. */}
              {isDecided(detail.application.status) && <CaseNotifications key={detail.application.id} applicationId={detail.application.id} />}
            </div>
            <DecisionPanel key={detail.application.id} detail={detail} onDecide={onDecide} unavailable={unavailable} ref={decision} />
          </div>
        </div>
      )}
    </section>
  );
}
