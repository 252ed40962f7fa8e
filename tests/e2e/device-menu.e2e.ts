// The header's "This device" menu (issues 23 and 25): a real menu button. Enter or ↑ open it, the arrows wrap, Home,
// End and a letter move, Escape closes it (and only it: the case stays open) with focus back on the button, Tab
// leaves it, a click elsewhere closes it, and a dialog opened from it hands focus back to the button. axe finds
// nothing serious with it open; it speaks Chinese in Chinese; locking and signing out from it work. Screenshots at
// 1280×720, light and dark.
import { shortRef } from '../../shared/applicationRef';
import { expect, test } from './fixtures';
import { deviceAction, listCases, openBySearch, seriousViolations, setSettings, signIn } from './review-support';

test.use({ demoCount: 6, viewport: { width: 1280, height: 720 } });
test.describe.configure({ timeout: 180_000 });

test('the This device menu works by keyboard, keeps its keys from the case view and gives focus back', async ({ app, host }) => {
  await signIn(app);
  const [first] = await listCases(host);
  expect(first, 'an open demo case').toBeDefined();
  await openBySearch(app, first!.id);
  const heading = app.getByRole('heading', { level: 1 });
  await expect(heading).toContainText(shortRef(first!.id));

  const button = app.getByRole('button', { name: 'This device' });
  const menu = app.getByRole('menu', { name: 'This device' });
  const item = (name: string) => menu.getByRole('menuitem', { name, exact: true });
  await expect(button).toHaveAttribute('aria-haspopup', 'menu');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toHaveCount(0);

  // Enter opens it on the first item; the arrows wrap both ways; Home and End.
  await button.focus();
  await app.keyboard.press('Enter');
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(item('Lock screen')).toBeFocused();
  // Standalone, so no "End all sessions"; the workstation's own actions come after a separator.
  await expect(menu.getByRole('menuitem')).toHaveText(['Lock screen', 'Sign out', 'Rotate data key', 'Remove all applicant data']);
  await expect(menu.getByRole('separator')).toHaveCount(1);
  await app.keyboard.press('ArrowDown');
  await expect(item('Sign out')).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await app.keyboard.press('ArrowUp');
  await expect(item('Remove all applicant data')).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(item('Lock screen')).toBeFocused();
  await app.keyboard.press('End');
  await expect(item('Remove all applicant data')).toBeFocused();
  await app.keyboard.press('Home');
  await expect(item('Lock screen')).toBeFocused();
  // A letter goes to the next item that starts with it, round the end.
  await app.keyboard.press('r');
  await expect(item('Rotate data key')).toBeFocused();
  await app.keyboard.press('r');
  await expect(item('Remove all applicant data')).toBeFocused();
  await app.keyboard.press('r');
  await expect(item('Rotate data key')).toBeFocused();

  // Escape closes the menu, not the case (the case view's own Escape goes back to the queue).
  await app.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(heading).toContainText(shortRef(first!.id));
  await expect(app.getByRole('grid')).toHaveCount(0);

  // ↑ on the button opens it on the last item; Tab leaves and closes it.
  await app.keyboard.press('ArrowUp');
  await expect(item('Remove all applicant data')).toBeFocused();
  await app.keyboard.press('Tab');
  await expect(menu).toHaveCount(0);
  await expect(button).not.toBeFocused();

  // A dialog opened from the menu gives focus back to the button when it closes.
  await button.focus();
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('r');
  await app.keyboard.press('Enter');
  const rekey = app.getByRole('dialog', { name: 'Rotate the data key of this workstation' });
  await expect(rekey).toBeVisible();
  await expect(menu).toHaveCount(0);
  await app.keyboard.press('Escape');
  await expect(rekey).toHaveCount(0);
  await expect(button).toBeFocused();
  await expect(heading).toContainText(shortRef(first!.id));

  // A click elsewhere closes it.
  await button.click();
  await expect(item('Lock screen')).toBeFocused();
  await heading.click();
  await expect(menu).toHaveCount(0);

  // Open, in light and dark: nothing serious for axe; screenshots.
  for (const theme of ['light', 'dark'] as const) {
    await setSettings(host, { theme });
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await button.click();
    await expect(menu).toBeVisible();
    expect(await seriousViolations(app)).toEqual([]);
    await app.screenshot({ path: `test-results/screenshots/device-menu-1280x720-en-${theme}.png` });
    await app.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  }
  await setSettings(host, { theme: 'system' });
  // In Chinese it speaks Chinese.
  await setSettings(host, { language: 'zh-CN' });
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await app.getByRole('button', { name: '本设备' }).click();
  await expect(app.getByRole('menu', { name: '本设备' }).getByRole('menuitem')).toHaveText(['锁定屏幕', '退出登录', '更换数据密钥', '删除所有申请人数据']);
  await app.screenshot({ path: 'test-results/screenshots/device-menu-1280x720-zh-CN.png' });
  await app.keyboard.press('Escape');
  await setSettings(host, { language: 'en' });
  await expect(app.locator('html')).toHaveAttribute('lang', 'en');

  // Locking from the menu by keyboard; then signing out from it.
  await button.focus();
  await app.keyboard.press('Enter');
  await expect(item('Lock screen')).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  await expect(button).toHaveCount(0);
  await app.getByLabel('Password').fill('verity-demo');
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect(button).toBeVisible();
  await deviceAction(app, 'Sign out');
  await expect(app.getByRole('heading', { name: 'Sign in to Verity' })).toBeVisible();
  await expect(button).toHaveCount(0);
});
