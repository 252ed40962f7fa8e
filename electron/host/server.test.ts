import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxImportBytes } from '../../shared/contract/images';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { isLoopbackAddress, startHost, type RunningHost } from './server';

/** One request; settles once the request has closed, so an error met while still sending the body fails it too. */
function raw(options: { port: number; path: string; method?: string; headers?: Record<string, string>; localAddress?: string; body?: string | Buffer; agent?: Agent }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown>; reusedSocket: boolean }>((done, fail) => {
    const { port, path, headers, localAddress, agent } = options;
    let answer: { status: number; body: string; headers: Record<string, unknown>; reusedSocket: boolean } | null = null;
    let failure: Error | null = null;
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, localAddress, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, reusedSocket: req.reusedSocket }));
    });
    req.on('error', (error) => (failure ??= error));
    req.on('close', () => (failure ? fail(failure) : answer ? done(answer) : fail(new Error(`${path}: closed without an answer`))));
    req.end(options.body);
  });
}

// Not one repeated byte: a check that compares part of the token, or the token at another offset, must show.
const token = 'Zq3-vT8_pL0wXe4sNb7yKc1uHd6jRf2m';
const image = `/images/${'a'.repeat(64)}/preview`;

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
    host = await startHost({ workstation, rendererDir: renderer, clientScript: join(dir, 'client.js'), token });
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

  // PORT stands for the host's own port: the right port under another name is refused too.
  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1', 'localhost', '127.0.0.1:1', '127.0.0.1.evil.example:PORT', '[::1]:PORT'])(
    'refuses the Host header %s on the API and the images, even with the right token',
    async (given) => {
      const host = given.replace('PORT', String(port));
      for (const path of ['/api/app.info', image]) {
        const res = await raw({ port, path, method: path === image ? 'GET' : 'POST', headers: { Host: host, Authorization: `Bearer ${token}` }, body: path === image ? undefined : '{}' });
        expect(res.status, path).toBe(421);
        expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    },
  );

  it.each([
    { what: 'no Authorization header', header: undefined },
    { what: 'an empty bearer token', header: 'Bearer ' },
    { what: 'the token but another scheme', header: `Basic ${token}` },
    { what: 'the token with its last byte changed', header: `Bearer ${token.slice(0, -1)}n` },
    { what: 'the token with its first byte changed', header: `Bearer Y${token.slice(1)}` },
    { what: 'the token and one byte more', header: `Bearer ${token}x` },
    { what: 'the token twice', header: `Bearer ${token}${token}` },
    { what: 'the token less its last byte', header: `Bearer ${token.slice(0, -1)}` },
    { what: 'the first half of the token', header: `Bearer ${token.slice(0, 16)}` },
  ])('refuses $what with 401 on the API and the images', async ({ header }) => {
    const headers: Record<string, string> = header === undefined ? {} : { Authorization: header };
    const api = await raw({ port, path: '/api/app.info', method: 'POST', headers, body: '{}' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const picture = await raw({ port, path: image, headers });
    expect(picture.status).toBe(401);
    expect(JSON.parse(picture.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('lets the right token through on the API and the images', async () => {
    const headers = { Authorization: `Bearer ${token}` };
    expect((await raw({ port, path: '/api/app.info', method: 'POST', headers, body: '{}' })).status).toBe(200);
    // Nobody is signed in, so the image itself is refused, but by the access check behind the token.
    const picture = await raw({ port, path: image, headers });
    expect(picture.status).not.toBe(401);
    expect(JSON.parse(picture.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it.each(['http://evil.example', 'null', 'http://127.0.0.1:1', 'https://127.0.0.1:PORT', 'http://127.0.0.1.evil.example:PORT', 'http://localhost'])('refuses a call from the origin %s (403)', async (given) => {
    const origin = given.replace('PORT', String(port));
    const res = await raw({ port, path: '/api/app.info', method: 'POST', headers: { Authorization: `Bearer ${token}`, Origin: origin }, body: '{}' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('other origins') } });
  });

  it('answers a call from its own origin, by either name, and one with no Origin', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, undefined]) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...(origin ? { Origin: origin } : {}) };
      const res = await raw({ port, path: '/api/app.info', method: 'POST', headers, body: '{}' });
      expect(res.status, String(origin)).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { name: 'Verity' } });
    }
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
    const ok = await raw({ port, path: '/api/app.info', method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { name: 'Verity', version: '0.0.0-test' } });
    const refused = await raw({ port, path: '/api/app.info', method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    const badJson = await raw({ port, path: '/api/app.info', method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{nope' });
    expect(JSON.parse(badJson.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('answers a malformed address with 4xx, not 500', async () => {
    const auth = { Authorization: `Bearer ${token}` };
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
    const res = await raw({ port, path: '/api/settings.update', method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
  });

  it.each([
    { what: 'JSON', path: '/api/settings.update', type: 'application/json', size: 6 * 1024 * 1024, code: 'invalid_request' },
    { what: 'image upload', path: '/api/images.import?applicationId=A&role=page', type: 'application/octet-stream', size: maxImportBytes + 6 * 1024 * 1024, code: 'image_too_large' },
  ])('answers an oversized $what body 413 on a kept-alive connection, every time', async ({ path, type, size, code }) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': type };
    const big = Buffer.alloc(size, 0x78);
    try {
      // Each round warms a connection with a small request, then sends the oversized body on that same socket. The body
      // is bigger than the socket buffers: a host that answers and hangs up before reading it all resets the connection
      // under the client still sending it (EPIPE), and raw() fails.
      for (let round = 0; round < 5; round++) {
        const small = await raw({ port, path: '/api/app.info', method: 'POST', headers, body: '{}', agent });
        expect(small.status).toBe(200);
        const refused = await raw({ port, path, method: 'POST', headers, body: big, agent });
        expect(refused.reusedSocket, `round ${round}`).toBe(true);
        expect(refused.status, `round ${round}`).toBe(413);
        expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: { code, message: expect.stringContaining('larger than') } });
        expect(refused.headers.connection).toBe('close');
      }
    } finally {
      agent.destroy();
    }
  });

  it('hangs up on a body that never ends rather than draining it for good', async () => {
    let sent = 0;
    const outcome = await new Promise<string>((done) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/settings.update', method: 'POST', headers: { Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => done(`answered ${res.statusCode}`));
      });
      req.on('error', (error: NodeJS.ErrnoException) => done(`cut ${error.code}`));
      const chunk = Buffer.alloc(1024 * 1024, 0x78);
      const pump = () => {
        while (sent < 1024 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    // Either the 413 got through before the hang-up, or the client met the closed connection; never all of it read.
    expect(outcome).toMatch(/^(answered 413|cut (EPIPE|ECONNRESET))$/);
    expect(sent).toBeLessThan(128 * 1024 * 1024);
  });
});
