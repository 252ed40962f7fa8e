// Business-day maths for the review deadline (R7 of DOMAIN.md), in a named IANA time zone.
//
// Semantics:
// - The clock starts at submission when the submission's local date is a working day; otherwise at
//   00:00 local time of the next working day.
// - dueAt is the same local wall-clock time as the clock start, 3 working days later;
//   escalateAt is the same wall-clock time 2 working days later ("escalates from day 2").
//   E.g. Monday 10:00 → escalate Wednesday 10:00, due Thursday 10:00; Saturday 15:00 → clock starts
//   Monday 00:00 → due Thursday 00:00.
// - States are half-open: on_time before escalateAt, escalated from escalateAt, overdue from dueAt.
// - Working days: Monday to Friday, minus public holidays, plus adjusted working days (China moves working
//   days onto weekends around public holidays, 调休). With region 'CN' holidays come from chinese-days
//   as the central service publishes them (CalendarData, shared/contract/calendar.ts), or the packaged table
//   (shared/holidays.ts) until a workstation's first sync; in a year without official data only weekends are
//   days off, and calendarCoverage()/uncoveredYear() tell the UI so it can warn. Overrides win over both.
// - A wall-clock time that does not exist on the target day (spring-forward gap) moves forward by the
//   gap; one that exists twice (autumn fall-back) takes the earlier instant (Temporal's 'compatible').
import { z } from 'zod';
import { DomainError } from './errors';
import { chinaHolidays, type HolidayTable } from './holidays';

export interface BusinessCalendar {
  readonly timeZone: string;
  /** localDate is YYYY-MM-DD in the calendar's time zone. */
  isWorkingDay(localDate: string): boolean;
}

const localDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseLocalDate(value: string): { year: number; month: number; day: number } | null {
  const match = localDatePattern.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return { year, month, day };
}

type Overrides = { holidays: string[]; workingDays: string[] };
let overridesSchema: z.ZodType<Overrides> | null = null;

/**
 * The administrator's file: extra days off and extra working days (YYYY-MM-DD, local to the calendar). Built on
 * first use: module-level zod calls would keep zod in the renderer's bundle, which uses this module's date math.
 */
export function calendarOverridesSchema(): z.ZodType<Overrides> {
  // A calendar date written YYYY-MM-DD that exists (no 2026-02-30).
  const localDate = () => z.string().refine((v) => parseLocalDate(v) !== null, { message: 'a calendar date written YYYY-MM-DD, such as 2026-10-01' });
  overridesSchema ??= z
    .object({
      holidays: z.array(localDate()).max(2000),
      workingDays: z.array(localDate()).max(2000),
    })
    .superRefine((value, ctx) => {
      const holidays = new Set(value.holidays);
      const both = value.workingDays.filter((d) => holidays.has(d));
      if (both.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['workingDays'],
          message: `listed both as a holiday and as a working day: ${both.slice(0, 5).join(', ')}`,
        });
      }
    });
  return overridesSchema;
}

export type CalendarOverrides = Overrides;

export type CalendarRegion = 'CN' | 'none';

export interface CalendarCoverage {
  readonly region: CalendarRegion;
  /** First and last year of official holiday data the calendar knows (package data only); null for region 'none'. */
  readonly firstYear: number | null;
  readonly lastYear: number | null;
  /**
   * Whether holidays are known for this local date: always for region 'none' (weekends and overrides are the
   * whole calendar), for 'CN' when the package has that year or the overrides list any date in that year.
   */
  covers(localDate: string): boolean;
}

const coverageByCalendar = new WeakMap<BusinessCalendar, CalendarCoverage>();

const alwaysCovered: CalendarCoverage = { region: 'none', firstYear: null, lastYear: null, covers: () => true };

/** What holiday data a calendar rests on; calendars not made by createCalendar count as fully covered. */
export function calendarCoverage(calendar: BusinessCalendar): CalendarCoverage {
  return coverageByCalendar.get(calendar) ?? alwaysCovered;
}

/**
 * The central service's calendar (server/calendar.ts publishes it, workstations store it): every official day off
 * and make-up working day by local date, and the years whose data is official. Given to createCalendar it replaces
 * the packaged table, so the server and every workstation count working days from the same data.
 */
export interface CalendarData {
  readonly days: readonly { readonly date: string; readonly kind: 'holiday' | 'workday'; readonly name: string }[];
  readonly officialYears: readonly number[];
}

/** What createCalendar was given: enough to make the same calendar again in another thread. */
export interface CalendarSpec {
  timeZone?: string;
  overrides?: { holidays: string[]; workingDays: string[] };
  region?: CalendarRegion;
  /** The central calendar; without it region 'CN' uses the packaged table (a workstation before its first sync). */
  data?: CalendarData;
}

