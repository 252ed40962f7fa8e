// Who may call what on the central service (issue 25 item 6), over real HTTP: every route × every role (reviewer,
// supervisor, intake, admin, and nobody signed in), generated from the route table, with the security headers on every
// answer; a reviewer never sees another reviewer's applications or documents; passwords are scrypt with memory-hard
// parameters; an internal error answers without a stack.
//
// A NEW ROUTE: add its row to `access` below (who may call it). The test fails until the row is there, and fails if
// the server, the contract (shared/contract/central.ts) and this table disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralError, centralRoutes, type CentralRole, type ChangesResponse, type CentralRoute, type MutationBatchResponse } from '../shared/contract/central';
import { createHandler } from './http';
import { securityHeaders } from './hardening';
import { verifyPassword } from './auth';
import { clientPerRole, decisionMutation, intakeRequest, sampleImage, startTestServer, TestClient, type Answer, type Caller, type TestServer } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';
import { LoginThrottle } from './throttle';
import { Operations } from './operations';

type OperationId = (typeof centralRoutes)[number]['operationId'];
const everyone: readonly Caller[] = ['reviewer', 'supervisor', 'intake', 'admin', 'anonymous'];

/** Who may call each route: roles, or 'anyone' (no token needed). One row per route; the order is the contract's. */
const access = {
  createSession: 'anyone',
  refreshSession: 'anyone',
  submitApplication: ['intake'],
  withdrawApplication: ['intake'],
  assignApplication: ['supervisor'],
  listChanges: ['reviewer'],
  getDocumentContent: ['reviewer', 'supervisor'],
  applyMutations: ['reviewer'],
  listDecisions: ['supervisor'],
  countDecisions: ['supervisor'],
  exportDecisions: ['supervisor'],
  listDecisionExports: ['supervisor'],
  listWithdrawals: ['supervisor'],
  applySupervision: ['supervisor', 'reviewer'],
  getQualityPolicy: ['supervisor', 'reviewer'],
  listQualityQueue: ['supervisor', 'reviewer'],
  getDecisionReport: ['supervisor'],
  pushAuditEntries: ['reviewer', 'supervisor'],
  listAuditDevices: ['supervisor'],
  getApplication: ['supervisor'],
  getOversight: ['supervisor'],
  listAuditEntries: ['supervisor'],
  listAccountMessages: ['intake'],
  listApplicationNotifications: ['supervisor', 'reviewer'],
  listOversightApplications: ['supervisor'],
  changePassword: ['reviewer', 'supervisor', 'intake', 'admin'],
  listPeople: ['admin'],
  createPerson: ['admin'],
  setPersonRole: ['admin'],
  resetPassword: ['admin'],
  deactivatePerson: ['admin'],
  listPersonChanges: ['admin'],
  getHealth: 'anyone',
  getReadiness: 'anyone',
  getCalendar: ['reviewer', 'supervisor'],
  replaceCalendarYear: ['supervisor'],
  listCalendarChanges: ['supervisor'],
  signOut: ['reviewer', 'supervisor', 'intake', 'admin'],
  listLinkedAccounts: ['supervisor', 'reviewer'],
  setRetention: ['admin'],
} as const satisfies Record<OperationId, readonly CentralRole[] | 'anyone'>;

const routes = centralRoutes as readonly CentralRoute[];
let server: TestServer;
let clients: Map<Caller, TestClient>;
const logged: { message: string; error: unknown }[] = [];

function expectSecurityHeaders(answer: Answer, what: string): void {
  for (const [name, value] of Object.entries(securityHeaders)) {
    if (name === 'cache-control' && answer.headers.get('etag')) continue; // the document route's own caching
    expect(answer.headers.get(name), `${what}: ${name}`).toBe(value);
  }
}

beforeAll(async () => {
  server = await startTestServer({ assignmentCap: 2, log: (message, error) => logged.push({ message, error }) });
  clients = await clientPerRole(server);
});

afterAll(async () => {
  await server?.close();
});

