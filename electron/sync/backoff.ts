// Retry timing: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"),
// capped, and a server's Retry-After honoured as a floor. Randomness and sleeping are injected so tests never wait.

export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No computed wait exceeds this (Retry-After may, up to maxRetryAfterMs). */
  capMs: number;
  /** A Retry-After longer than this is clipped: a wrong header must not park sync for a day. */
  maxRetryAfterMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000, maxRetryAfterMs: 60 * 60_000 };

/** The wait before retry number `attempt` (0 for the first retry): uniform in [0, min(cap, base·2^attempt)). */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = defaultBackoff, retryAfterMs?: number | null): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  const jittered = Math.floor(Math.min(0.999_999, Math.max(0, random())) * ceiling);
  if (retryAfterMs === undefined || retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. The timer never keeps Node alive alone. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref?.();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Lets timers, I/O and IPC run between chunks of work. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
