import { describe, expect, it } from 'vitest';
import packageData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { OFFICIAL_CHINA_DAYS, chinaHolidays, formatHolidayTable, parseHolidayTable } from './holidays';

describe('the copy of chinese-days', () => {
  it('matches the installed package line by line', () => {
    expect(OFFICIAL_CHINA_DAYS).toBe(formatHolidayTable(packageData));
  });

  it('expands to exactly the package data', () => {
    expect(Object.fromEntries(chinaHolidays.holidays)).toEqual(packageData.holidays);
    expect(Object.fromEntries(chinaHolidays.workdays)).toEqual(packageData.workdays);
  });

  it('covers 2004 to 2026 without gaps', () => {
    expect(chinaHolidays.firstYear).toBe(2004);
    expect(chinaHolidays.lastYear).toBe(2026);
    expect(chinaHolidays.years.size).toBe(2026 - 2004 + 1);
  });
});

describe('parseHolidayTable', () => {
  it('reads single days and ranges across months', () => {
    const table = parseHolidayTable('\n2030-01-01 off New Year\n2030-01-30..2030-02-02 off Spring Festival\n2030-02-09 work Spring Festival\n');
    expect([...table.holidays.keys()]).toEqual(['2030-01-01', '2030-01-30', '2030-01-31', '2030-02-01', '2030-02-02']);
    expect(table.workdays.get('2030-02-09')).toBe('Spring Festival');
    expect([...table.years]).toEqual([2030]);
  });

  it.each(['2030-01-01 holiday X', '2030-01-05..2030-01-01 off X', 'garbage'])('refuses %j', (line) => {
    expect(() => parseHolidayTable(line)).toThrow(/holiday table/);
  });

  it('round-trips through formatHolidayTable', () => {
    const data = { holidays: { '2030-01-01': 'A', '2030-01-02': 'A', '2030-01-03': 'B', '2030-01-05': 'B' }, workdays: { '2030-01-04': 'B' } };
    const text = formatHolidayTable(data);
    expect(text).toBe('\n2030-01-01..2030-01-02 off A\n2030-01-03 off B\n2030-01-04 work B\n2030-01-05 off B\n');
    const table = parseHolidayTable(text);
    expect(Object.fromEntries(table.holidays)).toEqual(data.holidays);
    expect(Object.fromEntries(table.workdays)).toEqual(data.workdays);
  });
});
