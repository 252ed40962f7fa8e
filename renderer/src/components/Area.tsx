// The parts of a signed-in person's area: its navigation (the supervisor's sections, a reviewer's queue and second
// reviews), and what a section's view shows while its chunk loads or when it fails.
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/useT';

export function AreaViewFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  return (
    <div className="padded" role="alert">
      <p>{t('supervisor.viewFailed')}</p>
      <p className="muted">{error instanceof Error ? error.message : String(error)}</p>
      <button type="button" onClick={onRetry}>
        {t('error.retry')}
      </button>
    </div>
  );
}

export function AreaViewLoading() {
  const t = useT();
  return (
    <p className="padded" role="status">
      {t('frame.loading')}
    </p>
  );
}

export interface AreaSection<Id extends string> {
  id: Id;
  label: MessageKey;
}

export function AreaNav<Id extends string>({ label, sections, current, onSelect }: { label: MessageKey; sections: readonly AreaSection<Id>[]; current: Id; onSelect(id: Id): void }) {
  const t = useT();
  return (
    <nav className="supervisor-nav" aria-label={t(label)}>
      <ul>
        {sections.map((s) => (
          <li key={s.id}>
            <button type="button" aria-current={s.id === current ? 'page' : undefined} onClick={() => onSelect(s.id)}>
              {t(s.label)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