/** The table of a central calendar: only its official years count as covered. */
function tableOf(data: CalendarData): HolidayTable {
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  for (const day of data.days) (day.kind === 'holiday' ? holidays : workdays).set(day.date, day.name);
  const years = new Set(data.officialYears);
  const sorted = [...years].sort((a, b) => a - b);
  return { holidays, workdays, years, firstYear: sorted[0] ?? null, lastYear: sorted[sorted.length - 1] ?? null };
}

const specByCalendar = new WeakMap<BusinessCalendar, CalendarSpec>();

/** The options a calendar was made with; null for calendars not made by createCalendar. */
export function calendarSpec(calendar: BusinessCalendar): CalendarSpec | null {
  return specByCalendar.get(calendar) ?? null;
}

function isWeekday(date: { year: number; month: number; day: number }): boolean {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

export function createCalendar(options: CalendarSpec = {}): BusinessCalendar {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  assertTimeZone(timeZone);
  const region = options.region ?? 'CN';
  const parsed = calendarOverridesSchema().safeParse(options.overrides ?? { holidays: [], workingDays: [] });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new DomainError(
      'invalid_calendar_overrides',
      `The holiday overrides file is not valid (${first ? `${first.path.join('.')}: ${first.message}` : 'unreadable'}); fix it and reload.`,
    );
  }
  const extraHolidays = new Set(parsed.data.holidays);
  const extraWorkingDays = new Set(parsed.data.workingDays);
  const overrideYears = new Set([...extraHolidays, ...extraWorkingDays].map((d) => Number(d.slice(0, 4))));
  const table = region === 'CN' ? (options.data ? tableOf(options.data) : chinaHolidays) : null;

  const calendar: BusinessCalendar = {
    timeZone,
    isWorkingDay(localDate: string): boolean {
      const date = parseLocalDate(localDate);
      if (!date) throw new DomainError('invalid_local_date', `"${localDate}" is not a calendar date written YYYY-MM-DD`);
      if (extraWorkingDays.has(localDate)) return true;
      if (extraHolidays.has(localDate)) return false;
      if (table) {
        if (table.workdays.has(localDate)) return true;
        if (table.holidays.has(localDate)) return false;
      }
      return isWeekday(date);
    },
  };
  specByCalendar.set(calendar, {
    timeZone,
    region,
    overrides: { holidays: [...extraHolidays], workingDays: [...extraWorkingDays] },
    ...(options.data ? { data: options.data } : {}),
  });
  coverageByCalendar.set(calendar, {
    region,
    firstYear: table?.firstYear ?? null,
    lastYear: table?.lastYear ?? null,
    covers(localDate: string): boolean {
      if (!table) return true;
      const year = Number(localDate.slice(0, 4));
      return table.years.has(year) || overrideYears.has(year);
    },
  });
  return calendar;
}

// ---- time zone conversion (Intl only) ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = newFormatter(timeZone);
    } catch {
      throw new DomainError('invalid_time_zone', `"${timeZone}" is not a time zone this system knows; use an IANA name such as Asia/Shanghai`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function newFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    numberingSystem: 'latn',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    era: 'short',
  });
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The zone's offset (ms ahead of UTC) at an instant, as Intl tells it: ~5 µs a call. */
function offsetFromIntl(epochMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  const asUtc = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second), millisecond);
  return asUtc - epochMs;
}

const HOUR_MS = 60 * 60 * 1000;
/** Per zone, the offset of each hour since the epoch in which it does not change (a deadline asks ~13 times). */
const hourOffsets = new Map<string, Map<number, number>>();

