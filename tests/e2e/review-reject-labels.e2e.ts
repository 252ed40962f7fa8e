// Issue 23, the reviewer's second pass: rejecting a blocked case starts from the matching reason, every reason by
// keyboard, Approve says why it cannot; labels people can read; the rough edges (undo bar, Add image, help button,
// lock screen, repeated openings).
import type { Locator } from '@playwright/test';
import { shortRef } from '../../shared/applicationRef';
import { applicantWording } from '../../shared/applicantWording';
import { preselectedReasons } from '../../shared/rejectReasons';
import { reasonCodes } from '../../shared/vocabulary';
import { en } from '../../renderer/src/i18n/en';
import { expect, test } from './fixtures';
import { deviceAction, findCase, getCase, isHardBlocked, listCases, openBySearch, seriousViolations, signIn } from './review-support';

test.use({ demoCount: 40, viewport: { width: 1280, height: 720 } });
test.describe.configure({ timeout: 300_000 });

const box = async (element: Locator) => {
  const b = await element.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
};

test('rejecting a document already used starts with its reason; every reason by keyboard; Approve says why', async ({ app, host }) => {
  await signIn(app);
  // A case blocked by a rule with a reason of its own and nothing it could override (R2, R3, R4 or R10: whichever
  // the demo has first), its reason preselected alone.
  const hard = (await listCases(host)).filter((i) => isHardBlocked(i) && !i.flags.some((f) => f.rule === 'R6'));
  const details = await Promise.all(hard.map((i) => getCase(host, i.id)));
  const detail = details.find((d) => preselectedReasons(d.flags).length === 1 && d.flags.every((f) => f.severity !== 'blocking' || !f.overridable));
  if (!detail) throw new Error(`The demo data has no case blocked by one rule with a reason; cases: ${hard.map((i) => i.id).join(', ')}`);
  const target = detail.application;
  const blocking = detail.flags.find((f) => f.severity === 'blocking')!;
  const expected = preselectedReasons(detail.flags)[0]!;
  const reasonLabel = en[`reason.${expected}`];
  const applicantLanguage = target.applicantLanguage;
  await openBySearch(app, target.id);
  await expect(app.locator('.add-image')).toBeVisible();

  // Approve on a blocked case answers with why, by key and by pointer.
  const approve = app.getByRole('button', { name: 'Approve', exact: true });
  await app.keyboard.press('a');
  await expect(app.getByTestId('approve-refused')).toContainText(`${blocking.rule} ${en[`rule.${blocking.rule}`]}`);
  await expect(app.getByRole('button', { name: 'Confirm approval' })).toHaveCount(0);
  await approve.dispatchEvent('click');
  await expect(app.getByTestId('approve-refused')).toBeVisible();

  await app.keyboard.press('r');
  const reason = (name: string) => app.getByRole('checkbox', { name, exact: true });
  await expect(reason(reasonLabel)).toBeChecked();
  await expect(reason(reasonLabel)).toBeFocused();
  expect(await app.getByRole('group', { name: 'Reasons' }).getByRole('checkbox', { checked: true }).count()).toBe(1);
  // The rule checks stay beside the reasons, naming the reason each calls for.
  await expect(app.getByTestId('rule-checks').locator(`li[data-rule="${blocking.rule}"]`)).toContainText(`→ ${reasonLabel}`);
  // Past the ninth: 0 ticks the tenth, ↓ walks to the last and Space ticks it.
  await app.keyboard.press('0');
  await expect(reason('Suspected tampering')).toBeChecked();
  for (let i = reasonCodes.indexOf(expected); i < reasonCodes.length - 1; i++) await app.keyboard.press('ArrowDown');
  await expect(reason('Other')).toBeFocused();
  await app.keyboard.press('Space');
  await expect(reason('Other')).toBeChecked();

  // What the applicant will read, in their language, beside the same in the reviewer's (Chinese when the applicant
  // reads English).
  const reviewerLanguage = applicantLanguage === 'en' ? 'zh-CN' : 'en';
  if (reviewerLanguage === 'zh-CN') await app.getByLabel('Language').selectOption('zh-CN');
  await expect(app.getByTestId('applicant-message')).toHaveValue(new RegExp(applicantWording[applicantLanguage].reason[expected]));
  await expect(app.getByTestId('applicant-translation')).toContainText(applicantWording[reviewerLanguage].reason[expected]);
  await expect(app.getByTestId('applicant-translation')).toContainText(applicantWording[reviewerLanguage].reason.other);
  await app.screenshot({ path: 'test-results/issue23-reject-flow-1280x720.png' });
  expect(await seriousViolations(app)).toEqual([]);
  if (reviewerLanguage === 'zh-CN') await app.getByLabel('语言').selectOption('en');

  await app.keyboard.press('Control+Enter');
  await expect(app.getByTestId('undo-bar')).toContainText(`Rejected ${shortRef(target.id)}`);
  await expect(app.getByTestId('undo-bar')).toBeHidden({ timeout: 15_000 });
  await expect.poll(async () => (await getCase(host, target.id)).decisions[0]?.reasonCodes).toEqual(reasonCodes.filter((c) => c === expected || c === 'suspected_tampering' || c === 'other'));

  // In the whole queue, a decision opens the next case at once: the undo bar has a strip of its own, so the next
  // case's buttons are not under it and a click reaches them.
  await app.getByRole('button', { name: 'Reset filters' }).click();
  await app.getByRole('grid').focus();
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { level: 1 })).toBeVisible();
  await app.keyboard.press('r');
  await app.keyboard.press('1');
  await app.keyboard.press('Control+Enter');
  await expect(app.getByTestId('undo-bar')).toBeVisible();
  const bar = await box(app.getByTestId('undo-bar'));
  // The whole decision panel (its buttons, or why this case takes no decision) is clear of the bar and takes clicks.
  const panel = await box(app.locator('.decision-panel'));
  expect(panel.y + panel.height <= bar.y + 0.5, 'the decision panel ends above the undo bar').toBe(true);
  const hit = await app.evaluate(({ x, y }) => Boolean(document.elementFromPoint(x, y)?.closest('.decision-panel')), { x: panel.x + panel.width / 2, y: panel.y + panel.height - 4 });
  expect(hit).toBe(true);
  await expect(app.getByTestId('undo-bar')).toBeHidden({ timeout: 15_000 });

  // The decided case offers no Add image.
  await app.keyboard.press('Escape');
  await app.getByLabel('Status').selectOption('all');
  await openBySearch(app, target.id);
  await expect(app.getByTestId('decision-unavailable')).toBeVisible();
  await expect(app.locator('.add-image')).toHaveCount(0);
});

