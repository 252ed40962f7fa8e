// Approve or reject. Approve is disabled while a blocking flag stands (an overridable one needs a note);
// reject takes one or more reason codes (keys 1–9). One keystroke confirms; the decision is then held for
// the undo window before it is recorded, and the next case opens at once.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { CaseDetail } from '../../../shared/contract/cases';
import type { DecisionInput, ReasonCode } from '../../../shared/domain';
import { reasonCodes } from '../../../shared/vocabulary';
import { canDecide } from '../../../shared/lifecycle';
import { approvalBlockers, blockingFlags, rejectionBlockers } from '../../../shared/rules';
import { useT } from '../i18n/useT';
import { applicantMessage } from '../lib/applicantMessage';
import { ruleName } from '../lib/ruleLabels';
import { isTypingTarget } from '../lib/keys';

export interface DecisionHandle {
  handleKey(event: KeyboardEvent): boolean;
}

type Mode = 'idle' | 'approve' | 'reject';

/**
 * `unavailable`: why this person cannot decide this case at all (a supervisor; a case reassigned to someone else),
 * shown instead of the buttons.
 */
export function DecisionPanel({
  detail,
  onDecide,
  unavailable,
  ref,
}: {
  detail: CaseDetail;
  onDecide(input: DecisionInput): void;
  unavailable?: string | null;
  ref?: Ref<DecisionHandle>;
}) {
  const t = useT();
  const application = detail.application;
  const [mode, setMode] = useState<Mode>('idle');
  const [reasons, setReasons] = useState<ReasonCode[]>([]);
  const [message, setMessage] = useState('');
  const [messageEdited, setMessageEdited] = useState(false);
  const [internalNote, setInternalNote] = useState('');
  const [overrideNote, setOverrideNote] = useState('');
  const [showNeedsReason, setShowNeedsReason] = useState(false);
  const confirmed = useRef(false);
  const firstReason = useRef<HTMLInputElement>(null);
  const overrideField = useRef<HTMLTextAreaElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const approveButton = useRef<HTMLButtonElement>(null);

  const closed = !canDecide(application.status) || Boolean(unavailable);
  const blocking = blockingFlags(detail.flags);
  const hardBlockers = blocking.filter((f) => !f.overridable);
  const overridable = blocking.filter((f) => f.overridable);
  const stillBlocking = approvalBlockers(detail.flags, overrideNote.trim() === '' ? null : overrideNote);
  const rejectBlocked = rejectionBlockers(detail.flags).length > 0;
  const approveDisabled = closed || hardBlockers.length > 0;
  const rejectDisabled = closed || rejectBlocked;
  const names = (flags: typeof blocking) => flags.map((f) => `${f.rule} ${ruleName(f.rule, t)}`).join(', ');

  // The message follows the decision and reasons until the reviewer edits it.
  useEffect(() => {
    if (mode === 'idle' || messageEdited) return;
    setMessage(applicantMessage(application, detail.flags, mode, reasons));
  }, [mode, reasons, messageEdited, application, detail.flags]);

  useEffect(() => {
    if (mode === 'reject') firstReason.current?.focus();
    if (mode === 'approve') (overridable.length > 0 ? overrideField.current : confirmButton.current)?.focus();
  }, [mode]);

  function start(next: Mode) {
    if (next === 'approve' && approveDisabled) return;
    if (next === 'reject' && rejectDisabled) return;
    setMode(next);
    setMessageEdited(false);
    setShowNeedsReason(false);
  }

  function cancel() {
    setMode('idle');
    approveButton.current?.focus();
  }

  function toggle(code: ReasonCode) {
    setReasons((r) => (r.includes(code) ? r.filter((c) => c !== code) : reasonCodes.filter((c) => c === code || r.includes(c))));
    setShowNeedsReason(false);
  }

  function confirm() {
    if (confirmed.current || mode === 'idle') return;
    if (mode === 'approve') {
      if (stillBlocking.length > 0) return;
      confirmed.current = true;
      onDecide({
        applicationId: application.id,
        outcome: 'approve',
        reasonCodes: [],
        applicantMessage: message,
        internalNote,
        overrideNote: overridable.length > 0 ? overrideNote.trim() : null,
      });
    } else {
      if (reasons.length === 0) {
        setShowNeedsReason(true);
        return;
      }
      confirmed.current = true;
      onDecide({ applicationId: application.id, outcome: 'reject', reasonCodes: reasons, applicantMessage: message, internalNote, overrideNote: null });
    }
  }

  useImperativeHandle(ref, () => ({
    handleKey(event) {
      const typing = isTypingTarget(event.target);
      if (event.key === 'Escape' && mode !== 'idle') {
        cancel();
        return true;
      }
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && mode !== 'idle') {
        confirm();
        return true;
      }
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return false;
      if (event.key === 'Enter' && mode !== 'idle') {
        // A focused button answers Enter itself.
        if (event.target instanceof HTMLButtonElement) return false;
        confirm();
        return true;
      }
      if (event.key === 'a' || event.key === 'A') {
        start('approve');
        return true;
      }
      if (event.key === 'r' || event.key === 'R') {
        start('reject');
        return true;
      }
      if (mode === 'reject' && /^[1-9]$/.test(event.key)) {
        const code = reasonCodes[Number(event.key) - 1];
        if (code) toggle(code);
        return true;
      }
      return false;
    },
  }));

  if (closed) {
    return (
      <section className="decision-panel" aria-labelledby="decision-title">
        <h2 id="decision-title">{t('decision.title')}</h2>
        <p data-testid="decision-unavailable">
          {unavailable ??
            (application.status === 'submitted' ? t('decision.notQueued') : t('decision.closed', { status: t(`appStatus.${application.status}`) }))}
        </p>
      </section>
    );
  }

  const language = t(`lang.${application.applicantLanguage}`);
  return (
    <section className="decision-panel" aria-labelledby="decision-title" data-mode={mode}>
      <div className="decision-head">
        <h2 id="decision-title">{t('decision.title')}</h2>
        <span className="muted small">{t('decision.keys')}</span>
      </div>
      {hardBlockers.length > 0 && (
        <p className="blocked" id="approve-blocked" data-testid="approve-blocked">
          {t('decision.blocked', { reasons: names(hardBlockers) })}
        </p>
      )}
      {hardBlockers.length === 0 && overridable.length > 0 && (
        <p className="warn-text" id="approve-blocked" data-testid="approve-override">
          {t('decision.needsOverride', { rules: names(overridable) })}
        </p>
      )}
      <div className="row">
        <button
          ref={approveButton}
          type="button"
          className={mode === 'approve' ? 'approve active' : 'approve'}
          disabled={approveDisabled}
          aria-describedby={blocking.length > 0 ? 'approve-blocked' : undefined}
          aria-keyshortcuts="A"
          aria-pressed={mode === 'approve'}
          onClick={() => start('approve')}
        >
          {t('decision.approve')}
        </button>
        <button
          type="button"
          className={mode === 'reject' ? 'reject active' : 'reject'}
          disabled={rejectDisabled}
          aria-keyshortcuts="R"
          aria-pressed={mode === 'reject'}
          onClick={() => start('reject')}
        >
          {t('decision.reject')}
        </button>
      </div>
      {mode !== 'idle' && (
        <div className="decision-form">
          {mode === 'reject' && (
            <fieldset className="reasons">
              <legend>{t('decision.reasons')}</legend>
              {reasonCodes.map((code, i) => (
                <label key={code} className="reason">
                  <input ref={i === 0 ? firstReason : undefined} type="checkbox" checked={reasons.includes(code)} onChange={() => toggle(code)} aria-keyshortcuts={i < 9 ? String(i + 1) : undefined} />
                  {i < 9 && (
                    <kbd className="small" aria-hidden="true">
                      {i + 1}
                    </kbd>
                  )}
                  <span>{t(`reason.${code}`)}</span>
                </label>
              ))}
              {showNeedsReason && (
                <p className="form-error" role="alert">
                  {t('decision.needsReason')}
                </p>
              )}
            </fieldset>
          )}
          {mode === 'approve' && overridable.length > 0 && (
            <label className="stacked">
              <span>{t('decision.overrideNote', { rules: names(overridable) })}</span>
              <textarea ref={overrideField} rows={2} value={overrideNote} onChange={(e) => setOverrideNote(e.target.value)} maxLength={4000} required />
            </label>
          )}
          <label className="stacked">
            <span>{t('decision.applicantMessage', { language })}</span>
            <textarea
              rows={mode === 'reject' ? 5 : 3}
              lang={application.applicantLanguage}
              value={message}
              maxLength={4000}
              onChange={(e) => {
                setMessage(e.target.value);
                setMessageEdited(true);
              }}
            />
          </label>
          <label className="stacked">
            <span>{t('decision.internalNote')}</span>
            <textarea rows={2} value={internalNote} maxLength={4000} onChange={(e) => setInternalNote(e.target.value)} />
          </label>
          <p className="muted small">{t('decision.confirmHint')}</p>
          <div className="row">
            <button
              ref={confirmButton}
              type="button"
              className="primary"
              disabled={mode === 'approve' ? stillBlocking.length > 0 : false}
              onClick={confirm}
            >
              {mode === 'approve' ? t('decision.confirmApprove') : t('decision.confirmReject')}
            </button>
            <button type="button" onClick={cancel}>
              {t('decision.cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
