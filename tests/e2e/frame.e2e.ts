import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { WorkstationApi } from '../../shared/api';
import { expect, target, test } from './fixtures';
import { signIn } from './review-support';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

test('the app frame shows the signed-in person, sync state and status bar', async ({ app }) => {
  await signIn(app);
  await expect(app.getByTestId('signed-in-person')).toContainText('Signed in as');
  await expect(app.getByRole('status', { name: 'Sync' })).toHaveText('No central service configured');
  await expect(app.locator('footer')).toContainText(target === 'electron' ? 'Desktop app' : 'Browser host');
  // The token is taken from the address bar and kept out of it (once the page is idle).
  await expect.poll(() => new URL(app.url()).hash).toBe('');
});

test('switches to Simplified Chinese and back, and stays accessible in both', async ({ app }) => {
  await signIn(app);
  await app.getByLabel('Language').selectOption('zh-CN');
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(app.getByTestId('signed-in-person')).toContainText('当前登录');
  await expect(app.getByRole('status', { name: '同步' })).toHaveText('未配置中央服务');
  expect(await seriousViolations(app)).toEqual([]);

  // The choice is a real setting: a reload keeps it.
  await app.reload();
  // The session lives in the workstation, so a reload stays signed in.
  await expect(app.getByTestId('signed-in-person')).toContainText('当前登录');
  const stored = await app.evaluate(() => (window as unknown as { workstation: WorkstationApi }).workstation.settings.get({}));
  expect(stored).toEqual({ ok: true, value: { language: 'zh-CN', theme: 'system', idleLockMinutes: 10 } });

  await app.getByLabel('语言').selectOption('en');
  await expect(app.locator('html')).toHaveAttribute('lang', 'en');
  await expect(app.getByTestId('signed-in-person')).toContainText('Signed in as');
  expect(await seriousViolations(app)).toEqual([]);
});

test('follows the dark theme when chosen', async ({ app }) => {
  await app.getByLabel('Theme').selectOption('dark');
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await app.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(20, 23, 27)');
  expect(await seriousViolations(app)).toEqual([]);
});

test('the host refuses calls without its token, with a wrong token, and from another origin @host', async ({ host }) => {
  const none = await host.call('app.info', {}, { token: null });
  expect(none.status).toBe(401);
  expect(none.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  // Wrong in its last byte only: a check that compares a prefix of the token would let it through.
  const wrong = await host.call('app.info', {}, { token: host.token.slice(0, -1) + (host.token.endsWith('x') ? 'y' : 'x') });
  expect(wrong.status).toBe(401);
  const foreign = await fetch(`${host.url}api/app.info`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${host.token}`, Origin: 'http://evil.example' },
    body: '{}',
  });
  expect(foreign.status).toBe(403);
});

test('a payload that fails its schema is answered with a code, and the host keeps serving @host', async ({ host }) => {
  const bad = await host.call('settings.update', { language: 'fr', extra: true });
  expect(bad.status).toBe(400);
  expect(bad.json).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  const unknown = await host.call('nope.nothing', {});
  expect(unknown.json).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  const ok = await host.call('app.info', {});
  expect(ok.json).toMatchObject({ ok: true, value: { name: 'Verity', host: 'browser' } });
});

test('injected script cannot run and the app page stays in place', async ({ app }) => {
  // The CSP forbids inline script, so an injected <script> never runs.
  const ran = await app.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  // The app takes its token off the address bar once idle; compare with the page as it then stays.
  await expect.poll(() => app.url()).not.toContain('#token=');
  const before = app.url();
  // A link to another site and a pop-up must not replace the app's page.
  await app.evaluate(() => {
    const a = document.createElement('a');
    a.href = 'https://evil.example/';
    a.target = '_blank';
    a.textContent = 'x';
    document.body.appendChild(a);
    window.open('https://evil.example/popup');
  });
  // The click must happen: a failed one (the link covered, or not the one link) would prove nothing here.
  await app.locator('a[href="https://evil.example/"]').click();
  expect(app.url()).toBe(before);
  await expect(app.getByTestId('signed-in-person')).toBeVisible();
});
