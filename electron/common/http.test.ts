import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTimeout, nodeHttpTransport } from './http';

let server: Server;
let base: string;

beforeAll(async () => {
  // /whole answers at once; /stall sends the headers and 10 of 100 bytes, then nothing.
  server = createServer((request, response) => {
    if (request.url === '/stall') {
      response.writeHead(200, { 'content-length': '100' });
      response.write('x'.repeat(10));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', etag: '"abc"' });
    response.end(JSON.stringify({ method: request.method, length: request.headers['content-length'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function readAll(body: AsyncIterable<Uint8Array>): Promise<unknown> {
  try {
    for await (const chunk of body) void chunk;
    return null;
  } catch (error) {
    return error;
  }
}

describe('node:http transport', () => {
  it('answers status, headers and JSON, and leaves no listener on the stop signal once the body is read', async () => {
    const stop = new AbortController();
    const response = await nodeHttpTransport(`${base}/whole`, { method: 'POST', headers: {}, body: '{"a":1}', signal: stop.signal, timeoutMs: 5_000 });
    expect([response.status, response.ok, response.headers.get('ETag')]).toEqual([200, true, '"abc"']);
    expect(await response.json()).toEqual({ method: 'POST', length: '7' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('fails a body that stalls past the deadline with HttpTimeout, from the body reader', async () => {
    const response = await nodeHttpTransport(`${base}/stall`, { method: 'GET', headers: {}, signal: new AbortController().signal, timeoutMs: 300 });
    expect(response.status).toBe(200);
    expect(await readAll(response.body)).toBeInstanceOf(HttpTimeout);
  });

  it('ends the exchange, body included, when the stop signal fires', async () => {
    const stop = new AbortController();
    const response = await nodeHttpTransport(`${base}/stall`, { method: 'GET', headers: {}, signal: stop.signal, timeoutMs: 60_000 });
    setTimeout(() => stop.abort(), 50);
    const error = (await readAll(response.body)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(HttpTimeout);
    expect(error.message).toMatch(/stopped/);
  });
});
