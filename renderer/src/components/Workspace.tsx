// Everything a signed-in, unlocked reviewer sees: the queue or one case, the second-review list (four-eyes: others'
// held decisions, S4), the undo bar and the shortcut help. Unmounted while locked. Also runs the idle lock and follows
// queue changes.
import { Suspense, useEffect, useState } from 'react';
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';
import { lazyChunk } from '../lib/lazyChunk';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { useIdleLock } from '../lib/useIdleLock';
import { useNow } from '../lib/useNow';
import { useFrame } from '../state/frame';
import { useQueue } from '../state/queue';
import { useReview } from '../state/review';
import { useUi } from '../state/ui';
import { workstation } from '../workstation';
import { AreaNav, AreaViewFailed, AreaViewLoading, type AreaSection } from './Area';
import { ErrorBanner } from './ErrorBanner';
import { QueueView } from './QueueView';
import { ShortcutHelp, useHelpKey } from './ShortcutHelp';
import { ViewBoundary } from './ViewBoundary';

// The case view (viewer, details, decisions, the rules and their holiday tables) is its own chunk: the queue's first
// render does not wait for it. It is fetched as soon as the queue is up, so opening a case does not wait either.
const caseViewChunk = lazyChunk(
  () => import('./CaseView'),
  (m) => m.CaseView,
);
// The supervisor's second-review list, the same view (a chunk of its own, fetched when first shown).
const secondReviewChunk = lazyChunk(
  () => import('./QualityReviewView'),
  (m) => m.SecondReviewView,
);

type ReviewerSectionId = 'queue' | 'second-review';
const reviewerSections: readonly AreaSection<ReviewerSectionId>[] = [
  { id: 'queue', label: 'reviewer.nav.queue' },
  { id: 'second-review', label: 'supervisor.nav.secondReview' },
];

/** Runs `fn` now, or when `wait` and a queue reload is in flight, once that reload has brought its list. */
function afterReload(wait: boolean, fn: () => void): void {
  if (!wait || !useQueue.getState().loading) {
    fn();
    return;
  }
  const off = useQueue.subscribe((state) => {
    if (state.loading) return;
    off();
    fn();
  });
}

function UndoBar() {
  const t = useT();
  const pending = useReview((s) => s.pending);
  const undo = useReview((s) => s.undo);
  const now = useNow(250);
  if (!pending) return null;
  const seconds = Math.max(0, Math.ceil((pending.deadline - now) / 1000));
  return (
    <div className="undo-bar" role="status" aria-live="polite" data-testid="undo-bar">
      <span>{t(pending.input.outcome === 'approve' ? 'undo.approve' : 'undo.reject', { label: pending.label })}</span>
      <span className="muted">{t('undo.countdown', { seconds })}</span>
      <button type="button" onClick={undo} aria-keyshortcuts="U">
        {t('undo.action')}
      </button>
    </div>
  );
}

function CommitError() {
  const t = useT();
  const error = useReview((s) => s.commitError);
  const dismiss = useReview((s) => s.dismissCommitError);
  if (!error) return null;
  return <ErrorBanner error={error} text={t('undo.failed', { id: error.applicationId, message: errorMessage(t, error) })} onDismiss={dismiss} />;
}

function CaseViewFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  const backToQueue = useReview((s) => s.backToQueue);
  // The next case opened tries the load afresh too.
  const back = () => {
    onRetry();
    backToQueue();
  };
  return (
    <div className="padded" role="alert">
      <p>{t('case.viewFailed')}</p>
      <p className="muted">{error instanceof Error ? error.message : String(error)}</p>
      <div className="row">
        <button type="button" onClick={onRetry}>
          {t('case.viewRetry')}
        </button>
        <button type="button" onClick={back}>
          ← {t('case.back')}
        </button>
      </div>
    </div>
  );
}

