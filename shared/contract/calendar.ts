// The business calendar the central service owns (R7): what it publishes to workstations (GET /v1/calendar), how a
// supervisor replaces one year's days (PUT /v1/calendar/years/{year}), and the history of those changes. Both sides
// turn a PublishedCalendar into the same BusinessCalendar with shared/centralCalendar.ts, so they count the same days.
import { z } from 'zod';
import { Instant } from '../domain';
import { lineText, multilineText } from '../text';
import { defineChannel } from './channel';

const localDatePattern = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date YYYY-MM-DD that exists (no 2027-02-30). */
export const LocalDate = lineText(10).refine(
  (v) => localDatePattern.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  'a calendar date written YYYY-MM-DD, such as 2027-10-01',
);
export const CalendarYearNumber = z.coerce.number().int().min(2000).max(2100);
export const CalendarDayKind = z.enum(['holiday', 'workday']);

export const CalendarDay = z.object({ date: LocalDate, kind: CalendarDayKind, name: lineText(100).min(1) }).strict();
export type CalendarDay = z.infer<typeof CalendarDay>;

export const CalendarYear = z
  .object({
    year: CalendarYearNumber,
    /** Official: the State Council's notice for the year is entered; otherwise deadlines in it skip weekends only. */
    official: z.boolean(),
    /** Who last changed the year and when (null for the seed from the data package). */
    updatedAt: Instant.nullable(),
    updatedBy: lineText(64).nullable(),
  })
  .strict();
export type CalendarYear = z.infer<typeof CalendarYear>;

export const PublishedCalendar = z
  .object({
    /** Goes up by one with every change; the changes feed answers it so workstations know when to fetch again. */
    version: z.number().int().nonnegative(),
    timeZone: lineText(64).min(1),
    years: z.array(CalendarYear),
    days: z.array(CalendarDay),
  })
  .strict();
export type PublishedCalendar = z.infer<typeof PublishedCalendar>;

const NamedDate = z.object({ date: LocalDate, name: lineText(100).trim().min(1) }).strict();

/** A supervisor's replacement of one year: every day off and every make-up working day, as the notice lists them. */
export const CalendarYearRequest = z
  .object({
    official: z.boolean(),
    holidays: z.array(NamedDate).max(60),
    workingDays: z.array(NamedDate).max(30),
    /** Why (e.g. the notice's number); kept in the history. */
    note: multilineText(500).trim().min(1),
  })
  .strict();
export type CalendarYearRequest = z.infer<typeof CalendarYearRequest>;

export const CalendarYearResponse = z
  .object({
    calendar: PublishedCalendar,
    /** Open applications whose due time the change moved. */
    recomputed: z.number().int().nonnegative(),
  })
  .strict();
export type CalendarYearResponse = z.infer<typeof CalendarYearResponse>;

export const CalendarChange = z
  .object({
    id: z.number().int().positive(),
    year: CalendarYearNumber,
    changedBy: lineText(64).min(1),
    changedAt: Instant,
    /** null when the year had no row before. */
    officialBefore: z.boolean().nullable(),
    officialAfter: z.boolean(),
    added: z.array(CalendarDay),
    removed: z.array(CalendarDay),
    note: multilineText(500),
    recomputed: z.number().int().nonnegative(),
  })
  .strict();
export type CalendarChange = z.infer<typeof CalendarChange>;

export const CalendarChangesQuery = z.object({ year: CalendarYearNumber.optional() }).strict();
export const CalendarChangesResponse = z.object({ changes: z.array(CalendarChange) }).strict();
export type CalendarChangesResponse = z.infer<typeof CalendarChangesResponse>;


// ── the supervisor's Calendar screen on the workstation (electron/api/businessCalendar.ts) ──
/** What the screen shows: the calendar and its history, live from the central service (a supervisor edits it there). */
export const CalendarScreen = z.object({ calendar: PublishedCalendar, changes: z.array(CalendarChange) }).strict();
export type CalendarScreen = z.infer<typeof CalendarScreen>;

export const calendarErrors = ['central_unreachable', 'sync_not_configured', 'signed_out', 'invalid_calendar_day'] as const;

export const calendarChannels = {
  'calendar.get': defineChannel({ request: z.object({}).strict(), response: CalendarScreen, errors: [...calendarErrors], role: 'supervisor' }),
  'calendar.replaceYear': defineChannel({
    request: CalendarYearRequest.extend({ year: z.number().int().min(2000).max(2100) }).strict(),
    response: CalendarYearResponse,
    errors: [...calendarErrors],
    role: 'supervisor',
  }),
} as const;
