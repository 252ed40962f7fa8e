// An application's audit trail across devices, as the central service holds it: who opened its documents, decided it
// or downloaded an original, on which device, when, and whether each entry checked out against its device's chain.
// Asked of the central service when shown (newest first, older pages on request); offline it says so. The read-only
// case view of a decision mounts it (`<ApplicationAuditTrail applicationId=… />`).
import { useCallback, useEffect, useState } from 'react';
import type { StoredAuditEntry } from '../../../shared/contract/central';
import type { NotificationDelivery } from '../../../shared/contract/notifications';
import type { MessageKey } from '../i18n';
import { en } from '../i18n/en';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { asUiError, type UiError } from '../state/frame';
import { unwrap, workstation } from '../workstation';
import { ErrorBanner } from './ErrorBanner';
import { NotificationDeliveries } from './NotificationDeliveries';

/** An action this app names; a newer workstation's action shows as it was recorded. */
const actionKey = (action: string): MessageKey | null => {
  const key = `audit.action.${action}`;
  return key in en ? (key as MessageKey) : null;
};

export function ApplicationAuditTrail({ applicationId }: { applicationId: string }) {
  const t = useT();
  const language = useLanguage();
  const [entries, setEntries] = useState<StoredAuditEntry[]>([]);
  const [notifications, setNotifications] = useState<NotificationDelivery[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<UiError | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      try {
        const page = await unwrap(workstation().audit.trail({ applicationId, ...(cursor ? { cursor } : {}) }));
        setEntries((shown) => (cursor ? [...shown, ...page.entries] : page.entries));
        if (!cursor) setNotifications(page.notifications ?? null);
        setNextCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(asUiError(e));
      } finally {
        setLoading(false);
      }
    },
    [applicationId],
  );

  useEffect(() => {
    setEntries([]);
    void load(null);
  }, [load]);

  const offline = error?.code === 'central_unreachable';
  return (
    <section className="application-audit-trail" aria-labelledby={`trail-${applicationId}`} data-testid="application-audit-trail">
      <h2 id={`trail-${applicationId}`}>{t('trail.title')}</h2>
      {loading && entries.length === 0 && (
        <p className="muted" role="status">
          {t('trail.loading')}
        </p>
      )}
      {error && (
        <ErrorBanner error={error} text={offline ? t('trail.offline') : undefined} tone={offline ? 'offline' : 'alert'} testId="trail-error" onRetry={() => void load(null)} />
      )}
      {notifications && <NotificationDeliveries deliveries={notifications} />}
      {!loading && !error && entries.length === 0 && <p className="muted">{t('trail.empty')}</p>}
      {entries.length > 0 && (
        <table className="log-table" aria-describedby={`trail-order-${applicationId}`}>
          <caption id={`trail-order-${applicationId}`} className="visually-hidden">
            {t('trail.label')}
          </caption>
          <thead>
            <tr>
              {(['at', 'device', 'person', 'action', 'check'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`trail.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const key = actionKey(e.action);
              return (
                <tr key={`${e.deviceId}:${e.seq}`} data-testid="trail-row">
                  <td className="nowrap">{formatDateTime(e.at, language)}</td>
                  <td className="mono small">
                    {e.deviceId} #{e.seq}
                  </td>
                  <td>{e.actor ? e.actor.displayName : t('audit.system')}</td>
                  <td>
                    {key ? t(key) : e.action} <span className="muted small">· {e.online ? t('audit.online') : t('audit.offline')}</span>
                  </td>
                  <td>{e.problem ? <span className="sync-conflict">{t(`devices.problem.${e.problem}`)}</span> : t('trail.checked')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <button type="button" onClick={() => void load(nextCursor)} disabled={loading}>
          {t('trail.more')}
        </button>
      )}
    </section>
  );
}
