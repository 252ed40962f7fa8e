// The business calendar through the browser host, against a real central service with demo data. The year-end is made
// a closure (days off to 31 December 2026) so every open deadline runs into 2027, which has no official data yet:
// the reviewer's queue rows and case view say so with what to do, and so does the supervisor's oversight; the
// supervisor then adds 2027 on the Calendar screen with the keyboard alone, the change is kept with who and when,
// and the notices go. A case withdrawn through a ticket shows the ticket, the time and who sent it.
import type { QueuePage } from '../../shared/contract/cases';
import type { Outcome } from '../../shared/errors';
import { chinaHolidays } from '../../shared/holidays';
import { replaceCalendarYear } from '../../server/calendar';
import { expect, test, type Central } from './fixtures';
import { channelValue, openBySearch, seriousViolations, signIn } from './review-support';

test.use({ centralDemoCount: 8 });

/** 2026 as published, plus days off from 7 to 31 December: the deadlines of open applications fall in 2027. */
async function yearEndClosure(central: Central): Promise<void> {
  const of = (map: ReadonlyMap<string, string>) => [...map].filter(([d]) => d.startsWith('2026-')).map(([date, name]) => ({ date, name }));
  const closure = Array.from({ length: 25 }, (_, i) => ({ date: `2026-12-${String(i + 7).padStart(2, '0')}`, name: 'Year-end closure (test)' }));
  await replaceCalendarYear(central.server.service, 'supervisor1', 2026, {
    official: true,
    holidays: [...of(chinaHolidays.holidays), ...closure],
    workingDays: of(chinaHolidays.workdays),
    note: 'e2e: a year-end closure',
  });
}

test.describe('a reviewer', () => {
  test('sees the year without official holidays on every open case: queue row and case view, with what to do', async ({ app, host, central }) => {
    test.slow();
    await signIn(app);
    await yearEndClosure(central!);
    await channelValue(host, 'sync.now', {});
    const { json } = await host.call('queue.list', { status: 'open', limit: 200 });
    const page = json as Outcome<QueuePage>;
    if (!page.ok) throw new Error(page.error.code);
    // Due from 1 January 2027 in Shanghai: counted with weekends only; due before: as ever.
    const spanning = page.value.items.filter((i) => i.dueAt >= '2026-12-31T16:00:00.000Z');
    expect(spanning.length).toBeGreaterThan(0);
    for (const item of page.value.items) expect(item.holidayDataMissing, item.id).toBe(spanning.includes(item) ? 2027 : null);
    await expect(app.locator(`[role="row"][data-application-id="${spanning[0]!.id}"]`)).toContainText('No official holidays for 2027: ask a supervisor to add them');
    await expect(app.locator('.holiday-data-missing')).toHaveCount(spanning.length);
    await openBySearch(app, spanning[0]!.id);
    // On time or escalated, the case's R7 explanation names the year and what to do.
    await expect(app.getByText(/no official holidays for 2027 yet.*Ask a supervisor to add 2027’s holidays\./)).toBeVisible();
    expect(await seriousViolations(app)).toEqual([]);

    // Withdrawals on record: another of the reviewer's cases withdrawn through a ticket; the case view names it.
    const other = page.value.items.find((i) => i.id !== spanning[0]!.id)!;
    await central!.server.service.withdraw(other.id, 'SUP-777001', 'intake');
    await channelValue(host, 'sync.now', {});
    await app.keyboard.press('Escape');
    await app.getByLabel('Status').selectOption('all');
    await openBySearch(app, other.id);
    await expect(app.getByText(/Withdrawn through ticket SUP-777001 on .* \(sent by intake\)\./)).toBeVisible();
  });
});

