// What every answer of the central service carries, and how long a client may take to send a request. The service
// answers JSON and image bytes to programs, never pages: nothing may frame, script or sniff them, and no answer is
// cached or shared across origins.

/** Set on every answer before its route runs (a route's own headers, e.g. the document route's caching, win). */
export const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  // Honoured only over HTTPS, i.e. behind the TLS-terminating proxy of a deployment.
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
} as const;

export interface TimeLimits {
  /** The request line and headers must be in by then (slow-header clients), else 408 and the connection closes. */
  headersTimeoutMs: number;
  /** The whole request, body included (a 70 MiB intake on a slow link fits), else 408. */
  requestTimeoutMs: number;
  /** How often Node looks for connections past those limits (its default, 30 s, lets a slow client stay twice as long). */
  checkEveryMs: number;
}

export const defaultTimeLimits: TimeLimits = { headersTimeoutMs: 30_000, requestTimeoutMs: 120_000, checkEveryMs: 1_000 };