/** Milliseconds the zone is ahead of UTC at this instant. */
function offsetAt(epochMs: number, timeZone: string): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  let zone = hourOffsets.get(timeZone);
  if (!zone) hourOffsets.set(timeZone, (zone = new Map()));
  const cached = zone.get(hour);
  if (cached !== undefined) return cached;
  const first = offsetFromIntl(hour * HOUR_MS, timeZone);
  // The clocks change within this hour: answer exactly, and do not keep it.
  if (offsetFromIntl(hour * HOUR_MS + HOUR_MS - 1, timeZone) !== first) return offsetFromIntl(epochMs, timeZone);
  if (zone.size >= 100_000) zone.clear();
  zone.set(hour, first);
  return first;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new DomainError('invalid_instant', 'A date needed for the deadline is missing or not a valid time');
  const local = new Date(ms + offsetAt(ms, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The calendar date (YYYY-MM-DD) of an instant in the given IANA time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant at which the zone's clocks show this wall-clock time (gap → later, overlap → earlier). */
function instantOf(wall: WallClock, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((t) => offsetAt(t, timeZone) === asUtc - t)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return new Date(earliest);
  // In a gap: read the wall time with the offset in force before the jump, which lands after it.
  return new Date(asUtc - before);
}

/** The calendar date `days` after (or before, if negative) a YYYY-MM-DD date. */
export function addLocalDays(date: string, days: number): string {
  const d = parseLocalDate(date);
  if (!d) throw new DomainError('invalid_local_date', `"${date}" is not a calendar date written YYYY-MM-DD`);
  const next = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

function nextDate(date: string): string {
  return addLocalDays(date, 1);
}

/** The first instant of a local date in the zone (01:00 where midnight is skipped by a DST switch). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const d = parseLocalDate(date);
  if (!d) throw new DomainError('invalid_local_date', `"${date}" is not a calendar date written YYYY-MM-DD`);
  return instantOf({ ...d, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** The first instant after `instant` that falls on the next local calendar day. */
export function endOfLocalDay(instant: Date, timeZone: string): Date {
  return startOfLocalDay(nextDate(localDate(instant, timeZone)), timeZone);
}

/** A year without a working day means a broken calendar; fail loudly instead of looping. */
const MAX_SEARCH_DAYS = 400;

function nextWorkingDay(after: string, calendar: BusinessCalendar): string {
  let date = after;
  for (let i = 0; i < MAX_SEARCH_DAYS; i++) {
    date = nextDate(date);
    if (calendar.isWorkingDay(date)) return date;
  }
  throw new DomainError(
    'calendar_without_working_days',
    `The business calendar has no working day for ${MAX_SEARCH_DAYS} days after ${after}; check the holiday overrides.`,
  );
}

function addWorkingDays(from: string, count: number, calendar: BusinessCalendar): string {
  let date = from;
  for (let i = 0; i < count; i++) date = nextWorkingDay(date, calendar);
  return date;
}

function atDate(date: string, time: WallClock): WallClock {
  const d = parseLocalDate(date);
  if (!d) throw new DomainError('invalid_local_date', `"${date}" is not a calendar date written YYYY-MM-DD`);
  return { ...time, year: d.year, month: d.month, day: d.day };
}

/** Where the review clock starts: the submission on a working day, else 00:00 of the next working day. */
export function reviewClockStart(submittedAt: Date, calendar: BusinessCalendar): { date: string; time: WallClock } {
  const wall = wallClock(submittedAt, calendar.timeZone);
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  if (calendar.isWorkingDay(date)) return { date, time: wall };
  const start = nextWorkingDay(date, calendar);
  return { date: start, time: { ...wall, hour: 0, minute: 0, second: 0, millisecond: 0 } };
}

export const REVIEW_DUE_WORKING_DAYS = 3;
export const REVIEW_ESCALATE_WORKING_DAYS = 2;

export function reviewDeadline(submittedAt: Date, calendar: BusinessCalendar): { dueAt: Date; escalateAt: Date } {
  const start = reviewClockStart(submittedAt, calendar);
  const escalateDate = addWorkingDays(start.date, REVIEW_ESCALATE_WORKING_DAYS, calendar);
  const dueDate = addWorkingDays(escalateDate, REVIEW_DUE_WORKING_DAYS - REVIEW_ESCALATE_WORKING_DAYS, calendar);
  return {
    escalateAt: instantOf(atDate(escalateDate, start.time), calendar.timeZone),
    dueAt: instantOf(atDate(dueDate, start.time), calendar.timeZone),
  };
}

export type DeadlineState = 'on_time' | 'escalated' | 'overdue';

/** The state at `now` of a deadline (reviewDeadline). */
export function deadlineState(now: Date, { dueAt, escalateAt }: { dueAt: Date; escalateAt: Date }): DeadlineState {
  const t = now.getTime();
  if (t >= dueAt.getTime()) return 'overdue';
  if (t >= escalateAt.getTime()) return 'escalated';
  return 'on_time';
}

/**
 * Whether a deadline ran on official holiday data: the local dates of the submission and of the due date are both
 * covered (else it was counted with weekends only, and R7 says so).
 */
export function deadlineCovered(submittedAt: Date, dueAt: Date, calendar: BusinessCalendar): boolean {
  return uncoveredYear(submittedAt, dueAt, calendar) === null;
}

/**
 * The first year from the submission's to the due time's (local) without official holiday data, or null: where the
 * deadline was counted with weekends only, and which year a supervisor should add to the business calendar.
 */
export function uncoveredYear(submittedAt: Date, dueAt: Date, calendar: BusinessCalendar): number | null {
  const coverage = calendarCoverage(calendar);
  const from = Number(localDate(submittedAt, calendar.timeZone).slice(0, 4));
  const to = Number(localDate(dueAt, calendar.timeZone).slice(0, 4));
  for (let year = from; year <= to; year++) if (!coverage.covers(`${pad(year, 4)}-01-01`)) return year;
  return null;
}
