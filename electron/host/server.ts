// The browser host: serves the built renderer and the handler registry over HTTP on 127.0.0.1 only,
// so the whole app runs in any browser without the Electron binary (development and tests).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { EventName } from '../../shared/api';
import { DomainError, type Outcome } from '../../shared/errors';
import { maxImportBytes } from '../../shared/contract/images';
import { caseImageRequestFromPath, dispositionOf } from '../api/imageRoute';
import { contentSecurityPolicy } from '../api/csp';
import { log } from '../common/log';
import { cacheControlOf, contentTypeOf, resolveStatic } from '../api/static';
import { dispatch } from '../api/registry';
import { readBodyWithin } from '../../shared/body';
import type { Workstation } from '../api/workstation';

export interface HostOptions {
  workstation: Workstation;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** The built browser transport (out/host/workstation.js). */
  clientScript: string;
  port?: number;
  /** Fixed token (tests); otherwise random per run. */
  token?: string;
}

export interface RunningHost {
  url: string;
  token: string;
  server: Server;
  /**
   * Restarts the workstation behind the same address and token (rotating the data key): from now on every API, image
   * and export request is answered 503 `restarting`; once the requests already running are answered and the event
   * streams ended, `reopen` closes the old workstation and opens the next one, which then answers.
   */
  restartWith(reopen: (old: Workstation) => Promise<Workstation>): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
/**
 * How much of an oversized body the host reads and discards before its 413, so a client still sending gets the answer
 * rather than a reset connection (loopback moves this in milliseconds); a longer one is cut.
 */
const DRAIN_BYTES = 16 * 1024 * 1024;
export function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::ffff:127.0.0.1';
}

/** The request target as a URL on the host's origin, or null unless it is a path the URL parser reads. */
function urlOfTarget(origin: string, target: string): URL | null {
  if (!target.startsWith('/')) return null;
  try {
    // Appended to the origin rather than resolved against it: `//x` is a path here, not another host.
    return new URL(origin + target);
  } catch {
    return null;
  }
}

