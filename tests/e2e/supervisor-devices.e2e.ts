// A supervisor's Devices section through the browser host, against a real central service with its demo history: the
// history's workstations pushed their audit trails, the service verified them, and the supervisor sees each device
// with its chain — the reviewers' desks intact, the laptop's chain broken at the entry edited on it, announced by
// device and entry — and looks up an application's trail across devices; offline, the list stays and the lookup
// says it needs the central service.
import type { AuditDevicesView } from '../../shared/contract/audit';
import type { DecisionLogPage } from '../../shared/contract/supervision';
import { expect, test } from './fixtures';
import { channelValue as value, seriousViolations } from './review-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

test("a supervisor sees every device's audit chain, a broken one named, and an application's trail across devices", async ({ app, host, central }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  await expect(app.getByTestId('signed-in-person')).toContainText('Supervisor One');
  await app.getByRole('navigation').getByRole('button', { name: 'Devices' }).click();
  const rows = app.getByTestId('device-row');
  // The history's three workstations, and this one: its sign-in is an audit entry that went up on the first sync.
  await expect(rows).toHaveCount(4, { timeout: 60_000 });
  await expect(app.getByTestId('devices-freshness')).toContainText('As of');

  const view = await value<AuditDevicesView>(host, 'audit.devices', {});
  const laptop = view.devices.find((d) => d.deviceId === 'demo-laptop-reviewer4');
  if (!laptop || laptop.integrity.ok) throw new Error(`the demo laptop's chain should be broken: ${JSON.stringify(laptop)}`);
  for (const desk of ['demo-device-reviewer3', 'demo-device-reviewer4']) {
    const row = rows.filter({ hasText: desk });
    await expect(row).toHaveAttribute('data-integrity', 'ok');
    await expect(row).toContainText('Intact');
  }
  const { deviceId: own } = await value<{ deviceId: string }>(host, 'app.info', {});
  expect(view.devices.find((d) => d.deviceId === own)).toMatchObject({ integrity: { ok: true }, lastSeq: 1, entries: 1, people: [expect.objectContaining({ username: 'supervisor1' })] });
  await expect(rows.filter({ hasText: own })).toHaveAttribute('data-integrity', 'ok');
  await expect(rows.filter({ hasText: own })).toContainText('Supervisor One');
  // Broken first, and announced above the table by device and entry.
  await expect(rows.first()).toHaveAttribute('data-integrity', 'broken');
  await expect(rows.first()).toContainText(`Broken at entry ${laptop.integrity.firstBadSeq}: its content was changed after it was written`);
  await expect(app.getByTestId('devices-broken')).toContainText(`Device demo-laptop-reviewer4: the audit trail breaks at entry ${laptop.integrity.firstBadSeq}`);
  expect(await seriousViolations(app)).toEqual([]);

  // Who opened which applicant's documents, on which device, when: one of reviewer3's decisions.
  const log = await value<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer3', limit: 1 });
  const decided = log.items[0]!;
  await app.getByRole('searchbox', { name: "An application's trail across devices" }).fill(decided.applicationId);
  await app.getByRole('button', { name: 'Show trail' }).click();
  const trail = app.getByTestId('trail-row');
  await expect(trail).toHaveCount(2);
  await expect(trail.nth(0)).toContainText('Decision recorded');
  await expect(trail.nth(1)).toContainText('Documents opened');
  for (const text of await trail.allInnerTexts()) {
    expect(text).toContain('demo-device-reviewer3');
    expect(text).toContain('Reviewer Three');
    expect(text).toContain('Verified');
  }
  for (const theme of ['light', 'dark'] as const) {
    await app.getByLabel('Theme').selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await app.screenshot({ path: `test-results/screenshots/devices-en-${theme}.png` });
  }

  // Offline: the list is the workstation's copy, still shown; the trail needs the central service and says so.
  await central!.link.down();
  await app.reload();
  await app.getByRole('navigation').getByRole('button', { name: 'Devices' }).click();
  await expect(rows).toHaveCount(4);
  await app.getByRole('searchbox', { name: "An application's trail across devices" }).fill(decided.applicationId);
  await app.getByRole('button', { name: 'Show trail' }).click();
  await expect(app.getByTestId('trail-error')).toHaveAttribute('data-code', 'central_unreachable', { timeout: 30_000 });
  await expect(app.getByTestId('trail-error')).toContainText('Offline: the trail across devices shows when the central service can be reached');
  // Back in reach, Try again brings the trail (nothing else asks for it again).
  await central!.link.up();
  await app.getByTestId('trail-error').getByRole('button', { name: 'Try again' }).click();
  await expect(trail).toHaveCount(2);
  await expect(app.getByTestId('trail-error')).toHaveCount(0);
});

test('a reviewer is refused the audit channels', async ({ host }) => {
  const signIn = await host.call('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
  expect(signIn.status).toBe(200);
  for (const [channel, body] of [
    ['audit.devices', {}],
    ['audit.trail', { applicationId: 'any' }],
  ] as const) {
    const { json } = await host.call(channel, body);
    expect(json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  }
});