test.describe('a supervisor', () => {
  test.use({ centralSignIn: 'supervisor1' });

  test('is told on the oversight, adds 2027 on the Calendar screen by keyboard, and the change is on record', async ({ app, central }) => {
    test.slow();
    await yearEndClosure(central!);
    const nav = app.getByRole('navigation');
    await nav.getByRole('button', { name: 'Oversight' }).click();
    await expect(app.getByTestId('oversight-holiday-data-missing')).toContainText(/open applications fall due in 2027.*Add 2027’s holidays and make-up working days under Calendar/);

    await nav.getByRole('button', { name: 'Calendar' }).click();
    await expect(app.getByRole('heading', { name: 'Business calendar', level: 1 })).toBeVisible();
    await expect(app.getByTestId('calendar-missing-year')).toContainText('no official holidays for 2027');
    await expect(app.locator('tr[data-year="2026"]')).toContainText('supervisor1');
    expect(await seriousViolations(app)).toEqual([]);

    // The keyboard alone: the year, Official, the days, the note, Enter.
    const year = app.getByLabel('Year', { exact: true });
    await year.focus();
    await app.keyboard.press('ControlOrMeta+a');
    await app.keyboard.type('2027');
    await app.keyboard.press('Tab');
    await expect(app.getByLabel(/^Official/)).toBeFocused();
    await expect(app.getByLabel(/^Official/)).toBeChecked();
    await app.keyboard.press('Tab');
    await expect(app.getByLabel('Days off and make-up working days, one per line')).toBeFocused();
    await app.keyboard.type('2027-01-01 off New Year’s Day\n2027-02-0x off Spring Festival');
    await app.keyboard.press('Tab');
    await app.keyboard.type('State Council notice (e2e)');
    await app.keyboard.press('Enter');
    await expect(app.getByRole('alert')).toContainText('A line cannot be read');
    await app.getByLabel('Days off and make-up working days, one per line').fill(
      '2027-01-01 off New Year’s Day\n2027-02-06..2027-02-12 off Spring Festival\n2027-02-20 work Spring Festival',
    );
    await app.getByLabel('Why (e.g. the notice’s number)').focus();
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('calendar-saved')).toContainText('Saved as version 3');
    await expect(app.locator('tr[data-year="2027"]')).toContainText('Official');
    await expect(app.locator('tr[data-year="2027"]')).toContainText('supervisor1');
    await expect(app.getByTestId('calendar-missing-year')).toHaveCount(0);
    await expect(app.getByTestId('calendar-history').locator('li').first()).toContainText('supervisor1 set 2027 (Official), 9 days added, 0 removed');
    const [change] = await central!.server.db.query<{ changed_by: string; note: string }>(`SELECT changed_by, note FROM calendar_changes ORDER BY id DESC LIMIT 1`);
    expect(change).toEqual({ changed_by: 'supervisor1', note: 'State Council notice (e2e)' });

    // The Edit button of a year brings its days into the form, as text.
    await app.locator('tr[data-year="2027"]').getByRole('button', { name: 'Edit 2027' }).press('Enter');
    await expect(app.getByLabel('Days off and make-up working days, one per line')).toBeFocused();
    await expect(app.getByLabel('Days off and make-up working days, one per line')).toHaveValue(
      '2027-01-01 off New Year’s Day\n2027-02-06..2027-02-12 off Spring Festival\n2027-02-20 work Spring Festival',
    );

    await app.getByLabel('Language').selectOption('zh-CN');
    await expect(app.getByRole('heading', { name: '业务日历', level: 1 })).toBeVisible();
    await expect(app.locator('tr[data-year="2027"]')).toContainText('官方');
    await app.screenshot({ path: 'test-results/screenshots/calendar-zh-CN.png', fullPage: true });
    await app.getByLabel('语言').selectOption('en');

    await nav.getByRole('button', { name: 'Oversight' }).click();
    await expect(app.getByTestId('oversight-freshness')).toHaveAttribute('data-live', 'true');
    await expect(app.getByTestId('oversight-holiday-data-missing')).toHaveCount(0);
  });
});
