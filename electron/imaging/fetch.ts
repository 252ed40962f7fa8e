// One document original, downloaded by the imaging process that admits it (a sync's pull): a pull moves gigabytes,
// and read on the app's main thread they were its garbage (170-odd major collections per 2,000 images) and its
// longest pauses (bench/sync/README.md). One attempt per call; the main process decides on retries, backoff and
// the session. Its length and ETag (when sent) must be the ones the change named; the SHA-256 is checked on
// admission. A download that breaks off is kept sealed in the blob folder (blobs.ts) and resumed with Range +
// If-Range by whichever imaging process runs the next attempt.
import { HttpTimeout, nodeHttpTransport, type HttpResponse } from '../common/http';
import type { BlobStore, PartialOriginal } from './blobs';
import type { ImageLimits } from './limits';
import type { FetchRequest, FetchResult } from './protocol';

/** The whole original, ready for admission. */
export interface DownloadedOriginal {
  kind: 'downloaded';
  bytes: Buffer;
  resumedBytes: number;
}

/** The most of an error answer's body kept for its error code. */
const errorBodyBytes = 16 * 1024;

export async function downloadOriginal(request: FetchRequest, store: BlobStore, limits: ImageLimits, signal: AbortSignal): Promise<DownloadedOriginal | FetchResult> {
  if (request.byteSize > limits.maxBytes) {
    const message = `The file is ${(request.byteSize / 1048576).toFixed(1)} MB; at most ${Math.round(limits.maxBytes / 1048576)} MB is accepted. Ask the applicant for a smaller photo.`;
    return { kind: 'refused', code: 'image_too_large', message, received: 0, resumedBytes: 0 };
  }
  const kept = await store.readPartial(request.sha256);
  const partial = kept && kept.bytes.length > 0 && kept.bytes.length < request.byteSize ? kept : null;
  const headers: Record<string, string> = { accept: request.mediaType, authorization: request.authorization };
  if (partial) {
    headers.range = `bytes=${partial.bytes.length}-`;
    headers['if-range'] = partial.etag;
  }
  const startOver = async (result: FetchResult): Promise<FetchResult> => {
    await store.removePartial(request.sha256);
    return result;
  };
  const transfer = (code: 'checksum_mismatch' | 'bad_range' | 'range_not_satisfiable', message: string, received = 0): Promise<FetchResult> =>
    startOver({ kind: 'transfer', code, message, received, resumedBytes: 0 });

  let response: HttpResponse;
  try {
    response = await nodeHttpTransport(request.url, { method: 'GET', headers, signal, timeoutMs: request.timeoutMs });
  } catch (error) {
    return network(error, signal, 0, 0);
  }
  if (response.status === 416) {
    // Our offset is past the end: the document is not what we were reading.
    response.discard();
    return transfer('range_not_satisfiable', 'The document changed during the download; starting over.');
  }
  if (!response.ok) {
    return { kind: 'http', status: response.status, retryAfter: response.headers.get('retry-after'), body: await errorBody(response), received: 0, resumedBytes: 0 };
  }
  const etag = response.headers.get('etag');
  const chunks: Buffer[] = [];
  let received = 0;
  if (response.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (!partial || !range || Number(range[1]) !== partial.bytes.length || etag !== partial.etag) {
      response.discard();
      return transfer('bad_range', 'The resumed download did not continue where it broke off; starting over.');
    }
    chunks.push(partial.bytes);
    received = partial.bytes.length;
  }
  // A 200 is the whole body (the server ignored Range, or If-Range did not match): what was kept is dropped.
  const expectedTag = `"${request.sha256}"`;
  if (etag !== null && etag !== expectedTag && etag !== `W/${expectedTag}`) {
    response.discard();
    return transfer('checksum_mismatch', 'The central service sent a different document than it announced.');
  }
  const resumedAt = received;
  try {
    for await (const chunk of response.body) {
      const bytes = chunk as Buffer;
      chunks.push(bytes);
      received += bytes.length;
      if (received > request.byteSize) {
        response.discard();
        return await transfer('checksum_mismatch', 'The document is longer than announced.', received);
      }
    }
  } catch (error) {
    // Keep what arrived for the next attempt (If-Range needs the validator it came with).
    if (etag !== null && received > 0) await keep(store, request.sha256, { etag, bytes: Buffer.concat(chunks, received) });
    return network(error, signal, received, response.status === 206 ? received - resumedAt : 0);
  }
  const resumedBytes = response.status === 206 ? received - resumedAt : 0;
  if (received !== request.byteSize) return transfer('checksum_mismatch', 'The downloaded document is shorter than announced; downloading it again.', received);
  return { kind: 'downloaded', bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received), resumedBytes };
}

async function keep(store: BlobStore, sha256: string, partial: PartialOriginal): Promise<void> {
  try {
    await store.writePartial(sha256, partial);
  } catch {
    // Disk full or not writable: the next attempt downloads the whole document.
  }
}

function network(error: unknown, signal: AbortSignal, received: number, resumedBytes: number): FetchResult {
  const code = error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : null;
  return {
    kind: 'network',
    timedOut: error instanceof HttpTimeout,
    aborted: signal.aborted,
    message: error instanceof Error ? error.message.slice(0, 200) : 'the connection broke',
    code,
    received,
    resumedBytes,
  };
}

async function errorBody(response: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(chunk as Buffer);
      length += chunk.byteLength;
      if (length >= errorBodyBytes) break;
    }
  } catch {
    // Cut off: the status says enough.
  }
  response.discard();
  return Buffer.concat(chunks).subarray(0, errorBodyBytes).toString('utf8');
}
