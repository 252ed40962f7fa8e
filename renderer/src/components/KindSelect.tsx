// The application-kind filter: all kinds, or one (the queue's and the reports').
import type { ApplicationKind } from '../../../shared/domain';
import { applicationKinds } from '../../../shared/vocabulary';
import { useT } from '../i18n/useT';

export function KindSelect({ value, onChange }: { value: ApplicationKind | 'all'; onChange(kind: ApplicationKind | 'all'): void }) {
  const t = useT();
  return (
    <label className="field">
      <span>{t('queue.filter.kind')}</span>
      <select aria-label={t('queue.filter.kind')} value={value} onChange={(e) => onChange(e.target.value as ApplicationKind | 'all')}>
        <option value="all">{t('queue.filter.allKinds')}</option>
        {applicationKinds.map((k) => (
          <option key={k} value={k}>
            {t(`kind.${k}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
