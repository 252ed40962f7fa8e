// R11 in the case store: a passport data page's MRZ reading (electron/imaging/mrz.ts) is derived data kept with the
// document (column documents.mrz, store migration 13; the store is encrypted like everything in it), compared with
// the entered identity whenever the rules run, so a change of the entered data is compared afresh.
import { compareMrz } from '../mrzCheck';
import { MrzReading, type MrzComparison } from '../../../shared/mrzReading';
import type { Application } from '../../../shared/domain';
import { DomainError, describeIssues } from '../../../shared/errors';
import type { StoreConnection } from './connection';
import { parseJson } from './rows';

export const mrzSql = {
  /** The first passport data page read, with its index among the application's documents. */
  ofApplication: `SELECT d.mrz, (SELECT count(*) FROM documents p WHERE p.application_id = d.application_id AND p.position < d.position) AS image
    FROM documents d WHERE d.application_id = ? AND d.role = 'page' AND d.mrz IS NOT NULL ORDER BY d.position LIMIT 1`,
  /** Open passport applications' data pages not read yet: what the background reading queues at start and after a pull. */
  lacking: `SELECT DISTINCT d.sha256 FROM documents d JOIN applications a ON a.id = d.application_id JOIN application_bodies b ON b.application_id = a.id
    WHERE d.role = 'page' AND d.mrz IS NULL AND a.open = 1 AND json_extract(b.body, '$.identity.documentType') = 'passport'`,
  set: `UPDATE documents SET mrz = ? WHERE sha256 = ? AND role = 'page' RETURNING application_id`,
};

export interface MrzResult {
  sha256: string;
  reading: MrzReading;
}

export class MrzReadings {
  private readonly ofApplication;
  private readonly lackingStatement;
  private readonly setStatement;

  constructor(private readonly c: StoreConnection) {
    this.ofApplication = c.db.prepare<[string], { mrz: string; image: number }>(mrzSql.ofApplication);
    this.lackingStatement = c.db.prepare<[], { sha256: string }>(mrzSql.lacking);
    this.setStatement = c.db.prepare<[string, string], { application_id: string }>(mrzSql.set);
  }

  /** R11's input: the reading of the application's passport page compared with its identity, or null. */
  comparisonOf(application: Application): MrzComparison | null {
    const identity = application.identity;
    if (identity.kind !== 'individual' || identity.documentType !== 'passport') return null;
    const row = this.ofApplication.get(application.id);
    return row ? compareMrz(identity, parseJson<MrzReading>(row.mrz), row.image) : null;
  }

  lacking(): string[] {
    return this.c.read(() => this.lackingStatement.all().map((r) => r.sha256));
  }

  /**
   * Stores readings (validated first: they come from an imaging process) on every passport page showing the image;
   * `restore(applicationIds)` then stores those applications' flags anew inside the same transaction.
   */
  record(results: readonly MrzResult[], restore: (applicationIds: ReadonlySet<string>) => void): string[] {
    const parsed = results.map((r, i) => {
      const outcome = MrzReading.safeParse(r.reading);
      if (!/^[0-9a-f]{64}$/.test(r.sha256) || !outcome.success) {
        throw new DomainError('invalid_mrz_reading', `MRZ reading ${i} is not valid${outcome.success ? ' (hash)' : ` (${describeIssues(outcome.error)})`}; nothing was stored.`);
      }
      return { sha256: r.sha256, json: JSON.stringify(outcome.data) };
    });
    if (parsed.length === 0) return [];
    return this.c.write(() => {
      const touched = new Set<string>();
      for (const r of parsed) for (const row of this.setStatement.all(r.json, r.sha256)) touched.add(row.application_id);
      restore(touched);
      return [...touched];
    });
  }
}
