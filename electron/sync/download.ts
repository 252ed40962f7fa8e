// One document image, downloaded once and checked: its length and ETag (when sent) must be the ones the change
// named; its SHA-256 is checked by the imaging process before admission (engine.ts), not on the main thread. A
// download that breaks off resumes with Range + If-Range from the bytes already received.
import type { DocumentRef } from '../../shared/contract/central';
import type { CentralClient } from './client';
import { networkFailure, SyncError } from './errors';
import { HttpTimeout } from './http';

/** What survives between attempts of one download. */
export interface PartialDownload {
  chunks: Buffer[];
  received: number;
  /** The validator of the bytes received so far; a resumed answer must carry the same. */
  etag: string | null;
  /** Bytes that arrived on a resumed (206) answer, for the report. */
  resumedBytes: number;
}

export function emptyDownload(): PartialDownload {
  return { chunks: [], received: 0, etag: null, resumedBytes: 0 };
}

/** Drops what was received: the next attempt downloads the whole document. */
export function restartDownload(partial: PartialDownload): void {
  partial.chunks = [];
  partial.received = 0;
  partial.etag = null;
}

/**
 * One attempt: asks for the rest of the document (or all of it) and reads the body into `partial`. Returns the
 * bytes as the chunks they arrived in, of the announced length (the imaging process joins them and checks their
 * SHA-256: no megabyte's copy or hash on the main thread); throws a SyncError (transient for broken bodies and
 * wrong lengths, so the caller retries).
 */
export async function downloadAttempt(client: CentralClient, ref: DocumentRef, partial: PartialDownload, signal: AbortSignal, timeoutMs: number): Promise<readonly Buffer[]> {
  const headers: Record<string, string> = { accept: ref.mediaType };
  const resuming = partial.received > 0 && partial.etag !== null;
  if (resuming) {
    headers.range = `bytes=${partial.received}-`;
    headers['if-range'] = partial.etag as string;
  } else {
    restartDownload(partial);
  }
  const response = await client.request({ method: 'GET', path: `/v1/documents/${encodeURIComponent(ref.id)}/content`, headers, signal, timeoutMs });
  if (response.status === 416) {
    // Our offset is past the end: the document is not what we were reading. Start over.
    response.discard();
    restartDownload(partial);
    throw new SyncError('transient', 'range_not_satisfiable', 'The document changed during the download; starting over.');
  }
  if (!response.ok) throw await client.failure(response);
  const etag = response.headers.get('etag');
  if (response.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (!resuming || !range || Number(range[1]) !== partial.received || etag !== partial.etag) {
      response.discard();
      restartDownload(partial);
      throw new SyncError('transient', 'bad_range', 'The resumed download did not continue where it broke off; starting over.');
    }
  } else {
    // 200: the whole body (the server ignored Range, or If-Range did not match).
    restartDownload(partial);
  }
  partial.etag = etag;
  const expectedTag = `"${ref.sha256}"`;
  if (etag !== null && etag !== expectedTag && etag !== `W/${expectedTag}`) {
    response.discard();
    restartDownload(partial);
    throw new SyncError('transient', 'checksum_mismatch', 'The central service sent a different document than it announced.');
  }
  const body = response.body;
  const resumedAt = partial.received;
  try {
    for await (const chunk of body) {
      // Each chunk is a buffer of its own: wrapped, not copied (copies are garbage the main thread collects).
      const view = chunk as Uint8Array;
      const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
      partial.chunks.push(bytes);
      partial.received += bytes.length;
      if (partial.received > ref.byteSize) {
        restartDownload(partial);
        throw new SyncError('transient', 'checksum_mismatch', 'The document is longer than announced.');
      }
    }
  } catch (error) {
    if (error instanceof SyncError) throw error;
    // The bytes read so far stay in `partial`: the next attempt asks only for the rest.
    throw networkFailure(error, signal.aborted, error instanceof HttpTimeout);
  } finally {
    if (response.status === 206) partial.resumedBytes += partial.received - resumedAt;
  }
  if (partial.received !== ref.byteSize) {
    restartDownload(partial);
    throw new SyncError('transient', 'checksum_mismatch', 'The downloaded document is shorter than announced; downloading it again.');
  }
  return partial.chunks;
}
