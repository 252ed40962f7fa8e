// The login throttle, kept in PostgreSQL so every instance counts the same failures. Keyed by username and client
// address: one source's failures lock that username out from that source only, never the person everywhere. Behind
// a load balancer every client shares the balancer's address, so the client address is read from a header the
// trusted proxy sets (off by default: a header any client can send must not choose its own key).
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Database } from './db';

/** Advisory lock space (two-int form) for one key's count-and-record step. */
const THROTTLE_LOCK = 7_331_003;

export interface ThrottleLimit {
  attempts: number;
  windowMs: number;
}

export const defaultThrottleLimit: ThrottleLimit = { attempts: 5, windowMs: 15 * 60 * 1000 };

/**
 * The client's address: the socket's peer, or with `trustedHeader` (e.g. `x-forwarded-for`, set by the proxy in front
 * of every instance) the right-most address in that header, the one the trusted proxy itself appended. A missing or
 * malformed header falls back to the peer address.
 */
export function clientAddress(req: IncomingMessage, trustedHeader: string | null): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trustedHeader) return peer;
  const raw = req.headers[trustedHeader.toLowerCase()];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  const last = value?.split(',').at(-1)?.trim();
  return last && isIP(last) !== 0 ? last : peer;
}

export class LoginThrottle {
  constructor(
    private readonly db: Database,
    private readonly limit: ThrottleLimit = defaultThrottleLimit,
  ) {}

  /**
   * Counts this attempt as a failure before the password is checked (so parallel guesses on several instances cannot
   * all slip under the limit), or refuses it: seconds to wait, or 0 when the attempt may go ahead. Call `succeeded`
   * when the password was right.
   */
  async attempt(username: string, client: string, now: Date): Promise<number> {
    const since = new Date(now.getTime() - this.limit.windowMs);
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${THROTTLE_LOCK}, hashtext($1 || chr(10) || $2))`, [username, client]);
      // Aged-out rows of every key go too, so a spray of usernames does not grow the table for ever.
      await tx.query(`DELETE FROM login_failures WHERE failed_at <= $1`, [since]);
      const recent = await tx.query<{ failed_at: Date }>(
        `SELECT failed_at FROM login_failures WHERE username = $1 AND client = $2 ORDER BY failed_at DESC LIMIT $3`,
        [username, client, this.limit.attempts],
      );
      if (recent.length >= this.limit.attempts) {
        const oldest = recent[recent.length - 1]?.failed_at ?? now;
        return Math.max(1, Math.ceil((oldest.getTime() + this.limit.windowMs - now.getTime()) / 1000));
      }
      await tx.query(`INSERT INTO login_failures (username, client, failed_at) VALUES ($1, $2, $3)`, [username, client, now]);
      return 0;
    });
  }

  /** The password was right: this key's failures are forgotten. */
  async succeeded(username: string, client: string): Promise<void> {
    await this.db.query(`DELETE FROM login_failures WHERE username = $1 AND client = $2`, [username, client]);
  }
}
