// The login throttle on one instance (PGlite by default; PostgreSQL with VERITY_TEST_DATABASE_URL): keyed by username
// and client address, the address read from a trusted proxy's header only when configured, counted in the database
// (so a restart forgets nothing and parallel guesses cannot slip under the limit). Across two instances:
// instances.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './app';
import { startTestServer, testClock, TestClient, type TestServer } from '../tests/support/central';

// One instance behind a proxy (the header trusted) serves most cases, each with its own username or address.
const clock = testClock();
let proxied: TestServer;
let server: RunningServer | null = null;
beforeAll(async () => {
  proxied = await startTestServer({ trustedProxyHeader: 'x-forwarded-for' }, clock);
}, 180_000);
afterAll(async () => {
  await proxied?.close();
});
afterEach(async () => {
  await server?.close();
  server = null;
});

const signIn = (s: { url: string }, password: string, from?: string, username = 'reviewer1') =>
  new TestClient(s.url).post('/v1/session', { username, password }, { token: null, ...(from ? { headers: { 'x-forwarded-for': from } } : {}) });

describe('the login throttle', () => {
  it("keys on the trusted proxy's client address: one source's failures do not lock the person out from another", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(proxied, `guess-${i}`, '203.0.113.5')).status).toBe(401);
    const locked = await signIn(proxied, 'verity-demo', '203.0.113.5');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBe(15 * 60);
    // The person at their own desk, behind the same proxy, still signs in.
    expect((await signIn(proxied, 'verity-demo', '198.51.100.7')).status).toBe(200);
    // The right-most address is the one the proxy appended; what the client put before it is not trusted.
    expect((await signIn(proxied, 'verity-demo', '198.51.100.7, 203.0.113.5')).status).toBe(429);
    expect((await signIn(proxied, 'verity-demo', '203.0.113.5, 198.51.100.7')).status).toBe(200);
  });

  it('counts parallel guesses exactly: no more than the limit get a password check', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(proxied, `parallel-${i}`, '192.0.2.200', 'reviewer2')));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it('forgets the failures of the window, and those of a key whose password was then right', async () => {
    const from = '192.0.2.77';
    for (let i = 0; i < 4; i++) expect((await signIn(proxied, `guess-${i}`, from, 'supervisor1')).status).toBe(401);
    expect((await signIn(proxied, 'verity-demo', from, 'supervisor1')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(proxied, `again-${i}`, from, 'supervisor1')).status).toBe(401);
    expect((await signIn(proxied, 'verity-demo', from, 'supervisor1')).status).toBe(429);
    clock.advance(15 * 60 * 1000 + 1);
    expect((await signIn(proxied, 'verity-demo', from, 'supervisor1')).status).toBe(200);
    // Aged-out rows of every key are gone once anybody signs in again.
    expect(await proxied.db.query(`SELECT 1 FROM login_failures`)).toHaveLength(0);
  });

  it('ignores the header unless configured, so a client cannot pick a fresh key for each guess', async () => {
    server = await startTestServer();
    for (let i = 0; i < 5; i++) expect((await signIn(server, `guess-${i}`, `192.0.2.${i + 1}`)).status).toBe(401);
    expect((await signIn(server, 'verity-demo', '192.0.2.99')).status).toBe(429);
  }, 120_000);

  it('keeps counting across a restart (the failures are in the database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-throttle-'));
    try {
      server = await startServer({ dataDir: dir, log: () => undefined });
      for (let i = 0; i < 5; i++) expect((await signIn(server, `guess-${i}`)).status).toBe(401);
      await server.close();
      server = await startServer({ dataDir: dir, log: () => undefined });
      expect((await signIn(server, 'verity-demo')).status).toBe(429);
    } finally {
      await server?.close();
      server = null;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