test('labels: the help button, the flag legend, whole due times, openings of one sitting as one line, the lock screen names the person', async ({ app, host }) => {
  await signIn(app);
  await app.getByTestId('help-button').click();
  await expect(app.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('dialog')).toHaveCount(0);

  await app.getByTestId('flag-legend').getByText('What the flags mean').click();
  await expect(app.getByTestId('flag-legend')).toContainText('R10 Document expiry');
  await expect(app.getByTestId('flag-legend')).toContainText('R2 Document already used');
  // No due time is cut off, at 1280 × 720.
  const cut = await app.$$eval('.queue-body .c-due', (cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent));
  expect(cut).toEqual([]);
  expect(await app.locator('.queue-body .c-due').count()).toBeGreaterThan(5);
  expect(await seriousViolations(app)).toEqual([]);

  // Opened three times in one sitting: three entries in the log, one line on screen.
  const target = findCase(await listCases(host), (i) => !i.flags.some((f) => f.rule === 'R6'), 'open case');
  await openBySearch(app, target.id);
  for (let n = 0; n < 3; n++) {
    await app.keyboard.press('Escape');
    await expect(app.getByRole('grid')).toBeVisible();
    await app.keyboard.press('Enter');
    await expect(app.getByRole('heading', { level: 1 })).toContainText(shortRef(target.id));
  }
  expect((await getCase(host, target.id)).audit.filter((a) => a.action === 'documents_opened')).toHaveLength(4);
  const trail = app.getByTestId('audit-trail');
  await expect(trail.locator('li')).toHaveCount(1);
  await expect(trail.getByTestId('audit-repeat')).toContainText('4 times in one sitting');
  await app.keyboard.press('Escape');

  // A reload forgets what was typed at sign-in; the lock screen still names the person signed in.
  await app.reload();
  await expect(app.getByRole('grid')).toBeVisible();
  await deviceAction(app, 'Lock screen');
  await expect(app.getByLabel('User name')).toHaveValue('reviewer1');
  await expect(app.getByLabel('Password')).toBeFocused();
});
