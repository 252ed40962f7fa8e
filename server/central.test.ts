// The central API through real HTTP on 127.0.0.1 against a real database (in-memory PGlite, or the
// PostgreSQL of VERITY_TEST_DATABASE_URL). Every answer is checked against the route's zod schema at
// once, and at the end against server/openapi.yaml: each operation of the spec must have been called,
// each status seen must be declared there, and each JSON body must validate against the spec's schema.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  type ApplicationEnvelope,
  type AuditDevicesResponse,
  type AuditEntriesResponse,
  CentralError,
  centralRoutes,
  type ChangesResponse,
  type DecisionsResponse,
  type MutationBatchResponse,
  SessionResponse,
  type CentralRoute,
  type Change,
  type IntakeRequest,
  type Mutation,
  type MutationResult,
  defaultQualityPolicy,
  type QualityQueueResponse,
  type SupervisionBatchResponse,
} from '../shared/contract/central';
import { DecisionReport } from '../shared/contract/reports';
import type { DeactivateResponse, PeopleResponse, PersonChangesResponse, PersonRecord } from '../shared/contract/people';
import type { JudgedOn } from '../shared/contract/cases';
import type { Identity } from '../shared/domain';
import { createCalendar } from '../shared/businessDays';
import { evaluateRules } from '../shared/rules';
import { drawSpecimen } from '../resources/specimens/draw';
import { auditEntryHash } from './audit';
import { openApiPath } from './openapi';
import { CentralService, defaultServiceOptions, factsFor } from './service';
import { identityKeys } from './keys';
import { decisionMutation, sampleImage, startTestServer, TestClient, type Answer, type TestServer, intakeRequest } from '../tests/support/central';
import { specimenIdNumber } from '../tests/support/specimenNumbers';
import { checkChineseIdNumber, withUsccCheck } from '../shared/documentNumbers';
import type { LinkedAccountsResponse } from '../shared/contract/linked';

type OperationId = (typeof centralRoutes)[number]['operationId'] | 'headDocumentContent';
const routeOf = (op: OperationId): CentralRoute =>
  (centralRoutes as readonly CentralRoute[]).find((r) => r.operationId === (op === 'headDocumentContent' ? 'getDocumentContent' : op)) as CentralRoute;

const observed: { op: OperationId; status: number; body: unknown }[] = [];

let server: TestServer;
let intake: TestClient;
let r1: TestClient;
let r2: TestClient;
let sup: TestClient;
let anonymous: TestClient;
const images: Record<string, Buffer> = {};

