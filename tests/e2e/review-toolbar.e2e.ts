// At 1280×720 the case view's image tools stay on one row, with one image and comparing two, in both languages, and
// the decision's Confirm is on screen without scrolling (issue 23: the layout makes the most of a 1280×720 screen).
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { getCase, listCases, openBySearch, setSettings, signIn } from './review-support';

test.use({ demoCount: 6, viewport: { width: 1280, height: 720 } });
test.describe.configure({ timeout: 180_000 });

/** The toolbar's items, each with the top of its box: one row when every item starts at the same height. */
async function toolbarRows(app: Page): Promise<{ rows: number; height: number; items: string[] }> {
  return app.getByRole('toolbar').evaluate((bar) => {
    const items = [...bar.children].filter((c) => (c as HTMLElement).offsetParent !== null) as HTMLElement[];
    const tops = [...new Set(items.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)))];
    // Items centred on the same line count as one row, whatever their own heights.
    const rows = tops.sort((a, b) => a - b).filter((t, i, all) => i === 0 || t - all[i - 1]! > 4).length;
    return { rows, height: Math.round(bar.getBoundingClientRect().height), items: items.map((c) => `${c.textContent ?? ''}@${Math.round(c.getBoundingClientRect().top)}`) };
  });
}

test('the image tools stay on one row at 1280×720, comparing too, in English and Chinese; Confirm on screen', async ({ app, host }) => {
  await signIn(app);
  const cases = await listCases(host);
  let target = null;
  for (const item of cases) {
    const detail = await getCase(host, item.id);
    if (detail.documents.length >= 2) {
      target = detail;
      break;
    }
  }
  if (!target) throw new Error('no case with two images among the demo cases');
  await openBySearch(app, target.application.id);
  await expect(app.getByTestId('document-image')).toBeVisible();
  for (const language of ['en', 'zh-CN'] as const) {
    await setSettings(host, { language });
    await expect(app.locator('html')).toHaveAttribute('lang', language);
    for (const comparing of [false, true]) {
      const pressed = app.getByTestId('compare-toggle');
      if ((await pressed.getAttribute('aria-pressed')) !== String(comparing)) await app.keyboard.press('c');
      await expect(pressed).toHaveAttribute('aria-pressed', String(comparing));
      const bar = await toolbarRows(app);
      expect(bar.rows, `${language}, ${comparing ? 'comparing' : 'one image'}: ${bar.items.join(' | ')}`).toBe(1);
      await app.screenshot({ path: `test-results/screenshots/toolbar-1280x720-${language}-${comparing ? 'compare' : 'single'}.png` });
      // Choosing to reject shows its Confirm on screen as it is.
      await app.keyboard.press('r');
      const confirm = app.locator('.decision-form > .row:last-child button').first();
      await expect(confirm).toBeInViewport({ ratio: 1 });
      await app.keyboard.press('Escape');
      await expect(confirm).toBeHidden();
    }
  }
  await setSettings(host, { language: 'en' });
});
