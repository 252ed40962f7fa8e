// Offline-first end to end: the host syncs with a real central server, loses the link, the reviewer decides 20
// cases, the server meanwhile sees one application withdrawn and one reassigned, the link comes back, and one
// "Sync now" applies 18 decisions and lists 2 under "needs attention" with their reasons; then the link leads to
// another central service, which the workstation refuses.
import { shortRef } from '../../shared/applicationRef';
import type { QueueItem } from '../../shared/contract/cases';
import { startServer } from '../../server/app';
import { expect, test, type Host } from './fixtures';
import { deviceAction, listCases, openBySearch, signIn } from './review-support';

test.use({ centralDemoCount: 40 });
// The central server seeds demo data and the host pulls and ingests its images: minutes on a loaded machine.
test.describe.configure({ timeout: 300_000 });

interface Status {
  state: string;
  pendingDecisions: number;
  rejectedDecisions: number;
  lastSyncAt: string | null;
  lastError: { code: string } | null;
}

async function syncStatus(host: Host): Promise<Status> {
  const { json } = await host.call('sync.status', {});
  return (json as { value: Status }).value;
}

async function centralToken(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'verity-demo' }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function centralPost(url: string, token: string, path: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return res.status;
}

test('decides 20 cases offline; back online, 18 are applied and 2 need attention with their reasons', async ({ app, host, central }) => {
  const { server, link } = central!;
  await signIn(app);
  // The first sync brings reviewer1's assigned applications with their images.
  await expect.poll(async () => (await syncStatus(host)).lastSyncAt, { timeout: 180_000, intervals: [1000] }).not.toBeNull();
  const decidable = (await listCases(host)).filter((i: QueueItem) => i.status === 'queued' && !i.flags.some((f) => f.rule === 'R6'));
  expect(decidable.length).toBeGreaterThanOrEqual(20);
  await expect(app.getByTestId('connection')).toContainText('Online');

  // The network to the central service goes away; the status bar says so after the next attempt.
  await link.down();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(app.getByTestId('connection')).toContainText('Offline');

  // 20 decisions: one through the UI, keyboard only; 19 through the host's API (the same channel the UI calls).
  const [first, ...rest] = decidable.slice(0, 20) as [QueueItem, ...QueueItem[]];
  await openBySearch(app, first.id);
  await app.keyboard.press('r');
  await app.keyboard.press('1');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('undo-bar')).toContainText(`Rejected ${shortRef(first.id)}`);
  await expect(app.getByTestId('undo-bar')).toBeHidden({ timeout: 15_000 });
  for (const item of rest) {
    const { json } = await host.call('case.decide', {
      applicationId: item.id,
      outcome: 'reject',
      reasonCodes: ['document_unreadable'],
      applicantMessage: 'The photo of your document cannot be read. Please upload a sharper photo.',
      internalNote: 'offline scenario',
      overrideNote: null,
    });
    expect(json).toMatchObject({ ok: true });
  }
  await expect(app.getByTestId('pending-sync')).toContainText('20 decisions waiting to sync');

  // Meanwhile on the central service: the applicant withdraws one, a supervisor reassigns another.
  const withdrawn = rest[3]!;
  const reassigned = rest[7]!;
  expect(await centralPost(server.url, await centralToken(server.url, 'intake'), `/v1/applications/${withdrawn.id}/withdraw`, { ticketRef: 'SUP-30001' })).toBe(200);
  expect(await centralPost(server.url, await centralToken(server.url, 'supervisor1'), `/v1/applications/${reassigned.id}/assign`, { reviewer: 'reviewer2' })).toBe(200);

  // Back online: one "Sync now".
  await link.up();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(app.getByTestId('connection')).toContainText('Online');
  await expect(app.getByTestId('pending-sync')).toContainText('0 decisions waiting to sync', { timeout: 60_000 });
  const attention = app.getByTestId('needs-attention');
  await expect(attention).toHaveText('Needs attention (2)');
  expect(await syncStatus(host)).toMatchObject({ pendingDecisions: 0, rejectedDecisions: 2 });

  await attention.click();
  const list = app.getByTestId('attention-list');
  await expect(list.locator('li')).toHaveCount(2);
  await expect(list.locator(`li[data-application="${withdrawn.id}"]`)).toContainText('withdrew the application');
  await expect(list.locator(`li[data-application="${reassigned.id}"]`)).toContainText('reassigned (now with reviewer2)');

  // The central service holds exactly the 18 others from this workstation, each once (the demo has older ones).
  const { json: info } = await host.call('app.info', {});
  const deviceId = (info as { value: { deviceId: string } }).value.deviceId;
  const supervisor = await centralToken(server.url, 'supervisor1');
  const res = await fetch(`${server.url}/v1/decisions?reviewer=reviewer1&limit=200`, { headers: { authorization: `Bearer ${supervisor}` } });
  const { decisions } = (await res.json()) as { decisions: { application: { id: string }; deviceId: string }[] };
  const decided = decisions
    .filter((d) => d.deviceId === deviceId)
    .map((d) => d.application.id)
    .sort();
  expect(decided).toEqual(
    decidable
      .slice(0, 20)
      .map((i) => i.id)
      .filter((id) => id !== withdrawn.id && id !== reassigned.id)
      .sort(),
  );

  // A refused decision's case opens from the list.
  await list.locator(`li[data-application="${withdrawn.id}"]`).getByRole('button', { name: /^Open / }).click();
  await expect(app.getByRole('heading', { level: 1 })).toContainText(shortRef(withdrawn.id));

  // The address comes to name another central service (its own database, its own demo data): the workstation
  // refuses it, says why in a banner, and takes none of its applications; back at its own, all is well.
  const casesBefore = (await listCases(host)).length;
  const other = await startServer({ demo: { count: 4 }, log: () => undefined });
  try {
    link.retarget(other.port);
    // Its sessions are its own: the workstation's is refused, and the reviewer signs in again (there too).
    await app.getByRole('button', { name: 'Sync now' }).click();
    await expect(app.getByRole('status', { name: 'Sync' })).toHaveText('Signed out of the central service');
    await app.getByRole('button', { name: 'Dismiss' }).click();
    await deviceAction(app, 'Sign out');
    await signIn(app);
    await expect(app.getByTestId('sync-error')).toContainText("is not the one this workstation's cases came from");
    await expect(app.getByRole('status', { name: 'Sync' })).toHaveText('Sync failed');
    // The engine keeps trying (with backoff), so the state may be syncing again; the last error stays until one succeeds.
    expect(await syncStatus(host)).toMatchObject({ pendingDecisions: 0, rejectedDecisions: 2, lastError: { code: 'wrong_central' } });
    expect((await listCases(host)).length).toBe(casesBefore);
  } finally {
    link.retarget(server.port);
    await other.close();
  }
  await deviceAction(app, 'Sign out');
  await signIn(app);
  await expect(app.getByTestId('sync-error')).toBeHidden();
  // A sync may retry a connection the switch cut; the status it ends with must reach the page all the same.
  await expect(app.getByRole('status', { name: 'Sync' })).toHaveText('Up to date', { timeout: 30_000 });
});
