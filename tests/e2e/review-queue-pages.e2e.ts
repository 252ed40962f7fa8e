// J and K walk a reviewer's whole queue from the case view, past the pages the queue has loaded so far (50 at a
// time), also while comparing two images: bench/ui stopped at its 50th case in compare mode, J doing nothing there
// (issue 23).
import { shortRef } from '../../shared/applicationRef';
import { expect, test } from './fixtures';
import { listCases } from './review-support';

// More of reviewer1's open cases than one page of the queue; a few drawings shared by all of them.
test.use({ generated: { count: 110, specimens: 3 } });
test.describe.configure({ timeout: 240_000 });

test('J goes on past the first loaded page of the queue while comparing, and K comes back', async ({ app, host }) => {
  const queue = await listCases(host);
  expect(queue.length, 'open cases of reviewer1').toBeGreaterThan(55);
  await app.getByRole('grid').focus();
  await app.keyboard.press('Home');
  await app.keyboard.press('Enter');
  const heading = app.getByRole('heading', { level: 1 });
  await expect(heading).toContainText(shortRef(queue[0]!.id));
  await app.keyboard.press('c');
  await expect(app.getByTestId('compare-toggle')).toHaveAttribute('aria-pressed', 'true');
  for (let i = 1; i <= 55; i++) {
    await app.keyboard.press('j');
    await expect(heading, `J from case ${i} of the queue`).toContainText(shortRef(queue[i]!.id));
  }
  // Still comparing, both panes shown.
  await expect(app.getByTestId('compare-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(app.getByTestId('viewer-pane-right').getByTestId('document-image')).toBeVisible();
  for (let i = 54; i >= 45; i--) {
    await app.keyboard.press('k');
    await expect(heading, `K back to case ${i + 1} of the queue`).toContainText(shortRef(queue[i]!.id));
  }
});
