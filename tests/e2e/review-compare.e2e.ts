// Comparing two images side by side (issue 23): an ID card's two sides with linked zoom and pan, keyboard only; a
// change application opening with the replaced identity's document beside the proposed one; both at 1600×1000 and
// 1280×720, light and dark (screenshots under test-results/screenshots/), the decision's Confirm on screen, axe clean.
import type { Page } from '@playwright/test';
import type { CaseDetail } from '../../shared/contract/cases';
import { expect, test, type Host } from './fixtures';
import { getCase, listCases, openBySearch, seriousViolations, setSettings } from './review-support';

test.use({ centralDemoCount: 20 });
// The central server seeds demo data and the host pulls and ingests its images: minutes on a loaded machine.
test.describe.configure({ timeout: 420_000 });

const sizes = [
  { width: 1600, height: 1000 },
  { width: 1280, height: 720 },
] as const;

async function synced(host: Host): Promise<void> {
  await expect
    .poll(async () => ((await host.call('sync.status', {})).json as { value: { lastSyncAt: string | null } }).value.lastSyncAt, { timeout: 240_000, intervals: [1000] })
    .not.toBeNull();
}

/** The first of reviewer1's open cases whose detail satisfies `predicate`. */
async function caseWhere(host: Host, predicate: (d: CaseDetail) => boolean, what: string): Promise<CaseDetail> {
  for (const item of await listCases(host)) {
    const detail = await getCase(host, item.id);
    if (predicate(detail)) return detail;
  }
  throw new Error(`no ${what} among reviewer1's cases`);
}

/** Waits until every document image on screen (one pane or two) has been decoded and painted. */
async function imagesPainted(app: Page): Promise<void> {
  await expect(app.getByTestId('document-image').first()).toBeVisible();
  await app.waitForFunction(() => [...document.querySelectorAll('img')].filter((i) => !i.classList.contains('preload')).every((i) => i.complete && i.naturalWidth > 0));
}

const pane = (app: Page, side: 'left' | 'right') => app.getByTestId(`viewer-pane-${side}`);
const panOf = async (app: Page, side: 'left' | 'right') => {
  const m = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec((await pane(app, side).getByTestId('document-image').getAttribute('style')) ?? '');
  return { x: Math.round(Number(m?.[1])), y: Math.round(Number(m?.[2])) };
};

/** Screenshots at both sizes in both themes; the decision's Confirm on screen without scrolling; axe clean in each. */
async function screens(app: Page, host: Host, name: string): Promise<void> {
  for (const size of sizes) {
    await app.setViewportSize(size);
    for (const theme of ['light', 'dark'] as const) {
      await setSettings(host, { theme });
      await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
      await imagesPainted(app);
      await expect(pane(app, 'left').getByTestId('viewer-stage')).toBeInViewport({ ratio: 1 });
      await expect(pane(app, 'right').getByTestId('viewer-stage')).toBeInViewport({ ratio: 1 });
      // A stage too small to read a document is no comparison: each pane keeps a useful share of the screen.
      const stage = (await pane(app, 'left').getByTestId('viewer-stage').boundingBox())!;
      expect(stage.width).toBeGreaterThan(size.width * 0.22);
      expect(stage.height).toBeGreaterThan(size.height * 0.45);
      await app.screenshot({ path: `test-results/screenshots/${name}-${size.width}x${size.height}-${theme}.png` });
      expect(await seriousViolations(app), `${name} ${size.width}×${size.height} ${theme}`).toEqual([]);
    }
    // Choosing to reject shows Confirm: on screen as it is, no scrolling.
    await app.keyboard.press('r');
    await expect(app.getByRole('button', { name: /^Confirm rejection/ })).toBeInViewport();
    await app.keyboard.press('Escape');
    await expect(app.getByRole('button', { name: /^Confirm rejection/ })).toBeHidden();
  }
  await setSettings(host, { theme: 'light' });
}

