// The business calendar in PostgreSQL (server/calendar.ts, migration 10) and withdrawals on record, through real HTTP:
// the seed is exactly the installed chinese-days data; a supervisor adds 2027 and every open deadline that reaches
// into it moves; every change is kept; the changes feed answers the version. PGlite by default; PostgreSQL with
// VERITY_TEST_DATABASE_URL.
import packageData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewDeadline } from '../shared/businessDays';
import { CalendarChangesResponse, CalendarYearResponse, PublishedCalendar, type CalendarYearRequest } from '../shared/contract/calendar';
import { ChangesResponse, type ApplicationEnvelope, type CentralError } from '../shared/contract/central';
import { checkImage } from './images';
import type { CheckedDocument } from './service';
import { sampleImage, startTestServer, submitIndividualAt, testClock, TestClient, type Answer, type TestServer } from '../tests/support/central';

// Thursday 31 December 2026, 10:00 in Shanghai: the example (due 2027-01-05 with New Year's Day counted).
const clock = testClock('2026-12-31T02:00:00.000Z');
let server: TestServer;
let sup: TestClient;
let r1: TestClient;
let intake: TestClient;
let image: CheckedDocument;

beforeAll(async () => {
  server = await startTestServer({}, clock);
  [sup, r1, intake] = await Promise.all([
    new TestClient(server.url, () => clock.now).signIn('supervisor1'),
    new TestClient(server.url, () => clock.now).signIn('reviewer1'),
    new TestClient(server.url, () => clock.now).signIn('intake'),
  ]);
  const bytes = await sampleImage('jpeg');
  image = { role: 'front', bytes, ...(await checkImage(bytes, 'image')) };
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const submitAt = (submittedAt: string, assignee: string | null = null) => submitIndividualAt(server.service, image, new Date(submittedAt), assignee);

const code = (a: Answer) => (a.body as CentralError).error.code;
const put = (client: TestClient, year: number | string, json: unknown) => client.request('PUT', `/v1/calendar/years/${year}`, { json });
const dueOf = async (id: string) =>
  (await server.db.query<{ due_at: Date; escalate_at: Date }>(`SELECT due_at, escalate_at FROM applications WHERE id = $1`, [id]))[0];

const year2027: CalendarYearRequest = {
  official: true,
  holidays: [
    { date: '2027-01-01', name: "New Year's Day,元旦,1" },
    { date: '2027-02-05', name: 'Spring Festival,春节,4' },
    { date: '2027-02-08', name: 'Spring Festival,春节,4' },
  ],
  workingDays: [{ date: '2027-02-20', name: 'Spring Festival,春节,4' }],
  note: 'State Council notice for 2027 (test data)',
};

describe('the seed', () => {
  it('is exactly the installed chinese-days data, every year official, at version 1', async () => {
    const answer = await r1.get('/v1/calendar');
    expect(answer.status).toBe(200);
    const calendar = PublishedCalendar.parse(answer.body);
    expect(calendar.version).toBe(1);
    expect(calendar.timeZone).toBe('Asia/Shanghai');
    const holidays = Object.fromEntries(calendar.days.filter((d) => d.kind === 'holiday').map((d) => [d.date, d.name]));
    const workdays = Object.fromEntries(calendar.days.filter((d) => d.kind === 'workday').map((d) => [d.date, d.name]));
    expect(holidays).toEqual(packageData.holidays);
    expect(workdays).toEqual(packageData.workdays);
    const packageYears = [...new Set(Object.keys(packageData.holidays).map((d) => Number(d.slice(0, 4))))].sort();
    expect(calendar.years.map((y) => y.year)).toEqual(packageYears);
    expect(calendar.years.every((y) => y.official && y.updatedBy === null)).toBe(true);
    expect(calendar.years.some((y) => y.year === 2027)).toBe(false);
  });
});

describe('a supervisor adds 2027', () => {
  it('refuses other roles and malformed years with a code', async () => {
    expect((await put(r1, 2027, year2027)).status).toBe(403);
    expect((await intake.get('/v1/calendar')).status).toBe(403);
    expect((await r1.get('/v1/calendar/changes')).status).toBe(403);
    const weekday = await put(sup, 2027, { ...year2027, workingDays: [{ date: '2027-02-22', name: 'x' }] });
    expect([weekday.status, code(weekday)]).toEqual([400, 'invalid_calendar_day']);
    const otherYear = await put(sup, 2027, { ...year2027, holidays: [{ date: '2028-01-01', name: 'x' }] });
    expect([otherYear.status, code(otherYear)]).toEqual([400, 'invalid_calendar_day']);
    const twice = await put(sup, 2027, { ...year2027, workingDays: [{ date: '2027-01-01', name: 'x' }] });
    expect([twice.status, code(twice)]).toEqual([400, 'invalid_calendar_day']);
    const noDate = await put(sup, 2027, { ...year2027, holidays: [{ date: '2027-02-30', name: 'x' }] });
    expect([noDate.status, code(noDate)]).toEqual([400, 'invalid_request']);
    expect(code(await put(sup, 1999, year2027))).toBe('invalid_request');
    expect((await sup.get('/v1/calendar/changes')).body).toEqual({ changes: [] });
  });

  it('moves the deadlines that reach into 2027 and only those, keeps the change, and bumps the version the feed answers', async () => {
    const spanning = await submitAt('2026-12-31T10:00:00+08:00', 'reviewer1');
    const early = await submitAt('2026-12-01T10:00:00+08:00');
    // Weekends only in 2027: Fri 1 Jan counted as a working day → due Tue 5 Jan 10:00 (the bug).
    expect(spanning.dueAt).toBe('2027-01-05T02:00:00.000Z');
    const earlyBefore = await dueOf(early.application.id);

    const answer = await put(sup, 2027, year2027);
    expect(answer.status).toBe(200);
    const result = CalendarYearResponse.parse(answer.body);
    expect(result.calendar.version).toBe(2);
    expect(result.recomputed).toBe(1);
    expect(result.calendar.years.find((y) => y.year === 2027)).toEqual({ year: 2027, official: true, updatedAt: clock.now.toISOString(), updatedBy: 'supervisor1' });
    // With New Year's Day off: Mon 4, Tue 5, Wed 6 → due Wed 6 Jan 10:00, escalation Tue 5 Jan.
    expect((await dueOf(spanning.application.id))?.due_at.toISOString()).toBe('2027-01-06T02:00:00.000Z');
    expect((await dueOf(spanning.application.id))?.escalate_at.toISOString()).toBe('2027-01-05T02:00:00.000Z');
    expect(await dueOf(early.application.id)).toEqual(earlyBefore);
    // The service counts with it at once: Thu 4 Feb → Fri 5 and Mon 8 off → due Thu 11 Feb.
    expect(reviewDeadline(new Date('2027-02-04T10:00:00+08:00'), server.service.options.calendar).dueAt.toISOString()).toBe('2027-02-11T02:00:00.000Z');

    const history = CalendarChangesResponse.parse((await sup.get('/v1/calendar/changes?year=2027')).body);
    expect(history.changes).toHaveLength(1);
    expect(history.changes[0]).toMatchObject({
      year: 2027,
      changedBy: 'supervisor1',
      changedAt: clock.now.toISOString(),
      officialBefore: null,
      officialAfter: true,
      removed: [],
      note: year2027.note,
      recomputed: 1,
    });
    expect(history.changes[0]?.added.map((d) => `${d.date} ${d.kind}`)).toEqual(['2027-01-01 holiday', '2027-02-05 holiday', '2027-02-08 holiday', '2027-02-20 workday']);

    const feed = ChangesResponse.parse((await r1.get('/v1/changes')).body);
    expect(feed.calendarVersion).toBe(2);
  });

  it('keeps every later change as history too, what was removed included, and the history cannot be rewritten', async () => {
    clock.advance(60_000);
    const withoutFeb8 = { ...year2027, holidays: year2027.holidays.filter((d) => d.date !== '2027-02-08'), note: 'correction' };
    expect((await put(sup, 2027, withoutFeb8)).status).toBe(200);
    const history = CalendarChangesResponse.parse((await sup.get('/v1/calendar/changes')).body);
    expect(history.changes.map((c) => c.note)).toEqual(['correction', year2027.note]);
    expect(history.changes[0]).toMatchObject({ officialBefore: true, added: [], removed: [{ date: '2027-02-08', kind: 'holiday', name: 'Spring Festival,春节,4' }] });
    await expect(server.db.query(`UPDATE calendar_changes SET note = 'x'`)).rejects.toThrow(/append-only/);
    await expect(server.db.query(`DELETE FROM calendar_changes`)).rejects.toThrow(/append-only/);
    expect(PublishedCalendar.parse((await r1.get('/v1/calendar')).body).version).toBe(3);
  });
});

describe('withdrawals on record', () => {
  const withdraw = (id: string, json: unknown) => intake.post(`/v1/applications/${id}/withdraw`, json);

  it.each([
    ['missing', {}],
    ['empty', { ticketRef: '' }],
    ['blank', { ticketRef: '   ' }],
    ['lower case', { ticketRef: 'sup-1' }],
    ['no number', { ticketRef: 'SUP-' }],
    ['free text', { ticketRef: 'the customer phoned' }],
  ])('refuses a %s ticket reference with invalid_ticket_ref, leaving the application open', async (_, body) => {
    const { application } = await submitAt('2026-12-30T10:00:00+08:00');
    const answer = await withdraw(application.id, body);
    expect([answer.status, code(answer)]).toEqual([400, 'invalid_ticket_ref']);
    expect((answer.body as CentralError).error.message).toMatch(/SUP-104233/);
    expect((await server.db.query<{ status: string }>(`SELECT status FROM applications WHERE id = $1`, [application.id]))[0]?.status).toBe('queued');
  });

  it('stores the ticket, the time and the intake account, and answers them with the application (and in the feed)', async () => {
    const { application } = await submitAt('2026-12-30T10:00:00+08:00', 'reviewer1');
    await r1.get('/v1/changes');
    const answer = await withdraw(application.id, { ticketRef: 'SUP-104233' });
    expect(answer.status).toBe(200);
    const withdrawal = { ticketRef: 'SUP-104233', withdrawnAt: clock.now.toISOString(), withdrawnBy: 'intake' };
    expect((answer.body as ApplicationEnvelope).application.withdrawal).toEqual(withdrawal);
    const [row] = await server.db.query<{ withdrawn_at: Date; withdrawn_by: string; withdraw_ticket_ref: string }>(
      `SELECT withdrawn_at, withdrawn_by, withdraw_ticket_ref FROM applications WHERE id = $1`,
      [application.id],
    );
    expect(row).toEqual({ withdrawn_at: clock.now, withdrawn_by: 'intake', withdraw_ticket_ref: 'SUP-104233' });
    let feed = ChangesResponse.parse((await r1.get('/v1/changes')).body);
    const all = [...feed.changes];
    while (feed.hasMore) {
      feed = ChangesResponse.parse((await r1.get(`/v1/changes?cursor=${encodeURIComponent(feed.cursor)}`)).body);
      all.push(...feed.changes);
    }
    expect(all.find((c) => c.application.id === application.id && c.type === 'withdrawn')?.application.withdrawal).toEqual(withdrawal);
  });
});
