// A supervisor reads the withdrawals on record (issue 22 item 3) against a real central service: applications that
// intake withdrew through support tickets are listed with the ticket, who held them, who sent the withdrawal and when;
// the filters narrow them with counts beside their choices; the decision log's keys move, open (read-only, the same
// ticket, time and sender) and search; and the CSV export holds exactly the rows and columns on screen, a hostile
// applicant name made inert.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { shortRef } from '../../shared/applicationRef';
import type { WithdrawalLogPage } from '../../shared/contract/withdrawals';
import { expect, test } from './fixtures';
import { seriousViolations } from './review-support';
import { call, centralSession, submitAssigned } from './supervisor-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });
// The demo's decision history is seeded before the test and synced in it.
test.slow();

const hostile = '=HYPERLINK("http://x","y")';

test('a supervisor reads, filters, opens and exports the withdrawals on record, by mouse and keyboard', async ({ app, host, central }) => {
  const url = central!.server.url;
  // Three applications withdrawn through tickets, oldest first: reviewer1's (a hostile name), reviewer2's, reviewer1's.
  const intake = await centralSession(url, 'intake');
  const held = [
    { reviewer: 'reviewer1', name: hostile, ticket: 'SUP-900001' },
    { reviewer: 'reviewer2', name: 'SPECIMEN Withdrawn Two', ticket: 'SUP-900002' },
    { reviewer: 'reviewer1', name: 'SPECIMEN Withdrawn Three', ticket: 'SUP-900003' },
  ];
  const ids: string[] = [];
  for (const h of held) {
    const envelope = await submitAssigned(url, h.reviewer, h.name);
    await intake.post(`/v1/applications/${envelope.application.id}/withdraw`, { ticketRef: h.ticket });
    ids.push(envelope.application.id);
  }
  const [first, second, third] = ids as [string, string, string];

  await expect(app.getByTestId('signed-in-person')).toContainText('Supervisor One');
  await call(host, 'sync.now', {});
  await app.getByRole('navigation').getByText('Withdrawals').click();
  const view = app.getByTestId('withdrawals');
  const rows = view.getByTestId('withdrawal-row');
  // A click on the first row's time selects the row (its application id is a link that opens it).
  const selectFirst = () => rows.first().locator('td').first().click();
  // Newest first, live from the central service.
  await expect(rows).toHaveCount(3, { timeout: 30_000 });
  await expect(view.getByTestId('withdrawals-source')).toHaveAttribute('data-source', 'central');
  await expect(view.getByTestId('withdrawals-shown')).toHaveText('3 of 3 shown');
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-application-id')))).toEqual([third, second, first]);
  const page = await call<WithdrawalLogPage>(host, 'withdrawals.log', { limit: 50 });
  expect(page.items.map((w) => w.applicationId)).toEqual([third, second, first]);

  // Each row: when, the application, the applicant (the hostile name as plain text), who held it, the ticket, who sent it.
  const cellsOf = (id: string) => view.locator(`[data-testid="withdrawal-row"][data-application-id="${id}"] td`).allInnerTexts();
  const firstCells = await cellsOf(first);
  expect(firstCells.slice(1)).toEqual([first, hostile, 'Individual', 'Reviewer One', 'SUP-900001', 'intake']);
  expect(await cellsOf(second)).toEqual([expect.any(String), second, 'SPECIMEN Withdrawn Two', 'Individual', 'Reviewer Two', 'SUP-900002', 'intake']);
  expect(firstCells[0]).not.toBe('');
  expect(await seriousViolations(app)).toEqual([]);
  await app.screenshot({ path: 'test-results/screenshots/withdrawals-en-light.png' });

  // Filters: who held it, with the counts beside the choices; the kind's count; a ticket by search; a date range.
  await app.getByLabel('Held by').selectOption('reviewer1');
  await expect(rows).toHaveCount(2);
  await expect(view.getByTestId('withdrawals-shown')).toHaveText('2 of 2 shown');
  await expect(app.getByLabel('Held by').locator('option:checked')).toHaveText('Reviewer One (2)');
  await expect(app.getByLabel('Kind').locator('option[value="individual"]')).toHaveText('Individual (2)');
  await app.getByRole('button', { name: 'Reset filters' }).click();
  await expect(rows).toHaveCount(3);
  // "/" goes to the search; a ticket finds its withdrawal; Esc clears the search.
  await selectFirst();
  await app.keyboard.press('/');
  await expect(app.getByRole('searchbox', { name: 'Search' })).toBeFocused();
  await app.keyboard.type('sup-900002');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-application-id', second);
  await app.keyboard.press('Escape');
  await expect(rows).toHaveCount(3);
  // Withdrawn from tomorrow on: none, said so.
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  await app.getByLabel('Withdrawn from').fill(day);
  await expect(rows).toHaveCount(0);
  await expect(view.getByText('No withdrawals match these filters.')).toBeVisible();
  await app.getByRole('button', { name: 'Reset filters' }).click();
  await expect(rows).toHaveCount(3);

  // Keys: J and K move the selection and the focus; Enter opens the selected withdrawal read-only.
  await selectFirst();
  await expect(rows.nth(0)).toHaveAttribute('aria-current', 'true');
  await app.keyboard.press('j');
  await expect(rows.nth(1)).toHaveAttribute('aria-current', 'true');
  await expect(rows.nth(1)).toBeFocused();
  await app.keyboard.press('j');
  await app.keyboard.press('k');
  await expect(rows.nth(1)).toHaveAttribute('aria-current', 'true');
  await expect(rows.nth(0)).not.toHaveAttribute('aria-current', 'true');
  const secondAt = (await cellsOf(second))[0]!;
  await app.keyboard.press('Enter');
  const opened = app.getByTestId('decision-case');
  await expect(opened.getByRole('heading', { level: 1 })).toContainText(shortRef(second));
  await expect(opened.getByTestId('copy-id')).toHaveAttribute('data-id', second);
  await expect(opened.locator('.status-pill')).toHaveText('Read-only');
  const onRecord = opened.getByTestId('withdrawal-on-record');
  await expect(onRecord.getByTestId('withdrawal-ticket')).toHaveText('SUP-900002');
  await expect(onRecord.getByTestId('withdrawal-at')).toHaveText(secondAt);
  await expect(onRecord.getByTestId('withdrawal-by')).toHaveText('intake');
  await expect(opened.getByRole('button', { name: /approve|reject/i })).toHaveCount(0);
  // Esc goes back, to the row it was opened from.
  await app.keyboard.press('Escape');
  await expect(rows.nth(1)).toBeFocused();
  // A click on the application opens it too.
  await view.getByRole('button', { name: `Open ${first} read-only` }).click();
  await expect(app.getByTestId('decision-case').getByTestId('withdrawal-ticket')).toHaveText('SUP-900001');
  await app.keyboard.press('Escape');
  await expect(rows).toHaveCount(3);

  // The export: reviewer1's withdrawals, by the E key; the file is what the screen shows, headings included.
  await app.getByLabel('Held by').selectOption('reviewer1');
  await expect(rows).toHaveCount(2);
  await selectFirst();
  const [download] = await Promise.all([app.waitForEvent('download'), app.keyboard.press('e')]);
  expect(download.suggestedFilename()).toMatch(/^verity-withdrawals-\d{8}-\d{4}\.csv$/);
  const [header, ...cells] = parse(await readFile((await download.path())!), { bom: true }) as string[][];
  expect(header).toEqual(await view.locator('thead th').allInnerTexts());
  const onScreen = await Promise.all([third, first].map(cellsOf));
  // The same cells but the time, which the file gives in ISO 8601 with the zone (what a spreadsheet sorts).
  expect(cells.map((r) => r.slice(1))).toEqual(onScreen.map((r) => r.slice(1)).map((r) => (r[1] === hostile ? [r[0], `'${hostile}`, ...r.slice(2)] : r)));
  const times = Object.fromEntries(page.items.map((w) => [w.applicationId, Math.floor(Date.parse(w.withdrawnAt) / 1000) * 1000]));
  expect(cells.map((r) => Date.parse(r[0]!))).toEqual([times[third], times[first]]);
  for (const r of cells) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/);
  await expect(view.getByTestId('export-withdrawals_csv-status')).toHaveText(`Saved ${download.suggestedFilename()}: 2 withdrawals.`);
});
