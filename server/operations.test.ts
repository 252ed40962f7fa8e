// Operating one instance: a request in flight survives close() (graceful shutdown), /readyz says why it is not ready
// (503), and the logs are JSON lines carrying the request id the answer echoes. PGlite by default; PostgreSQL with
// VERITY_TEST_DATABASE_URL.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadyResponse } from '../shared/contract/operations';
import { latestSchemaVersion } from './migrations';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sign-in whose body arrives in two parts; `between` runs after the first part reached the server. */
function slowSignIn(url: string, between: () => Promise<void>): Promise<{ status: number; body: string; connection: string | undefined }> {
  const body = JSON.stringify({ username: 'reviewer1', password: 'verity-demo' });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    void pause(300).then(between).then(() => req.end(body.slice(10)), reject);
  });
}

describe('graceful shutdown', () => {
  it('lets a request in flight finish, refuses new connections, then closes the database', async () => {
    const running = await startTestServer({ shutdownGraceMs: 10_000 });
    server = running;
    let closed: Promise<void> | null = null;
    const answer = await slowSignIn(running.url, async () => {
      closed = running.close();
      await pause(300);
      // No new connection is taken while draining.
      await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ person: { username: 'reviewer1' } });
    expect(answer.connection).toBe('close');
    await closed;
    server = null;
  }, 90_000);

  it('cuts what is still running after the grace time', async () => {
    const running = await startTestServer({ shutdownGraceMs: 200 });
    server = running;
    const started = Date.now();
    const answer = slowSignIn(running.url, async () => {
      void running.close();
      await pause(1000);
    });
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(Date.now() - started).toBeLessThan(5_000);
    server = null;
  }, 90_000);
});

describe('readiness and logs', () => {
  it('answers /readyz 503 with the reason when the schema is not the one this server needs', async () => {
    const lines: Record<string, unknown>[] = [];
    server = await startTestServer({ accessLog: true, log: (msg, error, fields) => lines.push({ msg, error, ...fields }) });
    const client = new TestClient(server.url);
    const ready = await client.get('/readyz');
    expect(ReadyResponse.parse(ready.body)).toEqual({ status: 'ready', problems: [], schemaVersion: latestSchemaVersion, expectedSchemaVersion: latestSchemaVersion });
    await server.db.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from a newer server', now())`, [latestSchemaVersion + 1]);
    const newer = await client.get('/readyz', { headers: { 'x-request-id': 'probe-1' } });
    expect(newer.status).toBe(503);
    expect(ReadyResponse.parse(newer.body).problems).toEqual([`The database schema is at version ${latestSchemaVersion + 1}, newer than this server's ${latestSchemaVersion}; update the server`]);
    expect((await client.get('/healthz')).status).toBe(200);
    // One line per request, with the id the answer carried.
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', requestId: 'probe-1', method: 'GET', path: '/readyz', status: 503 }));
    expect(lines.filter((l) => l.msg === 'request')).toHaveLength(3);
  }, 90_000);

  it('names the request id on the log line of an internal error', async () => {
    const lines: Record<string, unknown>[] = [];
    server = await startTestServer({ log: (msg, error, fields) => lines.push({ msg, error, ...fields }) });
    const supervisor = await new TestClient(server.url).signIn('supervisor1');
    await server.db.query(`ALTER TABLE decisions RENAME TO decisions_away`);
    const broken = await supervisor.get('/v1/decisions', { headers: { 'x-request-id': 'trace-abc' } });
    await server.db.query(`ALTER TABLE decisions_away RENAME TO decisions`);
    expect(broken.status).toBe(500);
    expect(broken.headers.get('x-request-id')).toBe('trace-abc');
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'internal error', requestId: 'trace-abc' }));
  }, 90_000);
});
