// Who may decide what, as the reviewer sees it: a submitted application is not decidable until it is queued (the
// lifecycle says so, and the panel follows it); a case assigned to someone else is out of the reviewer's open queue,
// shows who has it, shows none of its documents and offers no decision. The standalone demo is deterministic: it
// always holds a submitted case of reviewer1 and queued cases of reviewer2.
import type { QueueItem, QueuePage } from '../../shared/contract/cases';
import type { Outcome } from '../../shared/errors';
import { expect, test } from './fixtures';
import { listCases, openBySearch, signIn } from './review-support';

test('a submitted case and a case assigned to someone else offer no decision, and say why', async ({ app, host }) => {
  await signIn(app);
  const mine = await listCases(host);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.every((i) => i.assignee === 'reviewer1')).toBe(true);

  const submitted = mine.find((i) => i.status === 'submitted');
  expect(submitted, 'the demo seed holds a submitted case of reviewer1').toBeDefined();
  await openBySearch(app, submitted!.id);
  await expect(app.getByTestId('decision-unavailable')).toContainText('not queued for review yet');
  await expect(app.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await app.keyboard.press('a');
  await expect(app.getByTestId('undo-bar')).toHaveCount(0);

  const { json } = await host.call('queue.list', { status: 'all', limit: 200 });
  const answer = json as Outcome<QueuePage>;
  if (!answer.ok) throw new Error(`queue.list failed: ${answer.error.code}`);
  const theirs = answer.value.items.find((i: QueueItem) => i.assignee === 'reviewer2' && i.status === 'queued');
  expect(theirs, 'the demo seed holds a queued case of reviewer2').toBeDefined();
  expect(mine.some((i) => i.id === theirs!.id)).toBe(false);

  await app.keyboard.press('Escape');
  await app.getByLabel('Status').selectOption('all');
  await openBySearch(app, theirs!.id);
  await expect(app.getByTestId('not-assigned')).toContainText('now assigned to reviewer2');
  await expect(app.getByTestId('documents-unavailable')).toBeVisible();
  await expect(app.getByTestId('document-image')).toHaveCount(0);
  await expect(app.getByTestId('decision-unavailable')).toContainText('now assigned to reviewer2');
  await app.keyboard.press('r');
  await expect(app.getByRole('group', { name: 'Reasons' })).toHaveCount(0);
});
