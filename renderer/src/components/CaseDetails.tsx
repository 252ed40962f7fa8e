// The right-hand side of a case: entered data, a change's comparison, rule flags explained, image forensics,
// earlier decisions and the audit trail. Applicant data is always rendered as text.
import { useId, type ReactNode } from 'react';
import type { CaseDetail } from '../../../shared/contract/cases';
import type { Flag } from '../../../shared/domain';
import type { Application, Identity } from '../../../shared/domain';
import { CHANGE_COOLDOWN_DAYS } from '../../../shared/rules';
import { errorMessage, type Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatLocation, formatNumber } from '../lib/format';
import { auditLines } from '../lib/auditGroups';
import { explainFlag } from '../lib/flags';
import { ruleName } from '../lib/ruleLabels';
import type { BandHighlight } from './BandOverlay';
import { FlagIcon } from './FlagIcon';
import { LinkedAccounts } from './LinkedAccounts';
import { MrzCheck } from './MrzCheck';
import { StandingNote } from './Returned';
import { WithdrawalOnRecord } from './WithdrawalOnRecord';

type FieldRow = { key: string; label: string; value: string; mono?: boolean };

function identityRows(identity: Identity | null, t: Translate, language: ReturnType<typeof useLanguage>): Map<string, FieldRow> {
  const rows = new Map<string, FieldRow>();
  if (!identity) return rows;
  rows.set('kind', { key: 'kind', label: t('field.identityKind'), value: t(`kind.${identity.kind}`) });
  if (identity.kind === 'individual') {
    rows.set('fullName', { key: 'fullName', label: t('field.fullName'), value: identity.fullName });
    rows.set('documentType', { key: 'documentType', label: t('field.documentType'), value: t(`docType.${identity.documentType}`) });
    rows.set('documentNumber', { key: 'documentNumber', label: t('field.documentNumber'), value: identity.documentNumber, mono: true });
    rows.set('issuingLocation', { key: 'issuingLocation', label: t('field.issuingLocation'), value: formatLocation(identity.issuingLocation, language, t) });
    // The dates as printed (R9 compares the birth date, R10 reads the expiry); older applications have none.
    rows.set('dateOfBirth', { key: 'dateOfBirth', label: t('field.dateOfBirth'), value: identity.dateOfBirth ?? t('field.notGiven'), mono: true });
    rows.set('expiryDate', { key: 'expiryDate', label: t('field.expiryDate'), value: identity.expiryDate ?? t('field.notGiven'), mono: true });
    // R11 compares both with a passport's MRZ; older applications have neither.
    rows.set('sex', { key: 'sex', label: t('field.sex'), value: identity.sex ? t(`sex.${identity.sex}`) : t('field.notGiven') });
    rows.set('nationality', { key: 'nationality', label: t('field.nationality'), value: identity.nationality ? formatLocation(identity.nationality, language, t) : t('field.notGiven') });
  } else {
    rows.set('enterpriseName', { key: 'enterpriseName', label: t('field.enterpriseName'), value: identity.enterpriseName });
    rows.set('registeredAddress', { key: 'registeredAddress', label: t('field.registeredAddress'), value: identity.registeredAddress });
    rows.set('businessRegistrationNumber', { key: 'businessRegistrationNumber', label: t('field.businessRegistrationNumber'), value: identity.businessRegistrationNumber, mono: true });
    rows.set('establishedOn', { key: 'establishedOn', label: t('field.establishedOn'), value: identity.establishedOn ?? t('field.notGiven'), mono: true });
  }
  return rows;
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = useId();
  return (
    <section className="detail-section" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function EnteredData({ application, withIdentity }: { application: Application; withIdentity: boolean }) {
  const t = useT();
  const language = useLanguage();
  // A change shows its identity fields in the comparison; here only the rest.
  const rows = withIdentity ? [...identityRows(application.identity, t, language).values()] : [];
  const icp = application.icp;
  return (
    <Section title={t('case.data')} testId="entered-data">
      <dl className="fields">
        {rows.map((r) => (
          <div key={r.key} className="field-row" data-field={r.key}>
            <dt>{r.label}</dt>
            <dd className={r.mono ? 'mono' : undefined} dir="auto">
              {r.value}
            </dd>
          </div>
        ))}
        <div className="field-row">
          <dt>{t('field.registrationLocation')}</dt>
          <dd>{formatLocation(application.registrationLocation, language, t)}</dd>
        </div>
        <div className="field-row">
          <dt>{t('field.icp')}</dt>
          <dd>{icp.mainlandResources && icp.icpFilingIntended ? t('icp.intended') : t('icp.notRelevant')}</dd>
        </div>
        {icp.mainlandResources && icp.icpFilingIntended && (
          <div className="field-row">
            <dt>{t('field.icpEntity')}</dt>
            <dd dir="auto">{icp.icpEntityName ?? t('icp.entityUnknown')}</dd>
          </div>
        )}
        <div className="field-row">
          <dt>{t('field.applicantLanguage')}</dt>
          <dd>{t(`lang.${application.applicantLanguage}`)}</dd>
        </div>
      </dl>
    </Section>
  );
}

function ChangeComparison({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const language = useLanguage();
  const application = detail.application;
  const direction = application.changeDirection;
  const current = identityRows(application.currentIdentity, t, language);
  const proposed = identityRows(application.identity, t, language);
  const keys = [...new Set([...current.keys(), ...proposed.keys()])];
  const r4 = detail.flags.find((f) => f.rule === 'R4');
  // Counted to the decision for a decided case (what it was judged on), to now for an open one.
  const asOf = detail.flagsAsOf.kind === 'decision' ? Date.parse(detail.flagsAsOf.decidedAt) : Date.now();
  let waiting: string;
  if (direction === 'individual_to_enterprise') waiting = t('change.noWait');
  else if (r4?.reason === 'change_too_soon') waiting = t('change.daysSince', { days: Number(r4.facts.daysSinceVerification), required: CHANGE_COOLDOWN_DAYS });
  else if (r4?.reason === 'last_verification_unknown' || !detail.lastVerifiedAt) waiting = t('change.waitUnknown');
  else {
    const days = Math.floor((asOf - Date.parse(detail.lastVerifiedAt)) / 86_400_000);
    waiting = t('change.daysSince', { days, required: CHANGE_COOLDOWN_DAYS });
  }
  return (
    <Section title={t('change.title')} testId="change-comparison">
      <p>
        <strong>{direction ? t(`direction.${direction}`) : ''}</strong> · <span data-testid="change-waiting">{waiting}</span>
      </p>
      <table className="compare">
        <thead>
          <tr>
            <th scope="col">{t('change.field')}</th>
            <th scope="col">{t('change.current')}</th>
            <th scope="col">{t('change.proposed')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => {
            const before = current.get(k);
            const after = proposed.get(k);
            const changed = before?.value !== after?.value;
            return (
              <tr key={k} className={changed ? 'changed' : undefined} data-changed={changed}>
                <th scope="row">{(after ?? before)?.label}</th>
                <td dir="auto" className={before?.mono ? 'mono' : undefined}>
                  {before?.value ?? t('change.empty')}
                </td>
                <td dir="auto" className={after?.mono ? 'mono' : undefined}>
                  {after?.value ?? t('change.empty')}
                  {changed && <span className="change-mark"> ({t('change.changed')})</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}

function FlagList({ flags, detail }: { flags: readonly Flag[]; detail: CaseDetail }) {
  const t = useT();
  const language = useLanguage();
  return (
    <ul className="flag-list">
      {flags.map((f, i) => (
        <li key={`${f.rule}-${f.reason}-${i}`} className={`flag sev-${f.severity}`} data-rule={f.rule}>
          <div className="flag-head">
            <FlagIcon rule={f.rule} severity={f.severity} />
            <strong>{ruleName(f.rule, t)}</strong>
            <span className="muted small">{t(`severity.${f.severity}`)}</span>
          </div>
          {explainFlag(f, detail.application, t, language).map((sentence, j) => (
            <p key={j}>{sentence}</p>
          ))}
          {f.overridable && f.severity === 'blocking' && <p className="muted small">{t('flags.overridable')}</p>}
          {(f.rule === 'R2' || f.rule === 'R3') && <LinkedAccounts applicationId={detail.application.id} flag={f} />}
        </li>
      ))}
    </ul>
  );
}

/** An open case's flags as of now; a decided case's as they stood when decided, and today's apart, labelled. */
function Flags({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const language = useLanguage();
  const asOf = detail.flagsAsOf;
  const title = asOf.kind === 'decision' ? t('flags.titleDecided', { time: formatDateTime(asOf.decidedAt, language) }) : asOf.kind === 'unrecorded' ? t('flags.titleDecidedUnrecorded') : t('flags.title');
  return (
    <>
      <Section title={title} testId="flags">
        {asOf.kind === 'unrecorded' ? (
          <p className="muted">{t('flags.unrecorded')}</p>
        ) : detail.flags.length === 0 ? (
          <p className="muted">{t('flags.none')}</p>
        ) : (
          <FlagList flags={detail.flags} detail={detail} />
        )}
      </Section>
      {detail.current && (
        <Section title={t('flags.currentTitle')} testId="current-flags">
          <p className="muted small">{t('flags.currentExplain')}</p>
          {detail.current.flags.length === 0 ? <p className="muted">{t('flags.none')}</p> : <FlagList flags={detail.current.flags} detail={detail} />}
        </Section>
      )}
    </>
  );
}

function Forensics({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const language = useLanguage();
  return (
    <Section title={t('forensic.title')} testId="forensics">
      {detail.documents.map((doc, i) => {
        const f = doc.forensic;
        const q = doc.quality;
        const metadata = f ? (['EXIF', 'XMP', 'ICC'] as const).filter((m) => (m === 'EXIF' ? f.hasExif : m === 'XMP' ? f.hasXmp : f.hasIcc)) : [];
        const problems = q
          ? ([
              ['lowResolution', q.lowResolution],
              ['blurry', q.blurry],
              ['underExposed', q.underExposed],
              ['overExposed', q.overExposed],
              ['glare', q.glare],
            ] as const).filter(([, on]) => on)
          : [];
        return (
          <div key={doc.id} className="forensic">
            <h3>{t('forensic.image', { n: i + 1, role: t(`docRole.${doc.role}`) })}</h3>
            {f ? (
              <dl className="fields compact">
                <div className="field-row">
                  <dt>{t('forensic.format')}</dt>
                  <dd>{f.format.toUpperCase()}</dd>
                </div>
                <div className="field-row">
                  <dt>{t('forensic.size')}</dt>
                  <dd>{t('forensic.sizeValue', { width: f.width, height: f.height })}</dd>
                </div>
                <div className="field-row">
                  <dt>{t('forensic.metadata')}</dt>
                  <dd>
                    {metadata.length ? metadata.join(', ') : t('forensic.metadataNone')}
                    {f.hasGps && <span className="warn-text"> · {t('forensic.gps')}</span>}
                  </dd>
                </div>
                {(f.cameraMake || f.cameraModel) && (
                  <div className="field-row">
                    <dt>{t('forensic.camera')}</dt>
                    <dd dir="auto">{[f.cameraMake, f.cameraModel].filter(Boolean).join(' ')}</dd>
                  </div>
                )}
                {f.software && (
                  <div className="field-row">
                    <dt>{t('forensic.software')}</dt>
                    <dd dir="auto">
                      {f.software} <span className="warn-text">· {t('forensic.editorHint')}</span>
                    </dd>
                  </div>
                )}
                <div className="field-row">
                  <dt>{t('forensic.captured')}</dt>
                  <dd>{f.capturedAt ?? t('forensic.unknown')}</dd>
                </div>
              </dl>
            ) : (
              <p className="muted">{t('forensic.none')}</p>
            )}
            <p className="quality">
              <span className="muted">{t('quality.title')}: </span>
              {/* Null until the image is derived in the background (sync stores originals first), or when that failed. */}
              {doc.imageFailure ? (
                <span className="warn-text" data-testid="image-failure">
                  {t('quality.failed', { message: errorMessage(t, doc.imageFailure) })}
                </span>
              ) : !q ? (
                t('quality.pending')
              ) : problems.length === 0 ? (
                t('quality.ok')
              ) : (
                problems.map(([k]) => t(`quality.${k}`)).join(' · ')
              )}
              {q && <span className="muted small"> ({formatNumber(q.blurVariance, language)})</span>}
            </p>
          </div>
        );
      })}
    </Section>
  );
}

function History({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const language = useLanguage();
  if (detail.decisions.length === 0) return null;
  return (
    <Section title={t('history.title')} testId="decision-history">
      <ul className="plain-list">
        {detail.decisions.map((d) => (
          <li key={d.id}>
            <strong>{t(d.outcome === 'approve' ? 'history.approve' : 'history.reject', { name: d.decidedBy.displayName, time: formatDateTime(d.decidedAt, language) })}</strong>
            {d.reasonCodes.length > 0 && <span> · {d.reasonCodes.map((r) => t(`reason.${r}`)).join(', ')}</span>}
            <span className="muted small">
              {' '}
              · {d.sync === 'rejected' ? t('history.sync.rejected', { reason: d.rejectedReason ?? '' }) : t(`history.sync.${d.sync}`)}
            </span>{' '}
            <StandingNote effect={d.effect} />
          </li>
        ))}
      </ul>
    </Section>
  );
}

function AuditTrail({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const language = useLanguage();
  return (
    <Section title={t('audit.title')} testId="audit-trail">
      {detail.audit.length === 0 ? (
        <p className="muted">{t('audit.empty')}</p>
      ) : (
        <ol className="audit-list">
          {auditLines(detail.audit).map(({ entry: a, count, to }) => {
            const outcome = a.details.outcome;
            const reasons = a.details.reasonCodes;
            return (
              <li key={a.seq} data-count={count}>
                <span className="mono small">{formatDateTime(a.at, language)}</span> <strong>{t(`audit.action.${a.action}`)}</strong>{' '}
                {count > 1 && <span data-testid="audit-repeat">{t('audit.repeated', { count, until: formatDateTime(to, language) })} </span>}
                <span>{a.actor ? t('audit.by', { name: a.actor.displayName }) : t('audit.system')}</span>
                <span className="muted small"> · {a.online ? t('audit.online') : t('audit.offline')}</span>
                {(outcome === 'approve' || outcome === 'reject') && <span> · {t(`decision.${outcome}`)}</span>}
                {Array.isArray(reasons) && reasons.length > 0 && (
                  <span className="muted small"> · {reasons.map((r) => (r in reasonLabelKeys ? t(reasonLabelKeys[r as keyof typeof reasonLabelKeys]) : r)).join(', ')}</span>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </Section>
  );
}

const reasonLabelKeys = {
  document_unreadable: 'reason.document_unreadable',
  document_expired: 'reason.document_expired',
  document_type_not_accepted: 'reason.document_type_not_accepted',
  issuing_location_mismatch: 'reason.issuing_location_mismatch',
  name_mismatch: 'reason.name_mismatch',
  number_mismatch: 'reason.number_mismatch',
  document_already_used: 'reason.document_already_used',
  enterprise_account_limit: 'reason.enterprise_account_limit',
  change_too_soon: 'reason.change_too_soon',
  suspected_tampering: 'reason.suspected_tampering',
  information_incomplete: 'reason.information_incomplete',
  address_mismatch: 'reason.address_mismatch',
  other: 'reason.other',
} as const;

/** `auditSlot` takes the place of this workstation's audit trail (a supervisor's view of a decision: the trail is elsewhere). */
export function CaseDetails({ detail, auditSlot, onMrzField }: { detail: CaseDetail; auditSlot?: ReactNode; onMrzField?: (highlight: BandHighlight) => void }) {
  return (
    <>
      <WithdrawalOnRecord application={detail.application} />
      {detail.application.kind === 'change' && <ChangeComparison detail={detail} />}
      <EnteredData application={detail.application} withIdentity={detail.application.kind !== 'change'} />
      <Flags detail={detail} />
      <MrzCheck detail={detail} onSelect={onMrzField} />
      <Forensics detail={detail} />
      <History detail={detail} />
      {auditSlot ?? <AuditTrail detail={detail} />}
    </>
  );
}
