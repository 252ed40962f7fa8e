// Live oversight through the browser host, against a real central service with demo data: every count in the table
// is the length of the list behind it; a supervisor checks applications with the keyboard (Space, Shift+Space for a
// range) and queues their reassignment; offline the kept counts are shown, said to be so, and the lists are not offered.
import type { OversightView } from '../../shared/contract/oversight';
import type { SupervisionAction } from '../../shared/contract/supervision';
import { expect, test } from './fixtures';
import { channelValue, seriousViolations } from './review-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });


test('oversight counts match their lists; applications are checked by keyboard and their reassignment queued', async ({ app, host, central }) => {
  test.slow();
  // Three of the pool's open applications held by reviewer1, as a supervisor's assignment leaves them.
  const open = await central!.server.db.query<{ id: string }>(`SELECT id FROM applications WHERE status = 'queued' ORDER BY due_at, id LIMIT 3`);
  expect(open).toHaveLength(3);
  for (const { id } of open) await central!.server.service.assign(id, 'reviewer1');

  await app.getByRole('navigation').getByRole('button', { name: 'Oversight' }).click();
  await expect(app.getByTestId('oversight-freshness')).toHaveAttribute('data-live', 'true');
  const view = await channelValue<OversightView>(host, 'oversight.summary', {});
  const rows = view.summary!.rows;
  expect(rows.find((r) => r.reviewer === 'reviewer1')?.open).toBe(3);
  const field = { open: 'open', due_today: 'dueToday', escalated: 'escalated', overdue: 'overdue' } as const;

  // Every number on screen is the count, and the list behind it holds that many applications of that holder.
  let opened = 0;
  for (const row of rows) {
    const holder = row.reviewer ?? '';
    const counts = app.locator(`[data-testid="oversight-row"][data-holder="${holder}"] [data-testid="oversight-count"]`);
    for (const bucket of ['open', 'due_today', 'escalated', 'overdue'] as const) {
      const count = row[field[bucket]];
      const link = counts.and(app.locator(`[data-bucket="${bucket}"]`));
      await expect(link).toHaveText(String(count));
      if (count === 0) continue;
      await link.click();
      const list = app.locator(`[data-testid="oversight-list"][data-holder="${holder}"][data-bucket="${bucket}"]`);
      await expect(list.getByTestId('oversight-application')).toHaveCount(count);
      opened += 1;
    }
  }
  expect(opened).toBeGreaterThanOrEqual(2);
  expect(await seriousViolations(app)).toEqual([]);

  // reviewer1's open list: Space checks the first, Shift+Space two rows down checks the range.
  await app.locator('[data-testid="oversight-row"][data-holder="reviewer1"] [data-bucket="open"]').click();
  const list = app.locator('[data-testid="oversight-list"][data-holder="reviewer1"][data-bucket="open"]');
  const checks = list.getByTestId('oversight-application').getByRole('checkbox');
  await expect(checks).toHaveCount(3);
  await checks.nth(0).focus();
  await app.keyboard.press('Space');
  await expect(app.getByTestId('oversight-checked')).toHaveText('1 selected');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('Shift+Space');
  await expect(app.getByTestId('oversight-checked')).toHaveText('3 selected');
  await app.keyboard.press('Space'); // and off again
  await expect(app.getByTestId('oversight-checked')).toHaveText('2 selected');
  for (const theme of ['light', 'dark'] as const) {
    await app.getByLabel('Theme').selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await app.screenshot({ path: `test-results/screenshots/oversight-en-${theme}.png` });
  }

  await list.getByLabel('Reassign to').selectOption('reviewer2');
  await list.getByRole('button', { name: 'Reassign 2' }).click();
  await expect(app.getByTestId('oversight-reassigned')).toContainText('Reassignment of 2 to reviewer2 queued');
  // Queued as one supervisor action; the sync it asks for may send it at once, so the outbox holds it pending or
  // the central service has applied it: the two checked applications go to reviewer2, the third stays.
  const ids = open.map((o) => o.id);
  const holders = async () => {
    const rows = await central!.server.db.query<{ id: string; assignee: string }>(`SELECT id, assignee FROM applications WHERE id = ANY($1::text[])`, [ids]);
    return ids.map((id) => rows.find((r) => r.id === id)?.assignee);
  };
  const outbox = await channelValue<{ items: SupervisionAction[] }>(host, 'supervision.outbox', {});
  const pending = outbox.items.map((i) => i.mutation).find((m) => m.type === 'reassign');
  if (pending) expect(pending).toMatchObject({ type: 'reassign', reviewer: 'reviewer2', madeBy: 'supervisor1', applicationIds: ids.slice(0, 2) });
  else expect(await holders()).toEqual(['reviewer2', 'reviewer2', 'reviewer1']);
  await expect.poll(holders, { timeout: 15_000 }).toEqual(['reviewer2', 'reviewer2', 'reviewer1']);
  // The workstation settles the action once the answer is back, a moment after the central service committed it.
  const queued = async () => (await channelValue<{ items: SupervisionAction[] }>(host, 'supervision.outbox', {})).items.filter((i) => i.mutation.type === 'reassign');
  await expect.poll(queued, { timeout: 15_000 }).toEqual([]);

  // Offline: the kept counts, said to be kept, and no list offered.
  await central!.link.down();
  await app.getByRole('button', { name: 'Refresh' }).first().click();
  await expect(app.getByTestId('oversight-freshness')).toHaveAttribute('data-live', 'false');
  await expect(app.getByTestId('oversight-freshness')).toContainText('Not live: counts as of');
  await expect(app.getByTestId('oversight-count').first()).toBeDisabled();
  const offline = await host.call('oversight.applications', { bucket: 'open' });
  expect(offline.json).toMatchObject({ ok: false, error: { code: 'central_unreachable' } });
});

test('a reviewer is refused the oversight channels', async ({ host }) => {
  const signIn = await host.call('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
  expect(signIn.status).toBe(200);
  for (const channel of ['oversight.summary', 'oversight.applications']) {
    const { json } = await host.call(channel, {});
    expect(json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  }
});
