// At 1:1 the viewer shows a re-encoded full-resolution rendition, never the applicant's bytes: a photo with a web
// page appended is shown without it, and its original comes only through "Download original", byte for byte, as
// a download named from its hash, recorded in the case's audit trail.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { findCase, getCase, imagesPainted, listCases, openBySearch, signIn } from './review-support';

test.describe.configure({ timeout: 120_000 });

const trailer = '<html><body><script>alert("from the applicant")</script></body></html>';

test('shows the full-resolution rendition at 1:1 and hands out the original only as an audited download', async ({ app, host }) => {
  const sharp = (await import('sharp')).default;
  const photo = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#4b6d8a' } }).jpeg().toBuffer();
  const bytes = Buffer.concat([photo, Buffer.from(trailer)]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // Every request for the original, whoever makes it: only the download may ask for it.
  const originalRequests: string[] = [];
  app.on('request', (r) => {
    if (r.url().includes(`/images/${sha256}/original`)) originalRequests.push(r.url());
  });

  await signIn(app);
  const target = findCase(await listCases(host), (i) => i.kind === 'individual', 'an individual case');
  const before = (await getCase(host, target.id)).documents.length;
  await openBySearch(app, target.id);
  await imagesPainted(app);
  await app.locator('.add-image input[type=file]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: bytes });
  await app.getByRole('button', { name: new RegExp(`^Show image ${before + 1}: Page`) }).click();
  const image = app.getByTestId('document-image');
  await expect(image).toHaveAttribute('alt', new RegExp(`^Document image ${before + 1}:`));

  const fullAnswer = app.waitForResponse((r) => r.url().endsWith(`/images/${sha256}/full`));
  await app.getByRole('button', { name: 'Actual size (1:1)' }).click();
  await expect(image).toHaveAttribute('data-variant', 'full');
  await expect(app.getByTestId('resolution')).toHaveText('Full resolution');
  const shownBytes = await (await fullAnswer).body();
  expect(shownBytes.includes('<script')).toBe(false);
  expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([2400, 1600]);
  expect(originalRequests).toEqual([]);

  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Download original' }).click()]);
  expect(download.suggestedFilename()).toBe(`verity-original-${sha256.slice(0, 16)}.jpg`);
  const saved = readFileSync(await download.path());
  expect(saved.equals(bytes)).toBe(true);
  expect(originalRequests).toHaveLength(1);
  await expect(app.getByTestId('audit-trail')).toContainText('Downloaded an original image');
  const audited = (await getCase(host, target.id)).audit.filter((e) => e.action === 'original_downloaded');
  expect(audited).toMatchObject([{ details: { sha256 } }]);
});
