// Sign-in, sign-out and the idle lock: applicant data is unmounted while locked.
import { expect, test } from './fixtures';
import { deviceAction, listCases, seriousViolations, setSettings, signIn } from './review-support';

// Hosts seed demo data and axe scans are slow on a loaded two-core machine.
test.describe.configure({ timeout: 120_000 });

test('signs in with a translated error first, shows the person, and signs out', async ({ app }) => {
  await expect(app.getByRole('heading', { name: 'Sign in to Verity' })).toBeVisible();
  await expect(app.getByTestId('signed-in-person')).toHaveText('Not signed in');
  expect(await seriousViolations(app)).toEqual([]);

  await app.getByLabel('User name').fill('reviewer1');
  await app.getByLabel('Password').fill('wrong password');
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect(app.getByRole('alert')).toHaveText('The user name or password is not right.');

  // The same error in Chinese: errors are translated by code.
  await app.getByLabel('Language').selectOption('zh-CN');
  await app.getByLabel('密码').fill('wrong again');
  await app.getByRole('button', { name: '登录' }).click();
  await expect(app.getByRole('alert')).toHaveText('用户名或密码不正确。');
  await app.getByLabel('语言').selectOption('en');

  await signIn(app);
  await expect(app.getByTestId('signed-in-person')).toContainText('Signed in as Reviewer One');
  await expect(app.getByRole('grid', { name: 'Applications, sorted by due time' })).toBeVisible();

  await deviceAction(app, 'Sign out');
  await expect(app.getByRole('heading', { name: 'Sign in to Verity' })).toBeVisible();
  await expect(app.getByRole('grid')).toHaveCount(0);
  await expect(app.getByTestId('signed-in-person')).toHaveText('Not signed in');

  // The status bar follows the connection.
  await expect(app.getByTestId('connection')).toContainText('Online');
  await app.context().setOffline(true);
  await expect(app.getByTestId('connection')).toContainText('Offline');
  await app.context().setOffline(false);
  await expect(app.getByTestId('connection')).toContainText('Online');
});

test('locks after the idle time, hides all applicant data, and unlocks with the password', async ({ page, host }) => {
  await page.clock.install();
  await page.goto(`${host.url}#token=${host.token}`);
  await signIn(page);
  await setSettings(host, { idleLockMinutes: 1 });
  const [first] = await listCases(host);
  expect(first).toBeDefined();
  await expect(page.getByRole('grid')).toContainText(first!.displayName);

  // Activity keeps it open…
  await page.clock.runFor(40_000);
  await page.mouse.move(200, 300);
  await page.clock.runFor(40_000);
  await expect(page.getByRole('grid')).toBeVisible();
  // …a full idle minute locks it.
  await page.clock.runFor(62_000);
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  await expect(page.getByRole('grid')).toHaveCount(0);
  expect(await page.locator('body').innerText()).not.toContain(first!.displayName);
  expect(await page.content()).not.toContain(first!.id);
  // The workstation itself serves nothing while locked. The screen hides the data first and locks the workstation
  // after recording a decision still in its undo window (renderer/src/state/session.ts), so that lands a moment later.
  await expect.poll(async () => (await host.call('queue.list', {})).json, { timeout: 10_000 }).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  await expect(page.getByTestId('signed-in-person')).toContainText('Reviewer One');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel('Password').fill('verity-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('grid')).toContainText(first!.displayName);
});
