// A supervisor opens a decision read-only from the decision log (Enter on the row), through the browser host against a
// real central service with the demo's decision history: the documents as the reviewer saw them (fetched through the
// supervisor's access), the flags as they stood when decided, the decision and its reviews, and no decision controls;
// Esc goes back to the log at the same row.
import type { AuditEntriesResponse } from '../../shared/contract/central';
import type { DecisionLogPage } from '../../shared/contract/supervision';
import { shortRef } from '../../shared/applicationRef';
import { expect, test } from './fixtures';
import { channelValue, imagesPainted, seriousViolations } from './review-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });


test('a supervisor opens a decision read-only: its documents and its flags as decided, no decision controls', async ({ app, host }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  const rows = app.getByTestId('decision-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  // An approval that overrode a flag: it has flags as judged, and an override note.
  const page = await channelValue<DecisionLogPage>(host, 'decisions.log', { overridden: true, limit: 50 });
  const entry = page.items.find((e) => e.flags !== null && e.flags.length > 0 && e.overrideNote);
  expect(entry, 'a seeded decision that overrode a flag').toBeDefined();

  // The same filter in the log shows the same newest-first page, the entry on it.
  await app.getByLabel('Override').selectOption('yes');
  const row = app.locator(`[data-testid="decision-row"][data-decision-id="${entry!.id}"]`);
  await row.click();
  await app.keyboard.press('Enter');

  const view = app.getByTestId('decision-case');
  await expect(view).toHaveAttribute('data-decision-id', entry!.id);
  // A short reference to read (issue 23 item 5), the full id on the copy button beside it.
  await expect(view.getByRole('heading', { level: 1 })).toContainText(shortRef(entry!.applicationId));
  await expect(view.getByRole('heading', { level: 1 })).not.toContainText(entry!.applicationId);
  await expect(view.getByTestId('copy-id')).toHaveAttribute('data-id', entry!.applicationId);
  // The documents, fetched from the central service with the supervisor's access, painted in the reviewer's viewer.
  await imagesPainted(app);
  await expect(app.getByTestId('watermark')).toHaveAttribute('data-text', /^supervisor1 · /);
  // The flags as they stood when decided: exactly the snapshot's rules, under the "as decided" title.
  const flags = view.getByTestId('flags');
  await expect(flags.locator('li.flag')).toHaveCount(entry!.flags!.length);
  for (const flag of entry!.flags!) await expect(flags.locator(`li.flag[data-rule="${flag.rule}"]`).first()).toBeVisible();
  await expect(view.getByTestId('current-flags')).toHaveCount(0);
  // The decision with its override note, and the application's trail across devices from the central service.
  await expect(view.getByTestId('decision-read-outcome')).toHaveText(entry!.outcome === 'approve' ? 'Approved' : 'Rejected');
  await expect(view.getByTestId('decision-read-override')).toContainText(entry!.overrideNote!);
  await expect(view.getByTestId('cross-device-audit')).toBeVisible();
  await expect(view.getByTestId('cross-device-audit').getByTestId('trail-row').first()).toBeVisible();
  await expect(view.getByTestId('trail-error')).toHaveCount(0);
  // The applicant notifications of its decisions head the trail, one row each, as the central service has them.
  const trail = await channelValue<AuditEntriesResponse>(host, 'audit.trail', { applicationId: entry!.applicationId });
  expect(trail.notifications, 'the first page of an application trail carries its notifications').toBeDefined();
  await expect(view.getByTestId('notification-deliveries')).toBeVisible();
  await expect(view.getByTestId('notification-row')).toHaveCount(trail.notifications!.length);
  // Nothing to decide, add or download.
  for (const name of [/^Approve/, /^Reject/, /Add image/, /Download original/]) await expect(view.getByRole('button', { name })).toHaveCount(0);
  await expect(view.locator('textarea, input[type="checkbox"]')).toHaveCount(0);
  expect(await seriousViolations(app)).toEqual([]);

  // Esc: the log again, at the same row.
  await app.keyboard.press('Escape');
  await expect(view).toHaveCount(0);
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(row).toBeFocused();
});
