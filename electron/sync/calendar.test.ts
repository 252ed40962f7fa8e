// The business calendar reaches the workstation with the changes feed, and the workstation then computes the same due
// times as the central service: for every application it holds (end to end: real server on PGlite, real store file
// with its writer thread, the real sync engine), after a supervisor adds 2027 and after a later correction; and, over
// thousands of generated instants and time zones, the calendar the store kept counts exactly as the server's does.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar, reviewDeadline } from '../../shared/businessDays';
import { calendarOfPublished } from '../../shared/centralCalendar';
import type { CalendarYearRequest } from '../../shared/contract/calendar';
import { checkImage } from '../../server/images';
import { currentCalendar, replaceCalendarYear } from '../../server/calendar';
import type { CheckedDocument } from '../../server/service';
import { sampleImage, submitIndividualAt } from '../../tests/support/central';
import { engineOptions, openWorkstationSide, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { internalsOf } from '../store/open';
import { createSyncEngine } from './engine';

let central: CentralFixture;
let local: Workstation;
let image: CheckedDocument;

beforeAll(async () => {
  central = await startCentral();
  // Sunday 28 February 2027, 10:00 in Shanghai: submissions from December 2026 on are in the past.
  central.server.clock.advance(Date.parse('2027-02-28T02:00:00Z') - central.server.clock.now.getTime());
  local = openWorkstationSide();
  const bytes = await sampleImage('jpeg');
  image = { role: 'front', bytes, ...(await checkImage(bytes, 'image')) };
}, 120_000);
afterAll(async () => {
  await local?.close();
  await central?.close();
});

const year2027: CalendarYearRequest = {
  official: true,
  holidays: [
    { date: '2027-01-01', name: "New Year's Day" },
    ...['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'].map((date) => ({ date, name: 'Spring Festival' })),
  ],
  workingDays: [{ date: '2027-02-20', name: 'Spring Festival' }],
  note: 'test data shaped like a State Council notice',
};

const submitAt = async (submittedAt: Date): Promise<string> => (await submitIndividualAt(central.server.service, image, submittedAt, 'reviewer1')).application.id;

type Deadlines = Map<string, { due: number; escalate: number }>;

async function serverDeadlines(ids: readonly string[]): Promise<Deadlines> {
  const rows = await central.server.db.query<{ id: string; due_at: Date; escalate_at: Date }>(
    `SELECT id, due_at, escalate_at FROM applications WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.id, { due: r.due_at.getTime(), escalate: r.escalate_at.getTime() }]));
}

function storeDeadlines(ids: readonly string[]): Deadlines {
  const { db } = internalsOf(local.store);
  const rows = db.prepare<[], { id: string; due_at: number; escalate_at: number }>('SELECT id, due_at, escalate_at FROM applications').all();
  const wanted = new Set(ids);
  return new Map(rows.filter((r) => wanted.has(r.id)).map((r) => [r.id, { due: r.due_at, escalate: r.escalate_at }]));
}

/** Submission instants from 1 December 2026 to 26 February 2027, generated (seeded, so a failure replays). */
const submissions = fc.sample(fc.date({ min: new Date('2026-12-01T00:00:00Z'), max: new Date('2027-02-26T00:00:00Z'), noInvalidDate: true }), { seed: 20261205, numRuns: 60 });

describe('the calendar with the changes feed', () => {
  let ids: string[] = [];

  it('a supervisor adds 2027: the next sync brings it, and every due time on the workstation is the server’s', async () => {
    ids = [];
    for (const at of submissions) ids.push(await submitAt(at));
    // (Through the service: the route itself is server/calendar.test.ts's.)
    expect((await replaceCalendarYear(central.server.service, 'supervisor1', 2027, year2027)).recomputed).toBeGreaterThan(0);

    const report = await createSyncEngine(engineOptions(local, central.server.url)).syncNow();
    expect(report.ok).toBe(true);
    const server = await serverDeadlines(ids);
    expect(server.size).toBe(ids.length);
    expect(storeDeadlines(ids)).toEqual(server);
    expect(local.store.businessCalendar()?.version).toBe(2);
    // The data reaches into 2027: with the packaged calendar it counted with before, the workstation would differ.
    const packaged = createCalendar();
    expect(ids.filter((id, i) => reviewDeadline(submissions[i] as Date, packaged).dueAt.getTime() !== server.get(id)?.due).length).toBeGreaterThan(5);
  }, 120_000);

  it('a later correction moves the same deadlines on both sides, without a new application version', async () => {
    const before = await central.server.db.query<{ id: string; version: number }>(`SELECT id, version FROM applications ORDER BY id`);
    // The Spring Festival a day shorter, and no make-up working day.
    const corrected = { ...year2027, holidays: year2027.holidays.filter((d) => d.date !== '2027-02-11'), workingDays: [], note: 'correction' };
    expect((await replaceCalendarYear(central.server.service, 'supervisor1', 2027, corrected)).recomputed).toBeGreaterThan(0);
    expect(await central.server.db.query(`SELECT id, version FROM applications ORDER BY id`)).toEqual(before);

    expect((await createSyncEngine(engineOptions(local, central.server.url)).syncNow()).ok).toBe(true);
    expect(local.store.businessCalendar()?.version).toBe(3);
    expect(storeDeadlines(ids)).toEqual(await serverDeadlines(ids));
  }, 120_000);

  it('a sync with the calendar unchanged does not fetch it again', async () => {
    const kept = local.store.businessCalendar();
    const report = await createSyncEngine(engineOptions(local, central.server.url)).syncNow();
    expect(report.ok).toBe(true);
    expect(local.store.businessCalendar()).toEqual(kept);
  });
});

describe('workstation and server count the same (generated)', () => {
  const zones = ['Asia/Shanghai', 'Asia/Hong_Kong', 'UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kolkata'];

  it('for thousands of submission instants and time zones, from the server’s calendar and the one the store kept', async () => {
    const server = (await currentCalendar(central.server.service, central.server.db)).published;
    const kept = local.store.businessCalendar();
    expect(kept?.version).toBe(server.version);
    if (!kept) return;
    const calendars = new Map(zones.map((zone) => [zone, { server: calendarOfPublished({ ...server, timeZone: zone }), workstation: calendarOfPublished({ ...kept, timeZone: zone }) }]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.date({ min: new Date('2025-06-01T00:00:00Z'), max: new Date('2028-06-01T00:00:00Z'), noInvalidDate: true }), (zone, submittedAt) => {
        const pair = calendars.get(zone)!;
        const a = reviewDeadline(submittedAt, pair.server);
        const b = reviewDeadline(submittedAt, pair.workstation);
        return a.dueAt.getTime() === b.dueAt.getTime() && a.escalateAt.getTime() === b.escalateAt.getTime();
      }),
      { seed: 22, numRuns: 5000 },
    );
  });
});
