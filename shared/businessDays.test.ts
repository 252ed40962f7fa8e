import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import {
  calendarOverridesSchema,
  calendarCoverage,
  createCalendar,
  deadlineCovered,
  addLocalDays,
  deadlineState,
  endOfLocalDay,
  localDate,
  startOfLocalDay,
  reviewClockStart,
  reviewDeadline,
  uncoveredYear,
  type BusinessCalendar,
} from './businessDays';

const china = createCalendar({});
const plain = (timeZone: string, overrides?: { holidays: string[]; workingDays: string[] }) =>
  createCalendar({ timeZone, region: 'none', ...(overrides ? { overrides } : {}) });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('localDate', () => {
  it.each([
    ['2025-12-31T15:59:59.999Z', 'Asia/Shanghai', '2025-12-31'],
    ['2025-12-31T16:00:00.000Z', 'Asia/Shanghai', '2026-01-01'],
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-08'],
    ['2026-03-08T04:59:00Z', 'America/New_York', '2026-03-07'],
    ['2026-03-29T22:30:00Z', 'Europe/Berlin', '2026-03-30'],
    ['2026-10-25T22:30:00Z', 'Europe/Berlin', '2026-10-25'],
    ['2026-10-25T23:00:00Z', 'Europe/Berlin', '2026-10-26'],
    ['2026-06-30T23:59:59Z', 'UTC', '2026-06-30'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(localDate(new Date(instant), zone)).toBe(expected);
  });

  it('agrees with Intl minute by minute around clock changes, whatever the offset (offsets are cached per hour)', () => {
    // Days with a change: the US, Europe, Lord Howe's half-hour DST, Kathmandu's move to +05:45 (mid-hour in
    // UTC), São Paulo's and Havana's changes at local midnight; each scanned from the day before to the day after.
    const days: [string, string][] = [
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Europe/London', '2026-03-29'],
      ['Europe/London', '2026-10-25'],
      ['Australia/Lord_Howe', '2026-04-05'],
      ['Australia/Lord_Howe', '2026-10-04'],
      ['Asia/Kathmandu', '1986-01-01'],
      ['America/Sao_Paulo', '2018-11-04'],
      ['America/Havana', '2026-03-08'],
    ];
    let compared = 0;
    for (const [zone, day] of days) {
      const intl = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
      // Every day a working day, so the review clock starts at the submission's own wall-clock time.
      const everyDay = [-2, -1, 0, 1, 2].map((n) => addLocalDays(day, n));
      const calendar = plain(zone, { holidays: [], workingDays: everyDay });
      const from = Date.parse(`${day}T00:00:00Z`) - 36 * 3_600_000;
      for (let t = from; t < from + 72 * 3_600_000; t += 7 * 60_000 + 13_000) {
        const parts = Object.fromEntries(intl.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
        const expected = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
        const start = reviewClockStart(new Date(t), calendar);
        const pad = (n: number) => String(n).padStart(2, '0');
        const seen = `${start.date} ${pad(start.time.hour)}:${pad(start.time.minute)}:${pad(start.time.second)}`;
        expect(seen, `${new Date(t).toISOString()} in ${zone}`).toBe(expected);
        expect(localDate(new Date(t), zone)).toBe(expected.slice(0, 10));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('refuses an invalid instant', () => {
    expect(codeOf(() => localDate(new Date('nope'), 'UTC'))).toBe('invalid_instant');
    expect(codeOf(() => localDate(new Date(), 'Nowhere/Special'))).toBe('invalid_time_zone');
  });
});

describe('local day arithmetic', () => {
  it.each([
    ['2025-12-31', 1, '2026-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-11-26', 0, '2026-11-26'],
    ['2026-11-26', 40, '2027-01-05'],
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addLocalDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-11-26', 'Asia/Shanghai', '2026-11-25T16:00:00.000Z'],
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'],
    ['2026-11-02', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    // Santiago skips midnight on 2026-09-06 (the day starts at 01:00) and repeats 23:00 on 2026-04-04.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
    ['2026-04-05', 'America/Santiago', '2026-04-05T04:00:00.000Z'],
  ])('%s starts in %s at %s', (date, zone, expected) => {
    expect(startOfLocalDay(date, zone).toISOString()).toBe(expected);
    expect(localDate(startOfLocalDay(date, zone), zone)).toBe(date);
    expect(localDate(new Date(startOfLocalDay(date, zone).getTime() - 1), zone)).toBe(addLocalDays(date, -1));
  });

  it.each([
    ['2026-11-26T10:00:00Z', 'Asia/Shanghai', '2026-11-26T16:00:00.000Z'],
    ['2026-03-29T12:00:00Z', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25T12:00:00Z', 'Europe/Berlin', '2026-10-25T23:00:00.000Z'],
  ])('the local day of %s in %s ends at %s', (instant, zone, expected) => {
    expect(endOfLocalDay(new Date(instant), zone).toISOString()).toBe(expected);
  });
});

describe('the China calendar (chinese-days data)', () => {
  it.each([
    // National Day 2025: Oct 1–8 off, Sunday Sep 28 and Saturday Oct 11 worked.
    ['2025-09-27', false],
    ['2025-09-28', true],
    ['2025-09-29', true],
    ['2025-10-01', false],
    ['2025-10-06', false],
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true],
    ['2025-10-12', false],
    // Spring Festival 2026: Feb 15–23 off, Saturdays Feb 14 and Feb 28 worked.
    ['2026-02-13', true],
    ['2026-02-14', true],
    ['2026-02-16', false],
    ['2026-02-23', false],
    ['2026-02-24', true],
    ['2026-02-28', true],
    // Ordinary weeks.
    ['2026-11-23', true],
    ['2026-11-28', false],
    ['2026-11-29', false],
    // 2027 is beyond the package's data: weekends only (Jan 1 2027 is a Friday).
    ['2027-01-01', true],
    ['2027-01-02', false],
  ])('%s working: %s', (date, working) => {
    expect(china.isWorkingDay(date)).toBe(working);
  });

  it('defaults to Asia/Shanghai', () => {
    expect(china.timeZone).toBe('Asia/Shanghai');
  });

  it('region none keeps only weekends', () => {
    const none = plain('Asia/Shanghai');
    expect(none.isWorkingDay('2025-10-01')).toBe(true);
    expect(none.isWorkingDay('2025-09-28')).toBe(false);
  });

  it('refuses a malformed or impossible date', () => {
    expect(codeOf(() => china.isWorkingDay('2026-1-1'))).toBe('invalid_local_date');
    expect(codeOf(() => china.isWorkingDay('2026-02-30'))).toBe('invalid_local_date');
  });
});

describe('overrides', () => {
  it.each([
    // an extra day off on an ordinary Tuesday
    [{ holidays: ['2026-11-24'], workingDays: [] }, '2026-11-24', false],
    // an extra working Saturday
    [{ holidays: [], workingDays: ['2026-11-28'] }, '2026-11-28', true],
    // overrides win over package data, both ways
    [{ holidays: [], workingDays: ['2025-10-02'] }, '2025-10-02', true],
    [{ holidays: ['2025-09-28'], workingDays: [] }, '2025-09-28', false],
    // 2027 filled in by the administrator
    [{ holidays: ['2027-02-08'], workingDays: [] }, '2027-02-08', false],
  ])('%j makes %s working: %s', (overrides, date, working) => {
    expect(createCalendar({ overrides }).isWorkingDay(date)).toBe(working);
  });

  it.each([
    [{ holidays: ['2026-13-01'], workingDays: [] }, false],
    [{ holidays: ['2026-02-29'], workingDays: [] }, false],
    [{ holidays: ['2028-02-29'], workingDays: [] }, true],
    [{ holidays: ['2026-10-01'], workingDays: ['2026-10-01'] }, false],
    [{ holidays: [], workingDays: [] }, true],
    [{ holidays: [] }, false],
  ])('calendar overrides %j valid: %s', (value, valid) => {
    expect(calendarOverridesSchema().safeParse(value).success).toBe(valid);
  });

  it('createCalendar refuses invalid overrides and unknown zones with a code', () => {
    expect(codeOf(() => createCalendar({ overrides: { holidays: ['tomorrow'], workingDays: [] } }))).toBe('invalid_calendar_overrides');
    expect(codeOf(() => createCalendar({ timeZone: 'Mars/Olympus_Mons' }))).toBe('invalid_time_zone');
  });
});

describe('coverage', () => {
  it('names the years of the installed chinese-days data', () => {
    const coverage = calendarCoverage(china);
    expect(coverage).toMatchObject({ region: 'CN', firstYear: 2004, lastYear: 2026 });
    expect(coverage.covers('2026-12-31')).toBe(true);
    expect(coverage.covers('2003-12-31')).toBe(false);
    expect(coverage.covers('2027-01-04')).toBe(false);
  });

  it('counts a year the administrator filled in as covered', () => {
    const calendar = createCalendar({ overrides: { holidays: ['2027-02-08'], workingDays: [] } });
    expect(calendarCoverage(calendar).covers('2027-10-01')).toBe(true);
    expect(calendarCoverage(calendar).covers('2028-10-01')).toBe(false);
  });

  it('region none and foreign calendars are fully covered', () => {
    expect(calendarCoverage(plain('UTC')).covers('2040-01-01')).toBe(true);
    const custom: BusinessCalendar = { timeZone: 'UTC', isWorkingDay: () => true };
    expect(calendarCoverage(custom)).toMatchObject({ region: 'none', firstYear: null, lastYear: null });
  });

  it('a central calendar replaces the packaged table, and only its official years count as covered', () => {
    const central = createCalendar({
      data: {
        days: [
          { date: '2027-01-01', kind: 'holiday', name: "New Year's Day" },
          { date: '2028-01-01', kind: 'holiday', name: "New Year's Day" },
          { date: '2027-02-20', kind: 'workday', name: 'Spring Festival' },
        ],
        officialYears: [2027],
      },
    });
    expect(central.isWorkingDay('2027-01-01')).toBe(false);
    expect(central.isWorkingDay('2027-02-20')).toBe(true); // a Saturday made a working day
    expect(central.isWorkingDay('2026-10-01')).toBe(true); // the package's National Day is not in this calendar
    expect(calendarCoverage(central)).toMatchObject({ region: 'CN', firstYear: 2027, lastYear: 2027 });
    expect(calendarCoverage(central).covers('2028-01-01')).toBe(false); // days entered, not official
    expect(uncoveredYear(new Date('2027-12-30T02:00:00Z'), new Date('2028-01-04T02:00:00Z'), central)).toBe(2028);
    expect(uncoveredYear(new Date('2027-03-01T02:00:00Z'), new Date('2027-03-04T02:00:00Z'), central)).toBeNull();
  });

  it('tells whether a deadline ran on official data', () => {
    const covered = (submittedAt: Date) => deadlineCovered(submittedAt, reviewDeadline(submittedAt, china).dueAt, china);
    expect(covered(new Date('2026-11-23T02:00:00Z'))).toBe(true);
    expect(covered(new Date('2026-12-30T02:00:00Z'))).toBe(false);
  });
});

interface DeadlineCase {
  name: string;
  calendar: BusinessCalendar;
  submittedAt: string;
  escalateAt: string;
  dueAt: string;
}

const shanghaiCases: DeadlineCase[] = [
  { name: 'Monday 10:00 → Wed/Thu 10:00', calendar: china, submittedAt: '2026-11-23T02:00:00Z', escalateAt: '2026-11-25T02:00:00Z', dueAt: '2026-11-26T02:00:00Z' },
  { name: 'Friday 15:00 across a weekend', calendar: china, submittedAt: '2026-11-20T07:00:00Z', escalateAt: '2026-11-24T07:00:00Z', dueAt: '2026-11-25T07:00:00Z' },
  { name: 'Saturday: clock starts Monday 00:00', calendar: china, submittedAt: '2026-11-21T07:00:00Z', escalateAt: '2026-11-24T16:00:00Z', dueAt: '2026-11-25T16:00:00Z' },
  { name: 'Sunday 23:59 local: clock starts Monday 00:00', calendar: china, submittedAt: '2026-11-22T15:59:00Z', escalateAt: '2026-11-24T16:00:00Z', dueAt: '2026-11-25T16:00:00Z' },
  { name: 'Friday before National Day 2025 counts the adjusted Sunday', calendar: china, submittedAt: '2025-09-26T02:00:00Z', escalateAt: '2025-09-29T02:00:00Z', dueAt: '2025-09-30T02:00:00Z' },
  { name: 'Tuesday before National Day 2025 skips Oct 1–8, counts Saturday Oct 11', calendar: china, submittedAt: '2025-09-30T02:00:00Z', escalateAt: '2025-10-10T02:00:00Z', dueAt: '2025-10-11T02:00:00Z' },
  { name: 'submitted on a holiday (2025-10-02 14:00): clock starts Oct 9 00:00', calendar: china, submittedAt: '2025-10-02T06:00:00Z', escalateAt: '2025-10-10T16:00:00Z', dueAt: '2025-10-12T16:00:00Z' },
  { name: 'Spring Festival 2026: Thursday 09:00 counts Saturday Feb 14, skips Feb 15–23', calendar: china, submittedAt: '2026-02-12T01:00:00Z', escalateAt: '2026-02-14T01:00:00Z', dueAt: '2026-02-24T01:00:00Z' },
  { name: 'Spring Festival 2026: Friday 18:00', calendar: china, submittedAt: '2026-02-13T10:00:00Z', escalateAt: '2026-02-24T10:00:00Z', dueAt: '2026-02-25T10:00:00Z' },
  { name: 'an override holiday on Wednesday pushes the deadline', calendar: createCalendar({ overrides: { holidays: ['2026-11-25'], workingDays: [] } }), submittedAt: '2026-11-23T02:00:00Z', escalateAt: '2026-11-26T02:00:00Z', dueAt: '2026-11-27T02:00:00Z' },
  { name: 'an override working Saturday pulls it in', calendar: createCalendar({ overrides: { holidays: [], workingDays: ['2026-11-21'] } }), submittedAt: '2026-11-20T07:00:00Z', escalateAt: '2026-11-23T07:00:00Z', dueAt: '2026-11-24T07:00:00Z' },
  { name: 'region none ignores National Day', calendar: plain('Asia/Shanghai'), submittedAt: '2025-09-30T02:00:00Z', escalateAt: '2025-10-02T02:00:00Z', dueAt: '2025-10-03T02:00:00Z' },
];

const dstCases: DeadlineCase[] = [
  // Berlin springs forward on Sunday 2026-03-29: 10:00 CET (09:00Z) → 10:00 CEST (08:00Z).
  { name: 'Berlin across the March switch', calendar: plain('Europe/Berlin'), submittedAt: '2026-03-27T09:00:00Z', escalateAt: '2026-03-31T08:00:00Z', dueAt: '2026-04-01T08:00:00Z' },
  // Berlin falls back on Sunday 2026-10-25: 16:00 CEST (14:00Z) → 16:00 CET (15:00Z).
  { name: 'Berlin across the October switch', calendar: plain('Europe/Berlin'), submittedAt: '2026-10-23T14:00:00Z', escalateAt: '2026-10-27T15:00:00Z', dueAt: '2026-10-28T15:00:00Z' },
  // New York springs forward on Sunday 2026-03-08: 09:00 EST (14:00Z) → 09:00 EDT (13:00Z).
  { name: 'New York across the March switch', calendar: plain('America/New_York'), submittedAt: '2026-03-06T14:00:00Z', escalateAt: '2026-03-10T13:00:00Z', dueAt: '2026-03-11T13:00:00Z' },
  // New York falls back on Sunday 2026-11-01: 09:00 EDT (13:00Z) → 09:00 EST (14:00Z).
  { name: 'New York across the November switch', calendar: plain('America/New_York'), submittedAt: '2026-10-30T13:00:00Z', escalateAt: '2026-11-03T14:00:00Z', dueAt: '2026-11-04T14:00:00Z' },
  // A working Sunday on the switch day: 02:30 does not exist in Berlin then, so it moves to 03:30 CEST.
  { name: 'Berlin: nonexistent 02:30 moves forward', calendar: plain('Europe/Berlin', { holidays: [], workingDays: ['2026-03-29'] }), submittedAt: '2026-03-26T01:30:00Z', escalateAt: '2026-03-29T01:30:00Z', dueAt: '2026-03-30T00:30:00Z' },
  // 01:30 happens twice in New York on 2026-11-01; the earlier (EDT) one is taken.
  { name: 'New York: repeated 01:30 takes the earlier', calendar: plain('America/New_York', { holidays: [], workingDays: ['2026-11-01'] }), submittedAt: '2026-10-29T05:30:00Z', escalateAt: '2026-11-01T05:30:00Z', dueAt: '2026-11-02T06:30:00Z' },
  // Saturday in New York: the clock starts Monday 00:00 EST.
  { name: 'New York weekend submission', calendar: plain('America/New_York'), submittedAt: '2026-11-07T15:00:00Z', escalateAt: '2026-11-11T05:00:00Z', dueAt: '2026-11-12T05:00:00Z' },
];

describe('reviewDeadline', () => {
  it.each([...shanghaiCases, ...dstCases])('$name', ({ calendar, submittedAt, escalateAt, dueAt }) => {
    const deadline = reviewDeadline(new Date(submittedAt), calendar);
    expect({ escalateAt: deadline.escalateAt.toISOString(), dueAt: deadline.dueAt.toISOString() }).toEqual({
      escalateAt: new Date(escalateAt).toISOString(),
      dueAt: new Date(dueAt).toISOString(),
    });
  });

  it('reports where the clock started', () => {
    expect(reviewClockStart(new Date('2025-10-02T06:00:00Z'), china)).toMatchObject({ date: '2025-10-09', time: { hour: 0, minute: 0 } });
    expect(reviewClockStart(new Date('2026-11-23T02:00:00Z'), china)).toMatchObject({ date: '2026-11-23', time: { hour: 10, minute: 0 } });
  });

  it('fails clearly for a calendar without working days', () => {
    const never: BusinessCalendar = { timeZone: 'UTC', isWorkingDay: () => false };
    expect(codeOf(() => reviewDeadline(new Date('2026-11-23T02:00:00Z'), never))).toBe('calendar_without_working_days');
  });
});

describe('deadlineState', () => {
  const submittedAt = new Date('2026-11-23T02:00:00Z');
  const at = (iso: string, deltaMs = 0) => new Date(new Date(iso).getTime() + deltaMs);
  it.each([
    [at('2026-11-23T02:00:00Z'), 'on_time'],
    [at('2026-11-25T02:00:00Z', -1), 'on_time'],
    [at('2026-11-25T02:00:00Z'), 'escalated'],
    [at('2026-11-26T02:00:00Z', -1), 'escalated'],
    [at('2026-11-26T02:00:00Z'), 'overdue'],
    [at('2026-12-26T02:00:00Z'), 'overdue'],
  ] as const)('at %s → %s', (now, state) => {
    expect(deadlineState(now, reviewDeadline(submittedAt, china))).toBe(state);
  });
});
