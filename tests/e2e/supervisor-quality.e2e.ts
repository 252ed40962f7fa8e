// Quality review at the workstation against a real central service with its demo decision history: a supervisor
// filters the log by reviewer and reason, records three verdicts from the log by keyboard while offline (an overturn
// and two agreements, queued, then applied once each by "Sync now" once back online), sees the QA queue (screenshots
// in light and dark under test-results/screenshots/); the reviewer who made the decision then signs in and sees the
// overturn and the application back in their queue.
import type { DecisionLogCounts, DecisionLogPage, QualityQueuePage, SupervisionAction } from '../../shared/contract/supervision';
import type { CaseDetail, QueuePage } from '../../shared/contract/cases';
import { expect, test } from './fixtures';
import { channelValue, deviceAction, seriousViolations, signIn } from './review-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

test('a supervisor overturns a decision from the log; its reviewer sees the overturn and the application back in review', async ({ app, host, central }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  const rows = app.getByTestId('decision-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });

  // Filter the log by reviewer4 and a reason they gave.
  await app.getByLabel('Reviewer').selectOption('reviewer4');
  const theirs = await channelValue<DecisionLogCounts>(host, 'decisions.counts', { reviewer: 'reviewer4' });
  // Their most frequent reason: enough decisions to record three verdicts on.
  const reason = [...theirs.reasonCode].sort((a, b) => b.count - a.count)[0]!;
  await app.getByLabel('Reason').selectOption(reason.reasonCode);
  const filtered = await channelValue<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer4', reasonCode: reason.reasonCode, limit: 200 });
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${filtered.total} shown`);
  // A decision in effect that no one reviewed yet: its application was not decided again since.
  const target = filtered.items.find((e) => e.effect === 'in_effect' && e.reviews.length === 0);
  expect(target, 'a reviewer4 decision in effect, not yet reviewed').toBeDefined();

  // Offline: select it, O, the reason, Enter: queued on this workstation.
  await central!.link.down();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(app.getByTestId('connection')).toContainText('Offline');
  const row = app.locator(`[data-testid="decision-row"][data-decision-id="${target!.id}"]`);
  await row.click();
  const panel = app.getByTestId('verdict-panel');
  await expect(panel).toHaveAttribute('data-decision-id', target!.id);
  await app.keyboard.press('o');
  const reasonField = panel.getByLabel('Reason for overturning');
  await expect(reasonField).toBeFocused();
  // Enter without a reason: refused here, nothing queued.
  await app.keyboard.press('Enter');
  await expect(panel.getByRole('alert')).toContainText('Give a reason to overturn');
  await app.keyboard.type('The document was readable; the rejection was wrong.');
  await app.keyboard.press('Enter');
  await expect(panel.getByTestId('verdict-status')).toHaveAttribute('data-state', 'pending');

  // Two more verdicts while offline, agreements on other applications' decisions (A, Enter): three queued in all.
  const others = filtered.items
    .slice(0, 40)
    .filter((e) => e.effect === 'in_effect' && e.reviews.length === 0 && e.applicationId !== target!.applicationId)
    .slice(0, 2);
  expect(others, 'two more reviewer4 decisions in effect, not yet reviewed').toHaveLength(2);
  for (const other of others) {
    await app.locator(`[data-testid="decision-row"][data-decision-id="${other.id}"]`).click();
    await expect(panel).toHaveAttribute('data-decision-id', other.id);
    await app.keyboard.press('a');
    await expect(panel.getByLabel('Comment (optional)')).toBeFocused();
    await app.keyboard.press('Enter');
    await expect(panel.getByTestId('verdict-status')).toHaveAttribute('data-state', 'pending');
  }
  const verdictOn = [target!.id, ...others.map((o) => o.id)];
  const queued = await channelValue<{ items: SupervisionAction[] }>(host, 'supervision.outbox', {});
  expect(queued.items.filter((a) => a.state === 'pending').map((a) => (a.mutation.type === 'review' ? [a.mutation.decisionId, a.mutation.verdict] : a.mutation.type))).toEqual([
    [target!.id, 'overturn'],
    [others[0]!.id, 'agree'],
    [others[1]!.id, 'agree'],
  ]);

  // Back online, one sync: all three applied, and the log shows the decision overturned with a quality review.
  await central!.link.up();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await row.click();
  await expect(panel.getByTestId('verdict-status')).toHaveAttribute('data-state', 'applied', { timeout: 60_000 });
  await expect(row.getByTestId('decision-effect')).toHaveAttribute('data-effect', 'overturned');
  await expect(row).toContainText('Overturned (supervisor1) · quality review');
  type Verdicts = { items: { decisionId: string; action: SupervisionAction }[] };
  await expect
    .poll(async () => (await channelValue<Verdicts>(host, 'supervision.verdicts', { decisionIds: verdictOn })).items.map((i) => i.action.state), { timeout: 60_000 })
    .toEqual(['applied', 'applied', 'applied']);
  // Once each at the central service, also after another sync.
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(app.getByTestId('connection')).not.toContainText('Offline');
  const applied = await channelValue<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer4', reasonCode: reason.reasonCode, limit: 200 });
  expect(applied.source, 'asked of the central service').toBe('central');
  expect(verdictOn.map((id) => applied.items.find((e) => e.id === id)?.reviews.map((r) => [r.supervisor, r.verdict]))).toEqual([
    [['supervisor1', 'overturn']],
    [['supervisor1', 'agree']],
    [['supervisor1', 'agree']],
  ]);

  // The QA queue the same sync brought: the policy's sample of the demo history, in light and dark.
  await app.getByRole('navigation').getByRole('button', { name: 'Quality review' }).click();
  const qa = await channelValue<QualityQueuePage>(host, 'quality.queue', { stage: 'quality', limit: 200 });
  expect(qa.syncedAt).not.toBeNull();
  expect(qa.total).toBeGreaterThan(0);
  await expect(app.getByTestId('qa-row')).toHaveCount(Math.min(qa.total, 50));
  await expect(app.getByTestId('qa-freshness')).toContainText('Queue as of');
  // Keyboard: J moves to the next decision, A opens agreement, Esc cancels it.
  if (qa.total > 1) {
    await app.getByTestId('qa-row').first().click();
    await app.keyboard.press('j');
    await expect(app.getByTestId('verdict-panel')).toHaveAttribute('data-decision-id', qa.items[1]!.decision.id);
  }
  await app.keyboard.press('a');
  await expect(app.getByTestId('verdict-panel').getByLabel('Comment (optional)')).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('verdict-panel').getByRole('button', { name: 'Agree' })).toBeVisible();
  expect(await seriousViolations(app)).toEqual([]);
  for (const theme of ['light', 'dark'] as const) {
    await app.getByLabel('Theme').selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await app.screenshot({ path: `test-results/screenshots/qa-queue-en-${theme}.png` });
  }

  // reviewer4 signs in on this workstation: the application is back in their queue, with the overturn.
  await deviceAction(app, 'Sign out');
  await signIn(app, 'reviewer4');
  await expect
    .poll(async () => (await channelValue<QueuePage>(host, 'queue.list', { status: 'open', limit: 200 })).items.find((i) => i.id === target!.applicationId)?.returned?.reviewedBy, {
      timeout: 120_000,
      intervals: [1000],
    })
    .toBe('supervisor1');
  const queueRow = app.locator(`[data-application-id="${target!.applicationId}"]`);
  await expect(queueRow.getByTestId('returned-mark')).toBeVisible({ timeout: 30_000 });
  await queueRow.click();
  const notice = app.getByTestId('returned-notice');
  await expect(notice).toContainText(`Your rejection was overturned by supervisor1`);
  await expect(notice).toContainText('The document was readable; the rejection was wrong.');
  const reopened = await channelValue<CaseDetail>(host, 'case.get', { applicationId: target!.applicationId, open: false });
  expect(reopened.application).toMatchObject({ status: 'queued', assignee: 'reviewer4' });
  expect(reopened.returned).toMatchObject({ decisionId: target!.id, outcome: 'reject', stage: 'quality', reviewedBy: 'supervisor1' });
});
