// Four-eyes at a reviewer's workstation, against a real central service: reviewer1 opens Second review in their own
// area, sees the decision four-eyes holds for reviewer2 (never their own), agrees by keyboard and the next sync
// makes it take effect; then reviewer1's own suspected_tampering rejection shows "Held for a second review" until
// someone else agrees, and their next sync clears it.
import { randomUUID } from 'node:crypto';
import type { QualityQueueResponse, SupervisionBatchResponse } from '../../shared/contract/central';
import type { QualityQueuePage } from '../../shared/contract/supervision';
import type { QueueItem } from '../../shared/contract/cases';
import { expect, test, type Central } from './fixtures';
import { channelValue, listCases } from './review-support';
import { centralSession, decideAtCentral, submitAssigned } from './supervisor-support';

test.use({ centralDemoCount: 12 });

const effectOf = async (central: Central, id: string) =>
  (await central.server.db.query<{ effect: string }>(`SELECT effect FROM decisions WHERE id = $1::uuid`, [id]))[0]?.effect;

test('a reviewer gives the second review of a held decision; their own held decision clears after someone else agrees', async ({ app, host, central }) => {
  test.slow(); // two syncs against the demo central service
  const url = central!.server.url;
  // reviewer2 (on another workstation) rejects an application of theirs for suspected tampering: four-eyes holds it.
  const theirs = await submitAssigned(url, 'reviewer2');
  const decided = await decideAtCentral(url, 'reviewer2', theirs, { outcome: 'reject', reasonCodes: ['suspected_tampering'] });
  expect(decided).toMatchObject({ status: 'applied', effect: 'pending_second_review' });
  const heldId = decided.id;

  // reviewer1's area: Queue and Second review. The list is what the central service holds for reviewer1.
  await expect(app.getByTestId('queue-body')).toBeVisible({ timeout: 60_000 });
  await app.getByRole('button', { name: 'Sync now' }).click();
  const nav = app.getByRole('navigation', { name: 'Reviewer' });
  await nav.getByRole('button', { name: 'Second review' }).click();
  await expect(nav.getByRole('button', { name: 'Second review' })).toHaveAttribute('aria-current', 'page');
  const r1 = await centralSession(url, 'reviewer1');
  await expect
    .poll(async () => (await channelValue<QualityQueuePage>(host, 'quality.queue', { stage: 'second_review', limit: 200 })).items.map((i) => i.decision.id), { timeout: 60_000 })
    .toContain(heldId);
  const served = await r1.get<QualityQueueResponse>('/v1/quality/queue?stage=second_review&limit=200');
  const local = await channelValue<QualityQueuePage>(host, 'quality.queue', { stage: 'second_review', limit: 200 });
  expect(local.items.map((i) => i.decision.id)).toEqual(served.items.map((i) => i.decision.id));
  expect(local.items.every((i) => i.decision.reviewer !== 'reviewer1')).toBe(true);
  const rows = app.getByTestId('qa-row');
  await expect(rows).toHaveCount(Math.min(served.items.length, 50));

  // By keyboard: select reviewer2's decision, A, a comment, Enter: queued; Sync now: applied, in effect.
  const row = app.locator(`[data-testid="qa-row"][data-decision-id="${heldId}"]`);
  await row.click();
  const panel = app.getByTestId('verdict-panel');
  await expect(panel).toHaveAttribute('data-decision-id', heldId);
  await app.keyboard.press('a');
  await expect(panel.getByLabel('Comment (optional)')).toBeFocused();
  await app.keyboard.type('The edges are scanner artefacts; I agree the font differs.');
  await app.screenshot({ path: 'test-results/screenshots/reviewer-second-review-en-light.png' });
  await app.keyboard.press('Enter');
  // Queued, then sent by the sync the action asks for (it may be sent before this line looks).
  const outbox = await channelValue<{ items: { mutation: { decisionId?: string; madeBy: string } }[] }>(host, 'supervision.outbox', {});
  expect(outbox.items.every((a) => a.mutation.madeBy === 'reviewer1')).toBe(true);
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(() => effectOf(central!, heldId), { timeout: 60_000 }).toBe('in_effect');
  // Reviewed, it leaves the list the same sync brought.
  await expect(row).toHaveCount(0, { timeout: 30_000 });

  // reviewer1's own rejection for suspected tampering, recorded here and sent: held, and marked so in the queue.
  await nav.getByRole('button', { name: 'Queue' }).click();
  const open = await listCases(host, { status: 'open', limit: 200 });
  const target: QueueItem | undefined = open.find((i) => i.assignee === 'reviewer1');
  expect(target, 'an open case of reviewer1').toBeDefined();
  const recorded = await channelValue<{ mutationId: string }>(host, 'case.decide', {
    applicationId: target!.id,
    outcome: 'reject',
    reasonCodes: ['suspected_tampering'],
    applicantMessage: 'We could not verify your document.',
    internalNote: '',
    overrideNote: null,
  });
  const heldOf = async () => (await listCases(host, { status: 'rejected', limit: 200 })).find((i) => i.id === target!.id)?.heldForSecondReview;
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(() => effectOf(central!, recorded.mutationId), { timeout: 60_000 }).toBe('pending_second_review');
  await expect.poll(heldOf, { timeout: 30_000 }).toBe(true);
  await app.getByLabel('Status').selectOption('rejected');
  const decidedRow = app.locator(`[role="row"][data-application-id="${target!.id}"]`);
  await expect(decidedRow.getByTestId('held-mark')).toBeVisible();
  // Never in their own second-review list.
  const ownList = await channelValue<QualityQueuePage>(host, 'quality.queue', { stage: 'second_review', limit: 200 });
  expect(ownList.items.map((i) => i.decision.id)).not.toContain(recorded.mutationId);

  // supervisor1 agrees elsewhere; reviewer1's next sync clears the mark.
  const sup = await centralSession(url, 'supervisor1');
  const agree = { type: 'review', id: randomUUID(), decisionId: recorded.mutationId, madeAt: new Date().toISOString(), madeBy: 'supervisor1', offline: false, verdict: 'agree', reason: '' };
  const agreed = await sup.post<SupervisionBatchResponse>('/v1/supervision:batch', { deviceId: 'e2e-supervisor-device', mutations: [agree] });
  expect(agreed.results).toMatchObject([{ id: agree.id, status: 'applied' }]);
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(heldOf, { timeout: 60_000 }).toBe(false);
  await expect(decidedRow.getByTestId('held-mark')).toHaveCount(0, { timeout: 30_000 });
});
