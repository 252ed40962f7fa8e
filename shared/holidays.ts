// Official Chinese mainland public holidays (days off) and adjusted working days (调休 补班): the seed of the central
// service's business calendar (server migration 10) and a workstation's calendar until its first sync
// (shared/businessDays.ts).
//
// Source: the `chinese-days` package, 1.5.7, which covers 2004 to 2026 from the State Council's notices
// (e.g. 2026: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm). scripts/calendar-seed.ts GENERATES
// holidays.data.ts from the installed package (never edit it by hand), and holidays.test.ts checks it line by line
// against the package, because:
// - its functions build their tables with local-time Date maths, which shifts every date by a day when
//   the process time zone is west of UTC (measured under TZ=America/New_York: 2025-10-08 came back as
//   a working day);
// - its JSON cannot be imported from an externalised dependency in the Electron main bundle: Vite drops
//   the `with { type: 'json' }` attribute and Node then refuses the import (ERR_IMPORT_ASSERTION_TYPE_MISSING).
// To update: install the new chinese-days and run `npx tsx scripts/calendar-seed.ts`. Years after the package's
// last are added by a supervisor on the central service (server/README.md, "Calendar").
import { OFFICIAL_CHINA_DAYS } from './holidays.data';

export interface HolidayTable {
  /** Days off by public holiday, YYYY-MM-DD → "English name,中文名,n" (as chinese-days names them). */
  readonly holidays: ReadonlyMap<string, string>;
  /** Weekend days made working days (调休), YYYY-MM-DD → the holiday they belong to. */
  readonly workdays: ReadonlyMap<string, string>;
  /** Calendar years with official data (those listing New Year's Day, a statutory day off every year). */
  readonly years: ReadonlySet<number>;
  readonly firstYear: number | null;
  readonly lastYear: number | null;
}

/** One line per run of days: `FIRST[..LAST] off|work NAME`; consecutive days with the same name share a line. */
export { OFFICIAL_CHINA_DAYS };

const DAY_MS = 24 * 60 * 60 * 1000;

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const linePattern = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))? (off|work) (.+)$/;

/** Reads the text table; a malformed line is a programming error, so it throws. */
export function parseHolidayTable(text: string): HolidayTable {
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = linePattern.exec(line);
    if (!match) throw new Error(`holiday table: cannot read line "${line}"`);
    const [, first = '', last, kind, name = ''] = match;
    const target = kind === 'off' ? holidays : workdays;
    const from = dayNumber(first);
    const to = dayNumber(last ?? first);
    if (!(to >= from)) throw new Error(`holiday table: bad range "${line}"`);
    for (let d = from; d <= to; d++) target.set(dateOf(d), name);
  }
  return withYears(holidays, workdays);
}

function withYears(holidays: Map<string, string>, workdays: Map<string, string>): HolidayTable {
  const years = new Set<number>();
  for (const date of holidays.keys()) {
    if (date.endsWith('-01-01')) years.add(Number(date.slice(0, 4)));
  }
  const sorted = [...years].sort((a, b) => a - b);
  return { holidays, workdays, years, firstYear: sorted[0] ?? null, lastYear: sorted[sorted.length - 1] ?? null };
}

/** Writes data shaped like chinese-days' JSON ({holidays, workdays}: date → name) as the text table above. */
export function formatHolidayTable(data: { holidays: Record<string, string>; workdays: Record<string, string> }): string {
  const runs: { first: string; line: string }[] = [];
  for (const [kind, record] of [['off', data.holidays], ['work', data.workdays]] as const) {
    const dates = Object.keys(record).sort();
    let i = 0;
    while (i < dates.length) {
      const first = dates[i] ?? '';
      const name = record[first] ?? '';
      let last = first;
      while (i + 1 < dates.length) {
        const next = dates[i + 1] ?? '';
        if (record[next] !== name || dayNumber(next) !== dayNumber(last) + 1) break;
        last = next;
        i++;
      }
      i++;
      runs.push({ first, line: `${first === last ? first : `${first}..${last}`} ${kind} ${name}` });
    }
  }
  runs.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  return `\n${runs.map((r) => r.line).join('\n')}\n`;
}

/** The Chinese mainland table the calendar uses for region 'CN'. */
export const chinaHolidays: HolidayTable = parseHolidayTable(OFFICIAL_CHINA_DAYS);
