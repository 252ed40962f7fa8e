// What a reviewer sees of the supervisors' verdicts on their work: a case back in review because their decision was
// overturned (by whom, when, why), and a decision held by four-eyes until a second person agrees.
import type { CaseReturned, DecisionStanding } from '../../../shared/contract/cases';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';

/** "Your approval was overturned by X on D: reason", on the case. */
export function ReturnedNotice({ returned }: { returned: CaseReturned | null }) {
  const t = useT();
  const language = useLanguage();
  if (!returned) return null;
  return (
    <div className="returned-notice" role="status" data-testid="returned-notice">
      <p>
        <strong>
          {t(returned.outcome === 'approve' ? 'returned.approve' : 'returned.reject', {
            person: returned.reviewedBy,
            time: formatDateTime(returned.reviewedAt, language),
          })}
        </strong>{' '}
        <span className="muted small">({t(`stage.${returned.stage}`)})</span>
      </p>
      <p dir="auto" className="returned-reason">
        {returned.reason}
      </p>
    </div>
  );
}

/** The queue row's mark: back after an overturn, or held for a second review; nothing otherwise. */
export function ReturnedMark({ returned, held }: { returned: CaseReturned | null; held: boolean }) {
  const t = useT();
  const language = useLanguage();
  if (returned) {
    const text = t(returned.outcome === 'approve' ? 'returned.approve' : 'returned.reject', { person: returned.reviewedBy, time: formatDateTime(returned.reviewedAt, language) });
    return (
      <span className="returned-mark" title={`${text}: ${returned.reason}`} data-testid="returned-mark">
        {t('returned.mark')}
        <span className="visually-hidden">
          {' '}
          {text}: {returned.reason}
        </span>
      </span>
    );
  }
  if (held) {
    return (
      <span className="held-mark" data-testid="held-mark">
        {t('effect.pending_second_review')}
      </span>
    );
  }
  return null;
}

/** A decision's standing in the case's history: held for a second review, or overturned. */
export function StandingNote({ effect }: { effect: DecisionStanding | null }) {
  const t = useT();
  if (effect === null || effect === 'in_effect') return null;
  return (
    <span className={`effect-badge effect-${effect}`} data-testid="decision-standing" data-effect={effect}>
      {t(`effect.${effect}`)}
    </span>
  );
}
