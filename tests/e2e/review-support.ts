// Helpers of the review-*.e2e.ts suites: signing in through the UI, finding demo cases through the host's
// own API (the same session), and accessibility checks.
import { shortRef } from '../../shared/applicationRef';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { CaseDetail, QueueItem, QueuePage, QueueQuery } from '../../shared/contract/cases';
import type { Outcome } from '../../shared/errors';
import { expect, type Host } from './fixtures';

export const demoPassword = 'verity-demo';

/** A channel's value through the host's HTTP form (the host's session); throws on a refusal, naming its code. */
export async function channelValue<T>(host: Host, channel: string, body: unknown): Promise<T> {
  const { json } = await host.call(channel, body);
  const answer = json as Outcome<T>;
  if (!answer.ok) throw new Error(`${channel} failed: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}

export async function signIn(page: Page, username = 'reviewer1', password = demoPassword): Promise<void> {
  // A host started with --sign-in (or a session from an earlier page) is already signed in.
  const signedIn = page.getByRole('button', { name: 'This device' });
  await expect(page.getByLabel('User name').or(signedIn)).toBeVisible();
  if (await signedIn.isVisible()) {
    await expect(page.getByRole('grid')).toBeVisible();
    return;
  }
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(signedIn).toBeVisible();
  await expect(page.getByRole('grid')).toBeVisible();
}

/** Chooses an action of the header's "This device" menu (Lock screen, Sign out, Rotate data key, …) with the mouse. */
export async function deviceAction(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'This device' }).click();
  await page.getByRole('menu', { name: 'This device' }).getByRole('menuitem', { name, exact: true }).click();
}

/** Every case matching the query (first page of up to 200), through the host's HTTP API. */
export async function listCases(host: Host, query: QueueQuery = {}): Promise<QueueItem[]> {
  const page = await channelValue<QueuePage>(host, 'queue.list', { status: 'open', limit: 200, ...query });
  return page.items;
}

export async function getCase(host: Host, applicationId: string): Promise<CaseDetail> {
  return channelValue<CaseDetail>(host, 'case.get', { applicationId, open: false });
}

export function findCase(items: QueueItem[], predicate: (item: QueueItem) => boolean, what: string): QueueItem {
  const found = items.find(predicate);
  if (!found) throw new Error(`The demo data has no ${what}; cases: ${items.map((i) => `${i.id}:${i.kind}:${i.flags.map((f) => f.rule).join('+')}`).join(', ')}`);
  return found;
}

export const isClean = (i: QueueItem) => i.flags.every((f) => f.severity !== 'blocking');
export const isHardBlocked = (i: QueueItem) => i.flags.some((f) => f.severity === 'blocking' && (f.rule === 'R2' || f.rule === 'R3' || f.rule === 'R4' || f.rule === 'R10'));

/** Finds a case with the search box and opens it, keyboard only. */
export async function openBySearch(page: Page, applicationId: string): Promise<void> {
  if ((await page.getByRole('grid').count()) === 0) await page.keyboard.press('Escape');
  await expect(page.getByRole('grid')).toBeVisible();
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(applicationId);
  await page.keyboard.press('Enter');
  const rows = page.getByRole('grid').locator('.queue-body [role="row"]');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-application-id', applicationId);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(shortRef(applicationId));
}

/** Waits until every document image on screen has really been decoded and painted. */
export async function imagesPainted(page: Page): Promise<void> {
  await expect(page.getByTestId('document-image')).toBeVisible();
  await page.waitForFunction(() => [...document.querySelectorAll('img')].filter((i) => !i.classList.contains('preload')).every((i) => i.complete && i.naturalWidth > 0));
}

export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`);
}

export async function setSettings(host: Host, patch: Record<string, unknown>): Promise<void> {
  await channelValue(host, 'settings.update', patch);
}
