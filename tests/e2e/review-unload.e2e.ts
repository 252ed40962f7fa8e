// A decision waiting out its undo window is never lost: reloading, closing or hiding the page records it at once.
import { shortRef } from '../../shared/applicationRef';
import type { Page } from '@playwright/test';
import { expect, test, type Host } from './fixtures';
import { findCase, getCase, isClean, listCases, openBySearch, signIn } from './review-support';

// The default 12 demo cases include clean ones; fewer images to draw keeps the host start short.
test.use({ demoCount: 12 });
// Hosts seed demo data slowly on a loaded two-core machine.
test.describe.configure({ timeout: 120_000 });

/** Approves a clean case by keyboard and leaves the decision in its undo window; returns the case id. */
async function approveAndHold(app: Page, host: Host): Promise<string> {
  await signIn(app);
  const clean = findCase(await listCases(host), (i) => isClean(i) && i.kind !== 'change', 'clean case');
  await openBySearch(app, clean.id);
  await app.keyboard.press('a');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('undo-bar')).toContainText(`Approved ${shortRef(clean.id)}`);
  // Still in the undo window: nothing is recorded yet.
  expect((await getCase(host, clean.id)).decisions).toEqual([]);
  return clean.id;
}

const recorded = async (host: Host, id: string) => {
  const detail = await getCase(host, id);
  return `${detail.application.status} ${detail.decisions.map((d) => d.outcome).join(',')}`;
};

test('reloading during the undo window records the decision', async ({ app, host }) => {
  const id = await approveAndHold(app, host);
  await app.reload();
  // The undo timer died with the old page; only the commit on leaving can have recorded it.
  await expect.poll(() => recorded(host, id)).toBe('approved approve');
  await expect(app.getByRole('grid')).toBeVisible();
  await expect(app.getByTestId('undo-bar')).toBeHidden();
  await expect(app.getByTestId('pending-sync')).toContainText('1 decision waiting to sync');
});

test('closing the page during the undo window records the decision', async ({ app, host }) => {
  const id = await approveAndHold(app, host);
  await app.close({ runBeforeUnload: true });
  await expect.poll(() => recorded(host, id)).toBe('approved approve');
});

test('hiding the page during the undo window records the decision at once', async ({ app, host }) => {
  const id = await approveAndHold(app, host);
  // What a browser reports when the window is minimised or the tab is switched away, and back.
  await app.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    delete (document as { visibilityState?: unknown }).visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  // Recorded on hiding, so undo has nothing left to take back (still held in its window, U would undo it).
  await app.keyboard.press('u');
  await expect(app.getByTestId('undo-bar')).toBeHidden();
  await expect.poll(() => recorded(host, id)).toBe('approved approve');
  await expect(app.getByRole('heading', { level: 1 })).not.toContainText(shortRef(id));
});