async function call(
  op: OperationId,
  client: TestClient,
  path: string,
  init: { json?: unknown; body?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Answer> {
  const route = routeOf(op);
  const method = op === 'headDocumentContent' ? 'HEAD' : route.method.toUpperCase();
  const answer = await client.request(method, path, init);
  observed.push({ op, status: answer.status, body: answer.body });
  const declared = route.responses[answer.status];
  if (declared && declared !== 'binary' && !('lines' in declared)) {
    const parsed = declared.safeParse(answer.body);
    if (!parsed.success) throw new Error(`${op} ${answer.status}: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  } else if (answer.status >= 400 && answer.status !== 416) {
    expect(CentralError.safeParse(answer.body).success, `${op} ${answer.status} error envelope`).toBe(true);
  }
  return answer;
}

const errorCode = (a: Answer) => (a.body as CentralError).error.code;
const errorMessage = (a: Answer) => (a.body as CentralError).error.message;
const b64 = (bytes: Buffer) => bytes.toString('base64');

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk('IEND', Buffer.alloc(0))]);
}

let accountCounter = 0;
const nextAccount = () => `T-ACC-${(accountCounter += 1)}`;

/** A mainland ID card: `number` as given when it passes R9 (however typed), else a valid specimen number made from it. */
function individual(number: string, overrides: Partial<Extract<Identity, { kind: 'individual' }>> = {}): Identity {
  const documentNumber = checkChineseIdNumber(number, '2026-01-01').status === 'valid' ? number : specimenIdNumber(number);
  return { kind: 'individual', fullName: 'SPECIMEN Person', documentType: 'id_card', documentNumber, issuingLocation: 'CN', ...overrides };
}

function intakeBody(overrides: Partial<IntakeRequest> = {}): IntakeRequest {
  const identity = overrides.identity ?? individual(`ID${randomUUID().slice(0, 8)}`);
  return intakeRequest(nextAccount(), identity, images.jpeg as Buffer, overrides);
}

async function submit(overrides: Partial<IntakeRequest> = {}): Promise<ApplicationEnvelope> {
  const answer = await call('submitApplication', intake, '/v1/applications', { json: intakeBody(overrides) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as ApplicationEnvelope;
}

const cursors = new Map<TestClient, string | undefined>();
async function pull(client: TestClient, limit = 500): Promise<Change[]> {
  const cursor = cursors.get(client);
  const answer = await call('listChanges', client, `/v1/changes?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  expect(answer.status).toBe(200);
  const body = answer.body as ChangesResponse;
  cursors.set(client, body.cursor);
  return body.changes;
}

let deviceCounter = 0;
async function mutate(client: TestClient, mutations: Mutation[]): Promise<MutationResult[]> {
  const answer = await call('applyMutations', client, '/v1/mutations:batch', { json: { deviceId: `device-${(deviceCounter += 1)}`, mutations } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as MutationBatchResponse).results;
}

function decision(envelope: ApplicationEnvelope | { application: { id: string; version: number } }, overrides: Partial<Extract<Mutation, { type: 'decision' }>> = {}): Mutation {
  return decisionMutation(envelope, 'reviewer1', server.clock.now, overrides);
}

beforeAll(async () => {
  server = await startTestServer({ assignmentCap: 4, loginLimit: { attempts: 5, windowMs: 15 * 60 * 1000 } });
  intake = new TestClient(server.url, () => server.clock.now);
  r1 = new TestClient(server.url, () => server.clock.now);
  r2 = new TestClient(server.url, () => server.clock.now);
  sup = new TestClient(server.url, () => server.clock.now);
  anonymous = new TestClient(server.url, () => server.clock.now);
  images.jpeg = await drawSpecimen({ kind: 'id_card', side: 'front', fullName: 'SPECIMEN Person', documentNumber: 'X1', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2035-01-01' });
  images.png = await sampleImage('png');
  images.webp = await sampleImage('webp');
  images.tiff = await sampleImage('tiff');
  images.avif = await sampleImage('avif', 64, 64);
  const red = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
  const green = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 0, g: 255, b: 0 } } }).png().toBuffer();
  images.animated = await sharp([red, green], { join: { animated: true } }).webp().toBuffer();
  images.multipage = await sharp([red, red], { join: { animated: true } }).tiff().toBuffer();
});

afterAll(async () => {
  await server?.close();
});

describe('session', () => {
  it('refuses a wrong password, unknown fields and non-JSON bodies', async () => {
    const wrong = await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer1', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong)).toBe('bad_credentials');
    const unknown = await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer1', password: 'x', admin: true } });
    expect(unknown.status).toBe(400);
    expect(errorMessage(unknown)).toMatch(/admin/);
    const text = await call('createSession', anonymous, '/v1/session', { body: '{"username":"a","password":"b"}', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const broken = await call('createSession', anonymous, '/v1/session', { body: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
  });

  it('refuses an oversized body with 413', async () => {
    const big = await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer1', password: 'x'.repeat(70 * 1024) } });
    expect(big.status).toBe(413);
    expect(errorCode(big)).toBe('payload_too_large');
  });

  it('signs in with a 15-minute access token, refreshes once, and the token expires', async () => {
    const answer = await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer1', password: 'verity-demo' } });
    expect(answer.status).toBe(200);
    const session = SessionResponse.parse(answer.body);
    expect(session.person).toEqual({ username: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' });
    expect(Date.parse(session.accessTokenExpiresAt) - server.clock.now.getTime()).toBe(15 * 60 * 1000);

    const refreshed = await call('refreshSession', anonymous, '/v1/session/refresh', { json: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    const again = await call('refreshSession', anonymous, '/v1/session/refresh', { json: { refreshToken: session.refreshToken } });
    expect(again.status).toBe(401);
    expect(errorCode(again)).toBe('bad_refresh_token');

    const fresh = SessionResponse.parse(refreshed.body).accessToken;
    expect((await call('listChanges', anonymous, '/v1/changes', { token: fresh })).status).toBe(200);
    server.clock.advance(16 * 60 * 1000);
    const expired = await call('listChanges', anonymous, '/v1/changes', { token: fresh });
    expect(expired.status).toBe(401);
    expect(errorCode(expired)).toBe('unauthorized');
  });

  it('signs out this session, or every session everywhere: the tokens stop working at once (issue 25)', async () => {
    const signIn = async () => SessionResponse.parse((await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer3', password: 'verity-demo' } })).body);
    const works = async (accessToken: string) => (await call('listChanges', anonymous, '/v1/changes', { token: accessToken })).status === 200;
    const refreshes = async (refreshToken: string) => (await call('refreshSession', anonymous, '/v1/session/refresh', { json: { refreshToken } })).status === 200;
    const laptop = await signIn();
    const desktop = await signIn();
    const here = await call('signOut', anonymous, '/v1/session/sign-out', { token: laptop.accessToken, json: { everywhere: false, refreshToken: laptop.refreshToken } });
    expect(here.body).toEqual({ revokedTokens: 2 });
    expect([await works(laptop.accessToken), await refreshes(laptop.refreshToken)]).toEqual([false, false]);
    // Another device's session goes on until the person signs out everywhere (from a third device, say).
    expect(await works(desktop.accessToken)).toBe(true);
    const third = await signIn();
    const everywhere = await call('signOut', anonymous, '/v1/session/sign-out', { token: third.accessToken, json: { everywhere: true } });
    expect(everywhere.body).toEqual({ revokedTokens: 4 });
    expect([await works(desktop.accessToken), await refreshes(desktop.refreshToken), await works(third.accessToken)]).toEqual([false, false, false]);
    // Another person's refresh token is not the caller's to end; without a token there is nothing to sign out of.
    const other = SessionResponse.parse((await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer4', password: 'verity-demo' } })).body);
    const mine = await signIn();
    const foreign = await call('signOut', anonymous, '/v1/session/sign-out', { token: mine.accessToken, json: { everywhere: false, refreshToken: other.refreshToken } });
    expect(foreign.body).toEqual({ revokedTokens: 1 });
    expect(await refreshes(other.refreshToken)).toBe(true);
    expect((await call('signOut', anonymous, '/v1/session/sign-out', { token: null, json: { everywhere: true } })).status).toBe(401);
  });

  it('throttles failed sign-ins per username and address with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer2', password: `bad${i}` } })).status).toBe(401);
    }
    const limited = await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer2', password: 'verity-demo' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another username from the same address is not affected.
    expect((await call('createSession', anonymous, '/v1/session', { json: { username: 'supervisor1', password: 'verity-demo' } })).status).toBe(200);
    server.clock.advance(15 * 60 * 1000 + 1000);
    expect((await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer2', password: 'verity-demo' } })).status).toBe(200);
  });

  it('signs everybody in for the rest of the suite', async () => {
    const clients = [intake, r1, r2, sup];
    await Promise.all([intake.signIn('intake'), r1.signIn('reviewer1'), r2.signIn('reviewer2'), sup.signIn('supervisor1')]);
    expect(clients.map((c) => c.person)).toEqual([
      { username: 'intake', displayName: 'Customer console intake', role: 'intake' },
      { username: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' },
      { username: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' },
      { username: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' },
    ]);
    expect(new Set(clients.map((c) => c.token)).size).toBe(clients.length);
  });
});

describe('roles', () => {
  it('answers 401 without or with a bad token and 403 for the wrong role', async () => {
    expect((await call('listChanges', anonymous, '/v1/changes')).status).toBe(401);
    expect((await call('listChanges', anonymous, '/v1/changes', { token: 'va_not-a-token' })).status).toBe(401);
    expect((await call('submitApplication', r1, '/v1/applications', { json: intakeBody() })).status).toBe(403);
    expect((await call('listChanges', intake, '/v1/changes')).status).toBe(403);
    expect((await call('listChanges', sup, '/v1/changes')).status).toBe(403);
    expect((await call('applyMutations', sup, '/v1/mutations:batch', { json: { deviceId: 'd', mutations: [] } })).status).toBe(403);
    expect((await call('listDecisions', r1, '/v1/decisions')).status).toBe(403);
    expect((await call('applySupervision', intake, '/v1/supervision:batch', { json: { deviceId: 'd', mutations: [] } })).status).toBe(403);
    expect((await call('listQualityQueue', intake, '/v1/quality/queue?stage=quality')).status).toBe(403);
    expect((await call('getDecisionReport', r1, '/v1/reports/decisions')).status).toBe(403);
    expect((await call('assignApplication', r1, '/v1/applications/x/assign', { json: { reviewer: 'reviewer1' } })).status).toBe(403);
    expect((await call('withdrawApplication', r1, '/v1/applications/x/withdraw', { json: {} })).status).toBe(403);
    const badTicket = await call('withdrawApplication', intake, '/v1/applications/x/withdraw', { json: { ticketRef: 'call me' } });
    expect([badTicket.status, errorCode(badTicket)]).toEqual([400, 'invalid_ticket_ref']);
    expect((await call('getDocumentContent', intake, '/v1/documents/x/content')).status).toBe(403);
    // People administration is the admin's alone (the admin's own calls are in 'people administration' below).
    expect((await call('listPeople', sup, '/v1/people')).status).toBe(403);
    expect((await call('createPerson', r1, '/v1/people', { json: { username: 'x1', displayName: 'X', role: 'reviewer', password: 'a-long-enough-pass' } })).status).toBe(403);
    expect((await call('setPersonRole', intake, '/v1/people/reviewer1/role', { json: { role: 'supervisor' } })).status).toBe(403);
    expect((await call('resetPassword', sup, '/v1/people/reviewer1/password', { json: { password: 'a-long-enough-pass' } })).status).toBe(403);
    expect((await call('deactivatePerson', r1, '/v1/people/reviewer2/deactivate', { json: {} })).status).toBe(403);
    expect((await call('listPersonChanges', sup, '/v1/people/reviewer1/changes')).status).toBe(403);
    expect((await call('changePassword', anonymous, '/v1/session/password', { json: { currentPassword: 'x', newPassword: 'y' } })).status).toBe(401);
    expect((await call('listAccountMessages', sup, '/v1/accounts/x/messages')).status).toBe(403);
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    const missing = await anonymous.get('/v1/nothing');
    expect(missing.status).toBe(404);
    const method = await anonymous.request('DELETE', '/v1/session');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
  });
});

describe('intake', () => {
  it('accepts JPEG, PNG, WebP, TIFF and AVIF and stores each with its SHA-256', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'tiff', 'avif'] as const) {
      const bytes = images[format] as Buffer;
      const envelope = await submit({
        documents: [{ role: 'front', contentBase64: b64(bytes) }, { role: 'back', contentBase64: b64(bytes) }, { role: 'selfie', contentBase64: b64(images.png as Buffer) }],
      });
      expect(envelope.documents[0]?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(envelope.documents[0]?.byteSize).toBe(bytes.length);
      expect(envelope.documents[0]?.mediaType).toBe(`image/${format}`);
      expect(envelope.application.status).toBe('queued');
      expect(envelope.application.version).toBe(1);
      expect(envelope.application.assignee).toBeNull();
      expect(envelope.facts).toEqual({ accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null });
      // Tuesday 10:00 in Shanghai + 3 business days; escalation on day 2.
      expect(Date.parse(envelope.dueAt)).toBeGreaterThan(Date.parse(envelope.escalateAt));
      // Withdraw at once so these do not crowd the reviewers' queues below.
      expect((await call('withdrawApplication', intake, `/v1/applications/${envelope.application.id}/withdraw`, { json: { ticketRef: 'SUP-1' } })).status).toBe(200);
    }
  });

  it('refuses bad images, naming the document', async () => {
    const cases: [string, Buffer][] = [
      ['text', Buffer.from('this is not an image at all, just text')],
      ['heic', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(64)])],
      ['gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
      ['truncated jpeg', (images.jpeg as Buffer).subarray(0, 2000)],
      ['png claiming jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), (images.png as Buffer).subarray(3)])],
      ['animated webp', images.animated as Buffer],
      ['multi-page tiff', images.multipage as Buffer],
    ];
    for (const [name, bytes] of cases) {
      const answer = await call('submitApplication', intake, '/v1/applications', {
        json: intakeBody({ documents: [{ role: 'front', contentBase64: b64(images.png as Buffer) }, { role: 'back', contentBase64: b64(bytes) }] }),
      });
      expect(answer.status, name).toBe(400);
      expect(errorCode(answer), name).toBe('invalid_image');
      expect(errorMessage(answer), name).toMatch(/documents\.1\.contentBase64/);
    }
  });

  it('refuses images over 100 megapixels', async () => {
    // A tiny PNG whose header declares 20000 × 6000 pixels.
    const big = pngHeaderOnly(20000, 6000);
    const answer = await call('submitApplication', intake, '/v1/applications', { json: intakeBody({ documents: [{ role: 'front', contentBase64: b64(big) }, { role: 'back', contentBase64: b64(big) }] }) });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('invalid_image');
  });

  it('refuses an ID card with one side (id_card_back_missing) and takes it with both, or a passport with its page alone', async () => {
    const front = { role: 'front' as const, contentBase64: b64(images.jpeg as Buffer) };
    for (const documents of [[front], [front, { role: 'selfie' as const, contentBase64: b64(images.png as Buffer) }]]) {
      const oneSide = await call('submitApplication', intake, '/v1/applications', { json: intakeBody({ documents }) });
      expect(oneSide.status).toBe(400);
      expect(errorCode(oneSide)).toBe('id_card_back_missing');
      expect(errorMessage(oneSide)).toMatch(/both sides.*role back/);
    }
    const both = await submit({ documents: [front, { role: 'back', contentBase64: b64(images.png as Buffer) }] });
    expect(both.documents.map((d) => d.role)).toEqual(['front', 'back']);
    const passport: Identity = { kind: 'individual', fullName: 'SPECIMEN Traveller', documentType: 'passport', documentNumber: 'E12345678', issuingLocation: 'CN' };
    const page = await submit({ identity: passport, documents: [{ role: 'page', contentBase64: b64(images.jpeg as Buffer) }] });
    expect(page.documents.map((d) => d.role)).toEqual(['page']);
    // Withdrawn at once so they do not crowd the reviewers' queues below.
    for (const envelope of [both, page]) {
      expect((await call('withdrawApplication', intake, `/v1/applications/${envelope.application.id}/withdraw`, { json: { ticketRef: 'SUP-2' } })).status).toBe(200);
    }
  });

  it('refuses unknown fields, wrong kinds and missing documents, naming the field', async () => {
    const extra = await call('submitApplication', intake, '/v1/applications', { json: { ...intakeBody(), score: 3 } });
    expect(extra.status).toBe(400);
    expect(errorMessage(extra)).toMatch(/score/);
    const nested = await call('submitApplication', intake, '/v1/applications', { json: intakeBody({ identity: { ...individual('N1'), nickname: 'x' } as unknown as Identity }) });
    expect(nested.status).toBe(400);
    expect(errorMessage(nested)).toMatch(/nickname/);
    const location = await call('submitApplication', intake, '/v1/applications', { json: intakeBody({ registrationLocation: 'china' }) });
    expect(location.status).toBe(400);
    expect(errorMessage(location)).toMatch(/registrationLocation/);
    const kind = await call('submitApplication', intake, '/v1/applications', { json: intakeBody({ kind: 'enterprise' }) });
    expect(kind.status).toBe(400);
    expect(errorMessage(kind)).toMatch(/identity/);
    const selfieOnly = await call('submitApplication', intake, '/v1/applications', {
      json: intakeBody({ documents: [{ role: 'selfie', contentBase64: b64(images.png as Buffer) }] }),
    });
    expect(selfieOnly.status).toBe(400);
    expect(errorMessage(selfieOnly)).toMatch(/documents/);
    const change = await call('submitApplication', intake, '/v1/applications', { json: intakeBody({ kind: 'change' }) });
    expect(change.status).toBe(409);
    expect(errorCode(change)).toBe('account_not_verified');
  });

  it('refuses a second open application for one account', async () => {
    const body = intakeBody();
    expect((await call('submitApplication', intake, '/v1/applications', { json: body })).status).toBe(201);
    const second = await call('submitApplication', intake, '/v1/applications', { json: { ...body } });
    expect(second.status).toBe(409);
    expect(errorCode(second)).toBe('application_pending');
    const id = ((await server.db.query<{ id: string }>(`SELECT id FROM applications WHERE account_id = $1`, [body.accountId]))[0] as { id: string }).id;
    expect((await call('withdrawApplication', intake, `/v1/applications/${id}/withdraw`, { json: { ticketRef: 'TK-1' } })).status).toBe(200);
  });
});

// The flow: applications come in, reviewers pull, decide, get refused, get reassigned.
const docX = individual('DOCX-0001', { fullName: 'SPECIMEN Xiao' });
const app: Record<string, ApplicationEnvelope> = {};

describe('assignment and the changes feed', () => {
  it('assigns the oldest due first, up to the cap, and pages with an opaque cursor', async () => {
    const hoursAgo = (h: number) => new Date(server.clock.now.getTime() - h * 3_600_000).toISOString();
    app.a = await submit({ identity: docX, submittedAt: hoursAgo(30) });
    app.d = await submit({ identity: docX, submittedAt: hoursAgo(29) }); // the same document on another account
    app.mismatch = await submit({ identity: individual('HK-777', { issuingLocation: 'HK' }), submittedAt: hoursAgo(28) });
    app.b = await submit({ submittedAt: hoursAgo(27) });
    app.late = await submit({ submittedAt: hoursAgo(1) });

    const first = await call('listChanges', r1, '/v1/changes?limit=3');
    const page = first.body as ChangesResponse;
    expect(page.hasMore).toBe(true);
    expect(page.changes.map((c) => [c.type, c.application.id])).toEqual([
      ['assigned', app.a.application.id],
      ['assigned', app.d.application.id],
      ['assigned', app.mismatch.application.id],
    ]);
    expect(page.cursor).not.toMatch(/^\d+$/);
    const rest = await call('listChanges', r1, `/v1/changes?limit=3&cursor=${page.cursor}`);
    const restPage = rest.body as ChangesResponse;
    expect(restPage.changes.map((c) => c.application.id)).toEqual([app.b.application.id]);
    expect(restPage.hasMore).toBe(false);
    cursors.set(r1, restPage.cursor);
    for (const change of [...page.changes, ...restPage.changes]) {
      expect(change.application.assignee).toBe('reviewer1');
      expect(change.application.version).toBe(2);
      expect(change.documents.map((d) => d.role)).toEqual(['front', 'back']);
    }
    // Refreshing versions after assignment.
    for (const key of ['a', 'd', 'mismatch', 'b'] as const) {
      const change = [...page.changes, ...restPage.changes].find((c) => c.application.id === app[key]?.application.id) as Change;
      app[key] = change;
    }
    expect(await pull(r1)).toEqual([]);
    // The fifth goes to the next reviewer, since reviewer1 is at the cap of 4.
    const r2Changes = await pull(r2);
    expect(r2Changes.map((c) => c.application.id)).toEqual([app.late?.application.id]);
    app.late = r2Changes[0] as Change;
  });

  it('refuses a bad cursor, a bad limit and unknown parameters', async () => {
    const bad = await call('listChanges', r1, '/v1/changes?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('invalid_cursor');
    expect((await call('listChanges', r1, '/v1/changes?limit=0')).status).toBe(400);
    expect((await call('listChanges', r1, '/v1/changes?limit=5000')).status).toBe(400);
    const unknown = await call('listChanges', r1, '/v1/changes?since=2026-01-01');
    expect(unknown.status).toBe(400);
    expect(errorMessage(unknown)).toMatch(/since/);
  });
});

describe('documents', () => {
  it('serves the bytes with the SHA-256 as ETag, ranges, and 304', async () => {
    const doc = app.a?.documents[0];
    if (!doc) throw new Error('no document');
    const path = `/v1/documents/${doc.id}/content`;
    const full = await call('getDocumentContent', r1, path);
    expect(full.status).toBe(200);
    expect(full.headers.get('etag')).toBe(`"${doc.sha256}"`);
    expect(full.headers.get('content-type')).toBe(doc.mediaType);
    expect(createHash('sha256').update(full.bytes).digest('hex')).toBe(doc.sha256);

    const head = await call('headDocumentContent', r1, path);
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(doc.byteSize);

    const range = await call('getDocumentContent', r1, path, { headers: { range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 10-19/${doc.byteSize}`);
    expect(range.bytes.equals(full.bytes.subarray(10, 20))).toBe(true);
    const tail = await call('getDocumentContent', r1, path, { headers: { range: 'bytes=-5' } });
    expect(tail.bytes.equals(full.bytes.subarray(-5))).toBe(true);
    const open = await call('getDocumentContent', r1, path, { headers: { range: `bytes=${doc.byteSize - 3}-` } });
    expect(open.bytes).toHaveLength(3);
    const beyond = await call('getDocumentContent', r1, path, { headers: { range: `bytes=${doc.byteSize}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${doc.byteSize}`);
    const changed = await call('getDocumentContent', r1, path, { headers: { range: 'bytes=0-9', 'if-range': '"other"' } });
    expect(changed.status).toBe(200);

    const cached = await call('getDocumentContent', r1, path, { headers: { 'if-none-match': `"${doc.sha256}"` } });
    expect(cached.status).toBe(304);
    expect(cached.bytes).toHaveLength(0);
  });

  it('lets the supervisor read it, and refuses another reviewer and unknown ids', async () => {
    const doc = app.a?.documents[0];
    if (!doc) throw new Error('no document');
    expect((await call('getDocumentContent', sup, `/v1/documents/${doc.id}/content`)).status).toBe(200);
    const other = await call('getDocumentContent', r2, `/v1/documents/${doc.id}/content`);
    expect(other.status).toBe(403);
    expect(errorCode(other)).toBe('not_assigned');
    expect((await call('getDocumentContent', r1, `/v1/documents/${randomUUID()}/content`)).status).toBe(404);
  });
});

describe('mutations', () => {
  let approvalOfA: Mutation;

  it('applies a note and a decision, and answers a repeated id with the stored answer', async () => {
    const a = app.a as ApplicationEnvelope;
    const [note] = await mutate(r1, [
      { type: 'note', id: randomUUID(), applicationId: a.application.id, baseVersion: a.application.version, madeAt: server.clock.now.toISOString(), madeBy: 'reviewer1', offline: true, text: 'Photo checked against the entered data.' },
    ]);
    expect(note).toMatchObject({ status: 'applied', serverVersion: a.application.version });

    approvalOfA = decision(a);
    const [applied] = await mutate(r1, [approvalOfA]);
    expect(applied).toEqual({ id: approvalOfA.id, status: 'applied', serverVersion: a.application.version + 1 });

    const [repeat] = await mutate(r1, [approvalOfA]);
    expect(repeat).toEqual(applied);
    const [{ n }] = (await server.db.query<{ n: number }>(`SELECT count(*) AS n FROM decisions WHERE application_id = $1`, [a.application.id])) as [{ n: number }];
    expect(Number(n)).toBe(1);
  });

  it('tells the reviewer about the decision and about facts that changed for another case', async () => {
    const changes = await pull(r1);
    const ofA = changes.find((c) => c.application.id === app.a?.application.id);
    expect(ofA).toMatchObject({ type: 'updated', application: { status: 'approved', version: 3 } });
    // The same document on another pending application now counts one verified account (R2).
    const ofD = changes.find((c) => c.application.id === app.d?.application.id);
    expect(ofD?.type).toBe('updated');
    expect(ofD?.facts.accountsVerifiedWithDocument).toBe(1);
  });

  it('rejects a second decision as already_decided and a stale one as stale, with the current state', async () => {
    const a = app.a as ApplicationEnvelope;
    const [twice] = await mutate(r1, [decision(a, { baseVersion: a.application.version + 1, outcome: 'reject', reasonCodes: ['other'] })]);
    expect(twice).toMatchObject({ status: 'rejected', reason: 'already_decided', current: { status: 'approved' } });

    const b = app.b as ApplicationEnvelope;
    const [stale] = await mutate(r1, [decision(b, { baseVersion: b.application.version - 1 })]);
    expect(stale).toMatchObject({ status: 'rejected', reason: 'stale', current: { id: b.application.id, version: b.application.version } });
  });

  it('rejects decisions the rules forbid as invalid: R2 document used elsewhere, R1 without an override note', async () => {
    const d = app.d as ApplicationEnvelope;
    const [r2Block] = await mutate(r1, [decision(d)]);
    expect(r2Block).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect((r2Block as { message: string }).message).toMatch(/R2/);
    const [rejectD] = await mutate(r1, [decision(d, { outcome: 'reject', reasonCodes: ['document_already_used'] })]);
    expect(rejectD?.status).toBe('applied');

    const m = app.mismatch as ApplicationEnvelope;
    const [r1Block] = await mutate(r1, [decision(m)]);
    expect(r1Block).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect((r1Block as { message: string }).message).toMatch(/R1/);
    const [noReason] = await mutate(r1, [decision(m, { outcome: 'reject', reasonCodes: [] })]);
    expect(noReason).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect((noReason as { message: string }).message).toMatch(/reasonCodes/);
    const [overridden] = await mutate(r1, [decision(m, { overrideNote: 'Hong Kong document accepted: account moved, ticket 88.' })]);
    expect(overridden?.status).toBe('applied');
  });

  it('rejects a decision on a withdrawn application, and a withdrawal after a decision', async () => {
    const b = app.b as ApplicationEnvelope;
    const withdrawn = await call('withdrawApplication', intake, `/v1/applications/${b.application.id}/withdraw`, { json: { ticketRef: 'SUP-42' } });
    expect(withdrawn.status).toBe(200);
    expect((withdrawn.body as ApplicationEnvelope).application.status).toBe('withdrawn');
    const [late] = await mutate(r1, [decision(b)]);
    expect(late).toMatchObject({ status: 'rejected', reason: 'withdrawn', current: { status: 'withdrawn' } });
    const feed = await pull(r1);
    expect(feed.map((c) => [c.type, c.application.id])).toContainEqual(['withdrawn', b.application.id]);

    const afterDecision = await call('withdrawApplication', intake, `/v1/applications/${app.a?.application.id}/withdraw`, { json: { ticketRef: 'SUP-43' } });
    expect(afterDecision.status).toBe(409);
    expect(errorCode(afterDecision)).toBe('already_decided');
    expect((await call('withdrawApplication', intake, `/v1/applications/nope/withdraw`, { json: { ticketRef: 'SUP-44' } })).status).toBe(404);
  });

  it("rejects a decision on another reviewer's application as not_assigned, and a reused id of another reviewer", async () => {
    const late = app.late as ApplicationEnvelope;
    const [notMine] = await mutate(r1, [decision(late)]);
    expect(notMine).toMatchObject({ status: 'rejected', reason: 'not_assigned' });
    const [missing] = await mutate(r1, [decision({ application: { id: 'no-such-application', version: 1 } })]);
    expect(missing).toMatchObject({ status: 'rejected', reason: 'invalid', current: null });
  });

  it('refuses a malformed batch with 400 naming the field', async () => {
    const late = app.late as ApplicationEnvelope;
    const badId = await call('applyMutations', r2, '/v1/mutations:batch', { json: { deviceId: 'd1', mutations: [{ ...decision(late), id: 'not-a-uuid' }] } });
    expect(badId.status).toBe(400);
    expect(errorMessage(badId)).toMatch(/mutations\.0\.id/);
    const extra = await call('applyMutations', r2, '/v1/mutations:batch', { json: { deviceId: 'd1', mutations: [{ ...decision(late), score: 1 }] } });
    expect(extra.status).toBe(400);
    expect(errorMessage(extra)).toMatch(/score/);
    const empty = await call('applyMutations', r2, '/v1/mutations:batch', { json: { deviceId: 'd1', mutations: [] } });
    expect(empty.status).toBe(400);
  });

  it('answers with its central id, stable across restarts of the process; one bound to another is refused with 409 and nothing changes', async () => {
    const page = (await call('listChanges', r2, '/v1/changes?limit=1')).body as ChangesResponse;
    expect(page.centralId).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await server.db.query<{ id: string }>(`SELECT id::text AS id FROM central_identity`);
    expect(page.centralId).toBe(row?.id);
    // A second service process on the same database (a restart) is the same central service.
    expect(await new CentralService(server.db, defaultServiceOptions()).centralId()).toBe(page.centralId);

    const other = randomUUID();
    // A decision on no application: answered (rejected, invalid) when accepted, so the flow's cases stay as they are.
    const mutation = decision({ application: { id: 'no-such-application', version: 1 } });
    const refused = await call('applyMutations', r2, '/v1/mutations:batch', { json: { deviceId: 'd1', centralId: other, mutations: [mutation] } });
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('wrong_central');
    expect(errorMessage(refused)).toContain(other);
    expect(await server.db.query(`SELECT id FROM mutations WHERE id = $1`, [mutation.id])).toEqual([]);
    const feed = await call('listChanges', r2, `/v1/changes?limit=1&centralId=${other}`);
    expect(feed.status).toBe(409);
    expect(errorCode(feed)).toBe('wrong_central');

    // Its own id is accepted on both.
    const same = await call('applyMutations', r2, '/v1/mutations:batch', { json: { deviceId: 'd1', centralId: page.centralId, mutations: [mutation] } });
    expect(same.status).toBe(200);
    expect((same.body as MutationBatchResponse).centralId).toBe(page.centralId);
    expect((await call('listChanges', r2, `/v1/changes?limit=1&centralId=${page.centralId}`)).status).toBe(200);
  });
});

describe('supervisor', () => {
  it('reassigns an open application; the old reviewer sees reassigned, the new one assigned', async () => {
    const late = app.late as ApplicationEnvelope;
    const answer = await call('assignApplication', sup, `/v1/applications/${late.application.id}/assign`, { json: { reviewer: 'reviewer1' } });
    expect(answer.status).toBe(200);
    expect((answer.body as ApplicationEnvelope).application).toMatchObject({ assignee: 'reviewer1', version: late.application.version + 1 });
    expect((await pull(r2)).map((c) => [c.type, c.application.id, c.application.assignee])).toEqual([['reassigned', late.application.id, 'reviewer1']]);
    expect((await pull(r1)).map((c) => [c.type, c.application.id])).toContainEqual(['assigned', late.application.id]);

    expect((await call('assignApplication', sup, `/v1/applications/${late.application.id}/assign`, { json: { reviewer: 'intake' } })).status).toBe(400);
    const decided = await call('assignApplication', sup, `/v1/applications/${app.a?.application.id}/assign`, { json: { reviewer: 'reviewer2' } });
    expect(decided.status).toBe(409);
    expect(errorCode(decided)).toBe('already_decided');
    expect((await call('assignApplication', sup, `/v1/applications/${app.b?.application.id}/assign`, { json: { reviewer: 'reviewer2' } })).status).toBe(409);
    expect((await call('assignApplication', sup, `/v1/applications/nope/assign`, { json: { reviewer: 'reviewer2' } })).status).toBe(404);
  });

  it('lists decisions with filters and keyset paging', async () => {
    const all = await call('listDecisions', sup, '/v1/decisions');
    const body = all.body as DecisionsResponse;
    expect(body.decisions).toHaveLength(3);
    expect(body.decisions.every((d) => d.reviewer === 'reviewer1' && d.reviewerName === 'Reviewer One')).toBe(true);
    // The counts beside the decision log's filters (server/decisions.test.ts covers them).
    const counts = await call('countDecisions', sup, '/v1/decisions/counts?outcome=reject');
    expect(counts.body).toMatchObject({ reviewer: [{ reviewer: 'reviewer1', name: 'Reviewer One', count: 1 }], outcome: { approve: 2, reject: 1 } });
    const rejected = (await call('listDecisions', sup, '/v1/decisions?outcome=reject')).body as DecisionsResponse;
    expect(rejected.decisions.map((d) => d.application.id)).toEqual([app.d?.application.id]);
    const byCode = (await call('listDecisions', sup, '/v1/decisions?reasonCode=document_already_used')).body as DecisionsResponse;
    expect(byCode.decisions).toHaveLength(1);
    expect(((await call('listDecisions', sup, '/v1/decisions?reviewer=reviewer2')).body as DecisionsResponse).decisions).toHaveLength(0);
    expect(((await call('listDecisions', sup, '/v1/decisions?kind=enterprise')).body as DecisionsResponse).decisions).toHaveLength(0);
    const future = new Date(server.clock.now.getTime() + 1000).toISOString();
    expect(((await call('listDecisions', sup, `/v1/decisions?from=${future}`)).body as DecisionsResponse).decisions).toHaveLength(0);
    expect(((await call('listDecisions', sup, `/v1/decisions?to=${future}`)).body as DecisionsResponse).decisions).toHaveLength(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pageAnswer = await call('listDecisions', sup, `/v1/decisions?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const pageBody = pageAnswer.body as DecisionsResponse;
      seen.push(...pageBody.decisions.map((d) => d.id));
      cursor = pageBody.nextCursor;
    } while (cursor);
    expect(seen).toEqual(body.decisions.map((d) => d.id));
    expect((await call('listDecisions', sup, '/v1/decisions?cursor=garbage')).status).toBe(400);
    expect((await call('listDecisions', sup, '/v1/decisions?outcome=maybe')).status).toBe(400);
  });

  it('exports the same decisions the log lists, as JSON lines (server/decisionExport.test.ts goes further)', async () => {
    const listed = ((await call('listDecisions', sup, '/v1/decisions')).body as DecisionsResponse).decisions;
    const answer = await call('exportDecisions', sup, '/v1/decisions/export');
    expect(answer.status).toBe(200);
    const lines = answer.bytes.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ total: { count: listed.length } });
    expect(lines.slice(1, -1).map((l) => l.id)).toEqual(listed.map((d) => d.id));
    expect(lines.at(-1)).toEqual({ end: true, rows: listed.length });
    expect((await call('exportDecisions', r1, '/v1/decisions/export')).status).toBe(403);
    expect((await call('exportDecisions', sup, '/v1/decisions/export?outcome=maybe')).status).toBe(400);
  });

  it('lists the exports on record, the one just made first (server/decisionExportLog.test.ts goes further)', async () => {
    expect((await call('exportDecisions', sup, '/v1/decisions/export?outcome=approve')).status).toBe(200);
    const answer = await call('listDecisionExports', sup, '/v1/decisions/exports?limit=1');
    expect(answer.status).toBe(200);
    expect((answer.body as { exports: { exportedBy: string; filter: unknown; complete: boolean }[] }).exports).toEqual([
      expect.objectContaining({ exportedBy: 'supervisor1', filter: { outcome: 'approve', clock: 'applied', order: 'newest' }, complete: true }),
    ]);
    expect((await call('listDecisionExports', r1, '/v1/decisions/exports')).status).toBe(403);
    expect((await call('listDecisionExports', sup, '/v1/decisions/exports?cursor=garbage')).status).toBe(400);
  });

  it('lists the withdrawals on record with their tickets (server/withdrawals.test.ts goes further)', async () => {
    const answer = await call('listWithdrawals', sup, '/v1/withdrawals');
    expect(answer.status).toBe(200);
    const body = answer.body as { withdrawals: { ticketRef: string; withdrawnBy: string }[]; total: number };
    expect(body.total).toBe(body.withdrawals.length);
    expect(body.withdrawals.length).toBeGreaterThan(0);
    for (const w of body.withdrawals) expect(w).toMatchObject({ ticketRef: expect.stringMatching(/^[A-Z]{2,8}-\d{1,12}$/), withdrawnBy: 'intake' });
    expect((await call('listWithdrawals', r1, '/v1/withdrawals')).status).toBe(403);
    expect((await call('listWithdrawals', sup, '/v1/withdrawals?cursor=garbage')).status).toBe(400);
  });

  it('records a quality review once per supervisor and decision, through the supervision batch', async () => {
    const decisions = ((await call('listDecisions', sup, '/v1/decisions')).body as DecisionsResponse).decisions;
    const target = decisions.find((d) => d.outcome === 'reject');
    if (!target) throw new Error('no rejection');
    const verdict = (verdict: string, reason: string, id = randomUUID(), decisionId = target.id) => ({
      type: 'review',
      id,
      decisionId,
      madeAt: server.clock.now.toISOString(),
      madeBy: 'supervisor1',
      offline: false,
      verdict,
      reason,
    });
    const supervise = async (mutations: unknown[]) => {
      const answer = await call('applySupervision', sup, '/v1/supervision:batch', { json: { deviceId: 'sup-device', mutations } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (answer.body as SupervisionBatchResponse).results;
    };
    expect(await supervise([verdict('agree', 'The photo is too dark to read the number; rejected rightly.')])).toMatchObject([{ status: 'applied' }]);
    expect(await supervise([verdict('agree', 'Second thoughts')])).toMatchObject([{ status: 'rejected', reason: 'already_reviewed' }]);
    expect(await supervise([verdict('agree', 'x', randomUUID(), randomUUID())])).toMatchObject([{ status: 'rejected', reason: 'not_found' }]);
    expect((await call('applySupervision', sup, '/v1/supervision:batch', { json: { deviceId: 'd', mutations: [verdict('maybe', 'x')] } })).status).toBe(400);
    const listed = ((await call('listDecisions', sup, '/v1/decisions?reviewed=true')).body as DecisionsResponse).decisions;
    expect(listed.map((d) => [d.id, d.effect, d.reviews.map((r) => [r.stage, r.verdict, r.reviewedBy])])).toEqual([
      [target.id, 'in_effect', [['quality', 'agree', 'supervisor1']]],
    ]);
    const policy = await call('getQualityPolicy', r1, '/v1/quality/policy');
    expect(policy.body).toEqual({ policy: defaultQualityPolicy, updatedBy: null, updatedAt: null });
    const queue = await call('listQualityQueue', sup, '/v1/quality/queue?stage=quality');
    expect((queue.body as QualityQueueResponse).items.map((i) => i.decision.id)).not.toContain(target.id);
    expect((await call('listQualityQueue', r1, '/v1/quality/queue?stage=quality')).status).toBe(403);
    expect((await call('listQualityQueue', r1, '/v1/quality/queue?stage=second_review')).status).toBe(200);
  });
});

describe('decision evidence', () => {
  // Decisions of this block only: the clock moves on first, and every list asks from then.
  let from = '';
  const ids: Record<'override' | 'offlineReject' | 'offlineApprove' | 'oldStyle', string> = { override: '', offlineReject: '', offlineApprove: '', oldStyle: '' };
  const listed = async (query: string): Promise<DecisionsResponse['decisions']> => {
    const answer = await call('listDecisions', sup, `/v1/decisions?from=${encodeURIComponent(from)}&limit=200${query ? `&${query}` : ''}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body as DecisionsResponse).decisions;
  };
  /** Submitted, assigned by the supervisor, and pulled by the reviewer's workstation (so no test below finds it in the feed). */
  const assigned = async (reviewer: 'reviewer1' | 'reviewer2', overrides: Partial<IntakeRequest> = {}): Promise<ApplicationEnvelope> => {
    const submitted = await submit(overrides);
    expect((await call('assignApplication', sup, `/v1/applications/${submitted.application.id}/assign`, { json: { reviewer } })).status).toBe(200);
    const change = (await pull(reviewer === 'reviewer1' ? r1 : r2)).find((c) => c.application.id === submitted.application.id);
    if (!change) throw new Error(`${submitted.application.id} did not reach ${reviewer}`);
    return change;
  };
  /** The workstation's evidence for a decision on this envelope now, as electron/store keeps it. */
  const judgedOn = (envelope: ApplicationEnvelope): JudgedOn => ({
    flags: evaluateRules({ application: envelope.application, facts: envelope.facts, quality: [], now: server.clock.now, calendar: createCalendar() }),
    lastVerifiedAt: envelope.facts.lastVerifiedAt,
  });

  it('carries the overridden rules and the flags judged on from the mutation to the decision log', async () => {
    server.clock.advance(60_000);
    from = server.clock.now.toISOString();
    const mismatch = await assigned('reviewer1', { identity: individual(`HK${randomUUID().slice(0, 8)}`, { issuingLocation: 'HK' }) });
    const evidence = judgedOn(mismatch);
    expect(evidence.flags.map((f) => [f.rule, f.severity, f.overridable])).toContainEqual(['R1', 'blocking', true]);
    const override = decision(mismatch, { overrideNote: 'HK card accepted, ticket 99.', overriddenRules: ['R1'], judgedOn: evidence });
    ids.override = override.id;
    expect(await mutate(r1, [override])).toMatchObject([{ status: 'applied' }]);

    const [stored] = await listed('');
    expect(stored).toMatchObject({ id: override.id, overrideNote: 'HK card accepted, ticket 99.', overriddenRules: ['R1'] });
    expect(stored?.judgedOn).toEqual(evidence);
  });

  it('refuses overridden rules on a rejection, or on an approval without an override note', async () => {
    const envelope = await assigned('reviewer1');
    const [onRejection] = await mutate(r1, [decision(envelope, { outcome: 'reject', reasonCodes: ['other'], overriddenRules: ['R1'] })]);
    expect(onRejection).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect((onRejection as { message: string }).message).toMatch(/overriddenRules/);
    const [withoutNote] = await mutate(r1, [decision(envelope, { overriddenRules: ['R1'] })]);
    expect(withoutNote).toMatchObject({ status: 'rejected', reason: 'invalid' });
    // A flag that is not one refuses the batch, naming the field.
    const malformed = await call('applyMutations', r1, '/v1/mutations:batch', {
      json: { deviceId: 'd1', mutations: [decision(envelope, { judgedOn: { flags: [{ rule: 'R1', severity: 'blocking' }], lastVerifiedAt: null } as unknown as JudgedOn })] },
    });
    expect(malformed.status).toBe(400);
    expect(errorMessage(malformed)).toMatch(/judgedOn\.flags\.0/);
    // Released for the reviewers that follow (the assignment cap of this file is small).
    const answer = await call('withdrawApplication', intake, `/v1/applications/${envelope.application.id}/withdraw`, { json: { ticketRef: 'SUP-45' } });
    expect(answer.status).toBe(200);
    await pull(r1);
  });

  it('accepts a mutation from a workstation older than the evidence fields: no overridden rules, nothing judged on', async () => {
    const envelope = await assigned('reviewer2');
    const { overriddenRules: _rules, judgedOn: _judged, openedAt: _opened, ...oldStyle } = decision(envelope, { madeBy: 'reviewer2', outcome: 'reject', reasonCodes: ['document_unreadable'] }) as Extract<Mutation, { type: 'decision' }>;
    void _rules;
    void _judged;
    void _opened;
    ids.oldStyle = oldStyle.id;
    const answer = await call('applyMutations', r2, '/v1/mutations:batch', { json: { deviceId: 'old-device', mutations: [oldStyle] } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((answer.body as MutationBatchResponse).results).toMatchObject([{ status: 'applied' }]);
    const stored = (await listed('')).find((d) => d.id === oldStyle.id);
    expect(stored).toMatchObject({ overriddenRules: [], judgedOn: null, openedAt: null, deviceId: 'old-device', dueAt: envelope.dueAt });
  });

  it('filters by offline and overridden, combined with reviewer and outcome, to exactly the matching decisions', async () => {
    const reject = await assigned('reviewer1');
    const offlineReject = decision(reject, { outcome: 'reject', reasonCodes: ['document_expired'], offline: true, judgedOn: judgedOn(reject) });
    const approve = await assigned('reviewer2');
    const offlineApprove = decision(approve, { madeBy: 'reviewer2', offline: true, judgedOn: judgedOn(approve) });
    ids.offlineReject = offlineReject.id;
    ids.offlineApprove = offlineApprove.id;
    expect(await mutate(r1, [offlineReject])).toMatchObject([{ status: 'applied' }]);
    expect(await mutate(r2, [offlineApprove])).toMatchObject([{ status: 'applied' }]);

    const expectIds = async (query: string, expected: (keyof typeof ids)[]) =>
      expect((await listed(query)).map((d) => d.id).sort(), query).toEqual(expected.map((k) => ids[k]).sort());
    await expectIds('', ['override', 'oldStyle', 'offlineReject', 'offlineApprove']);
    await expectIds('offline=true', ['offlineReject', 'offlineApprove']);
    await expectIds('offline=false', ['override', 'oldStyle']);
    await expectIds('overridden=true', ['override']);
    await expectIds('overridden=false', ['oldStyle', 'offlineReject', 'offlineApprove']);
    await expectIds('reviewer=reviewer1&offline=true', ['offlineReject']);
    await expectIds('reviewer=reviewer2&offline=false', ['oldStyle']);
    await expectIds('outcome=approve&overridden=false', ['offlineApprove']);
    await expectIds('outcome=approve&offline=false&overridden=true', ['override']);
    await expectIds('reviewer=reviewer2&overridden=true', []);
    await expectIds('outcome=reject&offline=true&reviewer=reviewer1', ['offlineReject']);

    for (const bad of ['offline=yes', 'offline=1', 'overridden=TRUE', 'overridden=']) {
      const answer = await call('listDecisions', sup, `/v1/decisions?${bad}`);
      expect(answer.status, bad).toBe(400);
      expect(errorMessage(answer), bad).toMatch(/offline|overridden/);
    }
  });

  it('keeps when the case was first opened and its due time, and reports on the decisions of this block', async () => {
    const envelope = await assigned('reviewer1');
    const openedAt = new Date(server.clock.now.getTime() - 7 * 60_000).toISOString();
    const timed = decision(envelope, { outcome: 'reject', reasonCodes: ['document_expired'], openedAt, judgedOn: judgedOn(envelope) });
    expect(await mutate(r1, [timed])).toMatchObject([{ status: 'applied' }]);
    expect((await listed('')).find((d) => d.id === timed.id)).toMatchObject({ openedAt, dueAt: envelope.dueAt });

    const answer = await call('getDecisionReport', sup, `/v1/reports/decisions?from=${encodeURIComponent(from)}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const report = DecisionReport.parse(answer.body);
    expect(report).toMatchObject({
      decisions: 5,
      handling: { overall: { measured: 1, medianMs: 420_000, p90Ms: 420_000 } },
      deadline: { overall: { within: 5, missed: 0 } },
      topRejectionReasons: [{ reasonCode: 'document_expired', count: 2 }, { reasonCode: 'document_unreadable', count: 1 }],
      flagOverrides: [{ rule: 'R1', count: 1 }],
    });
    const onlyReviewer2 = DecisionReport.parse((await call('getDecisionReport', sup, `/v1/reports/decisions?from=${encodeURIComponent(from)}&reviewer=reviewer2`)).body);
    expect(onlyReviewer2.decisions).toBe(2);
    expect((await call('getDecisionReport', sup, '/v1/reports/decisions?kind=robot')).status).toBe(400);
  });
});

describe('concurrency', () => {
  it('applies one decision when the same mutation races itself and a rival decision', async () => {
    const fresh = await submit();
    const mine = (await pull(r1)).find((c) => c.application.id === fresh.application.id);
    if (!mine) throw new Error('not assigned');
    const first = decision(mine);
    const rival = decision(mine, { outcome: 'reject', reasonCodes: ['other'] });
    const batch = (mutations: Mutation[]) =>
      r1.post('/v1/mutations:batch', { deviceId: 'race', mutations }).then((a) => (a.body as MutationBatchResponse).results);
    const [a, b, c] = await Promise.all([batch([first]), batch([first]), batch([rival])]);
    expect(a).toEqual(b);
    const outcomes = [a?.[0], c?.[0]].map((r) => r?.status).sort();
    expect(outcomes).toEqual(['applied', 'rejected']);
    const [{ n }] = (await server.db.query<{ n: number }>(`SELECT count(*) AS n FROM decisions WHERE application_id = $1`, [fresh.application.id])) as [{ n: number }];
    expect(Number(n)).toBe(1);
  });
});

describe('one batch', () => {
  it('decides in order on the state the earlier mutations left: a repeated id, a second decision, an approval changing facts', async () => {
    const number = specimenIdNumber(`SHARED${randomUUID()}`);
    const [p, q] = [await submit({ identity: individual(number) }), await submit({ identity: individual(number) })];
    const assigned = await pull(r1);
    const mine = (id: string) => assigned.find((c) => c.application.id === id) as Change;
    const first = decision(mine(p.application.id));
    const rival = decision(mine(p.application.id), { outcome: 'reject', reasonCodes: ['other'] });
    const next = decision(mine(q.application.id));
    const [applied, repeated, second, blocked] = await mutate(r1, [first, first, rival, next]);
    expect(applied).toEqual({ id: first.id, status: 'applied', serverVersion: mine(p.application.id).application.version + 1 });
    expect(repeated).toEqual(applied);
    expect(second).toMatchObject({ status: 'rejected', reason: 'already_decided', current: { status: 'approved' } });
    // q shows the document p's account was just verified with (R2), within the same batch.
    expect(blocked).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect((blocked as { message: string }).message).toMatch(/R2/);
    expect(await mutate(r1, [rival, next])).toEqual([second, blocked]);
    const feed = (await pull(r1)).map((c) => [c.type, c.application.id]);
    expect(feed).toEqual([
      ['updated', p.application.id],
      ['updated', q.application.id],
    ]);
  });
});

describe('R2 counts one document', () => {
  it('verified on another account at the same issuing location, however its number is typed; the same number issued elsewhere is another document', async () => {
    const number = specimenIdNumber(`R2DOC${randomUUID()}`);
    const verified = await submit({ identity: individual(number) });
    const first = (await pull(r1)).find((c) => c.application.id === verified.application.id);
    if (!first) throw new Error(`${verified.application.id} was not assigned to reviewer1`);
    expect((await mutate(r1, [decision(first)]))[0]?.status).toBe('applied');

    const sameDocument = await submit({ identity: individual(` ${number.slice(0, 5).toLowerCase()}-${number.slice(5)} `) });
    const otherLocation = await submit({ registrationLocation: 'HK', identity: individual(number, { issuingLocation: 'HK' }) });
    expect(sameDocument.facts.accountsVerifiedWithDocument).toBe(1);
    expect(otherLocation.facts.accountsVerifiedWithDocument).toBe(0);

    // The decisions follow: R2 refuses to approve the same document, and lets the one issued in Hong Kong through.
    const assigned = await pull(r1);
    const mine = (e: ApplicationEnvelope) => {
      const change = assigned.find((c) => c.application.id === e.application.id);
      if (!change) throw new Error(`${e.application.id} was not assigned to reviewer1`);
      return change;
    };
    expect(mine(sameDocument).facts.accountsVerifiedWithDocument).toBe(1);
    const [blocked, approved] = await mutate(r1, [decision(mine(sameDocument)), decision(mine(otherLocation))]);
    expect(blocked).toMatchObject({ status: 'rejected', reason: 'invalid' });
    expect((blocked as { message: string }).message).toMatch(/R2/);
    expect(approved?.status).toBe('applied');
    // Decided, so that it does not stay in reviewer1's queue for the tests below.
    expect((await mutate(r1, [decision(mine(sameDocument), { outcome: 'reject', reasonCodes: ['document_already_used'] })]))[0]?.status).toBe('applied');
  });
});

describe('leases', () => {
  it('releases an assignment not renewed in 72 hours to the next reviewer who pulls', async () => {
    const open = (await server.db.query<{ id: string }>(`SELECT id FROM applications WHERE assignee = 'reviewer1' AND status = 'queued'`)).map((r) => r.id);
    expect(open.length).toBeGreaterThan(0);
    server.clock.advance(71 * 3_600_000);
    await pull(r1); // renews reviewer1's leases
    server.clock.advance(71 * 3_600_000);
    expect((await pull(r2)).filter((c) => c.type === 'assigned')).toHaveLength(0);
    server.clock.advance(2 * 3_600_000);
    const taken = await pull(r2);
    expect(taken.filter((c) => c.type === 'assigned').map((c) => c.application.id).sort()).toEqual([...open].sort());
    const lost = await pull(r1);
    expect(lost.filter((c) => c.type === 'reassigned').map((c) => c.application.id).sort()).toEqual([...open].sort());
  });
});

describe('device audit trails (the rest in server/audit.test.ts)', () => {
  it('takes a page of a device trail, shows it to a supervisor, and to no one else', async () => {
    const unhashed = { seq: 1, at: server.clock.now.getTime(), action: 'documents_opened', applicationId: 'APP-AUDIT-1', actorId: 'reviewer1', actorName: 'Reviewer One', deviceId: 'device-central-test', online: true, details: '{"documents":[]}', prevHash: '0'.repeat(64) };
    const entries = [{ ...unhashed, hash: auditEntryHash(unhashed) }];
    const pushed = await call('pushAuditEntries', r1, '/v1/audit:batch', { json: { deviceId: 'device-central-test', entries } });
    expect(pushed.body).toMatchObject({ acknowledgedSeq: 1, stored: 1, problems: [], held: null });
    expect((await call('pushAuditEntries', intake, '/v1/audit:batch', { json: { deviceId: 'device-central-test', entries } })).status).toBe(403);
    const devices = await call('listAuditDevices', sup, '/v1/audit/devices');
    expect((devices.body as AuditDevicesResponse).devices.find((d) => d.deviceId === 'device-central-test')).toMatchObject({ lastSeq: 1, integrity: { ok: true } });
    expect((await call('listAuditDevices', r1, '/v1/audit/devices')).status).toBe(403);
    const trail = await call('listAuditEntries', sup, '/v1/audit/entries?applicationId=APP-AUDIT-1');
    expect((trail.body as AuditEntriesResponse).entries).toMatchObject([{ deviceId: 'device-central-test', seq: 1, actor: { username: 'reviewer1' } }]);
    expect((await call('listAuditEntries', r1, '/v1/audit/entries')).status).toBe(403);
    expect((await call('listAuditEntries', sup, '/v1/audit/entries?cursor=x')).status).toBe(400);
  });
});

describe('applicant notifications (the rest in server/notifications/notifications.test.ts)', () => {
  it('shows the console an account’s messages, and the delivery state on the application’s trail to a supervisor', async () => {
    const submitted = await submit({ applicantLanguage: 'zh-CN', contact: { email: 'console-test@example.com' } });
    expect((await call('assignApplication', sup, `/v1/applications/${submitted.application.id}/assign`, { json: { reviewer: 'reviewer1' } })).status).toBe(200);
    const envelope = (await pull(r1)).filter((c) => c.application.id === submitted.application.id).at(-1) as ApplicationEnvelope;
    expect((await mutate(r1, [decision(envelope, { applicantMessage: '认证通过。' })]))[0]?.status).toBe('applied');
    const messages = await call('listAccountMessages', intake, `/v1/accounts/${submitted.application.accountId}/messages`);
    expect(messages.body).toMatchObject({ messages: [{ applicationId: submitted.application.id, outcome: 'approve', language: 'zh-CN', subject: '您的实名认证已通过' }], nextCursor: null });
    expect((await call('listAccountMessages', r1, `/v1/accounts/${submitted.application.accountId}/messages`)).status).toBe(403);
    expect(errorCode(await call('listAccountMessages', intake, '/v1/accounts/NO-SUCH-ACCOUNT/messages'))).toBe('not_found');
    // This server delivers no email (none configured): only the message centre is written.
    const trail = await call('listAuditEntries', sup, `/v1/audit/entries?applicationId=${submitted.application.id}`);
    expect((trail.body as AuditEntriesResponse).notifications).toMatchObject([{ channel: 'message_centre', state: 'sent', attempts: 0, language: 'zh-CN' }]);
    // The reviewer who decided it sees the same; another reviewer does not; the console may not ask.
    const mine = await call('listApplicationNotifications', r1, `/v1/applications/${submitted.application.id}/notifications`);
    expect(mine.body).toEqual({ notifications: (trail.body as AuditEntriesResponse).notifications });
    expect(errorCode(await call('listApplicationNotifications', r2, `/v1/applications/${submitted.application.id}/notifications`))).toBe('not_assigned');
    expect(errorCode(await call('listApplicationNotifications', sup, '/v1/applications/no-such-application/notifications'))).toBe('not_found');
    expect((await call('listApplicationNotifications', intake, `/v1/applications/${submitted.application.id}/notifications`)).status).toBe(403);
  });
});

describe('live oversight', () => {
  it("answers a supervisor the counts per reviewer and the list behind one, and refuses a reviewer", async () => {
    const summary = await call('getOversight', sup, '/v1/oversight');
    expect(summary.status).toBe(200);
    const rows = (summary.body as { rows: { reviewer: string | null; open: number }[] }).rows;
    const r1Open = rows.find((r) => r.reviewer === 'reviewer1')?.open ?? -1;
    const listed = await call('listOversightApplications', sup, '/v1/oversight/applications?reviewer=reviewer1&bucket=open&limit=200');
    expect(listed.status).toBe(200);
    expect((listed.body as { applications: unknown[] }).applications).toHaveLength(r1Open);
    const anyOpen = await call('listOversightApplications', sup, '/v1/oversight/applications?limit=1');
    const first = (anyOpen.body as { applications: { id: string }[] }).applications[0];
    expect(first).toBeDefined();
    {
      const one = await call('getApplication', sup, `/v1/applications/${first?.id ?? ''}`);
      expect((one.body as ApplicationEnvelope).application.id).toBe(first?.id);
      expect((one.body as ApplicationEnvelope).documents.length).toBeGreaterThan(0);
    }
    expect(errorCode(await call('getApplication', sup, '/v1/applications/no-such-application'))).toBe('not_found');
    expect((await call('getApplication', r1, `/v1/applications/${first?.id ?? 'x'}`)).status).toBe(403);
    expect((await call('getOversight', r1, '/v1/oversight')).status).toBe(403);
    expect(errorCode(await call('listOversightApplications', sup, '/v1/oversight/applications?cursor=bm90LWEtY3Vyc29y'))).toBe('invalid_cursor');
  });
});

describe('people administration', () => {
  const admin = () => new TestClient(server.url, () => server.clock.now).signIn('admin1');
  const firstPassword = 'first-Password-2026';
  let adm: TestClient;
  let newcomer: TestClient;

  it('lets an admin manage people but nothing else: no review, no applicant data', async () => {
    adm = await admin();
    expect(adm.person?.role).toBe('admin');
    expect((await call('listChanges', adm, '/v1/changes')).status).toBe(403);
    expect((await call('listDecisions', adm, '/v1/decisions')).status).toBe(403);
    expect((await call('getOversight', adm, '/v1/oversight')).status).toBe(403);
    const list = await call('listPeople', adm, '/v1/people');
    expect(list.status).toBe(200);
    expect((list.body as PeopleResponse).people.map((p) => p.username)).toEqual(expect.arrayContaining(['admin1', 'reviewer1', 'supervisor1', 'intake']));
  });

  it('creates a person under the password policy; the first password must be changed before anything else', async () => {
    const weak = await call('createPerson', adm, '/v1/people', { json: { username: 'reviewer9', displayName: 'Reviewer Nine', role: 'reviewer', password: 'short' } });
    expect(weak.status).toBe(400);
    expect(errorCode(weak)).toBe('weak_password');
    expect(errorMessage(weak)).toMatch(/at least 12 characters/);
    const named = await call('createPerson', adm, '/v1/people', { json: { username: 'reviewer9', displayName: 'Reviewer Nine', role: 'reviewer', password: 'xx-reviewer9-xx' } });
    expect(errorCode(named)).toBe('weak_password');
    const badName = await call('createPerson', adm, '/v1/people', { json: { username: 'Reviewer 9', displayName: 'Reviewer Nine', role: 'reviewer', password: firstPassword } });
    expect(badName.status).toBe(400);
    expect(errorMessage(badName)).toMatch(/username/);
    const created = await call('createPerson', adm, '/v1/people', { json: { username: 'reviewer9', displayName: 'Reviewer Nine', role: 'reviewer', password: firstPassword } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username: 'reviewer9', displayName: 'Reviewer Nine', role: 'reviewer', active: true, mustChangePassword: true, deactivatedAt: null });
    expect(errorCode(await call('createPerson', adm, '/v1/people', { json: { username: 'reviewer9', displayName: 'Again', role: 'intake', password: firstPassword } }))).toBe('person_exists');

    newcomer = new TestClient(server.url, () => server.clock.now);
    const signIn = await call('createSession', newcomer, '/v1/session', { json: { username: 'reviewer9', password: firstPassword }, token: null });
    expect(SessionResponse.parse(signIn.body).mustChangePassword).toBe(true);
    const token = SessionResponse.parse(signIn.body).accessToken;
    const refused = await call('listChanges', newcomer, '/v1/changes', { token });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('password_change_required');

    const wrong = await call('changePassword', newcomer, '/v1/session/password', { token, json: { currentPassword: 'not-it', newPassword: 'Another-Pass-2026' } });
    expect(errorCode(wrong)).toBe('bad_credentials');
    const same = await call('changePassword', newcomer, '/v1/session/password', { token, json: { currentPassword: firstPassword, newPassword: firstPassword } });
    expect(errorCode(same)).toBe('weak_password');
    const changed = await call('changePassword', newcomer, '/v1/session/password', { token, json: { currentPassword: firstPassword, newPassword: 'Nine-owns-this-2026' } });
    expect(changed.status).toBe(200);
    const session = SessionResponse.parse(changed.body);
    expect(session.mustChangePassword).toBe(false);
    expect((await call('listChanges', newcomer, '/v1/changes', { token })).status).toBe(401);
    await newcomer.signIn('reviewer9', 'Nine-owns-this-2026');
    const work = await call('listChanges', newcomer, '/v1/changes');
    expect(work.status).toBe(200);
  });

  it('resets a password: the sessions end and a change is forced at the next sign-in', async () => {
    const before = newcomer.token;
    const reset = await call('resetPassword', adm, '/v1/people/reviewer9/password', { json: { password: 'temporary-Pass-77' } });
    expect(reset.status).toBe(200);
    expect((reset.body as PersonRecord).mustChangePassword).toBe(true);
    expect((await call('listChanges', newcomer, '/v1/changes', { token: before })).status).toBe(401);
    expect((await newcomer.signIn('reviewer9', 'temporary-Pass-77')).token).not.toBe(before);
    expect(errorCode(await call('listChanges', newcomer, '/v1/changes'))).toBe('password_change_required');
    expect((await call('changePassword', newcomer, '/v1/session/password', { json: { currentPassword: 'temporary-Pass-77', newPassword: 'Nine-again-2026!' } })).status).toBe(200);
    await newcomer.signIn('reviewer9', 'Nine-again-2026!');
    expect(errorCode(await call('resetPassword', adm, '/v1/people/nobody/password', { json: { password: 'temporary-Pass-77' } }))).toBe('not_found');
  });

  it('deactivates a person: their open applications go back to the pool at once and their tokens stop working', async () => {
    await submit();
    await submit();
    expect((await call('listChanges', newcomer, '/v1/changes')).status).toBe(200);
    const held = await server.db.query<{ id: string }>(`SELECT id FROM applications WHERE assignee = 'reviewer9' AND status = 'queued' ORDER BY id`);
    expect(held.length).toBeGreaterThan(0);
    const token = newcomer.token;
    const answer = await call('deactivatePerson', adm, '/v1/people/reviewer9/deactivate', { json: { reason: 'left the team' } });
    expect(answer.status).toBe(200);
    const result = answer.body as DeactivateResponse;
    expect(result.releasedApplications).toBe(held.length);
    expect(result.revokedTokens).toBeGreaterThan(0);
    expect(result.person).toMatchObject({ active: false, deactivatedAt: server.clock.now.toISOString() });
    for (const { id } of held) {
      const envelope = (await call('getApplication', sup, `/v1/applications/${id}`)).body as ApplicationEnvelope;
      expect(envelope.application.assignee).toBeNull();
    }
    expect((await call('listChanges', newcomer, '/v1/changes', { token })).status).toBe(401);
    expect(errorCode(await call('createSession', anonymous, '/v1/session', { json: { username: 'reviewer9', password: 'Nine-again-2026!' } }))).toBe('bad_credentials');
    expect(errorCode(await call('deactivatePerson', adm, '/v1/people/reviewer9/deactivate', { json: {} }))).toBe('person_inactive');
    expect(errorCode(await call('setPersonRole', adm, '/v1/people/reviewer9/role', { json: { role: 'reviewer' } }))).toBe('person_inactive');
  });

  it('sets roles, ending the sessions, and never leaves the service without an admin', async () => {
    const last = await call('deactivatePerson', adm, '/v1/people/admin1/deactivate', { json: {} });
    expect(errorCode(last)).toBe('last_admin');
    expect(errorCode(await call('setPersonRole', adm, '/v1/people/admin1/role', { json: { role: 'reviewer' } }))).toBe('last_admin');
    const created = await call('createPerson', adm, '/v1/people', { json: { username: 'intake2', displayName: 'Second intake', role: 'intake', password: firstPassword } });
    expect(created.status).toBe(201);
    const promoted = await call('setPersonRole', adm, '/v1/people/intake2/role', { json: { role: 'supervisor' } });
    expect(promoted.status).toBe(200);
    expect((promoted.body as PersonRecord).role).toBe('supervisor');
    expect(errorCode(await call('setPersonRole', adm, '/v1/people/intake2/role', { json: { role: 'owner' } }))).toBe('invalid_request');
  });

  it('audits every change: who, when, what, never a password', async () => {
    const answer = await call('listPersonChanges', adm, '/v1/people/reviewer9/changes');
    expect(answer.status).toBe(200);
    const changes = (answer.body as PersonChangesResponse).changes;
    expect(changes.map((c) => [c.action, c.changedBy])).toEqual([
      ['created', 'admin1'],
      ['password_changed', 'reviewer9'],
      ['password_reset', 'admin1'],
      ['password_changed', 'reviewer9'],
      ['deactivated', 'admin1'],
    ]);
    expect(changes[4]?.detail).toMatchObject({ reason: 'left the team' });
    expect(JSON.stringify(changes)).not.toMatch(/Pass|scrypt/);
    expect(errorCode(await call('listPersonChanges', adm, '/v1/people/nobody/changes'))).toBe('not_found');
    await expect(server.db.query(`DELETE FROM people_changes`)).rejects.toThrow(/append-only/);
  });

  it('answers /healthz and /readyz without a token, with the request id echoed or made', async () => {
    const health = await call('getHealth', anonymous, '/healthz', { headers: { 'x-request-id': 'lb-check-42' } });
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toBe('lb-check-42');
    const ready = await call('getReadiness', anonymous, '/readyz', { headers: { 'x-request-id': 'no spaces allowed' } });
    expect(ready.status).toBe(200);
    expect((ready.body as { status: string }).status).toBe('ready');
    expect(ready.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the business calendar routes (server/calendar.test.ts goes further)', () => {
  it('answers the calendar to reviewers and supervisors, changes to supervisors only', async () => {
    expect((await call('getCalendar', r1, '/v1/calendar')).status).toBe(200);
    expect((await call('getCalendar', intake, '/v1/calendar')).status).toBe(403);
    const year = { official: false, holidays: [{ date: '2030-01-01', name: "New Year's Day" }], workingDays: [], note: 'provisional' };
    expect((await call('replaceCalendarYear', r1, '/v1/calendar/years/2030', { json: year })).status).toBe(403);
    const weekday = await call('replaceCalendarYear', sup, '/v1/calendar/years/2030', { json: { ...year, workingDays: [{ date: '2030-01-02', name: 'x' }] } });
    expect(errorCode(weekday)).toBe('invalid_calendar_day');
    expect((await call('replaceCalendarYear', sup, '/v1/calendar/years/2030', { json: year })).status).toBe(200);
    expect((await call('listCalendarChanges', sup, '/v1/calendar/changes?year=2030')).status).toBe(200);
    expect((await call('listCalendarChanges', r1, '/v1/calendar/changes')).status).toBe(403);
  });
});

describe('linked accounts behind R2 and R3 (server/linked.ts)', () => {
  /** An account verified now with `identity`, as the central service keeps one (the demo's way). */
  async function verifiedAccount(identity: Identity, daysAgo: number): Promise<string> {
    const id = nextAccount();
    const keys = identityKeys(identity);
    await server.db.query(
      `INSERT INTO accounts (id, registration_location, verified_identity, verified_at, doc_key, ent_name_key, ent_reg_key) VALUES ($1, 'CN', $2::jsonb, $3, $4, $5, $6)`,
      [id, JSON.stringify(identity), new Date(server.clock.now.getTime() - daysAgo * 86_400_000), keys.docKey, keys.entNameKey, keys.entRegKey],
    );
    return id;
  }
  const accessRows = async (applicationId: string) =>
    server.db.query<{ username: string; account_ids: string[] }>(`SELECT username, account_ids FROM linked_account_access WHERE application_id = $1 ORDER BY id`, [applicationId]);
  const linked = (a: Answer) => a.body as LinkedAccountsResponse;

  it('names the accounts R2 and R3 count, as many as the facts say, to the reviewer holding the case and a supervisor; audits each look', async () => {
    const shared = individual(`LNK${randomUUID().slice(0, 6)}`, { fullName: 'SPECIMEN Linked' });
    const older = await verifiedAccount(shared, 40);
    const company = { kind: 'enterprise' as const, enterpriseName: `SPECIMEN Linked ${randomUUID().slice(0, 6)} Co., Ltd.`, registeredAddress: '1 Test Road', businessRegistrationNumber: withUsccCheck(`91440300MA5L${String(Date.now() % 100000).padStart(5, '0')}`) };
    // R3 counts an account matching by name OR by registration number once: 3 by both, 1 by name only, 1 by number only.
    for (let i = 0; i < 3; i++) await verifiedAccount(company, 100 + i);
    await verifiedAccount({ ...company, businessRegistrationNumber: withUsccCheck('91440300MA5ZZZZZ9') }, 90);
    await verifiedAccount({ ...company, enterpriseName: 'SPECIMEN Another Name Co., Ltd.' }, 80);
    const person = await submit({ identity: shared });
    const enterprise = await submit({ kind: 'enterprise', identity: company });
    for (const e of [person, enterprise]) expect((await call('assignApplication', sup, `/v1/applications/${e.application.id}/assign`, { json: { reviewer: 'reviewer1' } })).status).toBe(200);
    const facts = await factsFor(server.db, [person.application.id, enterprise.application.id]);

    const r2List = await call('listLinkedAccounts', r1, `/v1/applications/${person.application.id}/linked-accounts`);
    expect(r2List.status).toBe(200);
    expect(linked(r2List).document).toHaveLength(facts.get(person.application.id)?.accountsVerifiedWithDocument ?? -1);
    expect(linked(r2List)).toMatchObject({
      applicationId: person.application.id,
      document: [{ accountId: older, name: 'SPECIMEN Linked', status: 'verified', matchedOn: ['document'], applications: [] }],
      enterprise: [],
    });
    // Only what the rule needs: no identity document, address, contact or image of the other account.
    expect(Object.keys(linked(r2List).document[0] ?? {}).sort()).toEqual(['accountId', 'applications', 'matchedOn', 'name', 'status', 'verifiedAt']);

    const r3List = linked(await call('listLinkedAccounts', sup, `/v1/applications/${enterprise.application.id}/linked-accounts`));
    expect(r3List.enterprise).toHaveLength(5);
    expect(r3List.enterprise).toHaveLength(facts.get(enterprise.application.id)?.enterpriseAccountsVerified ?? -1);
    expect(r3List.enterprise.map((a) => a.matchedOn.join('+')).sort()).toEqual(['enterprise_name', 'enterprise_name+registration_number', 'enterprise_name+registration_number', 'enterprise_name+registration_number', 'registration_number']);

    // Another account verified with the document since: the count and the list move together.
    const newer = await verifiedAccount(shared, 1);
    const again = linked(await call('listLinkedAccounts', r1, `/v1/applications/${person.application.id}/linked-accounts`));
    expect(again.document.map((a) => a.accountId)).toEqual([newer, older]);
    expect((await factsFor(server.db, [person.application.id])).get(person.application.id)?.accountsVerifiedWithDocument).toBe(again.document.length);

    // Who may not look: another reviewer, the console, an unknown application.
    expect(errorCode(await call('listLinkedAccounts', r2, `/v1/applications/${person.application.id}/linked-accounts`))).toBe('not_assigned');
    expect((await call('listLinkedAccounts', intake, `/v1/applications/${person.application.id}/linked-accounts`)).status).toBe(403);
    expect(errorCode(await call('listLinkedAccounts', sup, '/v1/applications/no-such-application/linked-accounts'))).toBe('not_found');
    // Every look that answered is on the server's record, with the accounts it named; the refused ones are not.
    expect(await accessRows(person.application.id)).toEqual([
      { username: 'reviewer1', account_ids: [older] },
      { username: 'reviewer1', account_ids: [newer, older] },
    ]);
    expect((await accessRows(enterprise.application.id)).map((r) => [r.username, r.account_ids.length])).toEqual([['supervisor1', 5]]);
    await expect(server.db.query(`DELETE FROM linked_account_access`)).rejects.toThrow(/append-only/);
  });
});

describe('the retention period (electron/api/retention.test.ts applies it on a workstation)', () => {
  it('is 30 days until an administrator sets it, rides on the changes feed, and only an administrator may set it', async () => {
    const feed = async () => ((await call('listChanges', r1, '/v1/changes?limit=1')).body as { retentionDays?: number }).retentionDays;
    expect(await feed()).toBe(30);
    expect((await call('setRetention', r1, '/v1/retention', { json: { days: 7 } })).status).toBe(403);
    const adm = await new TestClient(server.url, () => server.clock.now).signIn('admin1');
    expect(errorCode(await call('setRetention', adm, '/v1/retention', { json: { days: 0 } }))).toBe('invalid_request');
    const set = await call('setRetention', adm, '/v1/retention', { json: { days: 45 } });
    expect([set.status, set.body]).toEqual([200, { days: 45, updatedAt: server.clock.now.toISOString(), updatedBy: 'admin1' }]);
    expect(await feed()).toBe(45);
    expect((await call('setRetention', adm, '/v1/retention', { json: { days: 30 } })).status).toBe(200);
  });
});

describe('the contract of server/openapi.yaml', () => {
  it('was exercised on every operation, with declared statuses and bodies that validate against the spec', () => {
    const spec = parse(readFileSync(openApiPath, 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const defs = JSON.parse(JSON.stringify(spec.components.schemas).replaceAll('#/components/schemas/', '#/$defs/')) as Record<string, unknown>;
    const operations = Object.values(spec.paths).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBe(centralRoutes.length + 1);
    for (const operation of operations) {
      const calls = observed.filter((o) => o.op === operation.operationId);
      expect(calls.length, `${operation.operationId} was called`).toBeGreaterThan(0);
      expect(calls.some((c) => c.status < 300), `${operation.operationId} succeeded at least once`).toBe(true);
      for (const c of calls) {
        const response = operation.responses[String(c.status)] ?? operation.responses.default;
        expect(response, `${operation.operationId} declares ${c.status}`).toBeDefined();
        if (c.status >= 500) throw new Error(`${operation.operationId} answered ${c.status}`);
        expect(operation.responses[String(c.status)], `${operation.operationId} declares ${c.status} explicitly`).toBeDefined();
        const schema = response?.content?.['application/json']?.schema;
        if (!schema) continue;
        const local = JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/')) as object;
        const validator = z.fromJSONSchema({ $defs: defs, ...local } as Parameters<typeof z.fromJSONSchema>[0]);
        const result = validator.safeParse(c.body);
        expect(result.success, `${operation.operationId} ${c.status}: ${result.success ? '' : JSON.stringify(result.error.issues.slice(0, 2))}`).toBe(true);
      }
    }
  });
});
