// The withdrawal on record (issue 22 item 3): which support ticket, when, and which intake account sent it, in the
// reviewer's case view and the supervisor's read-only one alike (both render CaseDetails). Nothing when the case was
// not withdrawn, or was withdrawn by a central service that did not keep the ticket.
import { useId } from 'react';
import type { Application } from '../../../shared/domain';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';

export function WithdrawalOnRecord({ application }: { application: Application }) {
  const t = useT();
  const language = useLanguage();
  const id = useId();
  const w = application.withdrawal;
  if (application.status !== 'withdrawn' || !w) return null;
  return (
    <section className="detail-section" aria-labelledby={id} data-testid="withdrawal-on-record">
      <h2 id={id}>{t('withdrawal.title')}</h2>
      <dl className="fields">
        <div className="field-row">
          <dt>{t('withdrawal.ticket')}</dt>
          <dd className="mono" data-testid="withdrawal-ticket">
            {w.ticketRef}
          </dd>
        </div>
        <div className="field-row">
          <dt>{t('withdrawal.at')}</dt>
          <dd data-testid="withdrawal-at">{formatDateTime(w.withdrawnAt, language)}</dd>
        </div>
        <div className="field-row">
          <dt>{t('withdrawal.by')}</dt>
          <dd data-testid="withdrawal-by">{w.withdrawnBy}</dd>
        </div>
      </dl>
    </section>
  );
}
