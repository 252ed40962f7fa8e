// Where the applicant notifications of an application stand (message centre, email, SMS): queued, sent, or failed with
// the reason, and how many attempts. Shown at the head of the application's audit trail across devices.
import type { NotificationDelivery } from '../../../shared/contract/notifications';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';

export function NotificationDeliveries({ deliveries }: { deliveries: readonly NotificationDelivery[] }) {
  const t = useT();
  const language = useLanguage();
  return (
    <section className="notification-deliveries" data-testid="notification-deliveries">
      <h3>{t('notifications.title')}</h3>
      {deliveries.length === 0 ? (
        <p className="muted">{t('notifications.none')}</p>
      ) : (
        <table className="log-table">
          <thead>
            <tr>
              {(['channel', 'state', 'attempts', 'when'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`notifications.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-testid="notification-row" data-state={d.state}>
                <td>{t(`notifications.channel.${d.channel}`)}</td>
                <td>
                  {t(`notifications.state.${d.state}`)}
                  {d.lastError && <span className={d.state === 'failed' ? 'sync-conflict small' : 'muted small'}> · {d.lastError}</span>}
                </td>
                <td>{d.attempts}</td>
                <td className="nowrap">
                  {d.sentAt
                    ? formatDateTime(d.sentAt, language)
                    : d.nextAttemptAt
                      ? t('notifications.nextAttempt', { at: formatDateTime(d.nextAttemptAt, language) })
                      : formatDateTime(d.createdAt, language)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
