// Reading a request body under a size limit: the central API and the browser host both answer 413 this way.
import type { IncomingMessage } from 'node:http';

/**
 * The body, or null when it is over `limit` bytes. Past the limit it reads on and discards up to `drainBytes` more, so
 * that the caller answers 413 (with `Connection: close`) only once the whole body is in: a server that answers and hangs
 * up while the client is still sending resets the connection, and the client sees EPIPE instead of the answer. Past
 * `drainBytes` too, it hangs up.
 */
export function readBodyWithin(req: IncomingMessage, limit: number, drainBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (over) {
        if (size > limit + drainBytes) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}
