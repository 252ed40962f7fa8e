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
  DecisionsExportQuery,
  DecisionExportsQuery,
  DecisionsQuery,
  IntakeRequest,
  MutationBatchRequest,
  OversightQuery,
  RefreshRequest,
  QualityQueueQuery,
  SessionRequest,
  SignOutRequest,
  SupervisionBatchRequest,
  WithdrawRequest,
  type CentralRole,
  centralRoles,
  type SessionResponse,
} from '../shared/contract/central';
import { DecisionReportFilter } from '../shared/contract/reports';
import { DomainError, describeIssues } from '../shared/errors';
import { isLineText } from '../shared/text';
import { readBodyWithin } from '../shared/body';
import { callerOfToken, dummyPasswordHash, issueTokens, revokeSession, revokeTokens, tokenHash, verifyPassword, type Caller } from './auth';
import { securityHeaders } from './hardening';
import { ChangePasswordRequest, CreatePersonRequest, DeactivateRequest, ResetPasswordRequest, SetRoleRequest } from '../shared/contract/people';
import { PeopleAdmin } from './people';
import { clientAddress, type LoginThrottle } from './throttle';
import { requestIdOf, type Log, type Operations } from './operations';
import { applySupervision, qualityPolicy, qualityQueue } from './quality';
import { AuditTrails } from './audit';
import type { CentralService } from './service';
import { decisionReport } from './reports';
import { decisionCounts } from './decisions';
import { exportDecisions, responseSink } from './decisionExport';
import { applicationEnvelope, oversightApplications, oversightSummary } from './oversight';
import { AccountMessagesQuery } from '../shared/contract/notifications';
import { accountMessages, applicationNotifications, notificationDeliveries } from './notifications/messages';
import { calendarChanges, currentCalendar, publishedCalendar, replaceCalendarYear } from './calendar';
import { CalendarChangesQuery, CalendarYearNumber, CalendarYearRequest } from '../shared/contract/calendar';
import { linkedAccounts } from './linked';
import { listWithdrawals } from './withdrawals';
import { listDecisionExports } from './decisionExportLog';
import { WithdrawalsQuery } from '../shared/contract/withdrawals';
import { RetentionRequest } from '../shared/contract/retention';
import { retentionPolicy, setRetentionDays } from './retention';

export const bodyLimits = {
  /** Six images of 8 MiB as base64, plus the fields. */
  intake: 70 * 1024 * 1024,
  mutations: 1024 * 1024,
  default: 64 * 1024,
} as const;

const statusOfCode: Record<string, number> = {
  invalid_request: 400,
  invalid_ticket_ref: 400,
  invalid_calendar_day: 400,
  invalid_image: 400,
  id_card_back_missing: 400,
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
  weak_password: 400,
  person_exists: 409,
  person_inactive: 409,
  last_admin: 409,
  password_change_required: 403,
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
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (seen.has(key)) throw new HttpError(400, 'invalid_request', `${key.slice(0, 40)}: given more than once`);
    seen.add(key);
  }
  // fromEntries makes own properties: `?__proto__=x` is a field the strict schema refuses, not a prototype to set.
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
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

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  caller: Caller | null;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  path: string;
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
  return { method, path, pattern: new RegExp(`^${source}$`), keys, roles, handle };
}

