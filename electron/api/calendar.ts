// The first-run fallback of the business calendar (R7): time zone, region and overrides from an optional
// `calendar.json` in the data folder, e.g.
//   { "timeZone": "Asia/Shanghai", "region": "CN", "holidays": ["2027-01-01"], "workingDays": ["2027-02-06"] }
// It counts only until the first sync brings the central service's calendar (electron/sync/calendar.ts), which then
// replaces it whole, time zone included, so this workstation and the server count the same due times. Overrides win
// over the packaged Chinese holiday data; an invalid file stops the start with a clear error.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { createCalendar, type BusinessCalendar } from '../../shared/businessDays';
import { DomainError, describeIssues } from '../../shared/errors';
import { lineText } from '../../shared/text';

export const CalendarFile = z
  .object({
    timeZone: lineText(64).min(1).optional(),
    region: z.enum(['CN', 'none']).optional(),
    holidays: z.array(lineText(10)).max(2000).default([]),
    workingDays: z.array(lineText(10)).max(2000).default([]),
  })
  .strict();

export function loadCalendar(path: string): BusinessCalendar {
  if (!existsSync(path)) return createCalendar({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new DomainError('invalid_calendar_overrides', `The calendar file ${path} is not valid JSON; fix it or remove it.`);
  }
  const parsed = CalendarFile.safeParse(raw);
  if (!parsed.success) throw new DomainError('invalid_calendar_overrides', `The calendar file ${path} is not valid: ${describeIssues(parsed.error)}.`);
  const { timeZone, region, holidays, workingDays } = parsed.data;
  return createCalendar({ ...(timeZone ? { timeZone } : {}), ...(region ? { region } : {}), overrides: { holidays, workingDays } });
}
