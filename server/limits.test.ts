// Request size and time limits of the central service (issue 25 item 6), over real sockets: every body route refuses a
// body over its limit with 413 (64 KiB by default, 1 MiB for batches, 70 MiB for intake), headers over 16 KiB get 431,
// and a client that sends its headers or its body too slowly gets 408 and is hung up on; the server answers on.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CentralError, centralRoutes, type CentralRoute } from '../shared/contract/central';
import { bodyLimits } from './http';
import { clientPerRole, startTestServer, type Caller, type TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let clients: Map<Caller, TestClient>;

/** Writes `parts` to a raw socket with `pauseMs` between them; resolves with what came back and how long until the server hung up. */
function slowClient(port: number, parts: string[], pauseMs: number): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timers: NodeJS.Timeout[] = [];
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      timers.forEach(clearTimeout);
      resolve({ text, ms: performance.now() - started });
    });
    parts.forEach((part, i) => timers.push(setTimeout(() => !socket.destroyed && socket.write(part), i * pauseMs)));
  });
}

beforeAll(async () => {
  server = await startTestServer();
  clients = await clientPerRole(server);
});

afterAll(async () => {
  await server?.close();
});

describe('request size limits', () => {
  const bodyRoutes = (centralRoutes as readonly CentralRoute[]).filter((r) => r.body);
  /** A JSON body of exactly `bytes` bytes. */
  const bodyOf = (bytes: number) => `{"pad":"${'x'.repeat(bytes - 10)}"}`;
  const limitOf = (route: CentralRoute) =>
    route.operationId === 'submitApplication' ? bodyLimits.intake : /:batch$/.test(route.path) ? bodyLimits.mutations : bodyLimits.default;

  it.each(bodyRoutes.map((r) => [r.operationId, r] as const))('%s: 413 one byte over its limit, 400 (not 413) at it', async (_op, route) => {
    const client = clients.get(route.roles?.[0] ?? 'anonymous')!;
    const path = route.path.replace('{year}', '2027').replace(/\{[a-z]+\}/gi, 'no-such-id');
    const limit = limitOf(route);
    expect(bodyOf(limit)).toHaveLength(limit);
    const over = await client.request(route.method.toUpperCase(), path, { body: bodyOf(limit + 1), headers: { 'content-type': 'application/json' } });
    expect([over.status, (over.body as CentralError).error.code]).toEqual([413, 'payload_too_large']);
    expect((over.body as CentralError).error.message).toContain(String(limit));
    const at = await client.request(route.method.toUpperCase(), path, { body: bodyOf(limit), headers: { 'content-type': 'application/json' } });
    expect(at.status).toBe(400);
  }, 60_000);

  it('answers headers over 16 KiB with 431', async () => {
    const answer = await fetch(`${server.url}/healthz`, { headers: { 'x-filler': 'x'.repeat(20 * 1024) } });
    expect(answer.status).toBe(431);
  });
});

describe('request time limits', () => {
  // Its own server with short limits (a 70 MiB body above takes longer than these on a busy machine).
  let quick: TestServer;
  beforeAll(async () => {
    quick = await startTestServer({ timeLimits: { headersTimeoutMs: 600, requestTimeoutMs: 1200, checkEveryMs: 100 } });
  });
  afterAll(async () => {
    await quick?.close();
  });

  it('hangs up with 408 on a client whose headers do not arrive in time', async () => {
    const { text, ms } = await slowClient(quick.port, ['GET /healthz HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-Slow: 1\r\n', 'X-Slow: 2\r\n', 'X-Slow: 3\r\n', 'X-Slow: 4\r\n'], 400);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(1800);
  });

  it('hangs up with 408 on a client whose body does not arrive in time, and answers the next client', async () => {
    const head = 'POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    const { text, ms } = await slowClient(quick.port, [head, '{"username":', '"reviewer1",', '"password":'], 700);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(2500);
    expect((await fetch(`${quick.url}/healthz`)).status).toBe(200);
  });
});
