// The queue: keyset pages in (due_at, submitted_at, id) order with an opaque cursor that also carries a hash of the
// filters, one index per leading filter (pinned with INDEXED BY), and the counts beside the filters.
import type Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { localDate, uncoveredYear, type BusinessCalendar } from '../../../shared/businessDays';
import { QueueQuery, type CaseReturned, type DeadlineState, type QueueCounts, type QueueItem, type QueuePage } from '../../../shared/contract/cases';
import type { ApplicationStatus, Flag, RuleId } from '../../../shared/domain';
import { DomainError } from '../../../shared/errors';
import { isOpen, openStatuses } from '../../../shared/lifecycle';
import type { StoreConnection } from './connection';
import { iso, parseJson } from './rows';
import { queueSql } from './statements';

interface QueueRow {
  id: string;
  account_id: string;
  kind: QueueItem['kind'];
  change_direction: QueueItem['changeDirection'];
  status: ApplicationStatus;
  display_name: string;
  submitted_at: number;
  due_at: number;
  escalate_at: number;
  assignee: string | null;
  has_conflict: number;
  pending: number;
  returned: string | null;
  held: number;
  flag_list: string | null;
}

const severityRank = { blocking: 3, warning: 2, info: 1 } as const;

/** NFKC, lower case, trimmed: how names are stored for search and how search text is compared. */
export function searchForm(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}

/** Upper bound of a prefix range: every string starting with `prefix` sorts below it. */
function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

export function deadlineOf(row: { status: ApplicationStatus; due_at: number; escalate_at: number }, now: number): DeadlineState {
  if (!isOpen(row.status)) return 'closed';
  if (now >= row.due_at) return 'overdue';
  if (now >= row.escalate_at) return 'escalated';
  return 'on_time';
}

/** The first instant after `now` that falls on the next calendar day in the time zone (local midnight, exact to the ms). */
export function endOfLocalDay(now: Date, timeZone: string): number {
  const today = localDate(now, timeZone);
  // Step an hour at a time past the date change, then bisect: correct whatever the offset or a DST change.
  let lo = now.getTime();
  let hi = lo + 3_600_000;
  while (localDate(new Date(hi), timeZone) === today) {
    lo = hi;
    hi += 3_600_000;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (localDate(new Date(mid), timeZone) === today) lo = mid;
    else hi = mid;
  }
  return hi;
}

interface CursorKey {
  due: number;
  sub: number;
  id: string;
  filter: string;
}

