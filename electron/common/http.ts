// The HTTP transport of the sync engine and of the imaging processes' downloads: Node's http/https rather than
// fetch. A pull moves gigabytes of document images through the main thread, and fetch's web streams copied every
// chunk into a fresh ArrayBuffer and made ~3× the garbage-collection time of a plain node:http read, with
// mark-compacts fetch's way and none this way (1,000 loopback downloads of 1 MB: 220–260 ms of GC against 70 ms;
// bench/sync/README.md). Bodies are Node streams of Buffers; nothing here follows a redirect (a 3xx is an answer like
// any other, and the caller refuses it). The deadline is one timer per exchange, cleared when the body closes:
// AbortSignal.timeout + AbortSignal.any kept ~2.7 KB per request alive for the whole timeout (5 MB over a pull's
// 2,000 downloads), for the GC to promote.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  /** Aborts the exchange, the body's reading included (the sync's stop). */
  signal: AbortSignal;
  /** From the request's start to the body's last byte; past it the exchange fails with HttpTimeout. */
  timeoutMs: number;
}

/** The exchange passed its deadline (thrown by the request or by the body's reading). */
export class HttpTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'HttpTimeout';
  }
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as it arrives. Read it, or call discard(). */
  body: AsyncIterable<Uint8Array>;
  /** The whole body as JSON; throws when it breaks off or is not JSON. */
  json(): Promise<unknown>;
  /** Drops the body unread (the connection is closed rather than drained). */
  discard(): void;
}

export type HttpTransport = (url: string, request: HttpRequest) => Promise<HttpResponse>;

/** Keep-alive connections come from Node's global agents (keep-alive by default; idle sockets do not hold the process). */
export const nodeHttpTransport: HttpTransport = (url, request) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const outgoing = send(target, { method: request.method, headers });
    let incoming: IncomingMessage | null = null;
    // Ends the exchange, the body too: its reader gets `error` (not Node's generic "aborted").
    const stop = (error: Error): void => {
      incoming?.destroy(error);
      outgoing.destroy(error);
    };
    const timer = setTimeout(() => stop(new HttpTimeout(request.timeoutMs)), request.timeoutMs);
    const onAbort = (): void => stop(new Error('the exchange was stopped', { cause: request.signal.reason }));
    const finish = (): void => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('response', (response) => {
      incoming = response;
      response.once('close', finish);
      resolve(httpResponse(response));
    });
    outgoing.on('error', (error) => {
      finish();
      reject(error);
    });
    outgoing.end(request.body);
  });

function httpResponse(incoming: IncomingMessage): HttpResponse {
  const status = incoming.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = incoming.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: incoming,
    async json() {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    },
    discard() {
      incoming.destroy();
    },
  };
}

/**
 * A body read as UTF-8 lines as it arrives (newline-delimited JSON), without the newlines. Every line ends in one: text
 * after the last newline is a line the answer broke off in, and is not given (the reader's protocol tells the loss).
 */
export async function* bodyLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of body) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop()!;
    yield* lines;
  }
}
