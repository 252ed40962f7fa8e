// The HTTP face of the central service on node:http: routing, bearer tokens and roles, capped JSON
// bodies validated with shared/contract/central, error envelopes, and the document byte route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  AssignRequest,
  AuditBatchRequest,
  AuditEntriesQuery,
  ChangesQuery,
  DecisionCountsQuery,
  DecisionsQuery,
  IntakeRequest,
  MutationBatchRequest,
  OversightQuery,
  RefreshRequest,
  QualityQueueQuery,
  SessionRequest,
  SupervisionBatchRequest,
  WithdrawRequest,
  type CentralRole,
  type SessionResponse,
} from '../shared/contract/central';
import { DecisionReportFilter } from '../shared/contract/reports';
import { DomainError, describeIssues } from '../shared/errors';
import { isLineText } from '../shared/text';
import { readBodyWithin } from '../shared/body';
import { callerOfToken, dummyPasswordHash, issueTokens, type LoginThrottle, tokenHash, verifyPassword, type Caller } from './auth';
import { applySupervision, qualityPolicy, qualityQueue } from './quality';
import { AuditTrails } from './audit';
import type { CentralService } from './service';
import { decisionReport } from './reports';
import { decisionCounts } from './decisions';
import { applicationEnvelope, oversightApplications, oversightSummary } from './oversight';

export const bodyLimits = {
  /** Six images of 8 MiB as base64, plus the fields. */
  intake: 70 * 1024 * 1024,
  mutations: 1024 * 1024,
  default: 64 * 1024,
} as const;

const statusOfCode: Record<string, number> = {
  invalid_request: 400,
  invalid_image: 400,
  invalid_cursor: 400,
  wrong_central: 409,
  unknown_reviewer: 400,
  bad_credentials: 401,
  bad_refresh_token: 401,
  unauthorized: 401,
  forbidden: 403,
  not_assigned: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_decided: 409,
  withdrawn: 409,
  application_withdrawn: 409,
  illegal_transition: 409,
  account_not_verified: 409,
  account_already_verified: 409,
  application_pending: 409,
  already_reviewed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
};

class HttpError extends DomainError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Reads at most `limit` bytes; past it, drains (as much again and a MiB more) and answers 413. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const body = await readBodyWithin(req, limit, limit + 1024 * 1024, Buffer.concat);
  if (body === null) throw new HttpError(413, 'payload_too_large', `The body is over ${limit} bytes`, { connection: 'close' });
  return body;
}

async function jsonBody<S extends z.ZodType>(req: IncomingMessage, schema: S, limit: number, emptyAs?: unknown): Promise<z.output<S>> {
  const raw = await readBody(req, limit);
  let value: unknown;
  if (raw.length === 0 && emptyAs !== undefined) {
    value = emptyAs;
  } else {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_request', 'The body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', describeIssues(parsed.error));
  return parsed.data;
}

function queryOf<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const object: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(object, key)) throw new HttpError(400, 'invalid_request', `${key}: given more than once`);
    object[key] = value;
  }
  const parsed = schema.safeParse(object);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', describeIssues(parsed.error));
  return parsed.data;
}

/** A PostgreSQL data exception (SQLSTATE class 22), e.g. 22P05 for a NUL in text: caused by the request's values. */
function isDataException(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** The caller of a route that requires a role (handle() has checked the token before it runs). */
function callerOf(caller: Caller | null): Caller {
  if (!caller) throw new HttpError(401, 'unauthorized', 'Sign in first');
  return caller;
}

function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  caller: Caller | null;
}

interface Route {
  method: 'GET' | 'POST' | 'HEAD';
  pattern: RegExp;
  keys: string[];
  roles: readonly CentralRole[] | null;
  handle(ctx: Context): Promise<void>;
}

function route(method: Route['method'], path: string, roles: Route['roles'], handle: Route['handle']): Route {
  const keys: string[] = [];
  const source = path
    .split(/(\{[a-z]+\})/i)
    .map((part) => {
      const m = /^\{([a-z]+)\}$/i.exec(part);
      if (m?.[1]) {
        keys.push(m[1]);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\:]/g, '\\$&');
    })
    .join('');
  return { method, pattern: new RegExp(`^${source}$`), keys, roles, handle };
}

export interface HttpOptions {
  service: CentralService;
  throttle: LoginThrottle;
  log: (message: string, error?: unknown) => void;
}

