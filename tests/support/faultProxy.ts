// Test support: an HTTP proxy on 127.0.0.1 between the sync engine and the real central server that injects the
// failures of a bad network on cue: dropped connections, delays, 5xx/429 answers, lost responses (after the
// server acted), bodies cut off halfway, corrupted bytes. Faults are queued per route and used up in order.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Hang up without forwarding: the server never sees the request. */
  | { kind: 'drop' }
  /** Answer this status without forwarding (500, 503, 429…), with optional headers such as Retry-After. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Forward, let the server act, read its whole answer, then hang up: the client never learns the outcome. */
  | { kind: 'lose_response' }
  /** Wait before forwarding (the client's deadline may pass meanwhile; the server still acts). */
  | { kind: 'delay'; ms: number }
  /** Forward, send the headers and the first `bytes` of the body, then hang up. */
  | { kind: 'truncate'; bytes: number }
  /** Forward, but flip one byte of the body (headers unchanged). */
  | { kind: 'corrupt' };

export interface SeenRequest {
  method: string;
  path: string;
  range: string | null;
  fault: Fault['kind'] | null;
}

export interface FaultProxy {
  url: string;
  /** Queue `fault` for the next `times` requests whose path (without query) matches `route`. */
  inject(route: RegExp, fault: Fault, times?: number): void;
  /** Faults still queued. */
  remaining(): number;
  /** Resolves when every request the proxy took has been dealt with (delayed ones included). */
  settled(): Promise<void>;
  readonly seen: SeenRequest[];
  clear(): void;
  close(): Promise<void>;
}

interface Queued {
  route: RegExp;
  fault: Fault;
  times: number;
}

interface Upstream {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const queue: Queued[] = [];
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      delete headers.connection;
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false },
        (res) => {
          readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const reply = (res: ServerResponse, answer: Upstream, body: Buffer = answer.body): void => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding') continue;
      headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(answer.status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const index = queue.findIndex((q) => q.route.test(path));
    const entry = index >= 0 ? queue[index] : undefined;
    if (entry) {
      entry.times -= 1;
      if (entry.times <= 0) queue.splice(index, 1);
    }
    const fault = entry?.fault ?? null;
    seen.push({ method: req.method ?? 'GET', path, range: typeof req.headers.range === 'string' ? req.headers.range : null, fault: fault?.kind ?? null });
    const body = await readAll(req);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const text = fault.body ?? JSON.stringify({ error: { code: 'injected', message: `Injected ${fault.status}` } });
      res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...fault.headers });
      res.end(text);
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const answer = await forward(req, body);
    if (fault?.kind === 'lose_response') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'truncate') {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive') headers[name] = value;
      }
      res.writeHead(answer.status, headers);
      res.write(answer.body.subarray(0, Math.min(fault.bytes, answer.body.length - 1)), () => {
        setImmediate(() => req.socket.destroy());
      });
      return;
    }
    if (fault?.kind === 'corrupt' && answer.body.length > 0) {
      const copy = Buffer.from(answer.body);
      const at = Math.floor(copy.length / 2);
      copy[at] = (copy[at] ?? 0) ^ 0xff;
      reply(res, answer, copy);
      return;
    }
    if (res.destroyed) return; // the client gave up during a delay
    reply(res, answer);
  };

  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const work = handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(502);
        res.end();
      } else {
        res.destroy();
      }
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    inject(route, fault, times = 1) {
      queue.push({ route, fault, times });
    },
    remaining: () => queue.reduce((n, q) => n + q.times, 0),
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    seen,
    clear() {
      queue.length = 0;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
