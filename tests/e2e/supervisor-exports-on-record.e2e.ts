// Who took which decisions out, when: a supervisor exports the filtered decision log as CSV, and the Exports section
// lists that export from the central service's record (newest first): their name, the filters in the log's words, the
// number of decisions the file holds, finished.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, test } from './fixtures';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

test('an export of the decision log is on record: who, when, which filters, how many decisions', async ({ app, central }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  await expect(app.getByTestId('decision-row').first()).toBeVisible({ timeout: 60_000 });
  await app.getByLabel('Outcome').selectOption('reject');
  await app.getByLabel('Decided', { exact: true }).selectOption('no');
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
  const [, ...rows] = parse(await readFile((await download.path())!), { bom: true }) as string[][];
  expect(rows.length).toBeGreaterThan(0);

  await app.getByRole('navigation').getByText('Exports').click();
  await expect(app.getByRole('heading', { name: 'Exports on record' })).toBeVisible();
  const newest = app.getByTestId('export-record').first();
  await expect(newest).toContainText('Supervisor One');
  await expect(newest.getByTestId('export-filter')).toHaveText('Outcome: Rejected · Decided: Online');
  await expect(newest).toContainText(String(rows.length));
  await expect(newest).toHaveAttribute('data-complete', 'true');
  await expect(newest).toContainText('Complete');
  await app.screenshot({ path: 'test-results/screenshots/exports-on-record-en-light.png' });

  // The record is kept at the central service only: out of reach, the section says so as an alert with its code and
  // offers Try again.
  await central!.link.down();
  await app.getByRole('navigation').getByRole('button', { name: 'Devices' }).click();
  await app.getByRole('navigation').getByText('Exports').click();
  const failed = app.getByRole('alert');
  await expect(failed).toHaveAttribute('data-code', 'central_unreachable');
  await expect(failed).toContainText('The central service cannot be reached now');
  await expect(failed.getByRole('button', { name: 'Try again' })).toBeVisible();
});
