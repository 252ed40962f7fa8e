// Linked accounts: an R2 flag names the other account its document verifies (fetched from the central service,
// the look audited there) and opens it read-only; axe finds nothing serious in the list or the dialog.
import { shortRef } from '../../shared/applicationRef';
import { expect, test, type Host } from './fixtures';
import { getCase, openBySearch, seriousViolations, signIn } from './review-support';

test.use({ centralDemoCount: 12 });
// The central server seeds demo data and the host pulls and ingests its images: minutes on a loaded machine.
test.describe.configure({ timeout: 300_000 });

async function lastSyncAt(host: Host): Promise<string | null> {
  const { json } = await host.call('sync.status', {});
  return (json as { value: { lastSyncAt: string | null } }).value.lastSyncAt;
}

test('an R2 flag lists the other account and opens it read-only', async ({ app, host, central }) => {
  const { server } = central!;
  await signIn(app);
  await expect.poll(() => lastSyncAt(host), { timeout: 180_000, intervals: [1000] }).not.toBeNull();
  // An open application whose document verifies another account (the demo's "document used" situation), given to
  // reviewer1 by a supervisor, with the account it shares the document with.
  const [shared] = await server.db.query<{ id: string; other: string; name: string }>(
    `SELECT a.id, o.id AS other, o.verified_identity->>'fullName' AS name
       FROM applications a JOIN accounts o ON o.doc_key = a.doc_key AND o.id <> a.account_id
      WHERE a.status = 'queued' ORDER BY a.id LIMIT 1`,
  );
  expect(shared).toBeDefined();
  const token = await fetch(`${server.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'supervisor1', password: 'verity-demo' }) })
    .then((r) => r.json() as Promise<{ accessToken: string }>)
    .then((s) => s.accessToken);
  const assigned = await fetch(`${server.url}/v1/applications/${shared!.id}/assign`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ reviewer: 'reviewer1' }) });
  expect(assigned.status).toBe(200);
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(async () => (await getCase(host, shared!.id).catch(() => null))?.flags.map((f) => f.rule) ?? [], { timeout: 60_000 }).toContain('R2');

  await openBySearch(app, shared!.id);
  const list = app.getByTestId('linked-R2');
  await expect(list).toContainText(shared!.other);
  await expect(list).toContainText(shared!.name);
  await expect(list).toContainText('From the central service');
  // The flag's count and the list agree: one other account, one row.
  await expect(app.locator('[data-rule="R2"]')).toContainText('already verifies 1 other');
  await expect(list.locator('tbody tr')).toHaveCount(1);
  expect(await seriousViolations(app)).toEqual([]);

  await list.getByRole('button', { name: shared!.other }).click();
  const dialog = app.getByTestId('linked-account');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: `Account ${shared!.other}` })).toBeVisible();
  await expect(dialog).toContainText('Read-only');
  await expect(dialog).toContainText('the same document');
  // Nothing in it decides or edits: its only control closes it.
  await expect(dialog.getByRole('button')).toHaveCount(1);
  await expect(dialog.locator('input, textarea, select')).toHaveCount(0);
  expect(await seriousViolations(app)).toEqual([]);
  await app.keyboard.press('a'); // approve's key does nothing while the dialog is open
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(app.getByRole('heading', { level: 1 })).toContainText(shortRef(shared!.id));

  // The central service recorded the look: who, which application, which account.
  const looks = await server.db.query<{ username: string; account_ids: string[] }>(`SELECT username, account_ids FROM linked_account_access WHERE application_id = $1`, [shared!.id]);
  expect(looks.length).toBeGreaterThan(0);
  expect(looks[0]).toEqual({ username: 'reviewer1', account_ids: [shared!.other] });
});
