// The business calendar the central service owns (R7, DOMAIN.md "Business calendar"): official days off and make-up
// working days in PostgreSQL (migration 10, seeded from shared/holidays.data.ts, which scripts/calendar-seed.ts
// generates from the chinese-days package), one year at a time replaced by a supervisor, every change kept in
// calendar_changes (append-only). The service counts deadlines with the calendar of the version in the database;
// workstations fetch GET /v1/calendar when the changes feed answers a newer calendarVersion, and make the same
// BusinessCalendar from it (calendarOfPublished), so both sides compute the same due time.
import { reviewDeadline, addLocalDays, startOfLocalDay } from '../shared/businessDays';
import { calendarOfPublished } from '../shared/centralCalendar';
import {
  type CalendarChange,
  type CalendarChangesResponse,
  type CalendarDay,
  type CalendarYearRequest,
  type CalendarYearResponse,
  type PublishedCalendar,
} from '../shared/contract/calendar';
import { DomainError } from '../shared/errors';
import type { Queryable } from './db';
import { jsonOf, OPEN, type CentralService } from './service';

interface Loaded {
  version: number;
  published: PublishedCalendar;
}

/** Per service: the calendar version its options.calendar was made from, and the configured time zone. */
const loadedByService = new WeakMap<CentralService, Loaded>();
const timeZoneByService = new WeakMap<CentralService, string>();

function timeZoneOf(service: CentralService): string {
  let zone = timeZoneByService.get(service);
  if (zone === undefined) timeZoneByService.set(service, (zone = service.options.calendar.timeZone));
  return zone;
}

async function readPublished(q: Queryable, version: number, timeZone: string): Promise<PublishedCalendar> {
  const years = await q.query<{ year: number; official: boolean; updated_at: Date | null; updated_by: string | null }>(
    `SELECT year, official, updated_at, updated_by FROM calendar_years ORDER BY year`,
  );
  const days = await q.query<{ day: string; kind: CalendarDay['kind']; name: string }>(`SELECT day, kind, name FROM calendar_days ORDER BY day`);
  return {
    version,
    timeZone,
    years: years.map((y) => ({ year: y.year, official: y.official, updatedAt: y.updated_at?.toISOString() ?? null, updatedBy: y.updated_by })),
    days: days.map((d) => ({ date: d.day, kind: d.kind, name: d.name })),
  };
}

/**
 * Brings the service's calendar up to the database's version (another instance, or this one, may have changed it)
 * and answers the version. `lock`: 'share' inside a transaction that computes deadlines, so a supervisor's change
 * (which holds the row FOR UPDATE) is either wholly before it or wholly after it.
 */
export async function currentCalendar(service: CentralService, q: Queryable, lock: 'share' | null = null): Promise<Loaded> {
  const [row] = await q.query<{ version: string | number }>(`SELECT version FROM calendar_state${lock === 'share' ? ' FOR SHARE' : ''}`);
  const version = Number(row?.version ?? 0);
  const loaded = loadedByService.get(service);
  if (loaded && loaded.version === version) return loaded;
  const published = await readPublished(q, version, timeZoneOf(service));
  const next = { version, published };
  service.options.calendar = calendarOfPublished(published);
  loadedByService.set(service, next);
  return next;
}

const isWeekend = (date: string): boolean => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
};

