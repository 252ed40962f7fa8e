// Issue 25 item 7: nothing replaces the app's page or opens a window: links, window.open, script and meta
// redirects, the host's own answers, and a URL or a file dragged onto the window. In Electron the main process
// refuses these too (electron/main/security.ts, its unit tests); in a plain browser the page's own guard is all
// there is (renderer/src/lib/navigationGuard.ts), so this suite runs through the browser host.
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.use({ demoCount: 2 });

const evil = 'https://evil.example/';

/**
 * Watches the app's page from now on: windows opened and main-frame navigations (once the token has left the address
 * bar, which is the app's one same-document navigation), and a mark left on the document that survives only if the
 * document is not replaced (a reload of the same URL would keep the URL but lose the mark).
 */
async function watch(app: Page) {
  await expect.poll(() => app.url()).not.toContain('#token=');
  const url = app.url();
  const opened: string[] = [];
  const navigated: string[] = [];
  app.context().on('page', (p) => opened.push(p.url() || 'a new window'));
  app.on('framenavigated', (frame) => {
    if (frame === app.mainFrame()) navigated.push(frame.url());
  });
  await app.evaluate(() => ((window as unknown as { __stays: string }).__stays = 'the same document'));
  return {
    async expectUnchanged(what: string) {
      // A navigation or a window starts within a task or two of the action; give it time to show itself.
      await app.waitForTimeout(750);
      expect(opened, `${what}: no window may open`).toEqual([]);
      expect(navigated, `${what}: the page may not navigate`).toEqual([]);
      expect(app.url(), what).toBe(url);
      expect(await app.evaluate(() => (window as unknown as { __stays?: string }).__stays), `${what}: the document stays`).toBe('the same document');
      await expect(app.getByTestId('signed-in-person')).toBeVisible();
    },
  };
}

/** Puts a link into the page (as applicant text would, were it ever rendered as one) and returns it. */
async function addLink(app: Page, href: string, target?: string) {
  await app.evaluate(
    ({ href, target }) => {
      const a = document.createElement('a');
      a.href = href;
      if (target) a.target = target;
      a.textContent = `link to ${href}`;
      a.id = 'hostile-link';
      a.style.cssText = 'position:fixed;top:300px;left:300px;z-index:99999;background:#fff;padding:8px';
      document.getElementById('hostile-link')?.remove();
      document.body.appendChild(a);
    },
    { href, target },
  );
  return app.locator('#hostile-link');
}

test('a link cannot replace the page or open a window, however it is clicked', async ({ app }) => {
  const page = await watch(app);
  for (const href of [evil, '/', '/images/x/original', 'file:///etc/passwd', 'javascript:alert(1)']) {
    await (await addLink(app, href)).click();
    await page.expectUnchanged(`a click on ${href}`);
  }
  await (await addLink(app, evil, '_blank')).click();
  await page.expectUnchanged('a click on a target=_blank link');
  const link = await addLink(app, evil);
  await link.click({ modifiers: ['ControlOrMeta'] });
  await page.expectUnchanged('a Ctrl-click (new tab)');
  await link.click({ modifiers: ['Shift'] });
  await page.expectUnchanged('a Shift-click (new window)');
  await link.click({ button: 'middle' });
  await page.expectUnchanged('a middle click');
});

test('window.open opens nothing', async ({ app }) => {
  const page = await watch(app);
  const answers = await app.evaluate((evil) => [window.open(evil), window.open('/'), window.open(evil, '_self'), window.open('about:blank', 'x', 'popup')].map((w) => w === null), evil);
  expect(answers).toEqual([true, true, true, true]);
  await page.expectUnchanged('window.open');
});

test('script and meta redirects leave the page in place, and the host never redirects', async ({ app, host }) => {
  const page = await watch(app);
  for (const [what, script] of [
    ['location.href = another site', `location.href = '${evil}'`],
    ['location.assign(same origin)', "location.assign('/?x=1')"],
    ['location.replace(another site)', `location.replace('${evil}')`],
    ['a meta refresh', `const m = document.createElement('meta'); m.httpEquiv = 'refresh'; m.content = '0;url=${evil}'; document.head.appendChild(m)`],
  ] as const) {
    // Run as page script, as an injected one would (the CSP keeps inline script out; this is the layer behind it).
    await app.evaluate(script);
    await page.expectUnchanged(what);
  }
  // The host answers no address with a redirect: not the open-redirect shapes, not a folder, not a traversal.
  for (const path of ['//evil.example/', '/\\evil.example/', '/%2F%2Fevil.example/', '/assets', '/assets/', '/..%2F..%2Fetc', '/images/..%2F..%2F', '/index.html/']) {
    const res = await fetch(host.url.replace(/\/$/, '') + path, { redirect: 'manual' });
    expect({ path, redirect: res.status >= 300 && res.status < 400, location: res.headers.get('location') }).toEqual({ path, redirect: false, location: null });
  }
});

test('a URL or a file dropped onto the window does not replace the page', async ({ app }, testInfo) => {
  const page = await watch(app);
  const file = testInfo.outputPath('dropped.html');
  writeFileSync(file, '<p>not the app</p>');
  // A real drag from outside the page, through the browser's input pipeline (a synthetic DragEvent has no default
  // action, so it could not show a navigation).
  const cdp = await app.context().newCDPSession(app);
  const copyLinkMove = 1 | 2 | 16;
  const drags = [
    ['a URL', { items: [{ mimeType: 'text/uri-list', data: evil }, { mimeType: 'text/plain', data: evil }], dragOperationsMask: copyLinkMove }],
    ['a file', { items: [], files: [file], dragOperationsMask: copyLinkMove }],
  ] as const;
  for (const [what, data] of drags) {
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x: 720, y: 450, data: data as never });
    await page.expectUnchanged(`${what} dropped onto the window`);
  }
});
