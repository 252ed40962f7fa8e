// How a failed exchange with the central API is classified; the engine's retry and state follow the kind.
import { DomainError } from '../../shared/errors';

export type SyncFailureKind =
  /** Connection refused, DNS failure, no route: the central API cannot be reached at all. */
  | 'offline'
  /** Worth retrying: reset connection, timeout, 5xx, 408, 429, a body that broke off, a checksum mismatch. */
  | 'transient'
  /** The session is gone (refresh refused too): a person must sign in again. */
  | 'signed_out'
  /** The server refused the request as such (4xx) or answered something off-contract: retrying the same will not help. */
  | 'fatal'
  /** stop() was called. */
  | 'aborted';

export class SyncError extends DomainError {
  constructor(
    readonly kind: SyncFailureKind,
    code: string,
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(code, message);
    this.name = 'SyncError';
  }
}

/** Error codes of Node's sockets and DNS that mean "not reachable now", as opposed to "broke mid-exchange". */
const offlineCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

function codeOf(error: unknown): string | null {
  // Node's socket errors carry the code; a wrapper may hide it in `cause` (fetch: TypeError('fetch failed', { cause }))
  // or in an AggregateError's first error.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** Turns what the transport threw into a SyncError. `aborted`: stop() was called; `timedOut`: our deadline passed. */
export function networkFailure(error: unknown, aborted: boolean, timedOut: boolean): SyncError {
  if (error instanceof SyncError) return error;
  if (aborted) return new SyncError('aborted', 'sync_stopped', 'Sync was stopped.');
  if (timedOut) return new SyncError('transient', 'timeout', 'The central service did not answer in time.');
  const code = codeOf(error);
  if (code !== null && offlineCodes.has(code)) {
    return new SyncError('offline', 'offline', 'The central service cannot be reached. Decisions wait on this workstation until it can.');
  }
  return new SyncError('transient', 'network', `The connection to the central service broke${code ? ` (${code})` : ''}.`);
}