function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.due, key.sub, key.id, key.filter]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, filter: string): CursorKey {
  const bad = () => new DomainError('bad_cursor', 'This page of the queue is no longer valid (the filters changed). Go back to the first page.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw bad();
  const [due, sub, id, f] = parsed as unknown[];
  if (typeof due !== 'number' || typeof sub !== 'number' || typeof id !== 'string' || f !== filter) throw bad();
  return { due, sub, id, filter };
}

export interface BuiltQueueQuery {
  q: ReturnType<typeof QueueQuery.parse>;
  sql: string;
  params: Record<string, unknown>;
  filterKey: string;
}

/**
 * The SQL and parameters of one queue page (the query-plan tests EXPLAIN exactly this). `endOfDay` is the end of the
 * reviewer's day at `at`, for the due-today window.
 */
export function buildQueueQuery(query: QueueQuery, at: Date, endOfDay: number): BuiltQueueQuery {
  const q = QueueQuery.parse(query);
  const nowMs = at.getTime();
  const viaFlags = q.flag !== undefined && q.flag !== 'R7';
  const k = viaFlags ? { due: 'f.due_at', sub: 'f.submitted_at', id: 'f.application_id' } : { due: 'a.due_at', sub: 'a.submitted_at', id: 'a.id' };
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit + 1 };
  if (viaFlags) {
    where.push('f.rule = @flag', 'f.first_of_rule = 1');
    params.flag = q.flag;
  }
  if (q.status === 'open') where.push(viaFlags ? 'f.open = 1' : 'a.open = 1');
  else if (q.status !== 'all') {
    where.push('a.status = @status');
    params.status = q.status;
  }
  if (q.kind) {
    where.push('a.kind = @kind');
    params.kind = q.kind;
  }
  if (q.assignee) {
    where.push('a.assignee = @assignee');
    params.assignee = q.assignee;
  }
  // `+a.escalate_at` keeps the planner on the due-ordered index: escalated cases are the first-due ones anyway.
  if (q.flag === 'R7') {
    where.push('a.open = 1', '+a.escalate_at <= @now');
    params.now = nowMs;
  }
  // The window's lower bound on due_at (exclusive) is merged with the cursor below: two lower bounds on the
  // same column make the planner fall back to a skip-scan.
  let lowerDue: number | null = null;
  if (q.due !== 'all') {
    params.now = nowMs;
    if (q.due === 'overdue') where.push('a.open = 1', `${k.due} <= @now`);
    else if (q.due === 'escalated') {
      where.push('a.open = 1', '+a.escalate_at <= @now');
      lowerDue = nowMs;
    } else {
      where.push('a.open = 1', `${k.due} <= @endOfDay`);
      params.endOfDay = endOfDay;
      lowerDue = nowMs;
    }
  }
  const text = q.text ? q.text : '';
  if (text !== '') {
    const name = searchForm(text);
    params.textLo = text;
    params.textHi = prefixEnd(text);
    params.nameLo = name;
    params.nameHi = prefixEnd(name);
    const parts = [
      'SELECT id FROM applications WHERE id >= @textLo AND id < @textHi',
      'SELECT id FROM applications WHERE account_id >= @textLo AND account_id < @textHi',
      'SELECT id FROM applications WHERE search_name >= @nameLo AND search_name < @nameHi',
    ];
    if ([...name].length >= 3) {
      // A quoted FTS5 string: the text is bound, and quoting happens in SQL, so it cannot become query syntax.
      parts.push(
        `SELECT s.id FROM application_search JOIN applications s ON s.rid = application_search.rowid
         WHERE application_search MATCH '"' || replace(@nameLo, '"', '""') || '"'`,
      );
    }
    // UNION ALL: IN (…) removes duplicates itself, without sorting each branch.
    where.push(`a.id IN (${parts.join(' UNION ALL ')})`);
  }
  const filterKey = createHash('sha256')
    .update(JSON.stringify([q.status, q.kind ?? null, q.flag ?? null, q.assignee ?? null, q.due, text]))
    .digest('base64url')
    .slice(0, 12);
  if (q.cursor) {
    const c = decodeCursor(q.cursor, filterKey);
    // due > L is the same as (due, sub, id) > (L, max, max): take whichever bound is higher.
    const bound = lowerDue !== null && lowerDue >= c.due ? { cDue: lowerDue, cSub: Number.MAX_SAFE_INTEGER, cId: '\u{10FFFF}' } : { cDue: c.due, cSub: c.sub, cId: c.id };
    where.push(`(${k.due}, ${k.sub}, ${k.id}) > (@cDue, @cSub, @cId)`);
    Object.assign(params, bound);
  } else if (lowerDue !== null) {
    where.push(`${k.due} > @lowerDue`);
    params.lowerDue = lowerDue;
  }
  // The access path is pinned (INDEXED BY): with ANALYZE statistics the planner may prefer a skip-scan of
  // another index, which reads the whole table at 100,000 cases. Text search is left to the planner: its
  // IN (…) list is the selective part.
  let index: string | null = null;
  if (text === '') {
    if (viaFlags) index = 'flags_queue';
    else if (q.status === 'open') index = q.assignee ? 'applications_queue_assignee' : q.kind ? 'applications_queue_kind' : 'applications_queue_open';
    else index = q.status === 'all' ? 'applications_queue_all' : 'applications_queue_status';
  }
  const pin = index ? ` INDEXED BY ${index}` : '';
  const from = viaFlags ? `flags f${pin} JOIN applications a ON a.id = f.application_id` : `applications a${pin}`;
  const sql = `SELECT a.id, a.account_id, a.kind, a.change_direction, a.status, a.display_name, a.submitted_at, a.due_at,
      a.escalate_at, a.assignee, a.conflict IS NOT NULL AS has_conflict,
      EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = a.id AND o.state = 'pending') AS pending,
      a.returned, EXISTS (SELECT 1 FROM decisions d WHERE d.application_id = a.id AND d.effect = 'pending_second_review') AS held,
      (SELECT group_concat(fl.rule || ':' || fl.severity) FROM flags fl WHERE fl.application_id = a.id) AS flag_list
    FROM ${from}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${k.due}, ${k.sub}, ${k.id}
    LIMIT @limit`;
  return { q, sql, params, filterKey };
}

function queueItem(r: QueueRow, nowMs: number, calendar: BusinessCalendar): QueueItem {
  const byRule = new Map<RuleId, Flag['severity']>();
  for (const part of r.flag_list ? r.flag_list.split(',') : []) {
    const [rule, severity] = part.split(':') as [RuleId, Flag['severity']];
    const had = byRule.get(rule);
    if (!had || severityRank[severity] > severityRank[had]) byRule.set(rule, severity);
  }
  const deadline = deadlineOf(r, nowMs);
  if (deadline === 'overdue') byRule.set('R7', 'warning');
  else if (deadline === 'escalated') byRule.set('R7', 'info');
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    changeDirection: r.change_direction,
    status: r.status,
    displayName: r.display_name,
    submittedAt: iso(r.submitted_at),
    dueAt: iso(r.due_at),
    escalateAt: iso(r.escalate_at),
    deadline,
    assignee: r.assignee,
    flags: [...byRule].sort(([a], [b]) => (a < b ? -1 : 1)).map(([rule, severity]) => ({ rule, severity })),
    conflict: r.has_conflict === 1,
    pendingSync: r.pending === 1,
    returned: r.returned ? parseJson<CaseReturned>(r.returned) : null,
    heldForSecondReview: r.held === 1,
    holidayDataMissing: isOpen(r.status) ? uncoveredYear(new Date(r.submitted_at), new Date(r.due_at), calendar) : null,
  };
}

