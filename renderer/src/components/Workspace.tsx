// Everything a signed-in, unlocked reviewer sees: the queue or one case, the undo bar and the shortcut help.
// Unmounted while locked. Also runs the idle lock and follows queue changes.
import { lazy, Suspense, useEffect } from 'react';
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { useNow } from '../lib/useNow';
import { useFrame } from '../state/frame';
import { useQueue } from '../state/queue';
import { useReview } from '../state/review';
import { lockWorkstation } from '../state/session';
import { useUi } from '../state/ui';
import { workstation } from '../workstation';
import { QueueView } from './QueueView';
import { ShortcutHelp } from './ShortcutHelp';

// The case view (viewer, details, decisions, the rules and their holiday tables) is its own chunk: the queue's first
// render does not wait for it. It is fetched as soon as the queue is up, so opening a case does not wait either.
const loadCaseView = () => import('./CaseView');
const CaseView = lazy(() => loadCaseView().then((m) => ({ default: m.CaseView })));

const activityEvents = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

function useIdleLock(minutes: number) {
  useEffect(() => {
    let last = Date.now();
    const bump = () => {
      last = Date.now();
    };
    for (const name of activityEvents) window.addEventListener(name, bump, { capture: true, passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) {
        clearInterval(timer);
        void lockWorkstation();
      }
    }, 1_000);
    return () => {
      clearInterval(timer);
      for (const name of activityEvents) window.removeEventListener(name, bump, { capture: true });
    };
  }, [minutes]);
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
  return (
    <div className="error-banner" role="alert">
      <p>{t('undo.failed', { id: error.applicationId, message: errorMessage(t, error) })}</p>
      <button type="button" onClick={dismiss}>
        {t('error.dismiss')}
      </button>
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
  useIdleLock(idleLockMinutes);

  useEffect(() => {
    // After the first rows are painted, when the page is idle.
    const preload = requestIdleCallback(() => void loadCaseView(), { timeout: 1000 });
    return () => cancelIdleCallback(preload);
  }, []);

  useEffect(() => {
    void useQueue.getState().reload({ keepSelection: true });
    void useFrame.getState().refreshSync();
    void useFrame.getState().loadAttention();
    const off = workstation().events.subscribe('queue.changed', (change) => {
      void useQueue.getState().reload({ keepSelection: true });
      void useFrame.getState().refreshSync();
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
      if (event.key === '?' && !typing) {
        event.preventDefault();
        useUi.getState().setHelpOpen(true);
        return;
      }
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
        <Suspense fallback={<CaseLoading />}>
          <CaseView />
        </Suspense>
      ) : (
        <QueueView />
      )}
      <UndoBar />
      <ShortcutHelp />
    </div>
  );
}
