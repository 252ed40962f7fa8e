// Every central route fuzzed from its zod schema over real HTTP (issue 25 item 5): bodies with wrong types, missing
// and extra fields, huge and deeply nested values, control characters, lone surrogates, path traversal, SQL
// metacharacters and prototype-pollution keys; hostile query strings and path parameters; bodies that are not JSON.
// Each answer is a 4xx with an error code and a message, the process stays up, Object.prototype stays clean, and not
// one row of any table changes (the audit trails included). Fixed seed, bounded runs: a few seconds in CI.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CentralError, centralRoutes, type CentralRoute } from '../shared/contract/central';
import { clientPerRole, databaseFingerprint, intakeRequest, sampleImage, startTestServer, TestClient, type Answer, type Caller, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';
import { hostileRequests, hostileStrings, brokenStrings, prototypeNames, skeletonOf } from '../tests/support/hostile';

const seed = 20261205;
const routes = centralRoutes as readonly CentralRoute[];
type OperationId = (typeof centralRoutes)[number]['operationId'];

let server: TestServer;
let clients: Map<Caller, TestClient>;
let image: Buffer;

/** Where the skeleton the schema gives is not valid (refinements need real values), a valid request by hand. */
const validBodies: Partial<Record<OperationId, () => unknown>> = {
  submitApplication: () =>
    intakeRequest('FUZZ-1', { kind: 'individual', fullName: 'SPECIMEN Fuzz', documentType: 'id_card', documentNumber: specimenIdNumber('FUZZ'), issuingLocation: 'CN' }, image),
  pushAuditEntries: () => ({
    deviceId: 'device-fuzz',
    entries: [
      { seq: 1, at: 0, action: 'case_opened', applicationId: null, actorId: null, actorName: null, deviceId: 'device-fuzz', online: false, details: '{}', prevHash: '0'.repeat(64), hash: 'a'.repeat(64) },
    ],
  }),
  createPerson: () => ({ username: 'fuzz.person', displayName: 'Fuzz Person', role: 'reviewer', password: 'a long enough password' }),
};

/** A path with its parameters filled: ids nobody has (a refused body never reaches the lookup anyway). */
const pathOf = (route: CentralRoute, params: Record<string, string> = {}) =>
  route.path.replace(/\{([a-z]+)\}/gi, (_all, key: string) => encodeURIComponent(params[key] ?? (key === 'year' ? '2027' : 'no-such-id')));

/** Who calls a route: the first role it allows, or nobody. */
const clientFor = (route: CentralRoute) => clients.get(route.roles?.[0] ?? 'anonymous') as TestClient;

function expectRefusal(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${answer.status} ${answer.bytes.toString('utf8').slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, what).toBeLessThan(500);
  const body = CentralError.safeParse(answer.body);
  expect(body.success, `${what}: an error envelope`).toBe(true);
  expect(body.data?.error.message.length, what).toBeGreaterThan(10);
  // The message names the problem; it never carries a stack or the server's files.
  expect(answer.bytes.toString('utf8'), what).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

beforeAll(async () => {
  server = await startTestServer();
  image = await sampleImage('jpeg', 64, 48);
  clients = await clientPerRole(server);
});

afterAll(async () => {
  await server?.close();
});

describe('every central route, fuzzed from its schema', () => {
  let before: Record<string, string>;
  let prototypeBefore: string[];
  let started: number;
  beforeAll(async () => {
    before = await databaseFingerprint(server.db);
    prototypeBefore = prototypeNames();
    started = performance.now();
  });

  const withBody = routes.filter((r) => r.body);
  it.each(withBody.map((r) => [r.operationId, r] as const))('%s refuses bodies its schema refuses with a 4xx', async (_op, route) => {
    const body = route.body as z.ZodType;
    const valid = validBodies[route.operationId as OperationId]?.() ?? skeletonOf(body) ?? {};
    await fc.assert(
      fc.asyncProperty(hostileRequests(body, valid), async (candidate) => {
        const text = JSON.stringify(candidate) ?? 'undefined';
        const answer = await clientFor(route).request(route.method.toUpperCase(), pathOf(route), { body: text, headers: { 'content-type': 'application/json' } });
        expectRefusal(answer, `${route.operationId} ${text.slice(0, 200)}`);
      }),
      { seed, numRuns: 30 },
    );
  });

  it.each(withBody.map((r) => [r.operationId, r] as const))('%s refuses a body that is not JSON, or not sent as JSON', async (_op, route) => {
    const valid = JSON.stringify(validBodies[route.operationId as OperationId]?.() ?? skeletonOf(route.body as z.ZodType) ?? {});
    const raw = fc.oneof(
      fc.string({ maxLength: 64 }).filter((s) => s.trim() !== '' && !isJson(s)),
      fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n)).filter((s) => s !== '' && !isJson(s)),
      fc.constantFrom('{"a":', '[1,2', '\u0000', '{"__proto__":{"polluted":1}', 'null,', "{'single':'quotes'}"),
    );
    await fc.assert(
      fc.asyncProperty(raw, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (text, type) => {
        const answer = await clientFor(route).request(route.method.toUpperCase(), pathOf(route), { body: text, headers: { 'content-type': type } });
        expectRefusal(answer, `${route.operationId} ${type} ${JSON.stringify(text).slice(0, 100)}`);
      }),
      { seed, numRuns: 10 },
    );
    // JSON nested 30,000 deep (JSON.parse does not recurse; zod must not either), and the right body as the wrong media type.
    const deep = await clientFor(route).request(route.method.toUpperCase(), pathOf(route), { body: `${'['.repeat(30_000)}${']'.repeat(30_000)}`, headers: { 'content-type': 'application/json' } });
    expectRefusal(deep, `${route.operationId} nested 30,000 deep`);
    const wrongType = await clientFor(route).request(route.method.toUpperCase(), pathOf(route), { body: valid, headers: { 'content-type': 'text/plain' } });
    expect([400, 415]).toContain(wrongType.status);
  });

  const withQuery = routes.filter((r) => r.query);
  it.each(withQuery.map((r) => [r.operationId, r] as const))('%s answers hostile query strings with 400 when its schema refuses them, never 5xx', async (_op, route) => {
    const query = route.query as z.ZodType;
    const keys = Object.keys((query as unknown as { shape: Record<string, unknown> }).shape);
    const value = fc.oneof(fc.constantFrom<string>(...hostileStrings, ...brokenStrings, '', '-1', '1e309', 'NaN', '9'.repeat(400)), fc.string({ maxLength: 30 }));
    const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys, '__proto__', 'constructor'), fc.string({ minLength: 1, maxLength: 8 })), value), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(pairs, async (list) => {
        const search = new URLSearchParams(list).toString();
        const answer = await clientFor(route).get(`${pathOf(route)}?${search}`);
        // What the server reads from that query string, judged by the same schema.
        const seen = new URLSearchParams(search);
        const duplicated = new Set([...seen.keys()]).size !== [...seen.keys()].length;
        const accepted = !duplicated && query.safeParse(Object.fromEntries(seen)).success;
        if (accepted) {
          expect(answer.status, `${route.operationId} ?${search}: ${answer.bytes.toString('utf8').slice(0, 200)}`).toBeLessThan(500);
        } else {
          expectRefusal(answer, `${route.operationId} ?${search}`);
          expect(answer.status).toBe(400);
        }
      }),
      { seed, numRuns: 30 },
    );
  });

  const withParams = routes.filter((r) => r.path.includes('{'));
  it.each(withParams.map((r) => [r.operationId, r] as const))('%s answers hostile path parameters with a 4xx', async (_op, route) => {
    // Path segments as sent: text percent-encoded, and raw escapes (a NUL, a broken escape, an encoded traversal).
    const segment = fc.oneof(
      fc.oneof(fc.constantFrom<string>(...hostileStrings, ...brokenStrings, 'x'.repeat(65), '..', '.'), fc.string({ minLength: 1, maxLength: 70 })).map(encodeURIComponent),
      fc.constantFrom('%00', '%zz', '%E0%A4%A', '%2e%2e', '..%2F..%2Fetc', '%C0%AE%C0%AE'),
    );
    await fc.assert(
      fc.asyncProperty(segment, async (encoded) => {
        const path = route.path.replace(/\{([a-z]+)\}/gi, () => encoded);
        const valid = route.body ? (validBodies[route.operationId as OperationId]?.() ?? skeletonOf(route.body)) : undefined;
        // A valid body: the parameter alone is wrong. Creating or changing anything then needs an id that exists.
        const answer = await clientFor(route).request(route.method.toUpperCase(), path, valid === undefined ? {} : { json: valid });
        if (answer.status === 200 && route.method === 'get') return; // an id-shaped text read back (a year such as 2027)
        expectRefusal(answer, `${route.operationId} ${path}`);
      }),
      { seed, numRuns: 20 },
    );
  });

  it('left every table as it was, the prototypes clean and the process answering; in bounded time', async () => {
    // An accepted query to the export route is an export, and each is recorded (decision_exports): only those rows
    // may be new, each a supervisor's finished export; every other table is as it was.
    const { decision_exports: exportsAfter, ...after } = await databaseFingerprint(server.db);
    const { decision_exports: exportsBefore, ...unchanged } = before;
    expect(after).toEqual(unchanged);
    expect(exportsBefore).toMatch(/^0 rows/);
    const recorded = await server.db.query<{ exported_by: string; complete: boolean }>(`SELECT exported_by, complete FROM decision_exports`);
    expect(exportsAfter).toMatch(new RegExp(`^${recorded.length} rows`));
    for (const row of recorded) expect(row).toEqual({ exported_by: 'supervisor1', complete: true });
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await clients.get('anonymous')!.get('/healthz')).status).toBe(200);
    expect((await new TestClient(server.url, () => server.clock.now).signIn('reviewer2')).person?.username).toBe('reviewer2');
    const seconds = (performance.now() - started) / 1000;
    console.info(`central fuzz: ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(120);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