function CaseLoading() {
  const t = useT();
  return (
    <p className="padded" role="status">
      {t('case.loading')}
    </p>
  );
}

export function Workspace() {
  const idleLockMinutes = useFrame((s) => s.settings.idleLockMinutes);
  const view = useReview((s) => s.view);
  const [caseView, setCaseView] = useState(() => ({ View: caseViewChunk.lazy(), attempt: 0 }));
  const [section, setSection] = useState<ReviewerSectionId>('queue');
  const [secondReview, setSecondReview] = useState(() => ({ View: secondReviewChunk.lazy(), attempt: 0 }));
  useIdleLock(idleLockMinutes);
  useHelpKey();

  useEffect(() => {
    // After the first rows are painted, when the page is idle.
    // A failure here is not the reviewer's concern yet: opening a case loads it again, and says so if it fails.
    const preload = requestIdleCallback(() => void caseViewChunk.preload().catch(() => undefined), { timeout: 1000 });
    return () => cancelIdleCallback(preload);
  }, []);

  useEffect(() => {
    void useQueue.getState().reload({ keepSelection: true });
    void useFrame.getState().refreshSync();
    void useFrame.getState().loadAttention();
    const off = workstation().events.subscribe('queue.changed', (change) => {
      void useFrame.getState().refreshSync();
      // A sync that names its cases changed only their own rows: the list is read again only if it shows one of them
      // (the counts always; flags may have changed). While a reload is on its way (the decision's own, say), that is
      // asked of the list it brings, not of the one it replaces.
      const named = change.reason === 'sync' && change.applicationIds.length > 0;
      afterReload(named, () => {
        const shown = new Set(useQueue.getState().items.map((i) => i.id));
        if (named && !change.applicationIds.some((id) => shown.has(id))) void useQueue.getState().refreshCounts();
        else void useQueue.getState().reload({ keepSelection: true });
      });
      // A case on screen that changed elsewhere is read again (without a second audit entry); a sync names no
      // ids (any case may have changed).
      const review = useReview.getState();
      const touched = change.applicationIds.length === 0 ? change.reason === 'sync' : review.openId !== null && change.applicationIds.includes(review.openId);
      if (review.view === 'case' && review.openId && touched && change.reason !== 'decision') {
        void review.refresh();
      }
    });
    return off;
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen) return;
      const typing = isTypingTarget(event.target);
      const undo = (!typing && !hasModifier(event) && (event.key === 'u' || event.key === 'U')) || ((event.ctrlKey || event.metaKey) && event.key === 'z' && !typing);
      if (undo && useReview.getState().pending) {
        event.preventDefault();
        useReview.getState().undo();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="workspace">
      <CommitError />
      {view === 'case' ? (
        <ViewBoundary key={caseView.attempt} fallback={(error) => <CaseViewFailed error={error} onRetry={() => setCaseView((c) => ({ View: caseViewChunk.lazy({ error, attempt: c.attempt + 1 }), attempt: c.attempt + 1 }))} />}>
          <Suspense fallback={<CaseLoading />}>
            <caseView.View />
          </Suspense>
        </ViewBoundary>
      ) : (
        <div className="reviewer-area">
          <AreaNav<ReviewerSectionId> label="reviewer.nav" sections={reviewerSections} current={section} onSelect={setSection} />
          <div className="supervisor-view">
            {section === 'queue' ? (
              <QueueView />
            ) : (
              <ViewBoundary
                key={secondReview.attempt}
                fallback={(error) => <AreaViewFailed error={error} onRetry={() => setSecondReview((c) => ({ View: secondReviewChunk.lazy({ error, attempt: c.attempt + 1 }), attempt: c.attempt + 1 }))} />}
              >
                <Suspense fallback={<AreaViewLoading />}>
                  <secondReview.View />
                </Suspense>
              </ViewBoundary>
            )}
          </div>
        </div>
      )}
      <UndoBar />
      <ShortcutHelp />
    </div>
  );
}
