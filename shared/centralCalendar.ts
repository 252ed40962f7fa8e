// The one way both sides (server/calendar.ts, electron/store/sqlite/calendar.ts) make the business calendar from what
// the central service publishes, so the server and every workstation count due times from the same days and zone.
// Apart from shared/contract/calendar.ts so the renderer's contract does not bundle the holiday tables.
import { createCalendar, type BusinessCalendar, type CalendarData } from './businessDays';
import type { PublishedCalendar } from './contract/calendar';

export function calendarDataOf(published: Pick<PublishedCalendar, 'years' | 'days'>): CalendarData {
  return { days: published.days, officialYears: published.years.filter((y) => y.official).map((y) => y.year) };
}

export function calendarOfPublished(published: Pick<PublishedCalendar, 'timeZone' | 'years' | 'days'>): BusinessCalendar {
  return createCalendar({ timeZone: published.timeZone, region: 'CN', data: calendarDataOf(published) });
}
