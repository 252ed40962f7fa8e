// The central API client: one HTTP exchange per request with a deadline (../common/http.ts), bearer tokens with one refresh
// on 401, every JSON answer validated against shared/contract/central, every failure classified (see errors.ts).
import { z } from 'zod';
import { CentralError, CentralRole, SessionResponse, SignOutResponse } from '../../shared/contract/central';
import { lineText } from '../../shared/text';
import { parseRetryAfter } from './backoff';
import { centralUrlProblem } from './centralUrl';
import { networkFailure, SyncError } from './errors';
import { HttpTimeout, type HttpResponse, type HttpTransport } from '../common/http';

export interface Credentials {
  username: string;
  password: string;
}

/** What a session is made of; Electron persists it wrapped with safeStorage via a TokenVault (validate on load). */
export const SessionTokens = z
  .object({
    username: lineText(64).min(1),
    role: CentralRole,
    accessToken: lineText(200).min(1),
    accessTokenExpiresAt: lineText(40),
    refreshToken: lineText(200).min(1),
    refreshTokenExpiresAt: lineText(40),
  })
  .strict();
export type SessionTokens = z.infer<typeof SessionTokens>;

/** Where tokens live between runs. In memory by default; Electron wraps them with safeStorage. */
export interface TokenVault {
  load(): SessionTokens | null;
  /** null: the session ended (refresh refused, signed out); forget it. */
  save(tokens: SessionTokens | null): void;
}

export interface CentralClientOptions {
  centralUrl: string;
  transport: HttpTransport;
  now: () => Date;
  /** Deadline of one JSON request (connect to last byte). */
  requestTimeoutMs: number;
  vault: TokenVault;
  credentials: Credentials | null;
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  signal: AbortSignal;
  timeoutMs?: number;
}

