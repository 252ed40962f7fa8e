// At 1280×720 the app header, the case bar and the case view's image tools each stay on one row, with one image and
// comparing two, in both languages, and the decision's Confirm is on screen without scrolling (issue 23: the layout
// makes the most of a 1280×720 screen).
import type { Locator, Page } from '@playwright/test';
import { shortRef } from '../../shared/applicationRef';
import { expect, test } from './fixtures';
import { getCase, listCases, openBySearch, setSettings, signIn } from './review-support';

test.use({ demoCount: 6, viewport: { width: 1280, height: 720 } });
test.describe.configure({ timeout: 300_000 });

/** The shown items under `bar` matching `items`, each with its top and width: one row when all are centred on one line. */
async function rowsOf(bar: Locator, items = ':scope > *'): Promise<{ rows: number; height: number; items: string[] }> {
  return bar.evaluate((root, selector) => {
    const shown = [...root.querySelectorAll(selector)].filter((c) => (c as HTMLElement).offsetParent !== null) as HTMLElement[];
    const tops = [...new Set(shown.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)))];
    // Items centred on the same line count as one row, whatever their own heights.
    const rows = tops.sort((a, b) => a - b).filter((t, i, all) => i === 0 || t - all[i - 1]! > 4).length;
    return { rows, height: Math.round(root.getBoundingClientRect().height), items: shown.map((c) => `${c.textContent ?? ''}@${Math.round(c.getBoundingClientRect().top)}, ${Math.round(c.getBoundingClientRect().width)} wide`) };
  }, items);
}

/** The header and the case bar: each on one row (the case bar's details are items of their own). */
async function expectHeaderAndCaseBarOnOneRow(app: Page, what: string): Promise<void> {
  const header = await rowsOf(app.locator('header.frame-header'), '.brand, .header-tools > *');
  expect(header.rows, `header, ${what}: ${header.items.join(' | ')}`).toBe(1);
  const caseBar = await rowsOf(app.locator('.case-bar'), ':scope > :not(.case-meta), .case-meta > *');
  expect(caseBar.rows, `case bar, ${what}: ${caseBar.items.join(' | ')}`).toBe(1);
}

test('the header, the case bar and the image tools stay on one row at 1280×720, comparing too, in English and Chinese; Confirm on screen', async ({ app, host }) => {
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
  // Every demo case's bar, whatever its kind, status, account and due time, in both languages.
  for (const item of cases) {
    await openBySearch(app, item.id);
    await expect(app.getByRole('heading', { level: 1 })).toContainText(shortRef(item.id));
    for (const language of ['en', 'zh-CN'] as const) {
      await setSettings(host, { language });
      await expect(app.locator('html')).toHaveAttribute('lang', language);
      await expectHeaderAndCaseBarOnOneRow(app, `${language}, ${item.kind} ${item.id}`);
    }
    await setSettings(host, { language: 'en' });
    await expect(app.locator('html')).toHaveAttribute('lang', 'en');
  }
  await openBySearch(app, target.application.id);
  await expect(app.getByTestId('document-image')).toBeVisible();
  for (const language of ['en', 'zh-CN'] as const) {
    await setSettings(host, { language });
    await expect(app.locator('html')).toHaveAttribute('lang', language);
    for (const theme of ['light', 'dark'] as const) {
      await setSettings(host, { theme });
      await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
      await expectHeaderAndCaseBarOnOneRow(app, `${language}, ${theme}`);
      await app.screenshot({ path: `test-results/screenshots/case-1280x720-${language}-${theme}.png` });
    }
    for (const comparing of [false, true]) {
      const pressed = app.getByTestId('compare-toggle');
      if ((await pressed.getAttribute('aria-pressed')) !== String(comparing)) await app.keyboard.press('c');
      await expect(pressed).toHaveAttribute('aria-pressed', String(comparing));
      const bar = await rowsOf(app.getByRole('toolbar'));
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
  await setSettings(host, { language: 'en', theme: 'system' });
});