/** The request's days, checked: all in the year, each listed once, make-up working days on weekends only. */
function daysOf(year: number, request: CalendarYearRequest): CalendarDay[] {
  const days: CalendarDay[] = [
    ...request.holidays.map((d) => ({ date: d.date, kind: 'holiday' as const, name: d.name })),
    ...request.workingDays.map((d) => ({ date: d.date, kind: 'workday' as const, name: d.name })),
  ];
  const seen = new Set<string>();
  for (const day of days) {
    if (!day.date.startsWith(`${year}-`)) {
      throw new DomainError('invalid_calendar_day', `${day.date} is not in ${year}; each year is changed on its own`);
    }
    if (seen.has(day.date)) throw new DomainError('invalid_calendar_day', `${day.date} is listed twice; list each date once, as a day off or as a working day`);
    seen.add(day.date);
    if (day.kind === 'workday' && !isWeekend(day.date)) {
      throw new DomainError('invalid_calendar_day', `${day.date} is a weekday, so it is a working day already; make-up working days (调休) fall on a Saturday or Sunday`);
    }
  }
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const dayKey = (d: CalendarDay): string => `${d.date} ${d.kind} ${d.name}`;

/**
 * Replaces one year's days (a supervisor, as the State Council publishes them) and recomputes the due and escalation
 * times of open applications whose window (submission to due time) reaches into that year: those are the only ones a
 * day of that year can move. Application versions are not bumped: a reviewer's decision made offline meanwhile must
 * not become a stale conflict because a holiday was entered; workstations recompute from the calendar they pull.
 */
export async function replaceCalendarYear(
  service: CentralService,
  changedBy: string,
  year: number,
  request: CalendarYearRequest,
): Promise<CalendarYearResponse> {
  const days = daysOf(year, request);
  if (request.official && !days.some((d) => d.kind === 'holiday')) {
    throw new DomainError('invalid_calendar_day', `An official year lists its days off (at least New Year's Day, ${year}-01-01)`);
  }
  const now = service.options.now();
  return service.db.transaction(async (tx) => {
    const [state] = await tx.query<{ version: string | number }>(`SELECT version FROM calendar_state FOR UPDATE`);
    const version = Number(state?.version ?? 0) + 1;
    const [before] = await tx.query<{ official: boolean }>(`SELECT official FROM calendar_years WHERE year = $1`, [year]);
    const old = await tx.query<{ day: string; kind: CalendarDay['kind']; name: string }>(`SELECT day, kind, name FROM calendar_days WHERE year = $1 ORDER BY day`, [year]);
    const oldDays = old.map((d) => ({ date: d.day, kind: d.kind, name: d.name }));
    const oldKeys = new Set(oldDays.map(dayKey));
    const newKeys = new Set(days.map(dayKey));
    const added = days.filter((d) => !oldKeys.has(dayKey(d)));
    const removed = oldDays.filter((d) => !newKeys.has(dayKey(d)));

    await tx.query(
      `INSERT INTO calendar_years (year, official, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (year) DO UPDATE SET official = EXCLUDED.official, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [year, request.official, now, changedBy],
    );
    await tx.query(`DELETE FROM calendar_days WHERE year = $1`, [year]);
    await tx.query(
      `INSERT INTO calendar_days (day, year, kind, name)
       SELECT d.date, $2, d.kind, d.name FROM jsonb_to_recordset($1::jsonb) AS d(date text, kind text, name text)`,
      [JSON.stringify(days), year],
    );
    await tx.query(`UPDATE calendar_state SET version = $1`, [version]);
    const { published } = await currentCalendar(service, tx);
    const recomputed = await recomputeDeadlines(service, tx, year, published.timeZone);
    await tx.query(
      `INSERT INTO calendar_changes (year, changed_by, changed_at, official_before, official_after, added, removed, note, recomputed)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)`,
      [year, changedBy, now, before?.official ?? null, request.official, JSON.stringify(added), JSON.stringify(removed), request.note, recomputed],
    );
    return { calendar: published, recomputed };
  });
}

/** Open applications whose submission-to-due window touches `year` (a day of margin either side), recomputed. */
async function recomputeDeadlines(service: CentralService, tx: Queryable, year: number, timeZone: string): Promise<number> {
  const from = startOfLocalDay(addLocalDays(`${year}-01-01`, -1), timeZone);
  const to = startOfLocalDay(addLocalDays(`${year + 1}-01-01`, 1), timeZone);
  const rows = await tx.query<{ id: string; submitted_at: Date; due_at: Date; escalate_at: Date }>(
    `SELECT id, submitted_at, due_at, escalate_at FROM applications WHERE status = $1 AND submitted_at < $2 AND due_at >= $3 FOR UPDATE`,
    [OPEN, to, from],
  );
  const moved: { id: string; due_at: string; escalate_at: string }[] = [];
  for (const row of rows) {
    const { dueAt, escalateAt } = reviewDeadline(row.submitted_at, service.options.calendar);
    if (dueAt.getTime() !== row.due_at.getTime() || escalateAt.getTime() !== row.escalate_at.getTime()) {
      moved.push({ id: row.id, due_at: dueAt.toISOString(), escalate_at: escalateAt.toISOString() });
    }
  }
  if (moved.length > 0) {
    await tx.query(
      `UPDATE applications a SET due_at = m.due_at, escalate_at = m.escalate_at
         FROM jsonb_to_recordset($1::jsonb) AS m(id text, due_at timestamptz, escalate_at timestamptz) WHERE a.id = m.id`,
      [JSON.stringify(moved)],
    );
  }
  return moved.length;
}

export async function publishedCalendar(service: CentralService): Promise<PublishedCalendar> {
  return (await currentCalendar(service, service.db)).published;
}

export async function calendarChanges(service: CentralService, year: number | undefined): Promise<CalendarChangesResponse> {
  const rows = await service.db.query<{
    id: string | number;
    year: number;
    changed_by: string;
    changed_at: Date;
    official_before: boolean | null;
    official_after: boolean;
    added: unknown;
    removed: unknown;
    note: string;
    recomputed: number;
  }>(
    `SELECT id, year, changed_by, changed_at, official_before, official_after, added, removed, note, recomputed
       FROM calendar_changes WHERE ($1::int IS NULL OR year = $1) ORDER BY id DESC LIMIT 500`,
    [year ?? null],
  );
  const changes: CalendarChange[] = rows.map((r) => ({
    id: Number(r.id),
    year: r.year,
    changedBy: r.changed_by,
    changedAt: r.changed_at.toISOString(),
    officialBefore: r.official_before,
    officialAfter: r.official_after,
    added: jsonOf(r.added) as CalendarDay[],
    removed: jsonOf(r.removed) as CalendarDay[],
    note: r.note,
    recomputed: r.recomputed,
  }));
  return { changes };
}

/** Open applications falling due in a year without official holiday data, per year (the supervisor's oversight says so). */
export async function holidayDataMissing(service: CentralService): Promise<{ year: number; open: number }[]> {
  const { published } = await currentCalendar(service, service.db);
  const official = new Set(published.years.filter((y) => y.official).map((y) => y.year));
  const rows = await service.db.query<{ year: number; open: string | number }>(
    `SELECT extract(year FROM a.due_at AT TIME ZONE $2)::integer AS year, count(*) AS open
       FROM applications a WHERE a.status = $1 GROUP BY 1 ORDER BY 1`,
    [OPEN, published.timeZone],
  );
  return rows.filter((r) => !official.has(r.year)).map((r) => ({ year: r.year, open: Number(r.open) }));
}
