// The queue: filters with counts, search, keyboard movement, persistence of filters, windowed rows, hostile names.
import type { QueueCounts } from '../../shared/contract/cases';
import type { Outcome } from '../../shared/errors';
import { expect, test } from './fixtures';
import { listCases, seriousViolations, signIn } from './review-support';

test.use({ demoCount: 40 });
// Hosts seed demo data and axe scans are slow on a loaded two-core machine.
test.describe.configure({ timeout: 120_000 });

test('filters, searches, counts and keeps the filters across a restart', async ({ app, host }) => {
  await signIn(app);
  const grid = app.getByRole('grid');
  const rows = grid.locator('.queue-body [role="row"]');
  const all = await listCases(host);
  await expect(app.getByText(`${all.length} shown`, { exact: true })).toBeVisible();
  // Sorted by due time.
  const firstId = await rows.first().getAttribute('data-application-id');
  expect(firstId).toBe(all[0]!.id);

  // Counts per filter come from queue.counts.
  const counts = ((await host.call('queue.counts', {})).json as Outcome<QueueCounts>);
  if (!counts.ok) throw new Error('counts failed');
  const kind = app.getByLabel('Kind', { exact: true });
  await kind.selectOption('change');
  const changes = all.filter((i) => i.kind === 'change');
  await expect(rows).toHaveCount(changes.length);
  for (const id of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-application-id')))) {
    expect(changes.map((c) => c.id)).toContain(id);
  }
  await expect(app.getByLabel('Flag', { exact: true }).locator('option[value="R1"]')).toHaveText(`R1 Issuing location (${counts.value.byFlag.R1})`);

  // Flag filter, then search by name within it.
  await kind.selectOption('all');
  await app.getByLabel('Flag', { exact: true }).selectOption('R2');
  const r2 = all.filter((i) => i.flags.some((f) => f.rule === 'R2'));
  await expect(rows).toHaveCount(r2.length);
  await expect(rows.first().getByRole('img', { name: /R2 Document already used/ })).toBeVisible();
  await app.getByLabel('Flag', { exact: true }).selectOption('all');

  const target = all.find((i) => !i.displayName.includes('<') && i.displayName.length >= 3)!;
  await app.getByRole('searchbox', { name: 'Search' }).fill(target.displayName);
  await expect(rows.filter({ hasText: target.displayName }).first()).toBeVisible();
  await expect.poll(async () => (await rows.locator('.c-name').allInnerTexts()).every((text) => text.includes(target.displayName))).toBe(true);

  // The filters survive a restart of the page.
  await app.getByLabel('Due', { exact: true }).selectOption('all');
  await app.getByLabel('Kind', { exact: true }).selectOption('individual');
  await app.reload();
  // The session lives in the workstation: a reload (or a new window) stays signed in.
  await expect(app.getByRole('grid')).toBeVisible();
  await expect(app.getByLabel('Kind', { exact: true })).toHaveValue('individual');
  await expect(app.getByRole('searchbox', { name: 'Search' })).toHaveValue(target.displayName);
  await app.getByRole('button', { name: 'Reset filters' }).click();
  await expect(app.getByText(`${all.length} shown`, { exact: true })).toBeVisible();
  // The open queue is the reviewer's own; "Assigned to me" narrows the lists of every status.
  expect(all.every((i) => i.assignee === 'reviewer1')).toBe(true);
  const everything = await listCases(host, { status: 'all' });
  const mine = everything.filter((i) => i.assignee === 'reviewer1');
  expect(mine.length).toBeLessThan(everything.length);
  await app.getByLabel('Status', { exact: true }).selectOption('all');
  await expect(app.getByText(`${everything.length} shown`, { exact: true })).toBeVisible();
  await app.getByRole('checkbox', { name: 'Assigned to me' }).check();
  await expect(app.getByText(`${mine.length} shown`, { exact: true })).toBeVisible();
  await app.getByRole('checkbox', { name: 'Assigned to me' }).uncheck();
  expect(await seriousViolations(app)).toEqual([]);
});

test('moves with the keyboard, keeps few rows in the DOM, and shows hostile names as text', async ({ app, host }) => {
  let alerted = false;
  app.on('dialog', (d) => {
    alerted = true;
    void d.dismiss();
  });
  await app.setViewportSize({ width: 1280, height: 720 });
  await signIn(app);
  const all = await listCases(host, { status: 'all' });
  await app.getByLabel('Status', { exact: true }).selectOption('all');
  // The whole list, not the open cases still on screen: keys pressed before it lands select in the old list
  // (CI failed on that once: row 1 of the open list kept, where all[1] was expected).
  await expect(app.getByText(`${all.length} shown`, { exact: true })).toBeVisible();
  const rows = app.getByRole('grid').locator('.queue-body [role="row"]');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThanOrEqual(60);

  await app.getByRole('grid').focus();
  await app.keyboard.press('j');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('k');
  await expect(app.locator('[role="row"][aria-selected="true"]')).toHaveAttribute('data-application-id', all[1]!.id);
  // Scroll to the end: the window moves, the DOM stays small.
  await app.keyboard.press('End');
  await expect(app.locator('[role="row"][aria-selected="true"]')).toHaveAttribute('data-application-id', all[all.length - 1]!.id);
  expect(await rows.count()).toBeLessThanOrEqual(60);

  // Hostile applicant strings render literally.
  const hostile = all.filter((i) => /[<>{]/.test(i.displayName));
  expect(hostile.length).toBeGreaterThan(0);
  await app.getByRole('searchbox', { name: 'Search' }).fill(hostile[0]!.id);
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('.c-name')).toHaveText(hostile[0]!.displayName);
  await app.keyboard.press('Enter');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('entered-data').or(app.getByTestId('change-comparison')).first()).toContainText(hostile[0]!.displayName);
  expect(await app.locator('img[src="x"], script:not([src])').count()).toBe(0);
  expect(alerted).toBe(false);
});
