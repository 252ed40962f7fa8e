import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../../tests/support/tempFolder';
import { loadCalendar } from './calendar';

const file = (content: string) => {
  const path = join(tempFolder('verity-cal-'), 'calendar.json');
  writeFileSync(path, content);
  return path;
};

describe('calendar file', () => {
  it('defaults to Asia/Shanghai with Chinese holidays when there is no file', () => {
    const calendar = loadCalendar('/nonexistent/calendar.json');
    expect(calendar.timeZone).toBe('Asia/Shanghai');
    expect(calendar.isWorkingDay('2025-10-01')).toBe(false); // National Day
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true); // adjusted working Sunday
  });
  it('applies an administrator override and a time zone', () => {
    const calendar = loadCalendar(file(JSON.stringify({ timeZone: 'Europe/Berlin', holidays: ['2026-12-01'], workingDays: ['2026-12-05'] })));
    expect(calendar.timeZone).toBe('Europe/Berlin');
    expect(calendar.isWorkingDay('2026-12-01')).toBe(false);
    expect(calendar.isWorkingDay('2026-12-05')).toBe(true);
  });
  it.each([
    ['not json', /not valid JSON/],
    [JSON.stringify({ holidays: ['tomorrow'] }), /not valid/],
    [JSON.stringify({ timeZone: 'Mars/Olympus' }), /time zone|Mars/i],
    [JSON.stringify({ holidays: [], extra: 1 }), /not valid/],
  ])('refuses a bad file clearly: %s', (content, message) => {
    expect(() => loadCalendar(file(content))).toThrow(message);
  });
});
