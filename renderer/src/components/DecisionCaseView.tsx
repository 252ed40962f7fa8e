// A decision, read-only, for a supervisor: the reviewer's side-by-side document viewer and field comparison (the same
// components, read-only), the flags as they stood when decided (the decision's snapshot, never re-evaluated), the
// decision and its reviews, and the application's audit trail across devices. No decision controls. Esc goes back.
import { useEffect, useRef } from 'react';
import type { CaseDetail } from '../../../shared/contract/cases';
import type { DecisionApplication } from '../../../shared/contract/decisionCase';
import type { DecisionLogEntry } from '../../../shared/contract/supervision';
import { shortRef } from '../../../shared/applicationRef';
import { ruleR6 } from '../../../shared/rules';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { hasModifier, isTypingTarget } from '../lib/keys';
import { ruleName } from '../lib/ruleLabels';
import { useDecisionCase } from '../state/decisionCase';
import { useUi } from '../state/ui';
import { ApplicationAuditTrail } from './ApplicationAuditTrail';
import { CaseDetails } from './CaseDetails';
import { CopyId } from './CopyId';
import { DocumentViewer, type ViewerHandle } from './DocumentViewer';

/** The case as CaseDetails shows it read-only: closed, no decisions, audit or conflict of its own, with the given flags. */
function readOnlyDetail(data: DecisionApplication, flags: CaseDetail['flags'], flagsAsOf: CaseDetail['flagsAsOf']): CaseDetail {
  return {
    application: data.application,
    dueAt: data.dueAt,
    escalateAt: data.escalateAt,
    deadline: 'closed',
    documents: data.documents,
    flags,
    flagsAsOf,
    current: null,
    decisions: [],
    audit: [],
    conflict: null,
    lastVerifiedAt: null,
    returned: null,
  };
}

/** A decided application, with the flags of the decision's snapshot (none when it was not sent). */
function detailOf(entry: DecisionLogEntry, data: DecisionApplication): CaseDetail {
  const flagsAsOf: CaseDetail['flagsAsOf'] = entry.flags === null ? { kind: 'unrecorded' } : { kind: 'decision', decisionId: entry.id, decidedAt: entry.decidedAt };
  return {
    ...readOnlyDetail(data, entry.flags ?? [], flagsAsOf),
    ...(data.previousDocuments ? { previousDocuments: data.previousDocuments } : {}),
  };
}

/** A withdrawn application (no decision): R6 as it stands, with the withdrawal on record. */
function withdrawnDetailOf(data: DecisionApplication): CaseDetail {
  const r6 = ruleR6(data.application);
  return readOnlyDetail(data, r6 ? [r6] : [], { kind: 'now' });
}

function TheDecision({ entry }: { entry: DecisionLogEntry }) {
  const t = useT();
  const language = useLanguage();
  return (
    <section className="detail-section" aria-labelledby="decision-read-title" data-testid="decision-read">
      <h2 id="decision-read-title">{t('decisionCase.decision')}</h2>
      <p>
        <strong className={`status-${entry.outcome === 'approve' ? 'approved' : 'rejected'}`} data-testid="decision-read-outcome">
          {t(entry.outcome === 'approve' ? 'appStatus.approved' : 'appStatus.rejected')}
        </strong>{' '}
        {t('decisionCase.by', { reviewer: entry.reviewer, time: formatDateTime(entry.decidedAt, language), device: entry.deviceId })}
      </p>
      <p className="muted small">
        {t('log.madeAt', { made: formatDateTime(entry.decidedAt, language), applied: formatDateTime(entry.appliedAt, language) })}
        {entry.offline ? ` · ${t('log.offline')}` : ''}
      </p>
      <p>{entry.reasonCodes.length === 0 ? t('decisionCase.noReasons') : entry.reasonCodes.map((r) => t(`reason.${r}`)).join(', ')}</p>
      {entry.overriddenRules.length > 0 && (
        <p className="blocked" data-testid="decision-read-override">
          {t('decisionCase.overrode', { rules: entry.overriddenRules.map((r) => `${r} ${ruleName(r, t)}`).join(', ') })}
          {entry.overrideNote && <> · {t('log.overrideNote', { note: entry.overrideNote })}</>}
        </p>
      )}
      <h3>{t('log.col.reviews')}</h3>
      {entry.reviews.length === 0 ? (
        <p className="muted">{t('log.notReviewed')}</p>
      ) : (
        <ul className="plain-list" data-testid="decision-read-reviews">
          {entry.reviews.map((r) => (
            <li key={`${r.supervisor}-${r.reviewedAt}`}>
              <strong>{t(`log.review.${r.verdict}`, { supervisor: r.supervisor })}</strong> · {formatDateTime(r.reviewedAt, language)}
              {r.reason && <span> · {r.reason}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where the application's audit trail across devices goes once the central service keeps the devices' trails. */
/** The application's trail across devices, as the central service holds it, in place of this workstation's own. */
function CrossDeviceAuditSlot({ applicationId }: { applicationId: string }) {
  return (
    <div className="detail-section" data-testid="cross-device-audit">
      <ApplicationAuditTrail applicationId={applicationId} />
    </div>
  );
}

export function DecisionCaseView({ onClose }: { onClose: () => void }) {
  const t = useT();
  const entry = useDecisionCase((s) => s.entry);
  const withdrawal = useDecisionCase((s) => s.withdrawal);
  const data = useDecisionCase((s) => s.data);
  const loading = useDecisionCase((s) => s.loading);
  const error = useDecisionCase((s) => s.error);
  const viewer = useRef<ViewerHandle>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus({ preventScroll: true }), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen || hasModifier(event) || isTypingTarget(event.target)) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
        return;
      }
      if (event.target instanceof HTMLInputElement && event.target.type === 'range' && event.key.startsWith('Arrow')) return;
      if (viewer.current?.handleKey(event)) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const subject = entry ?? withdrawal;
  if (!subject) return null;
  const detail = data ? (entry ? detailOf(entry, data) : withdrawnDetailOf(data)) : null;
  return (
    <section className="case decision-case" aria-labelledby="decision-case-title" data-testid="decision-case" data-decision-id={entry?.id}>
      <div className="case-bar">
        <button type="button" onClick={onClose} aria-keyshortcuts="Escape">
          ← {t('decisionCase.back')}
        </button>
        <h1 id="decision-case-title" ref={heading} tabIndex={-1}>
          {t('decisionCase.heading', { kind: t(`kind.${subject.kind}`), id: shortRef(subject.applicationId) })}
        </h1>
        <CopyId id={subject.applicationId} />
        <span className="status-pill">{t('decisionCase.readOnly')}</span>
      </div>
      {error && (
        <p className="form-error padded" role="alert" data-testid="decision-case-error" data-code={error.code}>
          {errorMessage(t, error)}
        </p>
      )}
      {loading && <p className="padded muted">{t('case.loading')}</p>}
      {detail && (
        <div className="case-body">
          <DocumentViewer key={entry?.id ?? subject.applicationId} documents={detail.documents} previousDocuments={detail.previousDocuments} readOnly ref={viewer} />
          <div className="case-side">
            <div className="case-details" role="region" aria-label={t('case.details')} tabIndex={0}>
              {entry && <TheDecision entry={entry} />}
              <CaseDetails detail={detail} auditSlot={<CrossDeviceAuditSlot applicationId={subject.applicationId} />} />
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
