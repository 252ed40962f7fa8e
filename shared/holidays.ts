// Official Chinese mainland public holidays (days off) and adjusted working days (调休 补班) for the
// business calendar (shared/businessDays.ts).
//
// Source: the `chinese-days` package, 1.5.7, which covers 2004 to 2026 from the State Council's notices
// (e.g. 2026: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm). Its data is copied here
// as text, and holidays.test.ts checks this copy line by line against the installed package, because:
// - its functions build their tables with local-time Date maths, which shifts every date by a day when
//   the process time zone is west of UTC (measured under TZ=America/New_York: 2025-10-08 came back as
//   a working day);
// - its JSON cannot be imported from an externalised dependency in the Electron main bundle: Vite drops
//   the `with { type: 'json' }` attribute and Node then refuses the import (ERR_IMPORT_ASSERTION_TYPE_MISSING).
// To update: install the new chinese-days, run `npx vitest run shared/holidays.test.ts`, and paste the
// expected text its failure shows (formatHolidayTable of the package JSON) over OFFICIAL_CHINA_DAYS.

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
export const OFFICIAL_CHINA_DAYS = `
2004-01-01 off New Year's Day,元旦,1
2004-01-17..2004-01-18 work Spring Festival,春节,3
2004-01-22..2004-01-28 off Spring Festival,春节,3
2004-05-01..2004-05-07 off Labour Day,劳动节,3
2004-05-08..2004-05-09 work Labour Day,劳动节,3
2004-10-01..2004-10-07 off National Day,国庆节,3
2004-10-09..2004-10-10 work National Day,国庆节,3
2005-01-01..2005-01-03 off New Year's Day,元旦,1
2005-02-05..2005-02-06 work Spring Festival,春节,3
2005-02-09..2005-02-15 off Spring Festival,春节,3
2005-04-30 work Labour Day,劳动节,3
2005-05-01..2005-05-07 off Labour Day,劳动节,3
2005-05-08 work Labour Day,劳动节,3
2005-10-01..2005-10-07 off National Day,国庆节,3
2005-10-08..2005-10-09 work National Day,国庆节,3
2006-01-01..2006-01-03 off New Year's Day,元旦,1
2006-01-28 work Spring Festival,春节,3
2006-01-29..2006-02-04 off Spring Festival,春节,3
2006-02-05 work Spring Festival,春节,3
2006-04-29..2006-04-30 work Labour Day,劳动节,3
2006-05-01..2006-05-07 off Labour Day,劳动节,3
2006-09-30 work National Day,国庆节,3
2006-10-01..2006-10-07 off National Day,国庆节,3
2006-10-08 work National Day,国庆节,3
2006-12-30..2006-12-31 work New Year's Day,元旦,1
2007-01-01..2007-01-03 off New Year's Day,元旦,1
2007-02-17 work Spring Festival,春节,3
2007-02-18..2007-02-24 off Spring Festival,春节,3
2007-02-25 work Spring Festival,春节,3
2007-04-28..2007-04-29 work Labour Day,劳动节,3
2007-05-01..2007-05-07 off Labour Day,劳动节,3
2007-09-29..2007-09-30 work National Day,国庆节,3
2007-10-01..2007-10-07 off National Day,国庆节,3
2007-12-29 work New Year's Day,元旦,1
2007-12-30..2008-01-01 off New Year's Day,元旦,1
2008-02-02..2008-02-03 work Spring Festival,春节,3
2008-02-06..2008-02-12 off Spring Festival,春节,3
2008-04-04..2008-04-06 off Tomb-sweeping Day,清明,1
2008-05-01..2008-05-03 off Labour Day,劳动节,1
2008-05-04 work Labour Day,劳动节,1
2008-06-07..2008-06-09 off Dragon Boat Festival,端午,1
2008-09-13..2008-09-15 off Mid-autumn Festival,中秋,1
2008-09-27..2008-09-28 work National Day,国庆节,3
2008-09-29..2008-10-05 off National Day,国庆节,3
2009-01-01..2009-01-03 off New Year's Day,元旦,1
2009-01-04 work New Year's Day,元旦,1
2009-01-24 work Spring Festival,春节,3
2009-01-25..2009-01-31 off Spring Festival,春节,3
2009-02-01 work Spring Festival,春节,3
2009-04-04..2009-04-06 off Tomb-sweeping Day,清明,1
2009-05-01..2009-05-03 off Labour Day,劳动节,1
2009-05-28..2009-05-30 off Dragon Boat Festival,端午,1
2009-05-31 work Dragon Boat Festival,端午,1
2009-09-27 work National Day,国庆节,3
2009-10-01..2009-10-02 off National Day,国庆节,3
2009-10-03 off Mid-autumn Festival,中秋,1
2009-10-04..2009-10-08 off National Day,国庆节,3
2009-10-10 work National Day,国庆节,3
2010-01-01..2010-01-03 off New Year's Day,元旦,1
2010-02-13..2010-02-19 off Spring Festival,春节,3
2010-02-20..2010-02-21 work Spring Festival,春节,3
2010-04-03..2010-04-05 off Tomb-sweeping Day,清明,1
2010-05-01..2010-05-03 off Labour Day,劳动节,1
2010-06-12..2010-06-13 work Dragon Boat Festival,端午,1
2010-06-14..2010-06-16 off Dragon Boat Festival,端午,1
2010-09-19 work Mid-autumn Festival,中秋,1
2010-09-22..2010-09-24 off Mid-autumn Festival,中秋,1
2010-09-25 work Mid-autumn Festival,中秋,1
2010-09-26 work National Day,国庆节,3
2010-10-01..2010-10-07 off National Day,国庆节,3
2010-10-09 work National Day,国庆节,3
2011-01-01..2011-01-03 off New Year's Day,元旦,1
2011-01-30 work Spring Festival,春节,3
2011-02-02..2011-02-08 off Spring Festival,春节,3
2011-02-12 work Spring Festival,春节,3
2011-04-02 work Tomb-sweeping Day,清明,1
2011-04-03..2011-04-05 off Tomb-sweeping Day,清明,1
2011-04-30..2011-05-02 off Labour Day,劳动节,1
2011-06-04 off Dragon Boat Festival,端午,1
2011-06-06 off Dragon Boat Festival,端午,1
2011-09-10..2011-09-12 off Mid-autumn Festival,中秋,1
2011-10-01..2011-10-07 off National Day,国庆节,3
2011-10-08..2011-10-09 work National Day,国庆节,3
2011-12-31 work New Year's Day,元旦,1
2012-01-01..2012-01-03 off New Year's Day,元旦,1
2012-01-21 work Spring Festival,春节,3
2012-01-22..2012-01-28 off Spring Festival,春节,3
2012-01-29 work Spring Festival,春节,3
2012-03-31..2012-04-01 work Tomb-sweeping Day,清明,1
2012-04-02..2012-04-04 off Tomb-sweeping Day,清明,1
2012-04-28 work Labour Day,劳动节,1
2012-04-29..2012-05-01 off Labour Day,劳动节,1
2012-06-22 off Dragon Boat Festival,端午,1
2012-06-24 off Dragon Boat Festival,端午,1
2012-09-29 work National Day,国庆节,3
2012-09-30 off Mid-autumn Festival,中秋,1
2012-10-01..2012-10-07 off National Day,国庆节,3
2013-01-01..2013-01-03 off New Year's Day,元旦,1
2013-01-05..2013-01-06 work New Year's Day,元旦,1
2013-02-09..2013-02-15 off Spring Festival,春节,3
2013-02-16..2013-02-17 work Spring Festival,春节,3
2013-04-04..2013-04-06 off Tomb-sweeping Day,清明,1
2013-04-07 work Tomb-sweeping Day,清明,1
2013-04-27..2013-04-28 work Labour Day,劳动节,1
2013-04-29..2013-05-01 off Labour Day,劳动节,1
2013-06-08..2013-06-09 work Dragon Boat Festival,端午,1
2013-06-10..2013-06-12 off Dragon Boat Festival,端午,1
2013-09-19..2013-09-21 off Mid-autumn Festival,中秋,1
2013-09-22 work Mid-autumn Festival,中秋,1
2013-09-29 work National Day,国庆节,3
2013-10-01..2013-10-07 off National Day,国庆节,3
2013-10-12 work National Day,国庆节,3
2014-01-01 off New Year's Day,元旦,1
2014-01-26 work Spring Festival,春节,3
2014-01-31..2014-02-06 off Spring Festival,春节,3
2014-02-08 work Spring Festival,春节,3
2014-04-05..2014-04-07 off Tomb-sweeping Day,清明,1
2014-05-01..2014-05-03 off Labour Day,劳动节,1
2014-05-04 work Labour Day,劳动节,1
2014-06-02 off Dragon Boat Festival,端午,1
2014-09-08 off Mid-autumn Festival,中秋,1
2014-09-28 work National Day,国庆节,3
2014-10-01..2014-10-07 off National Day,国庆节,3
2014-10-11 work National Day,国庆节,3
2015-01-01..2015-01-03 off New Year's Day,元旦,1
2015-01-04 work New Year's Day,元旦,1
2015-02-15 work Spring Festival,春节,3
2015-02-18..2015-02-24 off Spring Festival,春节,3
2015-02-28 work Spring Festival,春节,3
2015-04-05..2015-04-06 off Tomb-sweeping Day,清明,1
2015-05-01 off Labour Day,劳动节,1
2015-06-20 off Dragon Boat Festival,端午,1
2015-06-22 off Dragon Boat Festival,端午,1
2015-09-03..2015-09-04 off Anti-Fascist 70th Day,中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日,1
2015-09-06 work Anti-Fascist 70th Day,中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日,1
2015-09-27 off Mid-autumn Festival,中秋,1
2015-10-01..2015-10-07 off National Day,国庆节,3
2015-10-10 work National Day,国庆节,3
2016-01-01 off New Year's Day,元旦,1
2016-02-06 work Spring Festival,春节,3
2016-02-07..2016-02-13 off Spring Festival,春节,3
2016-02-14 work Spring Festival,春节,3
2016-04-04 off Tomb-sweeping Day,清明,1
2016-05-01..2016-05-02 off Labour Day,劳动节,1
2016-06-09..2016-06-11 off Dragon Boat Festival,端午,1
2016-06-12 work Dragon Boat Festival,端午,1
2016-09-15..2016-09-17 off Mid-autumn Festival,中秋,1
2016-09-18 work Mid-autumn Festival,中秋,1
2016-10-01..2016-10-07 off National Day,国庆节,3
2016-10-08..2016-10-09 work National Day,国庆节,3
2017-01-01..2017-01-02 off New Year's Day,元旦,1
2017-01-22 work Spring Festival,春节,3
2017-01-27..2017-02-02 off Spring Festival,春节,3
2017-02-04 work Spring Festival,春节,3
2017-04-01 work Tomb-sweeping Day,清明,1
2017-04-02..2017-04-04 off Tomb-sweeping Day,清明,1
2017-05-01 off Labour Day,劳动节,1
2017-05-27 work Dragon Boat Festival,端午,1
2017-05-28..2017-05-30 off Dragon Boat Festival,端午,1
2017-09-30 work National Day,国庆节,3
2017-10-01..2017-10-03 off National Day,国庆节,3
2017-10-04 off Mid-autumn Festival,中秋,1
2017-10-05..2017-10-08 off National Day,国庆节,3
2018-01-01 off New Year's Day,元旦,1
2018-02-11 work Spring Festival,春节,3
2018-02-15..2018-02-21 off Spring Festival,春节,3
2018-02-24 work Spring Festival,春节,3
2018-04-05..2018-04-07 off Tomb-sweeping Day,清明,1
2018-04-08 work Tomb-sweeping Day,清明,1
2018-04-28 work Labour Day,劳动节,1
2018-04-29..2018-05-01 off Labour Day,劳动节,1
2018-06-18 off Dragon Boat Festival,端午,1
2018-09-24 off Mid-autumn Festival,中秋,1
2018-09-29..2018-09-30 work National Day,国庆节,3
2018-10-01..2018-10-07 off National Day,国庆节,3
2018-12-29 work New Year's Day,元旦,1
2018-12-30..2019-01-01 off New Year's Day,元旦,1
2019-02-02..2019-02-03 work Spring Festival,春节,3
2019-02-04..2019-02-10 off Spring Festival,春节,3
2019-04-05..2019-04-07 off Tomb-sweeping Day,清明,1
2019-04-28 work Labour Day,劳动节,1
2019-05-01..2019-05-04 off Labour Day,劳动节,1
2019-05-05 work Labour Day,劳动节,1
2019-06-07..2019-06-09 off Dragon Boat Festival,端午,1
2019-09-13..2019-09-15 off Mid-autumn Festival,中秋,1
2019-09-29 work National Day,国庆节,3
2019-10-01..2019-10-07 off National Day,国庆节,3
2019-10-12 work National Day,国庆节,3
2020-01-01 off New Year's Day,元旦,1
2020-01-19 work Spring Festival,春节,3
2020-01-24..2020-02-02 off Spring Festival,春节,3
2020-04-04..2020-04-06 off Tomb-sweeping Day,清明,1
2020-04-26 work Labour Day,劳动节,1
2020-05-01..2020-05-05 off Labour Day,劳动节,1
2020-05-09 work Labour Day,劳动节,1
2020-06-25..2020-06-27 off Dragon Boat Festival,端午,1
2020-06-28 work Dragon Boat Festival,端午,1
2020-09-27 work National Day,国庆节,3
2020-10-01..2020-10-08 off National Day,国庆节,3
2020-10-10 work National Day,国庆节,3
2021-01-01..2021-01-03 off New Year's Day,元旦,1
2021-02-07 work Spring Festival,春节,3
2021-02-11..2021-02-17 off Spring Festival,春节,3
2021-02-20 work Spring Festival,春节,3
2021-04-03..2021-04-05 off Tomb-sweeping Day,清明,1
2021-04-25 work Labour Day,劳动节,1
2021-05-01..2021-05-05 off Labour Day,劳动节,1
2021-05-08 work Labour Day,劳动节,1
2021-06-12..2021-06-14 off Dragon Boat Festival,端午,1
2021-09-18 work Mid-autumn Festival,中秋,1
2021-09-19..2021-09-21 off Mid-autumn Festival,中秋,1
2021-09-26 work National Day,国庆节,3
2021-10-01..2021-10-07 off National Day,国庆节,3
2021-10-09 work National Day,国庆节,3
2022-01-01..2022-01-03 off New Year's Day,元旦,1
2022-01-29..2022-01-30 work Spring Festival,春节,3
2022-01-31..2022-02-06 off Spring Festival,春节,3
2022-04-02 work Tomb-sweeping Day,清明,1
2022-04-03..2022-04-05 off Tomb-sweeping Day,清明,1
2022-04-24 work Labour Day,劳动节,1
2022-04-30..2022-05-04 off Labour Day,劳动节,1
2022-05-07 work Labour Day,劳动节,1
2022-06-03..2022-06-05 off Dragon Boat Festival,端午,1
2022-09-10..2022-09-12 off Mid-autumn Festival,中秋,1
2022-10-01..2022-10-07 off National Day,国庆节,3
2022-10-08..2022-10-09 work National Day,国庆节,3
2022-12-31..2023-01-02 off New Year's Day,元旦,1
2023-01-21..2023-01-27 off Spring Festival,春节,3
2023-01-28..2023-01-29 work Spring Festival,春节,3
2023-04-05 off Tomb-sweeping Day,清明,1
2023-04-23 work Labour Day,劳动节,1
2023-04-29..2023-05-03 off Labour Day,劳动节,1
2023-05-06 work Labour Day,劳动节,1
2023-06-22..2023-06-24 off Dragon Boat Festival,端午,1
2023-06-25 work Dragon Boat Festival,端午,1
2023-09-29 off Mid-autumn Festival,中秋,1
2023-09-30..2023-10-06 off National Day,国庆节,3
2023-10-07..2023-10-08 work National Day,国庆节,3
2024-01-01 off New Year's Day,元旦,1
2024-02-04 work Spring Festival,春节,3
2024-02-10..2024-02-17 off Spring Festival,春节,3
2024-02-18 work Spring Festival,春节,3
2024-04-04..2024-04-06 off Tomb-sweeping Day,清明,1
2024-04-07 work Tomb-sweeping Day,清明,1
2024-04-28 work Labour Day,劳动节,1
2024-05-01..2024-05-05 off Labour Day,劳动节,1
2024-05-11 work Labour Day,劳动节,1
2024-06-10 off Dragon Boat Festival,端午,1
2024-09-14 work Mid-autumn Festival,中秋,1
2024-09-15..2024-09-17 off Mid-autumn Festival,中秋,1
2024-09-29 work National Day,国庆节,3
2024-10-01..2024-10-07 off National Day,国庆节,3
2024-10-12 work National Day,国庆节,3
2025-01-01 off New Year's Day,元旦,1
2025-01-26 work Spring Festival,春节,4
2025-01-28..2025-02-04 off Spring Festival,春节,4
2025-02-08 work Spring Festival,春节,4
2025-04-04..2025-04-06 off Tomb-sweeping Day,清明,1
2025-04-27 work Labour Day,劳动节,2
2025-05-01..2025-05-05 off Labour Day,劳动节,2
2025-05-31..2025-06-02 off Dragon Boat Festival,端午,1
2025-09-28 work National Day,国庆节,3
2025-10-01..2025-10-05 off National Day,国庆节,3
2025-10-06 off Mid-autumn Festival,中秋,1
2025-10-07..2025-10-08 off National Day,国庆节,3
2025-10-11 work National Day,国庆节,3
2026-01-01..2026-01-03 off New Year's Day,元旦,1
2026-01-04 work New Year's Day,元旦,1
2026-02-14 work Spring Festival,春节,4
2026-02-15..2026-02-23 off Spring Festival,春节,4
2026-02-28 work Spring Festival,春节,4
2026-04-04..2026-04-06 off Tomb-sweeping Day,清明,1
2026-05-01..2026-05-05 off Labour Day,劳动节,2
2026-05-09 work Labour Day,劳动节,2
2026-06-19..2026-06-21 off Dragon Boat Festival,端午,1
2026-09-20 work National Day,国庆节,3
2026-09-25..2026-09-27 off Mid-autumn Festival,中秋,1
2026-10-01..2026-10-07 off National Day,国庆节,3
2026-10-10 work National Day,国庆节,3
`;

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
