// Where the applicant notifications of a decided case stand (message centre, email, SMS), in the reviewer's case view:
// asked of the central service when shown (it answers only for a case this reviewer holds or decided); offline it says
// the state is not available rather than showing nothing.
import { useCallback, useEffect, useState } from 'react';
import type { NotificationDelivery } from '../../../shared/contract/notifications';
import { useT } from '../i18n/useT';
import { unwrap, workstation, WorkstationError } from '../workstation';
import { ErrorBanner } from './ErrorBanner';
import { NotificationDeliveries } from './NotificationDeliveries';

type Failure = { code: string; message: string };

export function CaseNotifications({ applicationId }: { applicationId: string }) {
  const t = useT();
  const [deliveries, setDeliveries] = useState<NotificationDelivery[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Failure | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const answer = await unwrap(workstation().audit.notifications({ applicationId }));
      setDeliveries(answer.notifications);
      setError(null);
    } catch (e) {
      setError(e instanceof WorkstationError ? { code: e.code, message: e.message } : { code: 'internal', message: String(e) });
    } finally {
      setLoading(false);
    }
  }, [applicationId]);

  useEffect(() => {
    setDeliveries(null);
    void load();
  }, [load]);

  const offline = error?.code === 'central_unreachable';
  return (
    <div className="case-notifications" data-testid="case-notifications">
      {loading && !deliveries && (
        <p className="muted" role="status">
          {t('notifications.loading')}
        </p>
      )}
      {error && (
        <ErrorBanner
          error={error}
          tone={offline ? 'offline' : 'alert'}
          text={offline ? t('notifications.offline') : undefined}
          testId="case-notifications-error"
          onRetry={() => void load()}
        />
      )}
      {deliveries && !error && <NotificationDeliveries deliveries={deliveries} />}
    </div>
  );
}