/** decodeURIComponent, or null where it would throw (a broken percent-escape such as `%E0%A4%A`). */
function decodedOrNull(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let workstation = options.workstation;
  let restarting: Promise<void> | null = null;
  // Requests being answered (an event stream counts only while it starts): a restart waits for them.
  let inFlight = 0;
  let whenIdle: (() => void) | null = null;
  const streams = new Set<() => void>();
  const csp = contentSecurityPolicy('');
  let origin = '';
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const authorised = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy': csp,
      ...extra,
    });
    res.end(body);
  };
  const sendOutcome = (res: ServerResponse, status: number, outcome: Outcome<unknown>) =>
    send(res, status, JSON.stringify(outcome), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store' });
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    sendOutcome(res, status, { ok: false, error: { code, message } });

  const serveStatic = async (res: ServerResponse, urlPath: string) => {
    const file = urlPath === '/' ? join(options.rendererDir, 'index.html') : resolveStatic(options.rendererDir, urlPath);
    if (!file) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    try {
      let body: Buffer | string = await readFile(file);
      if (file.endsWith('index.html')) {
        // The browser transport must define window.workstation before the renderer's module runs. A deferred script
        // placed before the module runs first (both wait for the parse, in document order), and unlike a blocking
        // one it lets the browser fetch the bundle at the same time.
        body = body.toString('utf8').replace('<head>', '<head>\n    <script defer src="/host/workstation.js"></script>');
      }
      send(res, 200, body, contentTypeOf(file), { 'Cache-Control': cacheControlOf(urlPath) });
    } catch {
      send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    }
  };

  const streamEvents = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(': connected\n\n');
    const stop = workstation.events.listen((event: EventName, payload: unknown) => {
      res.write(`data: ${JSON.stringify({ event, payload })}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    // Also at a restart: the page's stream ends and it connects again, to the next workstation.
    const end = () => {
      clearInterval(keepAlive);
      stop();
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    req.on('close', end);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Bound to 127.0.0.1, and checked again: no other machine, and no page on a rebound DNS name.
    if (!isLoopbackAddress(req.socket.remoteAddress)) return refuse(res, 403, 'forbidden', 'The browser host answers only this machine (127.0.0.1).');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 421, 'forbidden', 'Unexpected Host header; open the URL the host printed.');
    const url = urlOfTarget(origin, req.url ?? '/');
    if (!url) return refuse(res, 400, 'invalid_request', 'The request address must be a path such as /api/app.info.');
    const path = url.pathname;
    // While the workstation restarts nothing may reach it; the page asks again (static files are still served).
    if (restarting && (path.startsWith('/api/') || path.startsWith('/images/') || path.startsWith('/exports/'))) {
      res.setHeader('Retry-After', '2');
      return refuse(res, 503, 'restarting', 'Verity is restarting (its data key is being rotated); try again in a few seconds.');
    }

    if (path.startsWith('/api/')) {
      if (req.headers.origin !== undefined && !allowedOrigins.has(req.headers.origin)) return refuse(res, 403, 'forbidden', 'Requests from other origins are refused.');
      if (!authorised(req)) return refuse(res, 401, 'unauthorized', 'Missing or wrong token: open the URL the host printed, including its #token part.');
      if (path === '/api/events' && req.method === 'GET') return streamEvents(req, res);
      if (req.method !== 'POST') return refuse(res, 405, 'invalid_request', 'Use POST with a JSON body.');
      const channel = decodedOrNull(path.slice('/api/'.length));
      if (channel === null) return refuse(res, 400, 'invalid_request', 'The channel name in the address has a broken percent-escape; send it as plain text, e.g. /api/queue.list.');
      // An image upload is the one request whose body is raw bytes (its other fields are in the query).
      const upload = path === '/api/images.import' && req.headers['content-type'] === 'application/octet-stream';
      const limit = upload ? maxImportBytes + 1 : MAX_BODY;
      const body = await readBodyWithin(req, limit, DRAIN_BYTES, Buffer.concat);
      if (body === null) {
        // Close after the answer: what is past the drained part (if anything) must not be read as the next request.
        res.setHeader('Connection', 'close');
        return refuse(res, 413, upload ? 'image_too_large' : 'invalid_request', `The request body is larger than ${limit - (upload ? 1 : 0)} bytes.`);
      }
      let payload: unknown;
      if (upload) {
        payload = { applicationId: url.searchParams.get('applicationId') ?? '', role: url.searchParams.get('role') ?? '', bytes: body };
      } else {
        try {
          payload = body.length ? JSON.parse(body.toString('utf8')) : {};
        } catch {
          return refuse(res, 400, 'invalid_request', 'The request body is not valid JSON.');
        }
      }
      const outcome = await dispatch(workstation.handlers, channel, payload, workstation.context('http'));
      const status = outcome.ok ? 200 : outcome.error.code === 'unknown_channel' ? 404 : outcome.error.code === 'internal' ? 500 : 400;
      return sendOutcome(res, status, outcome);
    }
    if (path.startsWith('/images/')) {
      if (!authorised(req)) return refuse(res, 401, 'unauthorized', 'Missing or wrong token.');
      try {
        const image = await workstation.readImage(caseImageRequestFromPath(path.slice('/images'.length)));
        return send(res, 200, image.bytes, image.contentType, { 'Cache-Control': 'private, no-store', ...dispositionOf(image) });
      } catch (err) {
        const code = err instanceof DomainError ? err.code : 'internal';
        const status = code === 'forbidden' ? 403 : code === 'invalid_request' ? 400 : code === 'internal' ? 500 : 404;
        if (code === 'internal') log.error('image request failed', { error: err instanceof Error ? err.stack : String(err) });
        return refuse(res, status, code, err instanceof DomainError ? err.message : 'The image could not be read.');
      }
    }
    if (path.startsWith('/exports/')) {
      if (!authorised(req)) return refuse(res, 401, 'unauthorized', 'Missing or wrong token.');
      if (req.method !== 'GET') return refuse(res, 405, 'invalid_request', 'Use GET to download an export.');
      try {
        // The workstation records the export in the audit trail before it is served, once.
        const file = await workstation.takeExport(decodedOrNull(path.slice('/exports/'.length)));
        return send(res, 200, file.bytes, file.contentType, { 'Cache-Control': 'private, no-store', 'Content-Disposition': `attachment; filename="${file.fileName}"` });
      } catch (err) {
        const code = err instanceof DomainError ? err.code : 'internal';
        if (code === 'internal') log.error('export download failed', { error: err instanceof Error ? err.stack : String(err) });
        const status = code === 'unauthorized' ? 401 : code === 'invalid_request' ? 400 : code === 'internal' ? 500 : 404;
        return refuse(res, status, code, err instanceof DomainError ? err.message : 'The export could not be read.');
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8');
    if (path === '/host/workstation.js') {
      try {
        return send(res, 200, await readFile(options.clientScript), contentTypeOf('x.js'), { 'Cache-Control': 'no-cache' });
      } catch {
        return send(res, 500, 'The browser transport is not built; run npm run build.', 'text/plain; charset=utf-8');
      }
    }
    return serveStatic(res, path);
  };

  const server = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch((err: unknown) => {
        log.error('host request failed', { error: err instanceof Error ? err.stack : String(err) });
        if (!res.headersSent) refuse(res, 500, 'internal', 'The browser host failed to answer.');
        else res.end();
      })
      .finally(() => {
        if (--inFlight === 0) whenIdle?.();
      });
  });
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((done) => (whenIdle = done)));

  const restartWith = (reopen: (old: Workstation) => Promise<Workstation>): Promise<void> => {
    restarting ??= (async () => {
      // Wait a turn, so that the request asking for the restart (running now) is counted and answered first.
      await new Promise((r) => setImmediate(r));
      await idle();
      whenIdle = null;
      for (const end of [...streams]) end();
      workstation = await reopen(workstation);
    })().finally(() => {
      restarting = null;
    });
    return restarting;
  };
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));

  return {
    url: origin + '/',
    token,
    server,
    restartWith,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
