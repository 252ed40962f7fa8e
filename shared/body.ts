// Reading a request body under a size limit: the central API and the browser host both answer 413 this way. It lives
// in shared/ because server/ and electron/host may both import shared/ and neither may import the other; shared/ has
// no Node types, so the request is described by the little this reader uses of Node's IncomingMessage, and the caller
// joins the chunks (Buffer.concat).

/** What the reader uses of a request: Node's http.IncomingMessage is one. */
export interface BodySource<Chunk extends Uint8Array> {
  readonly headers: { readonly 'content-length'?: string | undefined };
  readonly complete: boolean;
  on(event: 'data', listener: (chunk: Chunk) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(): unknown;
}

/**
 * The body, or null when it is over `limit` bytes. Past the limit it reads on and discards up to `drainBytes` more, so
 * that the caller answers 413 (with `Connection: close`) only once the whole body is in: a server that answers and hangs
 * up while the client is still sending resets the connection, and the client sees EPIPE instead of the answer. Past
 * `drainBytes` too, it hangs up.
 */
export function readBodyWithin<Chunk extends Uint8Array>(req: BodySource<Chunk>, limit: number, drainBytes: number, join: (chunks: Chunk[]) => Chunk): Promise<Chunk | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const chunks: Chunk[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (over) {
        if (size > limit + drainBytes) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : join(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}
