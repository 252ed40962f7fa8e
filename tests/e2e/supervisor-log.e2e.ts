// A supervisor at the workstation, against a real central service with its demo decision history: the supervisor's
// area instead of a review queue, the decision log filtered by reviewer and reason with the counts beside the filters
// following, in light and dark (screenshots under test-results/screenshots/), and the log still there offline.
import type { DecisionLogCounts, DecisionLogPage } from '../../shared/contract/supervision';
import { expect, test } from './fixtures';
import { call } from './supervisor-support';
import { seriousViolations } from './review-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

test('a supervisor audits the decision log: filters combine, counts follow, it works offline', async ({ app, host, central }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  await expect(app.getByTestId('signed-in-person')).toContainText('Supervisor One');
  await expect(app.getByRole('navigation')).toContainText('Decision log');
  await expect(app.getByRole('table', { name: 'Decision log' })).toBeVisible();
  const rows = app.getByTestId('decision-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });

  // The workstation's copy holds the demo history (reviewer3's and reviewer4's weeks of decisions) and the rest.
  const all = await call<DecisionLogPage>(host, 'decisions.log', { limit: 200 });
  expect(all.total).toBeGreaterThan(100);
  // The rows above came from the central service; the copy is up to date once the first sync stored its last page
  // (it pulls the newest decisions up to the copy's capacity, not a week: CI once asked before that).
  await expect
    .poll(async () => (await call<DecisionLogPage>(host, 'decisions.log', { limit: 1 })).freshness.syncedAt, { timeout: 90_000 })
    .not.toBeNull();
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${all.total} shown`);
  const counts = await call<DecisionLogCounts>(host, 'decisions.counts', {});
  expect(counts.reviewer.map((r) => r.reviewer)).toEqual(expect.arrayContaining(['reviewer3', 'reviewer4']));
  expect(counts.reviewer.reduce((n, r) => n + r.count, 0)).toBe(all.total);

  // Reviewer, then a reason that reviewer gave: the rows, the total and the counts beside the reason follow.
  await app.getByLabel('Reviewer').selectOption('reviewer4');
  const theirs = await call<DecisionLogCounts>(host, 'decisions.counts', { reviewer: 'reviewer4' });
  const reason = theirs.reasonCode[0]!;
  expect(reason.count).toBeGreaterThan(0);
  await app.getByLabel('Reason').selectOption(reason.reasonCode);
  const filtered = await call<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer4', reasonCode: reason.reasonCode, limit: 200 });
  expect(filtered.total).toBe(reason.count);
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${filtered.total} shown`);
  await expect(rows).toHaveCount(Math.min(filtered.total, 50));
  for (const text of await rows.allInnerTexts()) expect(text).toContain('reviewer4');
  await expect(app.getByLabel('Reason').locator('option:checked')).toContainText(`(${reason.count})`);
  expect(await seriousViolations(app)).toEqual([]);
  // Oldest first, chosen from the keyboard: the oldest of the filtered decisions heads the list, the newest no longer.
  expect(filtered.total).toBeGreaterThan(1);
  expect(filtered.total).toBeLessThanOrEqual(200);
  const [newestShown, oldestShown] = [filtered.items[0]!, filtered.items.at(-1)!];
  await app.getByLabel('Sort').focus();
  await app.keyboard.press('ArrowDown');
  await expect(app.getByLabel('Sort')).toHaveValue('oldest');
  await expect(rows.first()).toContainText(oldestShown.applicationId);
  await expect(rows.first()).not.toContainText(newestShown.applicationId);
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${filtered.total} shown`);

  for (const theme of ['light', 'dark'] as const) {
    await app.getByLabel('Theme').selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await app.screenshot({ path: `test-results/screenshots/decision-log-en-${theme}.png` });
  }

  // Offline: the central service out of reach, a reload still shows the filtered log from the workstation's copy.
  await central!.link.down();
  await app.reload();
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${filtered.total} shown`);
  await expect(rows.first()).toContainText('reviewer4');
  await expect(app.getByTestId('decision-log-freshness')).toContainText('Log as of');
  // The order is kept with the filters, and the copy answers in it too.
  await expect(app.getByLabel('Sort')).toHaveValue('oldest');
  await expect(rows.first()).toContainText(oldestShown.applicationId);
});

test('a reviewer is refused the supervisor channels', async ({ host }) => {
  // The host is signed in as the supervisor; sign the reviewer in through the same HTTP form a page uses.
  const signIn = await host.call('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
  expect(signIn.status).toBe(200);
  for (const channel of ['decisions.log', 'decisions.counts']) {
    const { json } = await host.call(channel, {});
    expect(json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  }
});
