// R11 in the case view: each field of the passport's machine-readable zone beside the entered value, as match,
// mismatch or unreadable; selecting a field highlights the band on the image (BandOverlay in the viewer).
import type { CaseDetail } from '../../../shared/contract/cases';
import type { MrzFieldCheck } from '../../../shared/mrzReading';
import { useT } from '../i18n/useT';
import type { BandHighlight } from './BandOverlay';

const stateClass: Record<MrzFieldCheck['state'], string> = {
  match: 'ok',
  match_via_pinyin: 'ok',
  mismatch: 'blocked',
  unreadable: 'muted',
  not_entered: 'muted',
};

export function MrzCheck({ detail, onSelect }: { detail: CaseDetail; onSelect?: (highlight: BandHighlight) => void }) {
  const t = useT();
  const identity = detail.application.identity;
  if (identity.kind !== 'individual' || identity.documentType !== 'passport') return null;
  const mrz = detail.mrz ?? null;
  return (
    <section className="detail-section" aria-label={t('mrz.title')} data-testid="mrz-check">
      <h2>{t('mrz.title')}</h2>
      {!mrz ? (
        <p className="muted">{t('mrz.pending')}</p>
      ) : (
        <table className="compact">
          <thead>
            <tr>
              <th />
              <th>{t('mrz.entered')}</th>
              <th>{t('mrz.read')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mrz.fields.map((f) => (
              <tr key={f.field} data-testid={`mrz-${f.field}`} data-state={f.state}>
                <th scope="row">
                  {mrz.band && onSelect ? (
                    <button type="button" className="link" title={t('mrz.showBand')} onClick={() => onSelect({ image: mrz.image, band: mrz.band! })}>
                      {t(`mrz.field.${f.field}`)}
                    </button>
                  ) : (
                    t(`mrz.field.${f.field}`)
                  )}
                </th>
                <td>{f.entered ?? '—'}</td>
                <td className="mono">{f.read ?? '—'}</td>
                <td className={stateClass[f.state]}>{t(`mrz.state.${f.state}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
