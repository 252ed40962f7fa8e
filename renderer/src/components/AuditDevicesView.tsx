// The supervisor's Devices section: every workstation whose audit trail reached the central service, with its
// chain's integrity as the central service verified it. A broken chain is announced above the table, naming the
// device and the first bad entry. From the copy the last sync brought (so it shows offline), with its time. Below it,
// any application's trail across devices, looked up by its id (asked of the central service).
// A chunk of its own (SupervisorArea.tsx).
import { useCallback, useEffect, useState } from 'react';
import type { AuditDevicesView as DevicesView } from '../../../shared/contract/audit';
import type { AuditDevice } from '../../../shared/contract/central';
import type { Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatNumber } from '../lib/format';
import { asUiError, useFrame, type UiError } from '../state/frame';
import { unwrap, workstation } from '../workstation';
import { ApplicationAuditTrail } from './ApplicationAuditTrail';
import { ErrorBanner } from './ErrorBanner';

/** The problem of a broken chain in the reader's language (the central service's own words are its title). */
function problemText(t: Translate, integrity: Extract<AuditDevice['integrity'], { ok: false }>): string {
  return t(`devices.problem.${integrity.kind}`);
}

function Integrity({ device }: { device: AuditDevice }) {
  const t = useT();
  const { integrity } = device;
  if (integrity.ok) return <span>{t('devices.ok')}</span>;
  return (
    <span className="sync-conflict" title={integrity.message}>
      {t('devices.brokenAt', { seq: integrity.firstBadSeq, problem: problemText(t, integrity) })}
      {integrity.problems > 1 && <span className="muted small"> · {t('devices.problems', { count: integrity.problems })}</span>}
    </span>
  );
}

/** An application's trail across devices, by its id: who opened its documents, on which device, when. */
function TrailLookup() {
  const t = useT();
  const [text, setText] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  return (
    <div className="trail-lookup">
      <form
        className="log-filters"
        role="search"
        aria-label={t('trail.lookup')}
        onSubmit={(e) => {
          e.preventDefault();
          const id = text.trim();
          if (id !== '') setShown(id);
        }}
      >
        <label className="field search">
          <span>{t('trail.lookup')}</span>
          <input type="search" value={text} maxLength={64} placeholder={t('trail.lookupPlaceholder')} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t('trail.show')}</button>
      </form>
      {shown && <ApplicationAuditTrail key={shown} applicationId={shown} />}
    </div>
  );
}

export function AuditDevicesView() {
  const t = useT();
  const language = useLanguage();
  const [view, setView] = useState<DevicesView | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await unwrap(workstation().audit.devices({})));
      setError(null);
    } catch (e) {
      setError(asUiError(e));
    }
  }, []);

  useEffect(() => {
    void load();
    // A sync brings the list anew: reload when the last sync's time moves.
    return useFrame.subscribe((state, previous) => {
      const synced = state.sync?.lastSyncAt;
      if (synced && synced !== previous.sync?.lastSyncAt) void load();
    });
  }, [load]);

  const broken = (view?.devices ?? []).filter((d): d is AuditDevice & { integrity: { ok: false } } => !d.integrity.ok);

  return (
    <section className="decision-log audit-devices" aria-labelledby="devices-title">
      <div className="log-head">
        <h1 id="devices-title">{t('devices.title')}</h1>
      </div>
      {view && (
        <p className="muted small" data-testid="devices-freshness">
          {view.fetchedAt ? t('devices.freshness', { time: formatDateTime(view.fetchedAt, language) }) : t('devices.freshness.never')}
        </p>
      )}
      {error && <ErrorBanner error={error} onRetry={() => void load()} />}
      {broken.length > 0 && (
        <div className="error-banner" role="alert" data-testid="devices-broken">
          <ul className="plain-list">
            {broken.map((d) => (
              <li key={d.deviceId}>{t('devices.broken', { device: d.deviceId, seq: d.integrity.firstBadSeq, problem: problemText(t, d.integrity) })}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="log-table-wrap">
        <table className="log-table" aria-labelledby="devices-title" aria-describedby="devices-order">
          <caption id="devices-order" className="visually-hidden">
            {t('devices.label')}
          </caption>
          <thead>
            <tr>
              {(['device', 'integrity', 'lastSeq', 'entries', 'lastReceived', 'people'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`devices.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(view?.devices ?? []).map((d) => (
              <tr key={d.deviceId} data-testid="device-row" data-integrity={d.integrity.ok ? 'ok' : 'broken'}>
                <td className="mono">{d.deviceId}</td>
                <td>
                  <Integrity device={d} />
                </td>
                <td>{formatNumber(d.lastSeq, language)}</td>
                <td>{formatNumber(d.entries, language)}</td>
                <td className="nowrap">{formatDateTime(d.lastReceivedAt, language)}</td>
                <td>{d.people.map((p) => p.displayName).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {view && view.fetchedAt && view.devices.length === 0 && <p className="log-empty">{t('devices.empty')}</p>}
      </div>
      <TrailLookup />
    </section>
  );
}
