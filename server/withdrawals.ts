// The withdrawals on record for the supervisor's decision log (GET /v1/withdrawals): a withdrawn application has no
// decision row, so its withdrawal (ticket, intake account, time; migration 10) is listed from the application, newest
// first, keyset-paged, with the counts beside its filters. Migration 17 indexes the order.
import type { ApplicationKind } from '../shared/domain';
import { DomainError } from '../shared/errors';
import type { WithdrawalCounts, WithdrawalsQuery, WithdrawalsResponse } from '../shared/contract/withdrawals';
import type { Queryable } from './db';
import { DecisionWhere } from './decisions';
import { applicationSearchText, containsPattern } from './textSearch';

type Filter = Omit<WithdrawalsQuery, 'cursor' | 'limit'>;

/** The WHERE clauses of `filter` on applications `a`, leaving out one facet (for the counts beside its choices). */
function withdrawalWhere(filter: Filter, without?: 'reviewer' | 'kind', w = new DecisionWhere()): DecisionWhere {
  // Only withdrawals on record: rows withdrawn by a server older than migration 10 carry no ticket.
  w.where.push(`a.withdrawn_at IS NOT NULL`);
  if (filter.reviewer && without !== 'reviewer') w.add((n) => `a.assignee = ${n}`, filter.reviewer);
  if (filter.kind && without !== 'kind') w.add((n) => `a.kind = ${n}`, filter.kind);
  if (filter.from) w.add((n) => `a.withdrawn_at >= ${n}`, new Date(filter.from));
  if (filter.to) w.add((n) => `a.withdrawn_at < ${n}`, new Date(filter.to));
  const text = filter.text?.trim();
  if (text) {
    // As the decision log's text: an id prefix (either case), part of the name or number; here the ticket too.
    const p = (value: string) => `$${w.params.push(value)}`;
    const [upper, lower] = [text.toUpperCase(), text.toLowerCase()];
    w.where.push(
      `(a.id >= ${p(upper)} AND a.id < ${p(`${upper}\u{10FFFF}`)} OR a.id >= ${p(lower)} AND a.id < ${p(`${lower}\u{10FFFF}`)}` +
        ` OR ${applicationSearchText('a')} LIKE ${p(containsPattern(text))} OR a.withdraw_ticket_ref = ${p(upper)})`,
    );
  }
  return w;
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`w1:${at.toISOString()}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const match = /^w1:(\d{4}-\d{2}-\d{2}T[\d:.]+Z):(.{1,64})$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2] || Number.isNaN(Date.parse(match[1]))) {
    throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out for the withdrawals; ask for the first page again');
  }
  return { at: new Date(match[1]), id: match[2] };
}

export async function listWithdrawals(db: Queryable, query: WithdrawalsQuery): Promise<WithdrawalsResponse> {
  const w = withdrawalWhere(query);
  if (query.cursor) {
    const { at, id } = decodeCursor(query.cursor);
    w.params.push(at, id);
    w.where.push(`(a.withdrawn_at, a.id) < ($${w.params.length - 1}, $${w.params.length})`);
  }
  w.params.push(query.limit + 1);
  const rows = await db.query<{
    id: string;
    kind: ApplicationKind;
    applicant_name: string | null;
    assignee: string | null;
    reviewer_name: string | null;
    submitted_at: Date;
    withdraw_ticket_ref: string;
    withdrawn_at: Date;
    withdrawn_by: string;
  }>(
    `SELECT a.id, a.kind, COALESCE(a.identity->>'fullName', a.identity->>'enterpriseName') AS applicant_name, a.assignee,
            (SELECT p.display_name FROM people p WHERE p.username = a.assignee) AS reviewer_name,
            a.submitted_at, a.withdraw_ticket_ref, a.withdrawn_at, a.withdrawn_by
       FROM applications a ${w.sql()}
      ORDER BY a.withdrawn_at DESC, a.id DESC LIMIT $${w.params.length}`,
    w.params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const [total, counts] = await Promise.all([withdrawalsTotal(db, query), withdrawalCounts(db, query)]);
  return {
    withdrawals: page.map((r) => ({
      applicationId: r.id,
      kind: r.kind,
      applicantName: r.applicant_name ?? '',
      reviewer: r.assignee,
      reviewerName: r.assignee === null ? null : (r.reviewer_name ?? r.assignee),
      submittedAt: r.submitted_at.toISOString(),
      ticketRef: r.withdraw_ticket_ref,
      withdrawnAt: r.withdrawn_at.toISOString(),
      withdrawnBy: r.withdrawn_by,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.withdrawn_at, last.id) : null,
    total,
    counts,
  };
}

async function withdrawalsTotal(db: Queryable, filter: Filter): Promise<number> {
  const w = withdrawalWhere(filter);
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications a ${w.sql()}`, w.params);
  return row?.n ?? 0;
}

/** The counts beside the reviewer and kind filters, each with the other filters as they are. */
async function withdrawalCounts(db: Queryable, filter: Filter): Promise<WithdrawalCounts> {
  const byReviewer = withdrawalWhere(filter, 'reviewer');
  const byKind = withdrawalWhere(filter, 'kind');
  const [reviewers, kinds] = await Promise.all([
    db.query<{ reviewer: string | null; name: string | null; n: number }>(
      `SELECT a.assignee AS reviewer, min(p.display_name) AS name, count(*)::int AS n
         FROM applications a LEFT JOIN people p ON p.username = a.assignee ${byReviewer.sql()}
        GROUP BY a.assignee ORDER BY a.assignee`,
      byReviewer.params,
    ),
    db.query<{ kind: ApplicationKind; n: number }>(`SELECT a.kind, count(*)::int AS n FROM applications a ${byKind.sql()} GROUP BY a.kind`, byKind.params),
  ]);
  const kind = { individual: 0, enterprise: 0, change: 0 };
  for (const k of kinds) kind[k.kind] = k.n;
  return {
    reviewer: reviewers.filter((r) => r.reviewer !== null).map((r) => ({ reviewer: r.reviewer as string, name: r.name ?? (r.reviewer as string), count: r.n })),
    unassigned: reviewers.find((r) => r.reviewer === null)?.n ?? 0,
    kind,
  };
}
