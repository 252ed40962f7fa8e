// A supervisor's verdict on one decision (agree, or overturn with a reason), where it stands (queued until synced,
// then applied or refused), and the actions sync has not sent or the central service refused. Used by the QA
// queue, the second-review list and the decision log's selected row.
import { useEffect, useRef, useState } from 'react';
import type { ReviewVerdict } from '../../../shared/contract/central';
import type { DecisionLogEntry, SupervisionAction } from '../../../shared/contract/supervision';
import { errorMessage, type Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { asUiError, type UiError } from '../state/frame';
import { useSupervisionOutbox, useVerdict } from '../state/quality';
import { useUi } from '../state/ui';
import { unwrap, workstation } from '../workstation';

const REASON_ID = 'verdict-reason';

/** Where this workstation's verdict stands: queued, applied, or refused with the central service's sentence. */
export function VerdictStatus({ action }: { action: SupervisionAction | null }) {
  const t = useT();
  if (!action || action.mutation.type !== 'review') return null;
  const verdict = t(`verdict.${action.mutation.verdict}`);
  if (action.state === 'pending') {
    return (
      <span className="verdict-status queued" data-testid="verdict-status" data-state="pending">
        {t('verdict.state.pending', { verdict })}
      </span>
    );
  }
  if (action.state === 'applied') {
    return (
      <span className="verdict-status applied" data-testid="verdict-status" data-state="applied">
        {t('verdict.state.applied', { verdict })}
      </span>
    );
  }
  return (
    <span className="verdict-status refused" data-testid="verdict-status" data-state={action.state}>
      {t('verdict.state.refused', { verdict, message: refusalText(action, t) })}
    </span>
  );
}

function refusalText(action: SupervisionAction, t: Translate): string {
  if (action.notMoved.length > 0) return t('supervision.notMoved', { list: action.notMoved.map((n) => `${n.applicationId} (${n.message})`).join('; ') });
  if (!action.refusal) return '';
  return action.refusal.message || t('verdict.refusedNoMessage', { reason: action.refusal.reason });
}

/** Opens the verdict form on A (agree) or O (overturn) for `decisionId`, wherever the focus is but in a field. */
export function useVerdictKeys(decisionId: string | null) {
  useEffect(() => {
    if (!decisionId) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen || hasModifier(event) || isTypingTarget(event.target)) return;
      const verdict: ReviewVerdict | null = event.key === 'a' || event.key === 'A' ? 'agree' : event.key === 'o' || event.key === 'O' ? 'overturn' : null;
      if (!verdict) return;
      event.preventDefault();
      useVerdict.getState().start(decisionId, verdict);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [decisionId]);
}

/**
 * The verdict on one decision: Agree and Overturn, then the reason (required to overturn) with Enter to confirm and
 * Esc to cancel. The keys A and O open it too (useVerdictKeys, installed by the view that owns the selection).
 */
export function VerdictPanel({ entry, action, onActed }: { entry: DecisionLogEntry; action: SupervisionAction | null; onActed(): void }) {
  const t = useT();
  const language = useLanguage();
  const draft = useVerdict((s) => (s.draft?.decisionId === entry.id ? s.draft : null));
  const submitting = useVerdict((s) => s.submitting);
  const error = useVerdict((s) => s.error);
  const reason = useRef<HTMLTextAreaElement>(null);
  // A queued verdict waits for sync; another one on the same decision would be refused as already reviewed.
  const waiting = action?.state === 'pending';

  const drafting = draft?.verdict ?? null;
  useEffect(() => {
    if (drafting) reason.current?.focus();
  }, [drafting]);

  const confirm = async () => {
    const done = await useVerdict.getState().confirm();
    if (done) onActed();
  };
  const start = (verdict: ReviewVerdict) => useVerdict.getState().start(entry.id, verdict);

  return (
    // Not a labelled region: its heading names the reviewer, and the filters beside it are found by their labels.
    <div className="verdict-panel" data-testid="verdict-panel" data-decision-id={entry.id}>
      <h2>{t('verdict.title', { reviewer: entry.reviewer, application: entry.applicationId })}</h2>
      <p className="muted small">
        {t('verdict.decided', { outcome: t(entry.outcome === 'approve' ? 'appStatus.approved' : 'appStatus.rejected'), time: formatDateTime(entry.decidedAt, language) })}{' '}
        <EffectBadge entry={entry} />
      </p>
      <VerdictStatus action={action} />
      {!draft && (
        <div className="verdict-actions">
          <button type="button" onClick={() => start('agree')} disabled={waiting} aria-keyshortcuts="A">
            {t('verdict.agree')} <kbd>A</kbd>
          </button>
          <button type="button" onClick={() => start('overturn')} disabled={waiting} aria-keyshortcuts="O">
            {t('verdict.overturn')} <kbd>O</kbd>
          </button>
        </div>
      )}
      {draft && (
        <form
          className="verdict-form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <label className="stacked">
            <span>{t(draft.verdict === 'overturn' ? 'verdict.reason.required' : 'verdict.reason.optional')}</span>
            <textarea
              id={REASON_ID}
              ref={reason}
              rows={3}
              maxLength={2000}
              value={draft.reason}
              aria-required={draft.verdict === 'overturn'}
              aria-invalid={error?.code === 'reason_required'}
              onChange={(e) => useVerdict.getState().setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  void confirm();
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  e.stopPropagation();
                  useVerdict.getState().cancel();
                }
              }}
            />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error.code === 'reason_required' ? t('verdict.reasonMissing') : errorMessage(t, error)}
            </p>
          )}
          <div className="verdict-actions">
            <button type="submit" className="primary" disabled={submitting}>
              {t(draft.verdict === 'overturn' ? 'verdict.confirmOverturn' : 'verdict.confirmAgree')} <kbd>Enter</kbd>
            </button>
            <button type="button" onClick={() => useVerdict.getState().cancel()}>
              {t('verdict.cancel')} <kbd>Esc</kbd>
            </button>
          </div>
          <p className="muted small">{t('verdict.queuedHint')}</p>
        </form>
      )}
    </div>
  );
}

