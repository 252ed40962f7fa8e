// What stays in view while a decision is being made: the rule checks (each flag, what it found, and the rejection
// reason it calls for), and the applicant's message beside its translation in the reviewer's language.
import type { UiLanguage } from '../../../shared/contract/app';
import type { Application, Flag } from '../../../shared/domain';
import { reasonForFlag } from '../../../shared/rejectReasons';
import { useT } from '../i18n/useT';
import { explainFlag } from '../lib/flags';
import { FlagIcon } from './FlagIcon';

const shown: Record<Flag['severity'], number> = { blocking: 0, warning: 1, info: 2 };

/** Blocking flags first, then warnings; info flags stay in the details. */
export function RuleChecks({ flags, application, language }: { flags: readonly Flag[]; application: Application; language: UiLanguage }) {
  const t = useT();
  const listed = flags.filter((f) => f.severity !== 'info').sort((a, b) => shown[a.severity] - shown[b.severity]);
  if (listed.length === 0) return <p className="muted small" data-testid="rule-checks-clear">{t('decision.checksClear')}</p>;
  return (
    <ul className="rule-checks" aria-label={t('decision.checks')} data-testid="rule-checks">
      {listed.map((flag, i) => {
        const reason = reasonForFlag(flag);
        return (
          <li key={`${flag.rule}-${flag.reason}-${i}`} data-rule={flag.rule}>
            <FlagIcon rule={flag.rule} severity={flag.severity} focusable />
            <span>{explainFlag(flag, application, t, language)[0]}</span>
            {reason && <span className="muted small"> → {t(`reason.${reason}`)}</span>}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The message as the applicant will read it (their language, editable) and, when the reviewer reads another
 * language, the generated text in the reviewer's language beside it. Edits are not translated: it says so.
 */
export function ApplicantPreview({
  message,
  translation,
  edited,
  applicantLanguage,
  reviewerLanguage,
  rows,
  onChange,
}: {
  message: string;
  translation: string;
  edited: boolean;
  applicantLanguage: UiLanguage;
  reviewerLanguage: UiLanguage;
  rows: number;
  onChange(text: string): void;
}) {
  const t = useT();
  const same = applicantLanguage === reviewerLanguage;
  return (
    <div className={same ? 'applicant-preview' : 'applicant-preview two'} data-testid="applicant-preview">
      <label className="stacked">
        <span>{t('decision.applicantMessage', { language: t(`lang.${applicantLanguage}`) })}</span>
        <textarea rows={rows} lang={applicantLanguage} value={message} maxLength={4000} onChange={(e) => onChange(e.target.value)} data-testid="applicant-message" />
      </label>
      {!same && (
        <div className="stacked">
          <span id="applicant-translation-title">{t('decision.translation', { language: t(`lang.${reviewerLanguage}`) })}</span>
          <p className="translation" lang={reviewerLanguage} aria-labelledby="applicant-translation-title" data-testid="applicant-translation">
            {translation}
          </p>
          {edited && <p className="muted small">{t('decision.translationEdited')}</p>}
        </div>
      )}
    </div>
  );
}