function prepare(db: StoreConnection['db']) {
  return {
    counters: db.prepare<[], { name: string; n: number }>(queueSql.counters),
    countOverdue: db.prepare<[number], { n: number }>(queueSql.countOverdue),
    countDueBetween: db.prepare<[number, number], { n: number }>(queueSql.countDueBetween),
    countEscalated: db.prepare<[number, number], { n: number }>(queueSql.countEscalated),
    countConflicts: db.prepare<[], { n: number }>(queueSql.countConflicts),
    openByStatusOf: db.prepare<[string], { status: ApplicationStatus; n: number }>(queueSql.openByStatusOf),
    openFlagsOf: db.prepare<[string], { rule: RuleId; n: number }>(queueSql.openFlagsOf),
    countOverdueOf: db.prepare<[string, number], { n: number }>(queueSql.countOverdueOf),
    countDueBetweenOf: db.prepare<[string, number, number], { n: number }>(queueSql.countDueBetweenOf),
    countEscalatedOf: db.prepare<[string, number, number], { n: number }>(queueSql.countEscalatedOf),
  };
}

export class Queue {
  private readonly s: ReturnType<typeof prepare>;
  private readonly pages = new Map<string, Database.Statement<Record<string, unknown>, QueueRow>>();
  /** End of the reviewer's current day: the same for every query until the date changes. */
  private dayEnd = { date: '', end: 0 };

  constructor(private readonly c: StoreConnection) {
    this.s = prepare(c.db);
  }

  endOfDay(at: Date): number {
    const date = localDate(at, this.c.calendar.timeZone);
    if (this.dayEnd.date !== date) this.dayEnd = { date, end: endOfLocalDay(at, this.c.calendar.timeZone) };
    return this.dayEnd.end;
  }

  list(query: QueueQuery): QueuePage {
    return this.c.read(() => {
      const at = this.c.now();
      const { q, sql, params, filterKey } = buildQueueQuery(query, at, this.endOfDay(at));
      let page = this.pages.get(sql);
      if (!page) {
        page = this.c.db.prepare<Record<string, unknown>, QueueRow>(sql);
        this.pages.set(sql, page);
      }
      const rows = page.all(params);
      const more = rows.length > q.limit;
      const shown = more ? rows.slice(0, q.limit) : rows;
      const last = shown[shown.length - 1];
      return {
        items: shown.map((r) => queueItem(r, at.getTime(), this.c.calendar)),
        nextCursor: more && last ? encodeCursor({ due: last.due_at, sub: last.submitted_at, id: last.id, filter: filterKey }) : null,
      };
    });
  }

  counts(assignee?: string): QueueCounts {
    return this.c.read(() => {
      const at = this.c.now();
      const nowMs = at.getTime();
      const byStatus: QueueCounts['byStatus'] = { submitted: 0, queued: 0, in_review: 0, approved: 0, rejected: 0, withdrawn: 0 };
      const byFlag: QueueCounts['byFlag'] = { R1: 0, R2: 0, R3: 0, R4: 0, R5: 0, R6: 0, R7: 0, R8: 0, R9: 0, R10: 0, R11: 0 };
      for (const { name, n } of this.s.counters.all()) {
        const [dim, value] = name.split(':') as [string, string];
        if (dim === 'status' && value in byStatus) byStatus[value as ApplicationStatus] = n;
        if (dim === 'flag' && value in byFlag && assignee === undefined) byFlag[value as RuleId] = n;
      }
      if (assignee !== undefined) {
        // The person's own open cases: a range of the assignee index each, not the workstation-wide counters.
        for (const status of openStatuses) byStatus[status] = 0;
        for (const { status, n } of this.s.openByStatusOf.all(assignee)) byStatus[status] = n;
        for (const { rule, n } of this.s.openFlagsOf.all(assignee)) byFlag[rule] = n;
      }
      const endOfDay = this.endOfDay(at);
      const overdue = (assignee === undefined ? this.s.countOverdue.get(nowMs) : this.s.countOverdueOf.get(assignee, nowMs))?.n ?? 0;
      const escalated = (assignee === undefined ? this.s.countEscalated.get(nowMs, nowMs) : this.s.countEscalatedOf.get(assignee, nowMs, nowMs))?.n ?? 0;
      const dueToday = (assignee === undefined ? this.s.countDueBetween.get(nowMs, endOfDay) : this.s.countDueBetweenOf.get(assignee, nowMs, endOfDay))?.n ?? 0;
      byFlag.R7 = overdue + escalated;
      return { byStatus, byFlag, byDue: { overdue, escalated, dueToday }, conflicts: this.s.countConflicts.get()?.n ?? 0 };
    });
  }
}
