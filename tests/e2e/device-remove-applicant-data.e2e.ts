// "Remove all applicant data" from the header's "This device" menu (issue 25): the dialog syncs a last time (a standalone workstation
// cannot reach any central service), names the decision that never reached it, refuses to remove until it is ticked,
// then removes every case's applicant details; the decision stays.
import type { QueueItem } from '../../shared/contract/cases';
import { expect, test } from './fixtures';
import { channelValue, deviceAction, listCases, signIn } from './review-support';

test.describe.configure({ timeout: 300_000 });

test('names the unsynced decision, waits for its confirmation, then removes the applicant data', async ({ app, host }) => {
  await signIn(app);
  const open = await listCases(host, { status: 'open', limit: 200 });
  const target: QueueItem | undefined = open.find((i) => i.assignee === 'reviewer1');
  expect(target, 'an open case of reviewer1').toBeDefined();
  await channelValue(host, 'case.decide', {
    applicationId: target!.id,
    outcome: 'reject',
    reasonCodes: ['document_unreadable'],
    applicantMessage: 'The photo of your document cannot be read. Please upload a sharper photo.',
    internalNote: '',
    overrideNote: null,
  });

  await deviceAction(app, 'Remove all applicant data');
  const dialog = app.getByTestId('remove-applicant-data');
  await expect(dialog.getByText('The central service could not be reached')).toBeVisible();
  await expect(dialog.getByText('1 decision has not reached the central service')).toBeVisible();
  const item = dialog.getByRole('checkbox', { name: new RegExp(`${target!.id} · ${target!.displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · rejected by`) });
  const confirm = dialog.getByRole('button', { name: 'Remove all applicant data' });
  await expect(confirm).toBeDisabled();
  await item.check();
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog.getByText(/Removed the applicant data of \d+ applications/)).toBeVisible();

  const after = await listCases(host, { limit: 200 });
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((i) => i.displayName === '—')).toBe(true);
  // The decision stays: the case is still rejected here.
  expect((await listCases(host, { status: 'rejected', limit: 200 })).find((i) => i.id === target!.id)?.displayName).toBe('—');
});