test("compares an ID card's two sides with linked zoom and pan, by keyboard", async ({ app, host }) => {
  await synced(host);
  const card = await caseWhere(
    host,
    (d) => (d.previousDocuments ?? []).length === 0 && d.documents.some((x) => x.role === 'front') && d.documents.some((x) => x.role === 'back'),
    'ID card case with front and back',
  );
  const [front, back] = [card.documents.find((d) => d.role === 'front')!, card.documents.find((d) => d.role === 'back')!];
  await app.setViewportSize(sizes[0]);
  await openBySearch(app, card.application.id);
  await imagesPainted(app);
  await expect(app.getByTestId('viewer-pane-single')).toBeVisible();
  await expect(app.getByRole('group', { name: 'Document images' }).getByRole('button', { name: /Show image 2: Back/ })).toBeVisible();

  await app.keyboard.press('c');
  await expect(app.getByTestId('compare-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(pane(app, 'left').getByTestId('document-image')).toHaveAttribute('data-sha256', front.sha256);
  await expect(pane(app, 'right').getByTestId('document-image')).toHaveAttribute('data-sha256', back.sha256);
  await imagesPainted(app);

  // Unlinked: a zoom reaches the active (left) pane only.
  const leftZoom = pane(app, 'left').getByTestId('zoom-level');
  const rightZoom = pane(app, 'right').getByTestId('zoom-level');
  const [leftFit, rightFit] = [await leftZoom.textContent(), await rightZoom.textContent()];
  await app.keyboard.press('+');
  await expect(leftZoom).not.toHaveText(leftFit!);
  await expect(rightZoom).toHaveText(rightFit!);
  await app.keyboard.press('f');
  await expect(leftZoom).toHaveText(leftFit!);

  // Linked: zoom and pan move both.
  await app.keyboard.press('l');
  await expect(app.getByTestId('linked-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(app.getByTestId('active-pane')).toHaveText('Tools act on: both');
  await app.keyboard.press('+');
  await app.keyboard.press('+');
  await expect(leftZoom).not.toHaveText(leftFit!);
  await expect(rightZoom).not.toHaveText(rightFit!);
  const [left0, right0] = [await panOf(app, 'left'), await panOf(app, 'right')];
  await app.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await panOf(app, 'left')).x - left0.x).toBe(60);
  await expect.poll(async () => (await panOf(app, 'right')).x - right0.x).toBe(60);
  // Dragging one pane pans both.
  const box = (await pane(app, 'right').getByTestId('viewer-stage').boundingBox())!;
  await app.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await app.mouse.down();
  await app.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 20, { steps: 4 });
  await app.mouse.up();
  await expect.poll(async () => (await panOf(app, 'left')).y - left0.y).toBe(20);
  await expect.poll(async () => (await panOf(app, 'right')).x - right0.x).toBe(100);
  // Zoomed past the fitted size, both show the full resolution.
  await expect(pane(app, 'left').getByTestId('document-image')).toHaveAttribute('data-variant', 'full');
  await expect(pane(app, 'right').getByTestId('document-image')).toHaveAttribute('data-variant', 'full');

  // Rotation and brightness/contrast stay each pane's own: X switches to the right pane (the drag made it active).
  await app.keyboard.press('x');
  await expect(pane(app, 'left')).toHaveAttribute('data-active', 'true');
  await app.keyboard.press('x');
  await expect(pane(app, 'right')).toHaveAttribute('data-active', 'true');
  await app.keyboard.press('e');
  await expect(pane(app, 'right').getByTestId('rotation')).toHaveText('Rotated 90°');
  await expect(pane(app, 'left').getByTestId('rotation')).toHaveText('Rotated 0°');
  await app.keyboard.press(']');
  await app.keyboard.press('}');
  await expect(pane(app, 'right').getByTestId('adjustment')).toHaveText('Brightness 110% · contrast 110%');
  await expect(pane(app, 'right').getByTestId('document-image')).toHaveAttribute('style', /brightness\(110%\) contrast\(110%\)/);
  await expect(pane(app, 'left').getByTestId('adjustment')).toHaveCount(0);
  await app.keyboard.press('\\');
  await expect(pane(app, 'right').getByTestId('adjustment')).toHaveCount(0);
  await app.keyboard.press('f');
  await expect(leftZoom).toHaveText(leftFit!);

  // The shortcut sheet names the compare keys.
  await app.keyboard.press('?');
  const help = app.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Compare two images side by side');
  await expect(help).toContainText('Link zoom and pan of both images');
  await app.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await screens(app, host, 'compare-id-card');
  await app.keyboard.press('c');
  await expect(app.getByTestId('viewer-pane-single')).toBeVisible();
});

test('a change application opens with the previous identity’s document beside the proposed one', async ({ app, host }) => {
  await synced(host);
  const change = await caseWhere(host, (d) => d.application.kind === 'change' && (d.previousDocuments ?? []).length > 0, 'change case with the previous identity’s documents');
  const previous = change.previousDocuments![0]!;
  const proposed = change.documents[0]!;
  await app.setViewportSize(sizes[0]);
  await openBySearch(app, change.application.id);
  await expect(app.getByTestId('compare-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(pane(app, 'left').getByTestId('document-image')).toHaveAttribute('data-sha256', previous.sha256);
  await expect(pane(app, 'right').getByTestId('document-image')).toHaveAttribute('data-sha256', proposed.sha256);
  await expect(pane(app, 'left')).toContainText('Previous identity ·');
  await expect(pane(app, 'right')).toContainText('Proposed ·');
  await expect(pane(app, 'right')).toHaveAttribute('data-active', 'true');
  // The comparison of the identities' fields stays beside the images.
  await expect(app.getByTestId('change-comparison')).toBeVisible();
  await screens(app, host, 'compare-change');
});
