// The last decision report the central service gave for each filter, so a supervisor offline still sees one, with
// the time it was made. Bounded: the reports most recently stored are kept.
import { DecisionReport, DecisionReportFilter } from '../../../shared/contract/reports';
import type { StoreConnection } from './connection';
import { parseJson } from './rows';

/** How many filters' reports are kept: enough for the ranges and reviewers a supervisor goes back to. */
export const reportCacheCapacity = 50;

/** One key per filter, whatever order its fields came in. */
export function reportKey(raw: DecisionReportFilter): string {
  const f = DecisionReportFilter.parse(raw);
  return JSON.stringify([f.from ?? null, f.to ?? null, f.reviewer ?? null, f.kind ?? null, f.utcOffsetMinutes ?? null]);
}

export class ReportCache {
  private readonly s;

  constructor(private readonly c: StoreConnection) {
    const db = c.db;
    this.s = {
      get: db.prepare<[string], { body: string }>('SELECT body FROM report_cache WHERE filter_key = ?'),
      put: db.prepare<[string, number, number, string]>(
        `INSERT INTO report_cache (filter_key, generated_at, stored_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (filter_key) DO UPDATE SET generated_at = excluded.generated_at, stored_at = excluded.stored_at, body = excluded.body`,
      ),
      prune: db.prepare<[number]>('DELETE FROM report_cache WHERE filter_key IN (SELECT filter_key FROM report_cache ORDER BY stored_at DESC, filter_key LIMIT -1 OFFSET ?)'),
    };
  }

  /** The last report stored for this filter, or null. */
  cached(filter: DecisionReportFilter): DecisionReport | null {
    const key = reportKey(filter);
    return this.c.read(() => {
      const row = this.s.get.get(key);
      return row ? parseJson<DecisionReport>(row.body) : null;
    });
  }

  /** Keeps `report` as the last one for `filter` (the filter asked for, which the report echoes as the service parsed it). */
  store(filter: DecisionReportFilter, report: DecisionReport): void {
    const key = reportKey(filter);
    const checked = DecisionReport.parse(report);
    this.c.write(() => {
      this.s.put.run(key, Date.parse(checked.generatedAt), this.c.now().getTime(), JSON.stringify(checked));
      this.s.prune.run(reportCacheCapacity);
    });
  }
}