export function createHandler({ service, throttle, log }: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = () => service.options.now();
  const audit = new AuditTrails(service);

  const sessionOf = async (caller: Caller): Promise<SessionResponse> => {
    const tokens = await service.db.transaction((tx) => issueTokens(tx, caller.username, now()));
    return {
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
      refreshToken: tokens.refreshToken,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt.toISOString(),
      person: { username: caller.username, displayName: caller.displayName, role: caller.role },
    };
  };

  const documentRoute = async ({ req, res, params, caller }: Context): Promise<void> => {
    if (!caller) throw new HttpError(401, 'unauthorized', 'Sign in first');
    const doc = await service.documentInfo(params.id ?? '', caller);
    const etag = `"${doc.sha256}"`;
    const headers: Record<string, string> = {
      'content-type': doc.mediaType,
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-cache',
      'x-content-type-options': 'nosniff',
    };
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const total = doc.byteSize;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag)) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] !== '' || m[2] !== '')) {
        let start: number;
        let end: number;
        if (m[1] === '') {
          start = Math.max(0, total - Number(m[2]));
          end = total - 1;
        } else {
          start = Number(m[1]);
          end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
        }
        if (start >= total || start > end || (m[1] === '' && Number(m[2]) === 0)) {
          res.writeHead(416, { ...headers, 'content-range': `bytes */${total}` });
          res.end();
          return;
        }
        const part = req.method === 'HEAD' ? undefined : await service.documentBytes(doc.sha256, start, end - start + 1);
        res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${total}`, 'content-length': end - start + 1 });
        res.end(part);
        return;
      }
      // A multi-range or malformed Range is ignored: the whole body follows (RFC 9110 allows it).
    }
    const body = req.method === 'HEAD' ? undefined : await service.documentBytes(doc.sha256);
    res.writeHead(200, { ...headers, 'content-length': total });
    res.end(body);
  };

  const routes: Route[] = [
    route('POST', '/v1/session', null, async ({ req, res }) => {
      const body = await jsonBody(req, SessionRequest, bodyLimits.default);
      const ip = clientIp(req);
      const wait = throttle.retryAfterSeconds(body.username, ip, now().getTime());
      if (wait > 0) {
        throw new HttpError(429, 'rate_limited', `Too many failed sign-ins; try again in ${wait} seconds`, { 'retry-after': String(wait) });
      }
      const [person] = await service.db.query<{ username: string; display_name: string; role: CentralRole; password_hash: string }>(
        `SELECT username, display_name, role, password_hash FROM people WHERE username = $1 AND active`,
        [body.username],
      );
      const ok = await verifyPassword(body.password, person?.password_hash ?? (await dummyPasswordHash()));
      if (!person || !ok) {
        throttle.fail(body.username, ip, now().getTime());
        throw new HttpError(401, 'bad_credentials', 'Wrong username or password');
      }
      throttle.succeed(body.username, ip);
      sendJson(res, 200, await sessionOf({ username: person.username, displayName: person.display_name, role: person.role }));
    }),
    route('POST', '/v1/session/refresh', null, async ({ req, res }) => {
      const body = await jsonBody(req, RefreshRequest, bodyLimits.default);
      // Rotation: a refresh token works once, even when two requests race with it.
      const [used] = await service.db.query<{ username: string }>(
        `UPDATE tokens SET revoked_at = $2
          WHERE token_hash = $1 AND kind = 'refresh' AND revoked_at IS NULL AND expires_at > $2 RETURNING username`,
        [tokenHash(body.refreshToken), now()],
      );
      const [person] = used
        ? await service.db.query<{ username: string; display_name: string; role: CentralRole }>(
            `SELECT username, display_name, role FROM people WHERE username = $1 AND active`,
            [used.username],
          )
        : [];
      if (!person) throw new HttpError(401, 'bad_refresh_token', 'The refresh token is unknown, used or expired; sign in again');
      const caller: Caller = { username: person.username, displayName: person.display_name, role: person.role };
      sendJson(res, 200, await sessionOf(caller));
    }),
    route('POST', '/v1/applications', ['intake'], async ({ req, res }) => {
      const body = await jsonBody(req, IntakeRequest, bodyLimits.intake);
      sendJson(res, 201, await service.submit(body));
    }),
    route('POST', '/v1/applications/{id}/withdraw', ['intake'], async ({ req, res, params }) => {
      await jsonBody(req, WithdrawRequest, bodyLimits.default, {});
      sendJson(res, 200, await service.withdraw(params.id ?? ''));
    }),
    route('POST', '/v1/applications/{id}/assign', ['supervisor'], async ({ req, res, params }) => {
      const body = await jsonBody(req, AssignRequest, bodyLimits.default);
      sendJson(res, 200, await service.assign(params.id ?? '', body.reviewer));
    }),
    route('GET', '/v1/changes', ['reviewer'], async ({ res, url, caller }) => {
      const query = queryOf(url, ChangesQuery);
      const centralId = await service.expectCentral(query.centralId);
      sendJson(res, 200, { centralId, ...(await service.changes(caller?.username ?? '', query.cursor, query.limit)) });
    }),
    route('GET', '/v1/documents/{id}/content', ['reviewer', 'supervisor'], documentRoute),
    route('HEAD', '/v1/documents/{id}/content', ['reviewer', 'supervisor'], documentRoute),
    route('POST', '/v1/mutations:batch', ['reviewer'], async ({ req, res, caller }) => {
      const body = await jsonBody(req, MutationBatchRequest, bodyLimits.mutations);
      const centralId = await service.expectCentral(body.centralId);
      const results = await service.applyMutations(caller?.username ?? '', body.deviceId, body.mutations);
      sendJson(res, 200, { centralId, results });
    }),
    route('GET', '/v1/decisions', ['supervisor'], async ({ res, url }) => {
      const query = queryOf(url, DecisionsQuery);
      sendJson(res, 200, await service.decisions(query));
    }),
    route('GET', '/v1/decisions/counts', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await decisionCounts(service.db, queryOf(url, DecisionCountsQuery)));
    }),
    // Quality review, overturns and four-eyes (server/quality.ts).
    route('POST', '/v1/supervision:batch', ['supervisor', 'reviewer'], async ({ req, res, caller }) => {
      const body = await jsonBody(req, SupervisionBatchRequest, bodyLimits.mutations);
      const centralId = await service.expectCentral(body.centralId);
      sendJson(res, 200, { centralId, results: await applySupervision(service, callerOf(caller), body.deviceId, body.mutations) });
    }),
    route('GET', '/v1/quality/policy', ['supervisor', 'reviewer'], async ({ res }) => {
      sendJson(res, 200, await qualityPolicy(service.db));
    }),
    route('GET', '/v1/quality/queue', ['supervisor', 'reviewer'], async ({ res, url, caller }) => {
      sendJson(res, 200, await qualityQueue(service, callerOf(caller), queryOf(url, QualityQueueQuery)));
    }),
    route('GET', '/v1/reports/decisions', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await decisionReport(service.db, queryOf(url, DecisionReportFilter), now()));
    }),
    // Device audit trails (server/audit.ts): pushed by every workstation, read by supervisors.
    route('POST', '/v1/audit:batch', ['reviewer', 'supervisor'], async ({ req, res, caller }) => {
      const body = await jsonBody(req, AuditBatchRequest, bodyLimits.mutations);
      const centralId = await service.expectCentral(body.centralId);
      if (!caller) throw new HttpError(401, 'unauthorized', 'Sign in first');
      sendJson(res, 200, { centralId, ...(await audit.receive(caller, body.deviceId, body.entries)) });
    }),
    route('GET', '/v1/audit/devices', ['supervisor'], async ({ res }) => {
      sendJson(res, 200, await audit.devices());
    }),
    route('GET', '/v1/audit/entries', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await audit.entries(queryOf(url, AuditEntriesQuery)));
    }),
    route('GET', '/v1/applications/{id}', ['supervisor'], async ({ res, params }) => {
      sendJson(res, 200, await applicationEnvelope(service, params.id ?? ''));
    }),
    route('GET', '/v1/oversight', ['supervisor'], async ({ res }) => {
      sendJson(res, 200, await oversightSummary(service));
    }),
    route('GET', '/v1/oversight/applications', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await oversightApplications(service, queryOf(url, OversightQuery)));
    }),
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://central.invalid');
    const matching = routes.filter((r) => r.pattern.test(url.pathname));
    if (matching.length === 0) throw new HttpError(404, 'not_found', 'No such route');
    const found = matching.find((r) => r.method === req.method);
    if (!found) {
      throw new HttpError(405, 'method_not_allowed', `Use ${matching.map((r) => r.method).join(' or ')}`, {
        allow: matching.map((r) => r.method).join(', '),
      });
    }
    const match = found.pattern.exec(url.pathname);
    const params: Record<string, string> = {};
    try {
      found.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(match?.[i + 1] ?? '');
      });
    } catch {
      throw new HttpError(404, 'not_found', 'No such route');
    }
    // A path parameter is an id: the same text rule as every body field, so no NUL or broken text reaches a query.
    for (const [key, value] of Object.entries(params)) {
      if (value === '' || !isLineText(value, 64)) throw new HttpError(400, 'invalid_request', `${key}: not a valid id (1 to 64 characters, no control characters)`);
    }
    let caller: Caller | null = null;
    if (found.roles !== null) {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/.exec(header)?.[1];
      caller = token ? await callerOfToken(service.db, token, 'access', now()) : null;
      if (!caller) {
        throw new HttpError(401, 'unauthorized', 'Sign in first: the access token is missing, unknown or expired', {
          'www-authenticate': 'Bearer',
        });
      }
      if (!found.roles.includes(caller.role)) {
        throw new HttpError(403, 'forbidden', `This needs the role ${found.roles.join(' or ')}`);
      }
    }
    await found.handle({ req, res, url, params, caller });
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      } else if (error instanceof DomainError) {
        sendJson(res, statusOfCode[error.code] ?? 400, { error: { code: error.code, message: error.message } });
      } else if (isDataException(error)) {
        // The schemas refuse what PostgreSQL cannot hold; should a value slip past them, it is still the request's fault.
        log('data exception from the request', error);
        sendJson(res, 400, { error: { code: 'invalid_request', message: 'The request holds a value the central service cannot store' } });
      } else {
        log('internal error', error);
        sendJson(res, 500, { error: { code: 'internal', message: 'Something went wrong on the server' } });
      }
      // A body we refused to read must not be parsed as the next request.
      if (!req.complete) req.resume();
    });
  };
}
