// Sign-out everywhere from the header's "This device" menu (issue 25): synced with a central service, "End all sessions" signs the person
// out here and ends their session on another device too; a standalone workstation does not offer it.
import { expect, test } from './fixtures';
import { deviceAction, signIn } from './review-support';

// A central server with demo data and a host on a loaded two-core machine take a while to start.
test.describe.configure({ timeout: 300_000 });

test.describe('synced with a central service', () => {
  test.use({ centralDemoCount: 4 });

  test('ends the person’s sessions on every device from the header', async ({ app, central }) => {
    // The same person on another device, straight through the central API.
    const base = central!.server.url;
    const session = await fetch(`${base}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reviewer1', password: 'verity-demo' }) });
    const { accessToken } = (await session.json()) as { accessToken: string };
    const feed = async () => (await fetch(`${base}/v1/changes`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
    expect(await feed()).toBe(200);
    await deviceAction(app, 'End all sessions');
    await expect(app.getByRole('heading', { name: 'Sign in to Verity' })).toBeVisible();
    expect(await feed()).toBe(401);
  });
});

test('a standalone workstation does not offer it', async ({ app }) => {
  await signIn(app);
  await app.getByRole('button', { name: 'This device' }).click();
  const menu = app.getByRole('menu', { name: 'This device' });
  await expect(menu.getByRole('menuitem', { name: 'Sign out', exact: true })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: 'End all sessions' })).toHaveCount(0);
});
