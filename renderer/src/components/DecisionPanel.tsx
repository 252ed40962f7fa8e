// Approve or reject. Approve while a blocking flag stands says why instead (an overridable one needs a note); reject
// starts with the reason of each blocking flag chosen and takes one or more reason codes (keys 1–9 and 0, ↑/↓ and
// Space for every one), with the rule checks beside them and the applicant's message beside its translation. One
// keystroke confirms; the decision is then held for the undo window before it is recorded, and the next case opens.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { CaseDetail } from '../../../shared/contract/cases';
import type { DecisionInput, ReasonCode } from '../../../shared/domain';
import { reasonCodes } from '../../../shared/vocabulary';
import { canDecide } from '../../../shared/lifecycle';
import { approvalBlockers, blockingFlags, rejectionBlockers } from '../../../shared/rules';
import { preselectedReasons, reasonIndexForKey, reasonKeyHint } from '../../../shared/rejectReasons';
import { useLanguage, useT } from '../i18n/useT';
import { applicantMessage } from '../lib/applicantMessage';
import { ruleName } from '../lib/ruleLabels';
import { isTypingTarget } from '../lib/keys';
import { ApplicantPreview, RuleChecks } from './DecisionAids';

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
  const uiLanguage = useLanguage();
  const application = detail.application;
  const [mode, setMode] = useState<Mode>('idle');
  const [reasons, setReasons] = useState<ReasonCode[]>([]);
  const [message, setMessage] = useState('');
  const [messageEdited, setMessageEdited] = useState(false);
  const [internalNote, setInternalNote] = useState('');
  const [overrideNote, setOverrideNote] = useState('');
  const [showNeedsReason, setShowNeedsReason] = useState(false);
  // Approve pressed (or A) while a blocking flag stands: say why, where it was pressed.
  const [approveRefused, setApproveRefused] = useState(false);
  const confirmed = useRef(false);
  const reasonBoxes = useRef<(HTMLInputElement | null)[]>([]);
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
    if (mode === 'reject') {
      // The first preselected reason, else the first of the list.
      const first = reasonCodes.findIndex((c) => reasons.includes(c));
      reasonBoxes.current[Math.max(0, first)]?.focus();
    }
    if (mode === 'approve') (overridable.length > 0 ? overrideField.current : confirmButton.current)?.focus();
  }, [mode]);

  function start(next: Mode) {
    if (next === 'approve' && approveDisabled) {
      if (!closed) setApproveRefused(true);
      return;
    }
    if (next === 'reject' && rejectDisabled) return;
    setApproveRefused(false);
    if (next === 'reject' && mode !== 'reject') setReasons(preselectedReasons(detail.flags));
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
      if (mode === 'reject') {
        const index = reasonIndexForKey(event.key);
        const code = index === null ? undefined : reasonCodes[index];
        if (code) {
          toggle(code);
          return true;
        }
        // ↑/↓ walk the reasons (Space ticks the focused one): every reason, past the tenth too.
        const at = reasonBoxes.current.findIndex((box) => box === event.target);
        if (at >= 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
          const next = (at + (event.key === 'ArrowDown' ? 1 : reasonCodes.length - 1)) % reasonCodes.length;
          reasonBoxes.current[next]?.focus();
          return true;
        }
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
      {approveRefused && hardBlockers.length > 0 && (
        <p className="form-error" role="alert" data-testid="approve-refused">
          {t('decision.approveRefused', { reasons: names(hardBlockers) })}
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
          // Focusable and pressable while blocked, so pressing it can say why.
          aria-disabled={approveDisabled}
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
          <RuleChecks flags={detail.flags} application={application} language={uiLanguage} />
          {mode === 'reject' && (
            <fieldset className="reasons">
              <legend>{t('decision.reasons')}</legend>
              {reasonCodes.map((code, i) => {
                const hint = reasonKeyHint(i);
                return (
                  <label key={code} className="reason" data-reason={code}>
                    <input
                      ref={(el) => {
                        reasonBoxes.current[i] = el;
                      }}
                      type="checkbox"
                      checked={reasons.includes(code)}
                      onChange={() => toggle(code)}
                      aria-keyshortcuts={hint ?? undefined}
                    />
                    <kbd className="small" aria-hidden="true">
                      {hint ?? '↕'}
                    </kbd>
                    <span>{t(`reason.${code}`)}</span>
                  </label>
                );
              })}
              <p className="muted small reasons-keys">{t('decision.reasonKeys')}</p>
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
          <ApplicantPreview
            message={message}
            translation={applicantMessage(application, detail.flags, mode, reasons, uiLanguage)}
            edited={messageEdited}
            applicantLanguage={application.applicantLanguage}
            reviewerLanguage={uiLanguage}
            rows={mode === 'reject' ? 5 : 3}
            onChange={(text) => {
              setMessage(text);
              setMessageEdited(true);
            }}
          />
          <label className="stacked">
            <span>{t('decision.internalNote')}</span>
            <textarea rows={2} value={internalNote} maxLength={4000} onChange={(e) => setInternalNote(e.target.value)} />
          </label>
          <p className="muted small">{t('decision.confirmHint')}</p>
          <div className="row decision-confirm">
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
