// The supervisor's Exports section: every export of the decision log the central service recorded, newest first:
// when, who, with which filters, how many decisions, and whether it ran to its end. Asked of the central service
// (it keeps them; the workstation holds no copy), again after each sync. A chunk of its own (SupervisorArea.tsx).
import { useCallback, useState } from 'react';
import type { DecisionExportRecord, RecordedExportFilter } from '../../../shared/contract/central';
import type { Translate } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime, formatNumber } from '../lib/format';
import { useRefreshOnSync } from '../lib/useRefreshOnSync';
import { asUiError, type UiError } from '../state/frame';
import { unwrap, workstation } from '../workstation';
import { ErrorBanner } from './ErrorBanner';
import type { UiLanguage } from '../../../shared/contract/app';

const outcomeLabel = { approve: 'appStatus.approved', reject: 'appStatus.rejected' } as const;

/** The recorded filter in the log's own words, one part per filter set. */
function filterText(f: RecordedExportFilter, t: Translate, language: UiLanguage): string {
  const yesNo = (key: 'offline' | 'overridden' | 'reviewed' | 'deadlineMissed', value: boolean | undefined) =>
    value === undefined ? null : `${t(`log.filter.${key}`)}: ${t(`log.filter.${key}.${value ? 'yes' : 'no'}`)}`;
  const parts = [
    f.reviewer ? `${t('log.filter.reviewer')}: ${f.reviewer}` : null,
    f.outcome ? `${t('log.filter.outcome')}: ${t(outcomeLabel[f.outcome])}` : null,
    f.kind ? `${t('log.col.kind')}: ${t(`kind.${f.kind}`)}` : null,
    f.reasonCode ? `${t('log.filter.reason')}: ${t(`reason.${f.reasonCode}`)}` : null,
    yesNo('offline', f.offline),
    yesNo('overridden', f.overridden),
    yesNo('reviewed', f.reviewed),
    yesNo('deadlineMissed', f.deadlineMissed),
    f.effect ? t(`effect.${f.effect}`) : null,
    f.from ? t('exportLog.from', { time: formatDateTime(f.from, language) }) : null,
    f.to ? t('exportLog.to', { time: formatDateTime(f.to, language) }) : null,
    f.text ? t('exportLog.text', { text: f.text }) : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? t('exportLog.allDecisions') : parts.join(' · ');
}

type Loaded = { exports: DecisionExportRecord[]; nextCursor: string | null };

export function ExportsOnRecordView() {
  const t = useT();
  const language = useLanguage();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  const load = useCallback(async (after?: Loaded) => {
    try {
      const page = await unwrap(workstation().decisions.exports(after?.nextCursor ? { cursor: after.nextCursor } : {}));
      setLoaded({ exports: [...(after?.exports ?? []), ...page.exports], nextCursor: page.nextCursor });
      setError(null);
    } catch (e) {
      setError(asUiError(e));
    }
  }, []);
  useRefreshOnSync(() => void load());

  return (
    <section className="decision-log exports-on-record" aria-labelledby="export-log-title">
      <div className="log-head">
        <h1 id="export-log-title">{t('exportLog.title')}</h1>
      </div>
      {error && <ErrorBanner error={error} onRetry={() => void load()} />}
      <div className="log-table-wrap">
        <table className="log-table" aria-labelledby="export-log-title" aria-describedby="export-log-order">
          <caption id="export-log-order" className="visually-hidden">
            {t('exportLog.label')}
          </caption>
          <thead>
            <tr>
              {(['finishedAt', 'exportedBy', 'filter', 'rows', 'complete'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`exportLog.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(loaded?.exports ?? []).map((e) => (
              <tr key={e.id} data-testid="export-record" data-complete={e.complete}>
                <td className="nowrap" title={t('exportLog.startedAt', { time: formatDateTime(e.startedAt, language) })}>
                  {formatDateTime(e.finishedAt, language)}
                </td>
                <td>
                  {e.exportedByName} <span className="muted small">{e.exportedBy}</span>
                </td>
                <td data-testid="export-filter">{filterText(e.filter, t, language)}</td>
                <td>{formatNumber(e.rows, language)}</td>
                <td>{e.complete ? t('exportLog.complete') : <span className="log-missed">{t('exportLog.brokenOff')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {loaded && loaded.exports.length === 0 && <p className="log-empty">{t('exportLog.empty')}</p>}
        {loaded?.nextCursor && (
          <button type="button" onClick={() => void load(loaded)}>
            {t('log.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