/** Where a decision stands: held for a second review, or overturned; nothing for one simply in effect. */
export function EffectBadge({ entry }: { entry: DecisionLogEntry }) {
  const t = useT();
  if (entry.effect === 'in_effect') return null;
  return (
    <span className={`effect-badge effect-${entry.effect}`} data-testid="decision-effect" data-effect={entry.effect}>
      {t(`effect.${entry.effect}`)}
    </span>
  );
}

/** Actions sync has not sent yet, and those the central service refused, each refusal with its sentence and Dismiss. */
export function SupervisionAttention() {
  const t = useT();
  const language = useLanguage();
  const items = useSupervisionOutbox((s) => s.items);
  const error = useSupervisionOutbox((s) => s.error);
  useEffect(() => {
    void useSupervisionOutbox.getState().reload();
  }, []);
  const queued = items.filter((a) => a.state === 'pending').length;
  // Refused, or a reassignment applied in part (the applications it could not move).
  const refused = items.filter((a) => a.state === 'rejected' || a.notMoved.length > 0);
  if (queued === 0 && refused.length === 0 && !error) return null;
  return (
    <div className="supervision-attention" data-testid="supervision-attention">
      {queued > 0 && (
        <p className="muted small" role="status" data-testid="supervision-queued">
          {t('supervision.queued', { count: queued })}
        </p>
      )}
      {refused.length > 0 && (
        <div className="error-banner">
          <h2>{t('supervision.refused.title', { count: refused.length })}</h2>
          <ul>
            {refused.map((a) => (
              <li key={a.mutation.id} data-testid="supervision-refused">
                <span>
                  {t(`supervision.type.${a.mutation.type}`)} · {formatDateTime(a.mutation.madeAt, language)}: {refusalText(a, t)}
                </span>{' '}
                <button type="button" onClick={() => void useSupervisionOutbox.getState().dismiss(a.mutation.id)}>
                  {t('supervision.dismiss')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
    </div>
  );
}

/** The decision log's selected decision: the same verdict keys and form, with this workstation's verdict on it. */
export function SelectedDecisionVerdict({ entry, onActed }: { entry: DecisionLogEntry | null; onActed(): void }) {
  const t = useT();
  const [action, setAction] = useState<SupervisionAction | null>(null);
  const [failed, setFailed] = useState<UiError | null>(null);
  const id = entry?.id ?? null;
  useVerdictKeys(id);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    setAction(null);
    setFailed(null);
    if (!id) return undefined;
    let live = true;
    unwrap(workstation().supervision.verdicts({ decisionIds: [id] })).then(
      ({ items }) => live && setAction(items[0]?.action ?? null),
      (err: unknown) => live && setFailed(asUiError(err)),
    );
    return () => {
      live = false;
    };
  }, [id, version, entry]);
  if (!entry) return null;
  return (
    <>
      {failed && (
        <p className="form-error" role="alert">
          {t('verdict.unknown', { message: errorMessage(t, failed) })}
        </p>
      )}
      <VerdictPanel
      entry={entry}
      action={action}
      onActed={() => {
        setVersion((v) => v + 1);
        onActed();
      }}
      />
    </>
  );
}
