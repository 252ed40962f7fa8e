// A reviewer brings a photo into a case (e.g. one the applicant sent through a ticket): it goes through the
// image pipeline, appears among the case's documents, and is recorded in the audit trail; a refused file
// says why and adds nothing.
import { expect, test } from './fixtures';
import { findCase, getCase, imagesPainted, listCases, openBySearch, signIn } from './review-support';

test.describe.configure({ timeout: 120_000 });

// A small real JPEG (made with sharp in the test runner) and a GIF, which the pipeline refuses.
const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');

test('adds a dropped-in photo to a case, and refuses a GIF with a reason', async ({ app, host }) => {
  const sharp = (await import('sharp')).default;
  const photo = await sharp({ create: { width: 1400, height: 900, channels: 3, background: '#6b8e23' } }).jpeg().toBuffer();
  await signIn(app);
  const target = findCase(await listCases(host), (i) => i.kind === 'individual', 'an individual case');
  const before = (await getCase(host, target.id)).documents.length;
  await openBySearch(app, target.id);
  await imagesPainted(app);

  const input = app.locator('.add-image input[type=file]');
  await input.setInputFiles({ name: 'not-a-photo.gif', mimeType: 'image/gif', buffer: gif });
  await expect(app.getByRole('alert').filter({ hasText: 'The image was not added' })).toBeVisible();
  expect((await getCase(host, target.id)).documents).toHaveLength(before);

  await input.setInputFiles({ name: 'clearer-photo.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(app.getByRole('button', { name: new RegExp(`^Show image ${before + 1}: Page`) })).toBeVisible();
  const detail = await getCase(host, target.id);
  expect(detail.documents).toHaveLength(before + 1);
  expect(detail.documents.at(-1)).toMatchObject({ role: 'page', width: 1400, height: 900 });
  expect(detail.audit.some((a) => a.action === 'document_added')).toBe(true);
});
