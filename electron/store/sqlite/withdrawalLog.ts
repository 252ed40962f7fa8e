// The withdrawals on record as the central service last reported them (GET /v1/withdrawals), held here (the newest
// `withdrawalLogCapacity`) so that a supervisor reads them offline with the decision log: the same filters, counts
// beside them, keyset pages newest first. Store migration 15 makes the table.
import { type WithdrawalLogFilter, WithdrawalLogQuery, withdrawalLogCapacity, type WithdrawalCounts, type WithdrawalRecord } from '../../../shared/contract/withdrawals';
import { DomainError } from '../../../shared/errors';
import type { StoreConnection } from './connection';
import { parseJson } from './rows';

/** The sync-state key of the time the copy was last brought up to date. */
export const withdrawalLogSyncedKey = 'withdrawalLog.syncedAt';

type Filter = ReturnType<typeof WithdrawalLogFilter.parse>;

export interface WithdrawalCopyPage {
  items: WithdrawalRecord[];
  nextCursor: string | null;
  total: number;
  counts: WithdrawalCounts;
  syncedAt: string | null;
}

function whereOf(f: Filter, without?: 'reviewer' | 'kind'): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.reviewer !== undefined && without !== 'reviewer') {
    where.push('reviewer = @reviewer');
    params.reviewer = f.reviewer;
  }
  if (f.kind !== undefined && without !== 'kind') {
    where.push('kind = @kind');
    params.kind = f.kind;
  }
  if (f.from !== undefined) {
    where.push('withdrawn_at >= @from');
    params.from = Date.parse(f.from);
  }
  if (f.to !== undefined) {
    where.push('withdrawn_at < @to');
    params.to = Date.parse(f.to);
  }
  const text = f.text?.trim();
  if (text) {
    // As the central service: an id prefix (either case), part of the name or number, or the ticket.
    where.push(`(substr(application_id, 1, length(@text)) IN (@upper, @lower) OR instr(search_text, @needle) > 0 OR ticket_ref = @upper)`);
    Object.assign(params, { text, upper: text.toUpperCase(), lower: text.toLowerCase(), needle: text.normalize('NFKC').toLowerCase() });
  }
  return { where, params };
}

const sqlWhere = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

function encodeCursor(at: number, id: string): string {
  return Buffer.from(`wl:${at}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; id: string } {
  const match = /^wl:(\d+):(.+)$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw new DomainError('bad_cursor', 'This page of the withdrawals is out of date; go back to the first page.');
  return { at: Number(match[1]), id: match[2] };
}

export class WithdrawalLog {
  constructor(private readonly c: StoreConnection) {}

  page(raw: WithdrawalLogQuery): WithdrawalCopyPage {
    const q = WithdrawalLogQuery.parse(raw);
    return this.c.read(() => {
      const { where, params } = whereOf(q);
      const total = (this.c.db.prepare(`SELECT count(*) AS n FROM withdrawal_log ${sqlWhere(where)}`).get(params) as { n: number }).n;
      if (q.cursor) {
        const after = decodeCursor(q.cursor);
        where.push('(withdrawn_at, application_id) < (@cAt, @cId)');
        Object.assign(params, { cAt: after.at, cId: after.id });
      }
      const rows = this.c.db
        .prepare(`SELECT application_id, withdrawn_at, body FROM withdrawal_log ${sqlWhere(where)} ORDER BY withdrawn_at DESC, application_id DESC LIMIT @limit`)
        .all({ ...params, limit: q.limit + 1 }) as { application_id: string; withdrawn_at: number; body: string }[];
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => parseJson<WithdrawalRecord>(r.body)),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.withdrawn_at, last.application_id) : null,
        total,
        counts: this.counts(q),
        syncedAt: (this.c.db.prepare(`SELECT value FROM sync_state WHERE key = ?`).get(withdrawalLogSyncedKey) as { value: string } | undefined)?.value ?? null,
      };
    });
  }

  private counts(f: Filter): WithdrawalCounts {
    const grouped = (facet: 'reviewer' | 'kind', column: string) => {
      const { where, params } = whereOf(f, facet);
      return this.c.db.prepare(`SELECT ${column} AS value, min(reviewer_name) AS name, count(*) AS n FROM withdrawal_log ${sqlWhere(where)} GROUP BY ${column}`).all(params) as {
        value: string | null;
        name: string | null;
        n: number;
      }[];
    };
    const reviewers = grouped('reviewer', 'reviewer');
    const kinds = grouped('kind', 'kind');
    const of = (value: string) => kinds.find((k) => k.value === value)?.n ?? 0;
    return {
      reviewer: reviewers
        .filter((r) => r.value !== null)
        .map((r) => ({ reviewer: r.value as string, name: r.name ?? (r.value as string), count: r.n }))
        .sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
      unassigned: reviewers.find((r) => r.value === null)?.n ?? 0,
      kind: { individual: of('individual'), enterprise: of('enterprise'), change: of('change') },
    };
  }

  /** Keeps withdrawals as reported (a newer report replaces one), the newest `capacity`; with syncedAt, up to date as of then. */
  store(records: readonly WithdrawalRecord[], syncedAt: string | null): { stored: number; pruned: number } {
    return this.c.write(() => {
      const upsert = this.c.db.prepare(
        `INSERT INTO withdrawal_log (application_id, withdrawn_at, reviewer, reviewer_name, kind, ticket_ref, search_text, body)
         VALUES (@application_id, @withdrawn_at, @reviewer, @reviewer_name, @kind, @ticket_ref, @search_text, @body)
         ON CONFLICT (application_id) DO UPDATE SET withdrawn_at = excluded.withdrawn_at, reviewer = excluded.reviewer,
           reviewer_name = excluded.reviewer_name, kind = excluded.kind, ticket_ref = excluded.ticket_ref,
           search_text = excluded.search_text, body = excluded.body`,
      );
      for (const r of records) {
        upsert.run({
          application_id: r.applicationId,
          withdrawn_at: Date.parse(r.withdrawnAt),
          reviewer: r.reviewer,
          reviewer_name: r.reviewerName,
          kind: r.kind,
          ticket_ref: r.ticketRef,
          search_text: r.applicantName.normalize('NFKC').toLowerCase(),
          body: JSON.stringify(r),
        });
      }
      const pruned = this.c.db
        .prepare(`DELETE FROM withdrawal_log WHERE application_id NOT IN (SELECT application_id FROM withdrawal_log ORDER BY withdrawn_at DESC, application_id DESC LIMIT ?)`)
        .run(withdrawalLogCapacity).changes;
      if (syncedAt !== null) this.c.db.prepare(`INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(withdrawalLogSyncedKey, syncedAt);
      return { stored: records.length, pruned };
    });
  }

  /** The newest withdrawal held, where the next refresh starts; null when empty. */
  newest(): string | null {
    const row = this.c.db.prepare(`SELECT max(withdrawn_at) AS at FROM withdrawal_log`).get() as { at: number | null };
    return row.at === null ? null : new Date(row.at).toISOString();
  }
}
