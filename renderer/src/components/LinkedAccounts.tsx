// The accounts behind an R2 or R3 flag, named: account, verified name, status, when verified. Each opens read-only
// (what matched, its applications). Asked of the central service when it answers, else the copy kept here; the list
// is shown only where it holds exactly as many accounts as the flag counts (the workstation keeps them in step).
import { useEffect, useState } from 'react';
import type { CaseLinkedAccounts, LinkedAccount } from '../../../shared/contract/linked';
import type { Flag } from '../../../shared/domain';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { unwrap, workstation, WorkstationError } from '../workstation';
import { ModalDialog } from './ModalDialog';

type Loaded = { state: 'loading' } | { state: 'ready'; data: CaseLinkedAccounts } | { state: 'failed'; error: { code: string; message: string } };

function useLinkedAccounts(applicationId: string): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    unwrap(workstation().case.linkedAccounts({ applicationId }))
      .then((data) => live && setLoaded({ state: 'ready', data }))
      .catch((err: unknown) => {
        const error = err instanceof WorkstationError ? { code: err.code, message: err.message } : { code: 'generic', message: String(err) };
        if (live) setLoaded({ state: 'failed', error });
      });
    return () => {
      live = false;
    };
  }, [applicationId]);
  return loaded;
}

function AccountDialog({ account, onClose }: { account: LinkedAccount; onClose: () => void }) {
  const t = useT();
  const language = useLanguage();
  return (
    <ModalDialog
      className="linked-dialog"
      titleId="linked-account-title"
      title={t('linked.accountTitle', { id: account.accountId })}
      testId="linked-account"
      onClose={onClose}
      focusClose
    >
      <p className="muted small">{t('linked.readOnly')}</p>
      <dl className="fields compact">
        <dt>{t('linked.name')}</dt>
        <dd>{account.name}</dd>
        <dt>{t('linked.status')}</dt>
        <dd>{t(`linked.status.${account.status}`)}</dd>
        <dt>{t('linked.verifiedAt')}</dt>
        <dd>{formatDateTime(account.verifiedAt, language)}</dd>
        <dt>{t('linked.matchedOn')}</dt>
        <dd>{account.matchedOn.map((m) => t(`linked.match.${m}`)).join(', ')}</dd>
      </dl>
      <h3>{t('linked.applications')}</h3>
      {account.applications.length === 0 ? (
        <p className="muted">{t('linked.noApplications')}</p>
      ) : (
        <table className="linked-table">
          <thead>
            <tr>
              <th scope="col">{t('linked.application')}</th>
              <th scope="col">{t('linked.kind')}</th>
              <th scope="col">{t('linked.status')}</th>
              <th scope="col">{t('linked.submittedAt')}</th>
              <th scope="col">{t('linked.decidedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {account.applications.map((a) => (
              <tr key={a.id}>
                <td className="mono">{a.id}</td>
                <td>{t(`kind.${a.kind}`)}</td>
                <td>{t(`appStatus.${a.status}`)}</td>
                <td>{formatDateTime(a.submittedAt, language)}</td>
                <td>{a.decidedAt ? formatDateTime(a.decidedAt, language) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ModalDialog>
  );
}

/** Under an R2 or R3 flag: the accounts it counts. */
export function LinkedAccounts({ applicationId, flag }: { applicationId: string; flag: Flag }) {
  const t = useT();
  const language = useLanguage();
  const loaded = useLinkedAccounts(applicationId);
  const [opened, setOpened] = useState<LinkedAccount | null>(null);
  if (loaded.state === 'loading') return <p className="muted small">{t('linked.loading')}</p>;
  if (loaded.state === 'failed') {
    // A case not on this workstation (a supervisor's read-only decision view) has no list here.
    if (loaded.error.code === 'case_not_found') return null;
    return (
      <p className="muted small" role="status">
        {t('linked.unavailable')} {errorMessage(t, loaded.error)}
      </p>
    );
  }
  const { linked, source, storedAt } = loaded.data;
  const accounts = flag.rule === 'R2' ? linked.document : linked.enterprise;
  // A decided case's flag as judged then may count otherwise than today: today's list goes with today's flag.
  if (accounts.length !== flag.facts.accounts) return <p className="muted small">{t('linked.countedThen', { now: accounts.length })}</p>;
  return (
    <div className="linked" data-testid={`linked-${flag.rule}`}>
      <table className="linked-table">
        <caption className="muted small">
          {source === 'central' ? t('linked.fromCentral', { time: formatDateTime(storedAt, language) }) : t('linked.fromCopy', { time: formatDateTime(storedAt, language) })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('linked.account')}</th>
            <th scope="col">{t('linked.name')}</th>
            <th scope="col">{t('linked.status')}</th>
            <th scope="col">{t('linked.verifiedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.accountId}>
              <td>
                <button type="button" className="link mono" onClick={() => setOpened(a)} aria-haspopup="dialog">
                  {a.accountId}
                </button>
              </td>
              <td>{a.name}</td>
              <td>{t(`linked.status.${a.status}`)}</td>
              <td>{formatDateTime(a.verifiedAt, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {opened && <AccountDialog account={opened} onClose={() => setOpened(null)} />}
    </div>
  );
}
