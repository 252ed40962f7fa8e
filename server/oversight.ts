// Live oversight for supervisors: how much open work each reviewer (and the unassigned pool) holds, and how much of it
// is due today, escalated (day two) or overdue, with the applications behind each number. One aggregate over the open
// applications (the partial index of migration 7 holds every column it reads), and keyset pages due first.
import { endOfLocalDay, localDate } from '../shared/businessDays';
import type { ApplicationEnvelope, OversightApplication, OversightApplicationsResponse, OversightBucket, OversightRow, OversightSummary } from '../shared/contract/central';
import type { Application } from '../shared/domain';
import { DomainError } from '../shared/errors';
import { isLineText } from '../shared/text';
import type { SqlValue } from './db';
import type { CentralService } from './service';
import { currentCalendar, holidayDataMissing } from './calendar';

/** An application is open on the central service while queued (shared/lifecycle: the only open status it stores). */
const OPEN = 'queued';

/** The predicate of a bucket over the placeholders of now and of the end of today, on applications aliased `a`. */
const bucketWhere: Record<OversightBucket, (now: string, endOfToday: string) => string> = {
  open: () => 'true',
  due_today: (now, end) => `a.due_at > ${now} AND a.due_at <= ${end}`,
  escalated: (now) => `a.escalate_at <= ${now} AND a.due_at > ${now}`,
  overdue: (now) => `a.due_at <= ${now}`,
};

/** The instants every count and list of one request is measured against: now, and the end of the calendar's today. */
function window(service: CentralService): { now: Date; endOfToday: Date; today: string; timeZone: string } {
  const now = service.options.now();
  const { timeZone } = service.options.calendar;
  return { now, endOfToday: endOfLocalDay(now, timeZone), today: localDate(now, timeZone), timeZone };
}

/** The counts per holder at $1 (now) with today ending at $2; exported for the plan check of its test. */
export const oversightCountsSql = `SELECT a.assignee,
       count(*) AS open,
       count(*) FILTER (WHERE ${bucketWhere.due_today('$1', '$2')}) AS due_today,
       count(*) FILTER (WHERE ${bucketWhere.escalated('$1', '$2')}) AS escalated,
       count(*) FILTER (WHERE ${bucketWhere.overdue('$1', '$2')}) AS overdue
  FROM applications a
 WHERE a.status = '${OPEN}'
 GROUP BY a.assignee`;

export async function oversightSummary(service: CentralService): Promise<OversightSummary> {
  await currentCalendar(service, service.db);
  const { now, endOfToday, today, timeZone } = window(service);
  const counts = await service.db.query<{ assignee: string | null; open: number; due_today: number; escalated: number; overdue: number }>(
    oversightCountsSql,
    [now, endOfToday],
  );
  const people = await service.db.query<{ username: string; display_name: string }>(
    `SELECT username, display_name FROM people WHERE role = 'reviewer' AND active ORDER BY username`,
  );
  const byAssignee = new Map(counts.map((c) => [c.assignee, c]));
  const rowOf = (reviewer: string | null, displayName: string | null): OversightRow => {
    const c = byAssignee.get(reviewer);
    return {
      reviewer,
      displayName,
      open: Number(c?.open ?? 0),
      dueToday: Number(c?.due_today ?? 0),
      escalated: Number(c?.escalated ?? 0),
      overdue: Number(c?.overdue ?? 0),
    };
  };
  const known = new Set(people.map((p) => p.username));
  // Someone no longer an active reviewer may still hold work until their leases run out: they are shown too.
  const former = counts.flatMap((c) => (c.assignee !== null && !known.has(c.assignee) ? [c.assignee] : [])).sort();
  const rows = [...people.map((p) => rowOf(p.username, p.display_name)), ...former.map((u) => rowOf(u, null)), rowOf(null, null)];
  return { asOf: now.toISOString(), today, timeZone, rows, holidayDataMissing: await holidayDataMissing(service) };
}

export async function oversightApplications(
  service: CentralService,
  query: { reviewer?: string | undefined; unassigned?: boolean | undefined; bucket: OversightBucket; cursor?: string | undefined; limit: number },
): Promise<OversightApplicationsResponse> {
  const { now, endOfToday } = window(service);
  // Only the instants the bucket reads are sent: PostgreSQL refuses a parameter it cannot type.
  const params: SqlValue[] = query.bucket === 'open' ? [] : query.bucket === 'due_today' ? [now, endOfToday] : [now];
  const where = [`a.status = '${OPEN}'`, bucketWhere[query.bucket]('$1', '$2')];
  if (query.reviewer !== undefined) {
    params.push(query.reviewer);
    where.push(`a.assignee = $${params.length}`);
  } else if (query.unassigned === true) {
    where.push('a.assignee IS NULL');
  } else if (query.unassigned === false) {
    where.push('a.assignee IS NOT NULL');
  }
  if (query.cursor) {
    const [dueAt, id] = decodeOversightCursor(query.cursor);
    params.push(new Date(dueAt), id);
    where.push(`(a.due_at, a.id) > ($${params.length - 1}, $${params.length})`);
  }
  params.push(query.limit + 1);
  const rows = await service.db.query<{
    id: string;
    account_id: string;
    kind: Application['kind'];
    applicant_name: string | null;
    assignee: string | null;
    submitted_at: Date;
    due_at: Date;
    escalate_at: Date;
  }>(
    `SELECT a.id, a.account_id, a.kind, COALESCE(a.identity->>'fullName', a.identity->>'enterpriseName') AS applicant_name,
            a.assignee, a.submitted_at, a.due_at, a.escalate_at
       FROM applications a
      WHERE ${where.join(' AND ')}
      ORDER BY a.due_at, a.id
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const applications: OversightApplication[] = page.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    applicantName: r.applicant_name ?? '',
    assignee: r.assignee,
    submittedAt: r.submitted_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    escalateAt: r.escalate_at.toISOString(),
  }));
  const last = page.at(-1);
  return {
    applications,
    nextCursor: rows.length > query.limit && last ? encodeOversightCursor(last.due_at, last.id) : null,
    asOf: now.toISOString(),
  };
}

/** One application with its documents, for a supervisor reading a decision's case (their document route allows them). */
export async function applicationEnvelope(service: CentralService, id: string): Promise<ApplicationEnvelope> {
  const envelope = (await service.envelopes(service.db, [id])).get(id);
  if (!envelope) throw new DomainError('not_found', 'No application with this id');
  return envelope;
}

function encodeOversightCursor(dueAt: Date, id: string): string {
  return Buffer.from(JSON.stringify(['o1', dueAt.toISOString(), id])).toString('base64url');
}

function decodeOversightCursor(cursor: string): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value[0] !== 'o1' ||
    typeof value[1] !== 'string' ||
    typeof value[2] !== 'string' ||
    Number.isNaN(Date.parse(value[1])) ||
    !isLineText(value[2], 64) ||
    value[2].length === 0
  ) {
    throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out');
  }
  return [value[1], value[2]];
}
