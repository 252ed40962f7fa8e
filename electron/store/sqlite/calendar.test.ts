// The business calendar in the case store (./calendar.ts): the packaged fallback until the central service's calendar
// is stored, then that one on both connections (the writer's thread stores it, the reads count with it at once); every
// open case's deadline counted again; the year without official data named on the queue row and in the case's flags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedCalendar } from '../../../shared/contract/calendar';
import { chinaHolidays } from '../../../shared/holidays';
import { generateApplications } from '../seed';
import { reviewer, tempStore, type TempStore } from '../../../tests/support/store';

// Thursday 31 December 2026, 11:00 in Shanghai.
const now = new Date('2026-12-31T03:00:00Z');
let t: TempStore;

/** The packaged official data as the central service publishes it, plus `extra` years. */
function published(version: number, extra: { year: number; official: boolean; days: PublishedCalendar['days'] }[] = []): PublishedCalendar {
  const days: PublishedCalendar['days'] = [
    ...[...chinaHolidays.holidays].map(([date, name]) => ({ date, kind: 'holiday' as const, name })),
    ...[...chinaHolidays.workdays].map(([date, name]) => ({ date, kind: 'workday' as const, name })),
    ...extra.flatMap((e) => e.days),
  ];
  const years = [...chinaHolidays.years].map((year) => ({ year, official: true, updatedAt: null, updatedBy: null }));
  return { version, timeZone: 'Asia/Shanghai', years: [...years, ...extra.map((e) => ({ year: e.year, official: e.official, updatedAt: now.toISOString(), updatedBy: 'supervisor1' }))], days };
}

const newYear2027 = [{ date: '2027-01-01', kind: 'holiday' as const, name: "New Year's Day" }];

beforeAll(async () => {
  t = await tempStore(0, 1, { now, writer: {} });
  const [base] = generateApplications(2, 7);
  const open = (id: string, submittedAt: string) => ({
    ...base!,
    application: { ...base!.application, id, status: 'queued' as const, assignee: reviewer.id, submittedAt },
  });
  await t.store.upsertApplications([open('SPANNING', '2026-12-31T02:00:00.000Z'), open('EARLY', '2026-12-21T02:00:00.000Z')]);
});
afterAll(() => t?.cleanup());

const row = (id: string) => t.store.listQueue({ limit: 50 }).items.find((i) => i.id === id)!;
const r7 = (id: string) => t.store.getCase(id).flags.find((f) => f.rule === 'R7') ?? null;

describe('before the first sync', () => {
  it('counts with the packaged data and names the year it lacks on the queue row and in the case', () => {
    expect(t.store.businessCalendar()).toBeNull();
    // Fri 1 Jan 2027 counted as a working day: due Tue 5 Jan 10:00.
    expect(row('SPANNING')).toMatchObject({ dueAt: '2027-01-05T02:00:00.000Z', holidayDataMissing: 2027 });
    expect(r7('SPANNING')).toMatchObject({ severity: 'info', reason: 'holiday_data_missing', facts: { year: 2027 } });
    expect(row('EARLY').holidayDataMissing).toBeNull();
    expect(r7('EARLY')?.reason).not.toBe('holiday_data_missing');
  });
});

describe('the central calendar stored', () => {
  it('a provisional 2027 moves the due time but still names the year', async () => {
    expect(await t.store.storeCalendar(published(2, [{ year: 2027, official: false, days: newYear2027 }]))).toEqual({ recomputed: 1 });
    expect(t.store.businessCalendar()?.version).toBe(2);
    expect(row('SPANNING')).toMatchObject({ dueAt: '2027-01-06T02:00:00.000Z', escalateAt: '2027-01-05T02:00:00.000Z', holidayDataMissing: 2027 });
    expect(r7('SPANNING')?.reason).toBe('holiday_data_missing');
  });

  it('an official 2027 clears the notice; the early case never moved', async () => {
    expect(await t.store.storeCalendar(published(3, [{ year: 2027, official: true, days: newYear2027 }]))).toEqual({ recomputed: 0 });
    expect(row('SPANNING')).toMatchObject({ dueAt: '2027-01-06T02:00:00.000Z', holidayDataMissing: null });
    expect(r7('SPANNING')).toBeNull();
    expect(row('EARLY').dueAt).toBe('2026-12-24T02:00:00.000Z');
  });

  it('survives a restart, and refuses a calendar outside the contract', async () => {
    t.reopen({ now, writer: {} });
    expect(t.store.businessCalendar()?.version).toBe(3);
    expect(row('SPANNING').dueAt).toBe('2027-01-06T02:00:00.000Z');
    await expect(t.store.storeCalendar({ ...published(4), timeZone: '' })).rejects.toThrow();
    expect(t.store.businessCalendar()?.version).toBe(3);
  });
});
