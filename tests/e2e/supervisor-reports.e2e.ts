// A supervisor's reports against the built-in central service with its demo history: the charts' table views show
// exactly the numbers the central service's report holds, a number opens the decision log on the decisions behind
// it, and a chart is screenshotted in light and dark (test-results/screenshots/); then the same view in Chinese.
import type { Locator } from '@playwright/test';
import type { CachedDecisionReport } from '../../shared/contract/reports';
import type { DecisionLogPage } from '../../shared/contract/supervision';
import { expect, test } from './fixtures';
import { call } from './supervisor-support';
import { seriousViolations } from './review-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

/** The table's rows as label → the cells' texts. */
async function tableOf(chart: Locator): Promise<Map<string, string[]>> {
  const rows = await chart.getByTestId('report-table').locator('tbody tr').all();
  const out = new Map<string, string[]>();
  for (const row of rows) out.set((await row.locator('th').innerText()).trim(), (await row.locator('td').allInnerTexts()).map((s) => s.trim()));
  return out;
}

test('the reports view shows the central service’s numbers as charts and tables, and a number opens the log', async ({ app, host }) => {
  test.slow();
  await expect(app.getByTestId('signed-in-person')).toContainText('Supervisor One');
  await app.getByRole('navigation').getByRole('button', { name: 'Reports' }).click();
  await expect(app.getByRole('heading', { name: 'Reports', level: 2 })).toBeVisible();
  await expect(app.getByTestId('report-status')).toContainText('Live report', { timeout: 60_000 });

  // The same question the view asked (no filters, days at this browser's offset): the central service's report.
  const offset = await app.evaluate(() => Math.round(-new Date().getTimezoneOffset() / 15) * 15);
  const { report, source } = await call<CachedDecisionReport>(host, 'reports.decisions', { utcOffsetMinutes: offset });
  expect(source).toBe('live');
  expect(report.decisions).toBeGreaterThan(100);
  await expect(app.getByTestId('report-summary')).toContainText(report.decisions.toLocaleString('en'));

  // Each chart is a named group of bars; its table holds the same numbers.
  const perDay = app.getByTestId('report-per-day');
  await expect(perDay.getByRole('group', { name: 'Decisions per reviewer per day' })).toBeVisible();
  await perDay.getByTestId('report-per-day-toggle').click();
  const days = await tableOf(perDay);
  const reviewers = [...new Set(report.perReviewerDay.map((r) => r.reviewer))].sort();
  for (const { reviewer, day, decisions } of report.perReviewerDay) expect(days.get(day)?.[reviewers.indexOf(reviewer)], `${reviewer} ${day}`).toBe(String(decisions));
  expect(days.size).toBe(new Set(report.perReviewerDay.map((r) => r.day)).size);

  const reasons = app.getByTestId('report-reasons');
  await reasons.getByTestId('report-reasons-toggle').click();
  const reasonRows = await tableOf(reasons);
  expect([...reasonRows.values()].map((cells) => Number(cells[0]))).toEqual(report.topRejectionReasons.map((r) => r.count));

  const deadline = app.getByTestId('report-deadline');
  await deadline.getByTestId('report-deadline-toggle').click();
  const deadlineRows = await tableOf(deadline);
  for (const d of report.deadline.perReviewer) expect(deadlineRows.get(d.reviewer)?.slice(0, 2), d.reviewer).toEqual([String(d.within), String(d.missed)]);
  expect(report.deadline.overall.missed).toBeGreaterThan(0);

  const outcomes = app.getByTestId('report-outcomes');
  await outcomes.getByTestId('report-outcomes-toggle').click();
  const outcomeRows = await tableOf(outcomes);
  expect([...outcomeRows.values()].map((c) => c.slice(0, 2).map(Number))).toEqual(report.outcomesByKind.map((o) => [o.approved, o.rejected]));
  expect(await seriousViolations(app)).toEqual([]);

  // Screenshots of a chart (as a chart) in light and dark.
  const handling = app.getByTestId('report-handling');
  await expect(handling.getByTestId('report-svg')).toBeVisible();
  // The handling percentiles come from the central service's histogram: marked ≈, the precision in the summary's
  // tooltip and under the chart.
  const median = app.getByTestId('report-summary').locator('dd').nth(1);
  await expect(median).toContainText('≈');
  await expect(median).toHaveAttribute('title', /within 2% or 1 min of the exact value, whichever is larger/);
  await expect(handling).toContainText('Median and 90th percentile are approximate (≈): within 2% or 1 min');
  for (const theme of ['light', 'dark'] as const) {
    await app.getByLabel('Theme').selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await handling.screenshot({ path: `test-results/screenshots/report-chart-en-${theme}.png` });
  }

  // A missed-deadline number opens the decision log on exactly those decisions.
  const missedBy = report.deadline.perReviewer.find((d) => d.missed > 0)!;
  await deadline.getByRole('row', { name: new RegExp(`^${missedBy.reviewer}`) }).getByRole('button', { name: new RegExp(`Show these ${missedBy.missed} decisions`) }).click();
  await expect(app.getByRole('table', { name: 'Decision log' })).toBeVisible();
  const log = await call<DecisionLogPage>(host, 'decisions.log', { reviewer: missedBy.reviewer, deadlineMissed: true, limit: 200 });
  expect(log.total).toBe(missedBy.missed);
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${missedBy.missed} shown`);
  for (const text of await app.getByTestId('decision-deadline').allInnerTexts()) expect(text).toBe('Missed');

  // The same report in Chinese (issue 21 item 7: en and zh-CN): chart names and legends in zh-CN, the same numbers.
  await app.getByRole('navigation').getByRole('button', { name: 'Reports' }).click();
  await app.getByLabel('Language').selectOption('zh-CN');
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(app.getByRole('heading', { name: '报表', level: 2 })).toBeVisible();
  const perDayZh = app.getByTestId('report-per-day');
  await expect(perDayZh.getByRole('heading', { name: '每位审核员每日决定数' })).toBeVisible();
  // The table view chosen above stays chosen; a table's numbers are the central service's report.
  await expect(perDayZh.getByTestId('report-per-day-toggle')).toHaveAttribute('aria-pressed', 'true');
  const daysZh = await tableOf(perDayZh);
  for (const { reviewer, day, decisions } of report.perReviewerDay) expect(daysZh.get(day)?.[reviewers.indexOf(reviewer)], `${reviewer} ${day}`).toBe(String(decisions));
  const handlingZh = app.getByTestId('report-handling');
  await expect(handlingZh.getByRole('group', { name: '每位审核员的处理时长（首次打开案件 → 决定）' })).toBeVisible();
  await expect(handlingZh).toContainText('中位数');
  expect(await seriousViolations(app)).toEqual([]);
  for (const theme of ['light', 'dark'] as const) {
    await app.getByLabel('主题').selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await handlingZh.screenshot({ path: `test-results/screenshots/report-chart-zh-CN-${theme}.png` });
  }
});
