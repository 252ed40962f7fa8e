// One decision, one queue reload: the workstation announces the recorded decision (queue.changed) and the renderer
// reloads the queue for it; the sync the decision nudges then only settles it, which reloads nothing unless the
// settled case is on screen.
import { shortRef } from '../../shared/applicationRef';
import type { QueueItem } from '../../shared/contract/cases';
import { expect, test, type Host } from './fixtures';
import { listCases, openBySearch, signIn } from './review-support';

test.use({ centralDemoCount: 20 });
// The central server seeds demo data and the host pulls and ingests its images: minutes on a loaded machine.
test.describe.configure({ timeout: 300_000 });

async function syncStatus(host: Host): Promise<{ pendingDecisions: number; lastSyncAt: string | null; state: string }> {
  const { json } = await host.call('sync.status', {});
  return (json as { value: { pendingDecisions: number; lastSyncAt: string | null; state: string } }).value;
}

test('a decision reloads the queue once, and the sync it nudges does not reload it again', async ({ app, host }) => {
  await signIn(app);
  await expect.poll(async () => (await syncStatus(host)).lastSyncAt, { timeout: 180_000, intervals: [1000] }).not.toBeNull();
  const target = (await listCases(host)).find((i: QueueItem) => i.status === 'queued' && !i.flags.some((f) => f.severity === 'blocking'));
  expect(target, 'the central demo assigns reviewer1 a queued case without a blocking flag').toBeDefined();
  await openBySearch(app, target!.id);

  const reloads: string[] = [];
  app.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/queue.list') reloads.push(request.url());
  });
  await app.keyboard.press('r');
  await app.keyboard.press('1');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('undo-bar')).toContainText(shortRef(target!.id));
  await expect(app.getByTestId('undo-bar')).toBeHidden({ timeout: 15_000 });
  // Recorded, then applied by the central service through the sync the decision nudged.
  await expect.poll(async () => (await syncStatus(host)).pendingDecisions, { timeout: 60_000 }).toBe(0);
  await expect.poll(async () => (await syncStatus(host)).state, { timeout: 30_000 }).toBe('idle');
  // Whatever was on its way has arrived.
  await app.waitForTimeout(1_000);
  expect(reloads).toHaveLength(1);
});