/** The bearer token of a request, or null when the header is missing or malformed. */
function bearerToken(req: IncomingMessage): string | null {
  return /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

/** The routes a handler serves, for the routes × roles test (server/routeRoles.test.ts). */
export type CentralHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { readonly routes: readonly { method: Route['method']; path: string; roles: Route['roles'] }[] };

export interface HttpOptions {
  service: CentralService;
  throttle: LoginThrottle;
  /** The header a trusted proxy sets to the client's address (server/throttle.ts); null: the socket's peer. */
  trustedProxyHeader: string | null;
  operations: Operations;
  log: Log;
  /** One JSON line per request answered (method, path, status, time, request id). */
  accessLog: boolean;
}

export function createHandler({ service, throttle, trustedProxyHeader, operations, log, accessLog }: HttpOptions): CentralHandler {
  const now = () => service.options.now();
  const audit = new AuditTrails(service);
  const people = new PeopleAdmin(service.db);

  /** Counts the attempt, checks the password, forgets the failures when it is right; throws 429 or 401. */
  const checkPassword = async (req: IncomingMessage, username: string, password: string) => {
    const client = clientAddress(req, trustedProxyHeader);
    const wait = await throttle.attempt(username, client, now());
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', `Too many failed sign-ins; try again in ${wait} seconds`, { 'retry-after': String(wait) });
    }
    const [person] = await service.db.query<{ username: string; display_name: string; role: CentralRole; password_hash: string; must_change_password: boolean }>(
      `SELECT username, display_name, role, password_hash, must_change_password FROM people WHERE username = $1 AND active`,
      [username],
    );
    const ok = await verifyPassword(password, person?.password_hash ?? (await dummyPasswordHash()));
    if (!person || !ok) throw new HttpError(401, 'bad_credentials', 'Wrong username or password');
    await throttle.succeeded(username, client);
    return { username: person.username, displayName: person.display_name, role: person.role, mustChangePassword: person.must_change_password } satisfies Caller;
  };

  const sessionOf = async (caller: Caller): Promise<SessionResponse> => {
    const tokens = await service.db.transaction((tx) => issueTokens(tx, caller.username, now()));
    return {
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
      refreshToken: tokens.refreshToken,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt.toISOString(),
      person: { username: caller.username, displayName: caller.displayName, role: caller.role },
      mustChangePassword: caller.mustChangePassword ?? false,
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
      sendJson(res, 200, await sessionOf(await checkPassword(req, body.username, body.password)));
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
        ? await service.db.query<{ username: string; display_name: string; role: CentralRole; must_change_password: boolean }>(
            `SELECT username, display_name, role, must_change_password FROM people WHERE username = $1 AND active`,
            [used.username],
          )
        : [];
      if (!person) throw new HttpError(401, 'bad_refresh_token', 'The refresh token is unknown, used or expired; sign in again');
      const caller: Caller = { username: person.username, displayName: person.display_name, role: person.role, mustChangePassword: person.must_change_password };
      sendJson(res, 200, await sessionOf(caller));
    }),
    route('POST', '/v1/applications', ['intake'], async ({ req, res }) => {
      const body = await jsonBody(req, IntakeRequest, bodyLimits.intake);
      sendJson(res, 201, await service.submit(body));
    }),
    route('POST', '/v1/applications/{id}/withdraw', ['intake'], async ({ req, res, params, caller }) => {
      const body = await jsonBody(req, WithdrawRequest, bodyLimits.default, {});
      sendJson(res, 200, await service.withdraw(params.id ?? '', body.ticketRef, caller?.username ?? ''));
    }),
    route('POST', '/v1/applications/{id}/assign', ['supervisor'], async ({ req, res, params }) => {
      const body = await jsonBody(req, AssignRequest, bodyLimits.default);
      sendJson(res, 200, await service.assign(params.id ?? '', body.reviewer));
    }),
    route('GET', '/v1/changes', ['reviewer'], async ({ res, url, caller }) => {
      const query = queryOf(url, ChangesQuery);
      const centralId = await service.expectCentral(query.centralId);
      const page = await service.changes(caller?.username ?? '', query.cursor, query.limit);
      // The calendar's version rides on every page, so a workstation fetches GET /v1/calendar only when it moved.
      sendJson(res, 200, { centralId, ...page, calendarVersion: (await currentCalendar(service, service.db)).version, retentionDays: (await retentionPolicy(service.db)).days });
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
    // The filtered log as JSON lines from one cursor, for the workstation's CSV export (server/decisionExport.ts).
    route('GET', '/v1/decisions/export', ['supervisor'], async ({ res, url, caller }) => {
      const rows = await exportDecisions(service.db, queryOf(url, DecisionsExportQuery), callerOf(caller).username, now, responseSink(res));
      res.end(`${JSON.stringify({ end: true, rows })}\n`);
      }),
    // Who exported what, when (server/decisionExportLog.ts).
    route('GET', '/v1/decisions/exports', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await listDecisionExports(service.db, queryOf(url, DecisionExportsQuery)));
    }),
    // Withdrawals on record, beside the decisions in the log (server/withdrawals.ts).
    route('GET', '/v1/withdrawals', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await listWithdrawals(service.db, queryOf(url, WithdrawalsQuery)));
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
      const query = queryOf(url, AuditEntriesQuery);
      const page = await audit.entries(query);
      // An application's trail starts with where its applicant notifications stand (server/notifications/).
      const notifications = query.applicationId && !query.cursor ? { notifications: await notificationDeliveries(service.db, query.applicationId) } : {};
      sendJson(res, 200, { ...page, ...notifications });
    }),
    // The customer console's message centre (server/notifications/).
    route('GET', '/v1/accounts/{id}/messages', ['intake'], async ({ res, url, params }) => {
      sendJson(res, 200, await accountMessages(service.db, params.id ?? '', queryOf(url, AccountMessagesQuery)));
    }),
    route('GET', '/v1/applications/{id}/notifications', ['supervisor', 'reviewer'], async ({ res, params, caller }) => {
      sendJson(res, 200, { notifications: await applicationNotifications(service.db, params.id ?? '', callerOf(caller)) });
    }),
    route('GET', '/v1/applications/{id}/linked-accounts', ['supervisor', 'reviewer'], async ({ res, params, caller }) => {
      sendJson(res, 200, await linkedAccounts(service, params.id ?? '', callerOf(caller)));
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
    // People administration (server/people.ts) and operations (server/operations.ts).
    route('POST', '/v1/session/password', centralRoles, async ({ req, res, caller }) => {
      const body = await jsonBody(req, ChangePasswordRequest, bodyLimits.default);
      const person = await checkPassword(req, callerOf(caller).username, body.currentPassword);
      await people.changePassword(person.username, body.currentPassword, body.newPassword, now());
      sendJson(res, 200, await sessionOf({ ...person, mustChangePassword: false }));
    }),
    route('GET', '/v1/people', ['admin'], async ({ res }) => {
      sendJson(res, 200, { people: await people.list() });
    }),
    route('POST', '/v1/people', ['admin'], async ({ req, res, caller }) => {
      const body = await jsonBody(req, CreatePersonRequest, bodyLimits.default);
      sendJson(res, 201, await people.create(body, callerOf(caller).username, now()));
    }),
    route('POST', '/v1/people/{username}/role', ['admin'], async ({ req, res, params, caller }) => {
      const body = await jsonBody(req, SetRoleRequest, bodyLimits.default);
      sendJson(res, 200, await people.setRole(params.username ?? '', body.role, callerOf(caller).username, now()));
    }),
    route('POST', '/v1/people/{username}/password', ['admin'], async ({ req, res, params, caller }) => {
      const body = await jsonBody(req, ResetPasswordRequest, bodyLimits.default);
      sendJson(res, 200, await people.resetPassword(params.username ?? '', body.password, callerOf(caller).username, now()));
    }),
    route('POST', '/v1/people/{username}/deactivate', ['admin'], async ({ req, res, params, caller }) => {
      const body = await jsonBody(req, DeactivateRequest, bodyLimits.default, {});
      sendJson(res, 200, await people.deactivate(params.username ?? '', body.reason, callerOf(caller).username, now()));
    }),
    route('GET', '/v1/people/{username}/changes', ['admin'], async ({ res, params }) => {
      sendJson(res, 200, { changes: await people.changes(params.username ?? '') });
    }),
    route('GET', '/healthz', null, async ({ res }) => {
      sendJson(res, 200, { status: 'ok' });
    }),
    route('GET', '/readyz', null, async ({ res }) => {
      const readiness = await operations.readiness(service.db);
      sendJson(res, readiness.status === 'ready' ? 200 : 503, readiness);
    }),
    // Sign-out, here or on every device (issue 25): the tokens stop working at once on every instance.
    route('POST', '/v1/session/sign-out', centralRoles, async ({ req, res, caller }) => {
      const body = await jsonBody(req, SignOutRequest, bodyLimits.default);
      const { username } = callerOf(caller);
      const presented = [bearerToken(req) ?? '', ...(body.refreshToken ? [body.refreshToken] : [])];
      const revokedTokens = await service.db.transaction((tx) => (body.everywhere ? revokeTokens(tx, username, now()) : revokeSession(tx, username, presented, now())));
      sendJson(res, 200, { revokedTokens });
    }),
    // The business calendar (server/calendar.ts).
    route('GET', '/v1/calendar', ['reviewer', 'supervisor'], async ({ res }) => {
      sendJson(res, 200, await publishedCalendar(service));
    }),
    route('PUT', '/v1/calendar/years/{year}', ['supervisor'], async ({ req, res, params, caller }) => {
      const year = CalendarYearNumber.safeParse(params.year);
      if (!year.success) throw new HttpError(400, 'invalid_request', 'year: a year from 2000 to 2100, such as 2027');
      const body = await jsonBody(req, CalendarYearRequest, bodyLimits.default);
      sendJson(res, 200, await replaceCalendarYear(service, caller?.username ?? '', year.data, body));
    }),
    route('GET', '/v1/calendar/changes', ['supervisor'], async ({ res, url }) => {
      sendJson(res, 200, await calendarChanges(service, queryOf(url, CalendarChangesQuery).year));
    }),
    route('PUT', '/v1/retention', ['admin'], async ({ req, res, caller }) => {
      const body = await jsonBody(req, RetentionRequest, bodyLimits.default);
      sendJson(res, 200, await setRetentionDays(service.db, body.days, caller?.username ?? '', service.options.now()));
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
      const token = bearerToken(req);
      caller = token ? await callerOfToken(service.db, token, 'access', now()) : null;
      if (!caller) {
        throw new HttpError(401, 'unauthorized', 'Sign in first: the access token is missing, unknown or expired', {
          'www-authenticate': 'Bearer',
        });
      }
      if (!found.roles.includes(caller.role)) {
        throw new HttpError(403, 'forbidden', `This needs the role ${found.roles.join(' or ')}`);
      }
      if (caller.mustChangePassword && url.pathname !== '/v1/session/password' && url.pathname !== '/v1/session/sign-out') {
        throw new HttpError(403, 'password_change_required', 'Change your password first (POST /v1/session/password): it was reset or set by an admin');
      }
    }
    await found.handle({ req, res, url, params, caller });
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = requestIdOf(req);
    const started = performance.now();
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    res.setHeader('x-request-id', requestId);
    operations.requestStarted(res);
    if (accessLog) {
      res.once('finish', () => {
        const url = new URL(req.url ?? '/', 'http://central.invalid');
        log('request', undefined, { requestId, method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) });
      });
    }
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        log('failed after the answer began', error, { requestId });
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      } else if (error instanceof DomainError) {
        sendJson(res, statusOfCode[error.code] ?? 400, { error: { code: error.code, message: error.message } });
      } else if (isDataException(error)) {
        // The schemas refuse what PostgreSQL cannot hold; should a value slip past them, it is still the request's fault.
        log('data exception from the request', error, { requestId });
        sendJson(res, 400, { error: { code: 'invalid_request', message: 'The request holds a value the central service cannot store' } });
      } else {
        log('internal error', error, { requestId });
        sendJson(res, 500, { error: { code: 'internal', message: 'Something went wrong on the server' } });
      }
      // A body we refused to read must not be parsed as the next request.
      if (!req.complete) req.resume();
    });
  };
  return Object.assign(handler, { routes: routes.map(({ method, path, roles }) => ({ method, path, roles })) });
}