describe('routes × roles', () => {
  it('has one row per route, and the server, the contract and this table agree on who may call each', () => {
    expect(Object.keys(access).sort()).toEqual(routes.map((r) => r.operationId).sort());
    for (const route of routes) {
      const row = access[route.operationId as OperationId];
      expect(route.roles === null ? 'anyone' : [...route.roles].sort(), `${route.operationId}: contract`).toEqual(row === 'anyone' ? 'anyone' : [...row].sort());
    }
    // The routes the server really serves: the contract's, plus HEAD beside the document GET.
    const handler = createHandler({
      service: server.service,
      throttle: new LoginThrottle(server.db),
      trustedProxyHeader: null,
      operations: new Operations(),
      log: () => undefined,
      accessLog: false,
    });
    const served = handler.routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.path} ${r.roles === null ? 'anyone' : [...r.roles].sort().join(',')}`);
    const contract = routes.map((r) => `${r.method.toUpperCase()} ${r.path} ${r.roles === null ? 'anyone' : [...r.roles].sort().join(',')}`);
    expect(served.sort()).toEqual(contract.sort());
    expect(handler.routes.filter((r) => r.method === 'HEAD').map((r) => r.path)).toEqual(['/v1/documents/{id}/content']);
  });

  const cells = routes.flatMap((route) => everyone.map((who) => [route.operationId, who, route] as const));
  it.each(cells)('%s as %s', async (op, who, route) => {
    const row = access[op as OperationId];
    const path = route.path.replace('{year}', '2027').replace(/\{[a-z]+\}/gi, 'no-such-id');
    // A body its schema refuses: an allowed caller gets past the role check to a 400, and nothing is written.
    const init = route.method === 'get' ? {} : { json: { probe: true } };
    const answer = await clients.get(who)!.request(route.method.toUpperCase(), path, init);
    const code = CentralError.safeParse(answer.body).data?.error.code;
    const what = `${op} as ${who}: ${answer.status} ${code ?? ''}`;
    expectSecurityHeaders(answer, what);
    if (row === 'anyone') {
      expect([401, 403].includes(answer.status), what).toBe(false);
    } else if (who === 'anonymous') {
      expect([answer.status, code, answer.headers.get('www-authenticate')], what).toEqual([401, 'unauthorized', 'Bearer']);
    } else if (!(row as readonly string[]).includes(who)) {
      expect([answer.status, code], what).toEqual([403, 'forbidden']);
    } else {
      expect(answer.status === 401 || code === 'forbidden', what).toBe(false);
    }
  });

  it('puts the security headers on answers no route makes: 404, 405, 413, and the document bytes', async () => {
    const anonymous = clients.get('anonymous')!;
    expectSecurityHeaders(await anonymous.get('/no/such/route'), '404');
    expectSecurityHeaders(await anonymous.request('DELETE', '/v1/session'), '405');
    expectSecurityHeaders(await anonymous.post('/v1/session', { username: 'x', password: 'y'.repeat(70_000) }), '413');
  });
});

describe('a reviewer never sees another reviewer’s applications or documents', () => {
  it('holds for the feed, the document bytes, the application, its notifications and decisions', async () => {
    const intake = clients.get('intake')!;
    const image = await sampleImage('jpeg', 64, 48);
    for (let i = 0; i < 4; i++) {
      const identity = { kind: 'individual' as const, fullName: `SPECIMEN Own ${i}`, documentType: 'id_card' as const, documentNumber: specimenIdNumber(`OWN${i}`), issuingLocation: 'CN' };
      expect((await intake.post('/v1/applications', intakeRequest(`OWN-${i}`, identity, image))).status).toBe(201);
    }
    const r1 = clients.get('reviewer')!;
    const r2 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer2');
    // The cap is 2: each pulls two of the four.
    const feed = async (client: TestClient) => ((await client.get('/v1/changes?limit=500')).body as ChangesResponse).changes;
    const mine = await feed(r1);
    const theirs = await feed(r2);
    expect([mine.length, theirs.length]).toEqual([2, 2]);
    const mineIds = new Set(mine.map((c) => c.application.id));
    expect(theirs.filter((c) => mineIds.has(c.application.id))).toEqual([]);

    for (const change of mine) {
      const id = change.application.id;
      for (const document of change.documents) {
        const url = `${server.url}/v1/documents/${document.id}/content`;
        const bytes = await r2.get(`/v1/documents/${document.id}/content`);
        expect([bytes.status, (bytes.body as CentralError).error.code]).toEqual([403, 'not_assigned']);
        expect((await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${r2.token}` } })).status).toBe(403);
        expect((await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${r1.token}` } })).status).toBe(200);
        expect((await r1.get(`/v1/documents/${document.id}/content`)).status).toBe(200);
      }
      expect((await r2.get(`/v1/applications/${id}`)).status).toBe(403);
      expect(((await r2.get(`/v1/applications/${id}/notifications`)).body as CentralError).error.code).toBe('not_assigned');
      const decided = await r2.post('/v1/mutations:batch', { deviceId: 'device-r2', mutations: [decisionMutation(change, 'reviewer2', server.clock.now)] });
      expect((decided.body as MutationBatchResponse).results).toMatchObject([{ status: 'rejected', reason: 'not_assigned' }]);
      const [row] = await server.db.query<{ status: string }>(`SELECT status FROM applications WHERE id = $1`, [id]);
      expect(row?.status).toBe('queued');
    }
    // Nor do their later pulls or the quality queue bring them.
    expect((await feed(r2)).filter((c) => mineIds.has(c.application.id))).toEqual([]);
    const queue = await r2.get('/v1/quality/queue?stage=second_review');
    expect(JSON.stringify(queue.body)).not.toContain([...mineIds][0]);
  });
});

describe('passwords and internal errors', () => {
  it('stores every password as scrypt with at least N=2^14, r=8 (16 MiB per check), a unique 16-byte salt, never the password', async () => {
    const rows = await server.db.query<{ username: string; password_hash: string }>(`SELECT username, password_hash FROM people`);
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const salts = new Set<string>();
    for (const { username, password_hash: stored } of rows) {
      const [scheme, n, r, p, salt, key] = stored.split('$');
      expect(scheme, username).toBe('scrypt');
      expect(Number(n)).toBeGreaterThanOrEqual(2 ** 14);
      expect(Number(r)).toBeGreaterThanOrEqual(8);
      expect(Number(p)).toBeGreaterThanOrEqual(1);
      expect(128 * Number(n) * Number(r)).toBeGreaterThanOrEqual(16 * 1024 * 1024);
      expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
      expect(Buffer.from(key ?? '', 'base64url')).toHaveLength(32);
      expect(stored).not.toContain('verity-demo');
      salts.add(salt ?? '');
      expect(await verifyPassword('verity-demo', stored)).toBe(true);
      expect(await verifyPassword('verity-demo ', stored)).toBe(false);
    }
    expect(salts.size).toBe(rows.length);
  });

  it('answers an internal error with a code, a request id and no stack, SQL or file; the log has the details', async () => {
    // A real failure inside a route: the throttle's table is gone.
    await server.db.query(`ALTER TABLE login_failures RENAME TO login_failures_away`);
    let answer: Answer;
    try {
      answer = await clients.get('anonymous')!.post('/v1/session', { username: 'reviewer1', password: 'verity-demo' });
    } finally {
      await server.db.query(`ALTER TABLE login_failures_away RENAME TO login_failures`);
    }
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: { code: 'internal', message: 'Something went wrong on the server' } });
    expect(answer.bytes.toString('utf8')).not.toMatch(/login_failures|relation|at |\.ts|Error/);
    expectSecurityHeaders(answer, '500');
    const requestId = answer.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const entry = logged.find((l) => l.message === 'internal error');
    expect(String((entry?.error as Error | undefined)?.stack)).toMatch(/login_failures/);
    // The process goes on.
    expect((await clients.get('anonymous')!.post('/v1/session', { username: 'reviewer1', password: 'verity-demo' })).status).toBe(200);
  });
});
