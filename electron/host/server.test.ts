import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../store/keys';
import { tempFolder } from '../store/tempFolder';
import { isLoopbackAddress, startHost, type RunningHost } from './server';

function raw(options: { port: number; path: string; method?: string; headers?: Record<string, string>; localAddress?: string; body?: string }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

describe('browser host', () => {
  let dir: string;
  let workstation: Workstation;
  let host: RunningHost;
  let port: number;

  beforeAll(async () => {
    dir = tempFolder('verity-host-');
    const renderer = join(dir, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<html><head></head><body>app</body></html>');
    writeFileSync(join(renderer, 'assets', 'a.js'), 'console.log(1)');
    writeFileSync(join(renderer, 'assets', 'index-CgOpI3dI.js'), 'console.log(2)');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    writeFileSync(join(dir, 'client.js'), 'window.x=1');
    workstation = await openWorkstation({
      dataDir: join(dir, 'data'),
      host: 'browser',
      version: '0.0.0-test',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 1)),
    });
    host = await startHost({ workstation, rendererDir: renderer, clientScript: join(dir, 'client.js'), token: 't'.repeat(32) });
    port = Number(new URL(host.url).port);
  });
  afterAll(async () => {
    // After a failed start, whatever did open still closes (live imaging processes keep a folder in /tmp).
    await host?.close();
    await workstation?.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(host.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('refuses a request that does not come from 127.0.0.1', async () => {
    // Linux routes all of 127/8 to loopback, so 127.0.0.2 is a different sender on the same machine.
    const res = await raw({ port, path: '/', localAddress: '127.0.0.2' });
    expect(res.status).toBe(403);
    expect(isLoopbackAddress('10.0.0.5')).toBe(false);
    expect(isLoopbackAddress('::1')).toBe(false);
  });

  it('refuses a rebound DNS name (unexpected Host header)', async () => {
    const res = await raw({ port, path: '/', headers: { Host: 'evil.example' } });
    expect(res.status).toBe(421);
  });

  it('serves the renderer with the transport script injected and a CSP', async () => {
    const res = await raw({ port, path: '/' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<script defer src="/host/workstation.js"></script>');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('lets the browser keep content-hashed assets for good, and nothing else', async () => {
    expect((await raw({ port, path: '/assets/index-CgOpI3dI.js' })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await raw({ port, path: '/assets/a.js' })).headers['cache-control']).toBe('no-cache');
  });

  it.each(['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00', '/..%5csecret.txt'])('refuses path traversal %s', async (path) => {
    const res = await raw({ port, path });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('do not serve');
  });

  it('answers the HTTP form of the contract and refuses a missing token', async () => {
    const ok = await raw({ port, path: '/api/app.info', method: 'POST', headers: { Authorization: `Bearer ${'t'.repeat(32)}` }, body: '{}' });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { name: 'Verity', version: '0.0.0-test' } });
    const refused = await raw({ port, path: '/api/app.info', method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    const badJson = await raw({ port, path: '/api/app.info', method: 'POST', headers: { Authorization: `Bearer ${'t'.repeat(32)}` }, body: '{nope' });
    expect(JSON.parse(badJson.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('answers a malformed address with 4xx, not 500', async () => {
    const auth = { Authorization: `Bearer ${'t'.repeat(32)}` };
    // A channel name with a broken percent-escape (decodeURIComponent throws URIError on it).
    const channel = await raw({ port, path: '/api/queue.list%E0%A4%A', method: 'POST', headers: auth, body: '{}' });
    expect(channel.status).toBe(400);
    expect(JSON.parse(channel.body)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('percent') } });
    // A request target the URL parser cannot read against the host's origin (`//` is taken as a host name).
    for (const path of ['//', '//[', '/api//[']) {
      const target = await raw({ port, path, method: 'POST', headers: auth, body: '{}' });
      expect(target.status, path).toBeGreaterThanOrEqual(400);
      expect(target.status, path).toBeLessThan(500);
    }
    // The other places the host reads the address: the image path and the upload's query.
    expect((await raw({ port, path: '/images/%E0%A4%A/preview', headers: auth })).status).toBe(400);
    const upload = await raw({ port, path: '/api/images.import?applicationId=%E0%A4%A&role=%', method: 'POST', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: 'x' });
    expect(upload.status).toBeLessThan(500);
  });

  it('refuses an oversized body', async () => {
    const res = await raw({ port, path: '/api/settings.update', method: 'POST', headers: { Authorization: `Bearer ${'t'.repeat(32)}` }, body: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
  });
});
