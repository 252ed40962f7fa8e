// Passwords (scrypt) and opaque bearer tokens stored only as their SHA-256 (the login throttle: throttle.ts).
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import type { CentralRole } from '../shared/contract/central';
import type { Queryable } from './db';

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keyLength, { N, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the username does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not a password of anybody');
  return dummyHash;
}

export const accessTokenMs = 15 * 60 * 1000;
export const refreshTokenMs = 7 * 24 * 60 * 60 * 1000;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export async function issueTokens(tx: Queryable, username: string, now: Date): Promise<IssuedTokens> {
  const accessToken = `va_${randomBytes(32).toString('base64url')}`;
  const refreshToken = `vr_${randomBytes(32).toString('base64url')}`;
  const accessTokenExpiresAt = new Date(now.getTime() + accessTokenMs);
  const refreshTokenExpiresAt = new Date(now.getTime() + refreshTokenMs);
  await tx.query(
    `INSERT INTO tokens (token_hash, kind, username, expires_at) VALUES ($1, 'access', $2, $3), ($4, 'refresh', $2, $5)`,
    [tokenHash(accessToken), username, accessTokenExpiresAt, tokenHash(refreshToken), refreshTokenExpiresAt],
  );
  // Keep the table small: expired tokens are useless.
  await tx.query(`DELETE FROM tokens WHERE username = $1 AND expires_at < $2`, [username, now]);
  return { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt };
}

export interface Caller {
  username: string;
  displayName: string;
  role: CentralRole;
  /** After a password reset: only the password change is open to this caller (http.ts). */
  mustChangePassword?: boolean;
}

export async function callerOfToken(db: Queryable, token: string, kind: 'access' | 'refresh', now: Date): Promise<Caller | null> {
  const rows = await db.query<{ username: string; display_name: string; role: CentralRole; must_change_password: boolean }>(
    `SELECT p.username, p.display_name, p.role, p.must_change_password FROM tokens t JOIN people p ON p.username = t.username
      WHERE t.token_hash = $1 AND t.kind = $2 AND t.expires_at > $3 AND t.revoked_at IS NULL AND p.active`,
    [tokenHash(token), kind, now],
  );
  const row = rows[0];
  return row ? { username: row.username, displayName: row.display_name, role: row.role, mustChangePassword: row.must_change_password } : null;
}

/** Ends every session of a person (password reset, role change, deactivation); answers how many tokens stopped. */
export async function revokeTokens(tx: Queryable, username: string, now: Date): Promise<number> {
  const revoked = await tx.query(`UPDATE tokens SET revoked_at = $2 WHERE username = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING 1`, [username, now]);
  return revoked.length;
}

/** Ends one session: the access token presented and, when given, its refresh token (only the caller's own). */
export async function revokeSession(tx: Queryable, username: string, tokens: readonly string[], now: Date): Promise<number> {
  const revoked = await tx.query(
    `UPDATE tokens SET revoked_at = $3 WHERE username = $1 AND token_hash = ANY($2::text[]) AND revoked_at IS NULL AND expires_at > $3 RETURNING 1`,
    [username, tokens.map(tokenHash), now],
  );
  return revoked.length;
}
