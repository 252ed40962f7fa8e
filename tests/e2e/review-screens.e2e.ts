// Screenshots of the queue and the case view in both languages and both themes (saved under
// test-results/screenshots/), and an axe scan of Chinese in the dark theme.
import { expect, test } from './fixtures';
import { findCase, imagesPainted, listCases, openBySearch, seriousViolations, setSettings, signIn } from './review-support';

// Hosts seed demo data and axe scans are slow on a loaded two-core machine.
test.describe.configure({ timeout: 120_000 });

test('queue and case view in English and Chinese, light and dark', async ({ app, host }) => {
  await app.setViewportSize({ width: 1440, height: 900 });
  await signIn(app);
  const target = findCase(await listCases(host, { kind: 'change' }), (i) => i.flags.length > 0, 'change case with flags');
  for (const language of ['en', 'zh-CN'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await setSettings(host, { language, theme });
      await expect(app.locator('html')).toHaveAttribute('lang', language);
      await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
      if (await app.getByRole('grid').count() === 0) await app.keyboard.press('Escape');
      await expect(app.getByRole('grid')).toBeVisible();
      await app.getByRole('searchbox').fill('');
      await expect.poll(() => app.getByRole('grid').locator('.queue-body [role="row"]').count()).toBeGreaterThan(5);
      await app.screenshot({ path: `test-results/screenshots/queue-${language}-${theme}.png` });
      // axe runs on the combination the other suites do not cover (they scan English, light).
      const scan = language === 'zh-CN' && theme === 'dark';
      if (scan) expect(await seriousViolations(app), `queue ${language} ${theme}`).toEqual([]);
      if (language === 'en') await openBySearch(app, target.id);
      else {
        await app.getByRole('searchbox').fill(target.id);
        await expect(app.getByRole('grid').locator('.queue-body [role="row"]')).toHaveCount(1);
        await app.getByRole('grid').locator('.queue-body [role="row"]').first().click();
      }
      await imagesPainted(app);
      await app.screenshot({ path: `test-results/screenshots/case-${language}-${theme}.png` });
      if (scan) expect(await seriousViolations(app), `case ${language} ${theme}`).toEqual([]);
      await app.keyboard.press('Escape');
    }
  }
});
