// Deciding: keyboard-only rejection with two reasons, approving a clean case, a blocked approval, an R1 override, undo.
import { shortRef } from '../../shared/applicationRef';
import { expect, test } from './fixtures';
import { findCase, getCase, isClean, isHardBlocked, listCases, openBySearch, signIn } from './review-support';

test.use({ demoCount: 40 });
// Hosts seed demo data and axe scans are slow on a loaded two-core machine.
test.describe.configure({ timeout: 120_000 });

test('rejects with two reason codes using only the keyboard, then the next case opens', async ({ app, host }) => {
  await signIn(app);
  const target = findCase(await listCases(host), (i) => !i.flags.some((f) => f.rule === 'R6'), 'open case');
  await openBySearch(app, target.id);
  await app.keyboard.press('r');
  await expect(app.getByRole('group', { name: 'Reasons' })).toBeVisible();
  await app.keyboard.press('1');
  await app.keyboard.press('5');
  await expect(app.getByRole('checkbox', { name: 'Document unreadable' })).toBeChecked();
  await expect(app.getByRole('checkbox', { name: 'Name does not match' })).toBeChecked();
  const message = app.getByLabel(/Message to the applicant/);
  await expect(message).toHaveValue(/\n/);
  await app.keyboard.press('Enter');

  // The decision waits out its undo window while the next case is already open.
  await expect(app.getByTestId('undo-bar')).toContainText(`Rejected ${shortRef(target.id)}`);
  await expect(app.getByRole('heading', { level: 1 })).not.toContainText(shortRef(target.id));
  await expect(app.getByTestId('undo-bar')).toBeHidden({ timeout: 10_000 });
  await expect.poll(async () => (await getCase(host, target.id)).decisions.length).toBe(1);
  const detail = await getCase(host, target.id);
  expect(detail.application.status).toBe('rejected');
  expect(detail.decisions[0]).toMatchObject({ outcome: 'reject', reasonCodes: ['document_unreadable', 'name_mismatch'] });
  expect(detail.decisions[0]!.applicantMessage.length).toBeGreaterThan(20);
  await expect(app.getByTestId('pending-sync')).toContainText('1 decision waiting to sync');
});

test('approves a clean case, and refuses to approve past a blocking flag', async ({ app, host }) => {
  await signIn(app);
  const cases = await listCases(host);
  const clean = findCase(cases, (i) => isClean(i) && i.kind !== 'change', 'clean case');
  const blocked = findCase(cases, isHardBlocked, 'case blocked by R2, R3 or R4');

  await openBySearch(app, blocked.id);
  await expect(app.getByRole('button', { name: 'Approve', exact: true })).toBeDisabled();
  await expect(app.getByTestId('approve-blocked')).toContainText('Approval is blocked');
  await app.keyboard.press('a');
  await expect(app.getByRole('button', { name: 'Confirm approval' })).toHaveCount(0);
  await app.keyboard.press('Escape');

  await openBySearch(app, clean.id);
  await app.getByRole('button', { name: 'Approve', exact: true }).click();
  await app.getByRole('button', { name: 'Confirm approval' }).click();
  await expect(app.getByTestId('undo-bar')).toContainText(`Approved ${shortRef(clean.id)}`);
  await expect.poll(async () => (await getCase(host, clean.id)).application.status, { timeout: 10_000 }).toBe('approved');
  expect((await getCase(host, blocked.id)).decisions).toEqual([]);
});

test('an issuing-location flag needs an override note to approve', async ({ app, host }) => {
  await signIn(app);
  const r1 = findCase(await listCases(host), (i) => i.flags.some((f) => f.rule === 'R1') && !isHardBlocked(i), 'case with only R1 blocking');
  await openBySearch(app, r1.id);
  await expect(app.getByTestId('flags')).toContainText('but the account is registered in');
  await app.keyboard.press('a');
  const confirm = app.getByRole('button', { name: 'Confirm approval' });
  await expect(confirm).toBeDisabled();
  await app.getByLabel(/Override note/).fill('Passport checked against the consulate register.');
  await expect(confirm).toBeEnabled();
  await app.keyboard.press('ControlOrMeta+Enter');
  await expect(app.getByTestId('undo-bar')).toContainText(`Approved ${shortRef(r1.id)}`);
  await expect.poll(async () => (await getCase(host, r1.id)).decisions[0]?.overrideNote, { timeout: 10_000 }).toBe('Passport checked against the consulate register.');
});

test('undo within the window records nothing and reopens the case', async ({ app, host }) => {
  await signIn(app);
  const clean = findCase(await listCases(host), isClean, 'clean case');
  await openBySearch(app, clean.id);
  await app.keyboard.press('a');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('undo-bar')).toBeVisible();
  await app.keyboard.press('u');
  await expect(app.getByTestId('undo-bar')).toBeHidden();
  await expect(app.getByRole('heading', { level: 1 })).toContainText(shortRef(clean.id));
  await app.waitForTimeout(6_000);
  const detail = await getCase(host, clean.id);
  expect(detail.decisions).toEqual([]);
  expect(detail.application.status).not.toBe('approved');
});
