// A reviewer's decided case shows where its applicant notifications stand, as the built-in central service knows it:
// the deliveries the decision queued (message centre, and email/SMS when the applicant gave them); offline it says the
// state is not available.
import { shortRef } from '../../shared/applicationRef';
import type { QueueItem } from '../../shared/contract/cases';
import { expect, test, type Host } from './fixtures';
import { listCases, openBySearch, signIn } from './review-support';

test.use({ centralDemoCount: 20 });
// The central server seeds demo data and the host pulls and ingests its images: minutes on a loaded machine.
test.describe.configure({ timeout: 300_000 });

async function syncStatus(host: Host): Promise<{ pendingDecisions: number; lastSyncAt: string | null }> {
  const { json } = await host.call('sync.status', {});
  return (json as { value: { pendingDecisions: number; lastSyncAt: string | null } }).value;
}

test('a reviewer opens a case they decided and sees its notification deliveries; offline, not available', async ({ app, host, central }) => {
  await signIn(app);
  await expect.poll(async () => (await syncStatus(host)).lastSyncAt, { timeout: 180_000, intervals: [1000] }).not.toBeNull();
  const target = (await listCases(host)).find((i: QueueItem) => i.status === 'queued' && !i.flags.some((f) => f.severity === 'blocking'));
  expect(target, 'the central demo assigns reviewer1 a queued case without a blocking flag').toBeDefined();
  await openBySearch(app, target!.id);
  // Undecided: nothing to notify yet, so nothing is asked.
  await expect(app.getByTestId('case-notifications')).toHaveCount(0);
  await app.keyboard.press('r');
  await app.keyboard.press('1');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('undo-bar')).toContainText(shortRef(target!.id));
  await expect(app.getByTestId('undo-bar')).toBeHidden({ timeout: 15_000 });
  await expect.poll(async () => (await syncStatus(host)).pendingDecisions, { timeout: 60_000 }).toBe(0);

  await app.keyboard.press('Escape');
  await app.getByLabel('Status').selectOption('all');
  // The decision's effect queues its deliveries at the central service: one row per delivery it holds, each with its state.
  const held = async () => (await central!.server.db.query<{ channel: string }>(`SELECT channel FROM notifications WHERE application_id = $1`, [target!.id])).length;
  await expect.poll(held, { timeout: 60_000 }).toBeGreaterThan(0);
  await openBySearch(app, target!.id);
  const deliveries = app.getByTestId('case-notifications').getByTestId('notification-row');
  await expect(deliveries).toHaveCount(await held(), { timeout: 30_000 });
  await expect(app.getByTestId('case-notifications')).toContainText('Message centre');
  for (const row of await deliveries.all()) await expect(row).toHaveAttribute('data-state', /^(queued|sending|sent|failed)$/);

  // Out of reach: the case says the state is not available rather than showing nothing.
  await central!.link.down();
  await app.keyboard.press('Escape');
  await openBySearch(app, target!.id);
  await expect(app.getByTestId('case-notifications-error')).toContainText('Not available offline', { timeout: 30_000 });
  await central!.link.up();
});