export class CentralClient {
  private readonly base: URL;
  private tokens: SessionTokens | null;
  private credentials: Credentials | null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: CentralClientOptions) {
    const base = new URL(options.centralUrl);
    // Checked again here, whoever configured the address (parseCentralMode refuses it first, with the same sentence).
    const problem = centralUrlProblem(base);
    if (problem) throw new SyncError('fatal', 'bad_central_url', problem);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    // A vault is a file on disk in Electron: what it gives back is checked like any input.
    const stored = SessionTokens.safeParse(options.vault.load());
    this.tokens = stored.success ? stored.data : null;
    this.credentials = options.credentials;
  }

  /** The signed-in person's username, or null before sign-in. */
  get username(): string | null {
    return this.tokens?.username ?? null;
  }

  get hasSession(): boolean {
    return this.tokens !== null || this.credentials !== null;
  }

  /** The username of the session sync runs on, signing in first when only a password is known. */
  async sessionUsername(signal: AbortSignal): Promise<string> {
    return (await this.sessionPerson(signal)).username;
  }

  /** Who the session sync runs on is, and in which role, signing in first when only a password is known. */
  async sessionPerson(signal: AbortSignal): Promise<{ username: string; role: CentralRole }> {
    await this.accessToken(signal);
    if (!this.tokens) throw new SyncError('signed_out', 'signed_out', 'Sign in to sync with the central service.');
    return { username: this.tokens.username, role: this.tokens.role };
  }

  /** Gives the client a password to sign in with at the next request (after signed_out, or at first use). */
  setCredentials(credentials: Credentials): void {
    // Another person's session must not carry this person's work (their decisions would be credited to the other).
    if (this.tokens && this.tokens.username !== credentials.username) {
      this.tokens = null;
      this.options.vault.save(null);
    }
    this.credentials = credentials;
  }

  /**
   * Forgets the session here at once, then asks the central service to end it (this device's tokens), best effort:
   * offline, the tokens expire on their own. The request carries the tokens it ends, so a sign-in right after is safe.
   */
  signOut(): Promise<void> {
    const tokens = this.tokens;
    this.tokens = null;
    this.credentials = null;
    this.options.vault.save(null);
    if (!tokens) return Promise.resolve();
    const request = { method: 'POST', path: '/v1/session/sign-out', json: { everywhere: false, refreshToken: tokens.refreshToken }, signal: AbortSignal.timeout(5_000) } as const;
    return this.exchange(request, `Bearer ${tokens.accessToken}`).then(
      (response) => response.discard(),
      () => undefined,
    );
  }

  /** Ends every session of this person at the central service (every device), then here; throws a SyncError when it could not. */
  async signOutEverywhere(signal: AbortSignal): Promise<number> {
    const answer = await this.json({ method: 'POST', path: '/v1/session/sign-out', json: { everywhere: true }, signal }, SignOutResponse);
    await this.signOut();
    return answer.revokedTokens;
  }

  /** The absolute URL of a path of the central API (for exchanges made elsewhere: document downloads). */
  url(path: string): string {
    return new URL(path.replace(/^\//, ''), this.base).toString();
  }

  /** One HTTP exchange, no auth, no retry; failures become SyncErrors; HTTP errors are returned for the caller. */
  private async exchange(request: RequestOptions, authorization: string | null): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (authorization) headers.authorization = authorization;
    let body: string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    }
    const timeoutMs = request.timeoutMs ?? this.options.requestTimeoutMs;
    try {
      return await this.options.transport(this.url(request.path), { method: request.method, headers, signal: request.signal, timeoutMs, ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      throw networkFailure(error, request.signal.aborted, error instanceof HttpTimeout);
    }
  }

  /** The SyncError an unsuccessful answer means (after the body is read for its error code). */
  async failure(response: HttpResponse): Promise<SyncError> {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    return this.failureOf(response.status, body, response.headers.get('retry-after'));
  }

  /** The SyncError an unsuccessful answer means, from its status, its body as parsed, and its Retry-After. */
  failureOf(status: number, body: unknown, retryAfter: string | null): SyncError {
    let code = `http_${status}`;
    let message = `The central service answered ${status}.`;
    const parsed = CentralError.safeParse(body);
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message;
    }
    if (status === 429 || status === 408 || status >= 500) {
      return new SyncError('transient', code, message, parseRetryAfter(retryAfter, this.options.now()), status);
    }
    if (status === 401) return new SyncError('signed_out', 'signed_out', 'Your session with the central service ended. Sign in again to sync.', null, status);
    return new SyncError('fatal', code, message, null, status);
  }

  private remember(session: SessionResponse): void {
    this.tokens = {
      username: session.person.username,
      role: session.person.role,
      accessToken: session.accessToken,
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      refreshToken: session.refreshToken,
      refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    };
    this.options.vault.save(this.tokens);
  }

  /** Signs in with a password now (no retry) and answers who the central service says this is. */
  async authenticate(credentials: Credentials, signal: AbortSignal): Promise<SessionResponse['person']> {
    this.credentials = credentials;
    return this.signIn(credentials, signal);
  }

  private async signIn(credentials: Credentials, signal: AbortSignal): Promise<SessionResponse['person']> {
    const response = await this.exchange({ method: 'POST', path: '/v1/session', json: credentials, signal }, null);
    if (response.status === 401) {
      // Wrong password: asking again will not help, a person must.
      this.credentials = null;
      throw new SyncError('signed_out', 'bad_credentials', 'The central service refused the username or password. Sign in again.', null, 401);
    }
    if (!response.ok) throw await this.failure(response);
    const session = await parseJson(response, SessionResponse);
    this.remember(session);
    // The password is needed once; keep it no longer than that.
    this.credentials = null;
    return session.person;
  }

  /** Trades the refresh token once; concurrent callers share the one exchange (the server rotates the token). */
  private refresh(signal: AbortSignal): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.tokens?.refreshToken;
        if (!refreshToken) throw new SyncError('signed_out', 'signed_out', 'Sign in to sync with the central service.');
        const response = await this.exchange({ method: 'POST', path: '/v1/session/refresh', json: { refreshToken }, signal }, null);
        if (response.status === 401 || response.status === 400) {
          this.tokens = null;
          this.options.vault.save(null);
          throw new SyncError('signed_out', 'signed_out', 'Your session with the central service ended. Sign in again to sync.', null, 401);
        }
        if (!response.ok) throw await this.failure(response);
        this.remember(await parseJson(response, SessionResponse));
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async accessToken(signal: AbortSignal): Promise<string> {
    if (this.refreshing) await this.refreshing;
    if (!this.tokens && this.credentials) await this.signIn(this.credentials, signal);
    // No refresh by the clock: the workstation's clock may be off; a 401 is the server's word that it is time.
    if (!this.tokens) throw new SyncError('signed_out', 'signed_out', 'Sign in to sync with the central service.');
    return this.tokens.accessToken;
  }

  /**
   * An authenticated request. On 401 the refresh token is traded once (or another request's fresh token is
   * used) and the request repeated; a second 401 signs out. Other non-2xx answers are returned as they are.
   */
  request(request: RequestOptions): Promise<HttpResponse> {
    return this.authorized(request.signal, (authorization) => this.exchange(request, authorization), (response) => response.discard());
  }

  /**
   * Sends an authenticated exchange made elsewhere (`send` gets the Authorization header's value and answers with
   * the status it met), with request()'s rule for 401; `drop` lets go of an answer that is not used.
   */
  async authorized<T extends { status: number }>(signal: AbortSignal, send: (authorization: string) => Promise<T>, drop: (answer: T) => void = () => undefined): Promise<T> {
    const token = await this.accessToken(signal);
    const answer = await send(`Bearer ${token}`);
    if (answer.status !== 401) return answer;
    drop(answer);
    if (this.tokens && this.tokens.accessToken === token) await this.refresh(signal);
    const again = await send(`Bearer ${await this.accessToken(signal)}`);
    if (again.status === 401) {
      drop(again);
      this.tokens = null;
      this.options.vault.save(null);
      throw new SyncError('signed_out', 'signed_out', 'Your session with the central service ended. Sign in again to sync.', null, 401);
    }
    return again;
  }

  /** An authenticated JSON request whose 2xx answer must match `schema`; other answers throw their SyncError. */
  async json<S extends z.ZodType>(request: RequestOptions, schema: S): Promise<z.output<S>> {
    const response = await this.request(request);
    if (!response.ok) throw await this.failure(response);
    return parseJson(response, schema);
  }
}

async function parseJson<S extends z.ZodType>(response: HttpResponse, schema: S): Promise<z.output<S>> {
  let value: unknown;
  try {
    value = await response.json();
  } catch (error) {
    // A body cut off halfway is a network failure, not a contract breach.
    throw networkFailure(error, false, false);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SyncError('fatal', 'bad_response', `The central service answered outside the contract (${parsed.error.issues[0]?.path.join('.') ?? 'body'}).`);
  }
  return parsed.data;
}

/** Tokens in memory only: the default when no vault is given. */
export function memoryVault(initial: SessionTokens | null = null): TokenVault {
  let tokens = initial;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
  };
}
