// The supervisor's reports channel: the central service's decision report when it can be asked (and kept as the last
// one for its filter), else the last one kept, marked as not live. dispatch has already refused anyone but a supervisor.
import { DecisionReport, type CachedDecisionReport, type DecisionReportFilter } from '../../shared/contract/reports';
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import { SyncError } from '../sync/errors';
import type { Handler } from './registry';

export interface ReportHandlers {
  'reports.decisions': Handler<'reports.decisions'>;
}

/** What the handler needs of the link to the central service; null when none is configured. */
export interface ReportSource {
  getJson: (path: string, schema: typeof DecisionReport) => Promise<DecisionReport>;
}

export function reportPath(filter: DecisionReportFilter): string {
  const query = new URLSearchParams();
  for (const key of ['from', 'to', 'reviewer', 'kind', 'utcOffsetMinutes'] as const) {
    const value = filter[key];
    if (value !== undefined) query.set(key, String(value));
  }
  const text = query.toString();
  return `/v1/reports/decisions${text ? `?${text}` : ''}`;
}

/** Failures that mean "cannot ask now": the kept report stands in. Anything else (a refusal, a bug) is an error. */
function unreachable(error: unknown): error is SyncError {
  return error instanceof SyncError && (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'signed_out');
}

export function createReportHandlers(store: CaseStore, source: ReportSource | null): ReportHandlers {
  return {
    'reports.decisions': async (filter): Promise<CachedDecisionReport> => {
      let reason = 'No central service is configured.';
      if (source) {
        try {
          const report = await source.getJson(reportPath(filter), DecisionReport);
          await store.storeReport(filter, report);
          return { report, source: 'live', offlineReason: null };
        } catch (error) {
          if (!unreachable(error)) throw error;
          reason = error.message;
        }
      }
      const cached = store.cachedReport(filter);
      if (cached) return { report: cached, source: 'cached', offlineReason: reason };
      throw new DomainError('report_unavailable', `The central service cannot be asked now (${reason}) and no report for these filters was kept on this workstation. Try again when it is reachable.`);
    },
  };
}
