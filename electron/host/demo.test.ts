// The browser host on a demo data folder: people, a queue with real specimen images, and images
// served only to a signed-in, unlocked person, and only for documents of local cases.
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseOf } from '../../shared/api';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { startHost, type RunningHost } from './server';

const token = 'demo-token-'.padEnd(32, 'x');

describe('browser host with demo data', () => {
  let dir: string;
  let workstation: Workstation;
  let host: RunningHost;
  const call = async (channel: string, body: unknown) => {
    const res = await fetch(`${host.url}api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string } };
  };
  const image = (sha: string, variant: string) => fetch(`${host.url}images/${sha}/${variant}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dir = tempFolder('verity-demo-');
    workstation = await openWorkstation({ dataDir: dir, host: 'browser', version: 't', keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 9)), demo: { count: 4 } });
    host = await startHost({ workstation, rendererDir: dir, clientScript: join(dir, 'none.js'), token });
  }, 120_000);
  afterAll(async () => {
    // After a failed start, whatever did open still closes (live imaging processes keep a folder in /tmp).
    await host?.close();
    await workstation?.close();
  });

  it('shows no cases and no images before sign-in', async () => {
    expect(await call('queue.list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('serves a signed-in reviewer the queue, a case and its images; nothing once locked', async () => {
    expect(await call('session.signIn', { username: 'reviewer1', password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'sign_in_failed' } });
    expect(await call('session.signIn', { username: 'reviewer1', password: 'verity-demo' })).toMatchObject({ ok: true });
    const page = (await call('queue.list', { status: 'all' })).value as ResponseOf<'queue.list'>;
    expect(page.items.length).toBeGreaterThan(0);
    const detail = (await call('case.get', { applicationId: page.items[0]!.id, open: true })).value as ResponseOf<'case.get'>;
    const document = detail.documents[0]!;
    expect(document.forensic?.software).toBeNull();

    const preview = await image(document.sha256, 'preview');
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(1344);
    expect(meta.exif).toBeUndefined();

    expect((await image('f'.repeat(64), 'preview')).status).toBe(403);
    expect((await image(document.sha256, 'secret')).status).toBe(400);
    expect((await image('..%2f..%2fcases.db', 'preview')).status).toBe(400);
    const withoutToken = await fetch(`${host.url}images/${document.sha256}/preview`);
    expect(withoutToken.status).toBe(401);

    // A reviewer adds a photo to the case: raw bytes in the body, the rest in the query.
    const upload = (bytes: Buffer, query = `applicationId=${page.items[0]!.id}&role=page`) =>
      fetch(`${host.url}api/images.import?${query}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body: bytes }).then(
        async (r) => ({ status: r.status, json: (await r.json()) as { ok: boolean; value?: { document: { id: string; sha256: string } }; error?: { code: string } } }),
      );
    const photo = await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#8a6d4b' } }).jpeg().toBuffer();
    const added = await upload(photo);
    expect(added.json).toMatchObject({ ok: true, value: { document: { id: expect.stringMatching(/^local-/) } } });
    const after = (await call('case.get', { applicationId: page.items[0]!.id, open: false })).value as ResponseOf<'case.get'>;
    expect(after.documents.map((d) => d.id)).toContain(added.json.value!.document.id);
    expect((await image(added.json.value!.document.sha256, 'thumbnail')).status).toBe(200);
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
    expect((await upload(gif)).json).toMatchObject({ ok: false, error: { code: 'image_format_not_allowed' } });
    expect((await upload(photo, 'applicationId=NOPE&role=page')).json).toMatchObject({ ok: false, error: { code: 'case_not_found' } });
    expect((await upload(photo, `applicationId=${page.items[0]!.id}&role=passport`)).json).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

    await call('session.lock', {});
    expect((await upload(photo)).json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await image(document.sha256, 'preview')).status).toBe(403);
    expect(await call('case.get', { applicationId: page.items[0]!.id, open: false })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});
