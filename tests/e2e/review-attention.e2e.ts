// Needs attention, resolved (issue 23 item 6): two decisions made offline are refused by the central service (the
// applicant withdrew one, a supervisor reassigned the other); the reviewer acknowledges the withdrawal and hands the
// reassignment to a supervisor from the list, and the count in the status bar follows each time, also after a reload.
import type { QueueItem } from '../../shared/contract/cases';
import { expect, test, type Host } from './fixtures';
import { listCases, signIn } from './review-support';

test.use({ centralDemoCount: 12 });
// The first sync pulls the central demo's images: a minute or more on a loaded machine.
test.describe.configure({ timeout: 300_000 });

async function syncStatus(host: Host): Promise<{ lastSyncAt: string | null; rejectedDecisions: number }> {
  const { json } = await host.call('sync.status', {});
  return (json as { value: { lastSyncAt: string | null; rejectedDecisions: number } }).value;
}

async function centralPost(url: string, username: string, path: string, body: unknown): Promise<number> {
  const session = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'verity-demo' }) });
  const { accessToken } = (await session.json()) as { accessToken: string };
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }, body: JSON.stringify(body) });
  return res.status;
}

test('a needs-attention item is resolved from the list and the count drops', async ({ app, host, central }) => {
  const { server, link } = central!;
  await signIn(app);
  await expect.poll(async () => (await syncStatus(host)).lastSyncAt, { timeout: 180_000, intervals: [1000] }).not.toBeNull();
  const decidable = (await listCases(host)).filter((i: QueueItem) => i.status === 'queued' && !i.flags.some((f) => f.rule === 'R6'));
  expect(decidable.length).toBeGreaterThanOrEqual(2);
  const [withdrawn, reassigned] = decidable as [QueueItem, QueueItem];

  // Offline, two rejections; meanwhile the applicant withdraws one and a supervisor reassigns the other.
  await link.down();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(app.getByTestId('connection')).toContainText('Offline');
  for (const item of [withdrawn, reassigned]) {
    const { json } = await host.call('case.decide', {
      applicationId: item.id,
      outcome: 'reject',
      reasonCodes: ['document_unreadable'],
      applicantMessage: 'The photo of your document cannot be read. Please upload a sharper photo.',
      internalNote: 'needs-attention scenario',
      overrideNote: null,
    });
    expect(json).toMatchObject({ ok: true });
  }
  expect(await centralPost(server.url, 'intake', `/v1/applications/${withdrawn.id}/withdraw`, { ticketRef: 'SUP-30002' })).toBe(200);
  expect(await centralPost(server.url, 'supervisor1', `/v1/applications/${reassigned.id}/assign`, { reviewer: 'reviewer2' })).toBe(200);

  await link.up();
  await app.getByRole('button', { name: 'Sync now' }).click();
  const attention = app.getByTestId('needs-attention');
  await expect(attention).toHaveText('Needs attention (2)', { timeout: 60_000 });

  await attention.click();
  const list = app.getByTestId('attention-list');
  await expect(list.getByTestId('attention-item')).toHaveCount(2);
  // The withdrawal is acknowledged: it leaves the list and the count drops to one.
  const withdrawnItem = list.locator(`li[data-application="${withdrawn.id}"]`);
  await withdrawnItem.getByRole('button', { name: 'Withdrawal acknowledged' }).click();
  await expect(withdrawnItem).toHaveCount(0);
  await expect(attention).toHaveText('Needs attention (1)');
  expect((await syncStatus(host)).rejectedDecisions).toBe(1);
  // A reassigned case offers no "withdrawal acknowledged"; it is handed to a supervisor, and nothing is left.
  const reassignedItem = list.locator(`li[data-application="${reassigned.id}"]`);
  await expect(reassignedItem.getByRole('button', { name: 'Withdrawal acknowledged' })).toHaveCount(0);
  await reassignedItem.getByRole('button', { name: 'Handed to a supervisor' }).click();
  await expect(list.getByTestId('attention-item')).toHaveCount(0);
  await expect(attention).toBeHidden();
  expect((await syncStatus(host)).rejectedDecisions).toBe(0);

  // Resolved stays resolved: after a reload the status bar has nothing to attend to.
  await app.reload();
  await expect(app.getByTestId('connection')).toBeVisible();
  await expect(app.getByTestId('needs-attention')).toBeHidden();
});
