// Test support: a real server on 127.0.0.1 with a controllable clock, on in-memory PGlite, or on the
// PostgreSQL of VERITY_TEST_DATABASE_URL in a fresh schema (dropped on close) when that is set.
import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { defaultSeedPassword, startServer, type RunningServer, type StartOptions } from '../../server/app';
import { openDatabase, type Database } from '../../server/db';
import type { ApplicationEnvelope, CentralRole, Change, ChangesResponse, DecisionMutation, IntakeRequest } from '../../shared/contract/central';
import type { Identity } from '../../shared/domain';
import type { CentralService, CheckedDocument } from '../../server/service';

export const testDatabaseUrl = process.env.VERITY_TEST_DATABASE_URL || undefined;

export interface TestClock {
  now: Date;
  advance(ms: number): void;
}

export function testClock(start = '2026-11-24T02:00:00.000Z'): TestClock {
  const clock = {
    now: new Date(start),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  return clock;
}

export interface TestServer extends RunningServer {
  clock: TestClock;
}

export async function startTestServer(options: StartOptions = {}, clock: TestClock = testClock()): Promise<TestServer> {
  const database: StartOptions = testDatabaseUrl
    ? { databaseUrl: testDatabaseUrl, schema: `verity_test_${randomBytes(6).toString('hex')}`, dropSchemaOnClose: true }
    : {};
  const server = await startServer({ ...database, now: () => clock.now, log: () => undefined, ...options });
  return { ...server, clock };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  bytes: Buffer;
}

export class TestClient {
  token: string | null = null;
  /** Whom the last sign-in's session names. */
  person: { username: string; displayName: string; role: string } | null = null;
  private username: string | null = null;
  private password = defaultSeedPassword;
  private expiresAt = 0;
  /** now: the server's clock, to sign in again when the 15-minute token is about to expire. */
  constructor(
    readonly baseUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async request(method: string, path: string, init: { json?: unknown; body?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token === undefined && this.username && this.expiresAt - this.now().getTime() < 60_000) {
      await this.signIn(this.username, this.password);
    }
    const token = init.token === undefined ? this.token : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, bytes, body: type.startsWith('application/json') ? JSON.parse(bytes.toString('utf8')) : null };
  }

  get(path: string, init?: Parameters<TestClient['request']>[2]) {
    return this.request('GET', path, init);
  }
  post(path: string, json: unknown, init?: Parameters<TestClient['request']>[2]) {
    return this.request('POST', path, { ...init, json });
  }

  async signIn(username: string, password = defaultSeedPassword): Promise<this> {
    const answer = await this.post('/v1/session', { username, password }, { token: null });
    if (answer.status !== 200) throw new Error(`sign-in of ${username} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    const session = answer.body as { accessToken: string; accessTokenExpiresAt: string; person: NonNullable<TestClient['person']> };
    this.token = session.accessToken;
    this.person = session.person;
    this.username = username;
    this.password = password;
    this.expiresAt = Date.parse(session.accessTokenExpiresAt);
    return this;
  }
}

/** Reads each client's changes feed on from where its last read ended (a workstation's sync, as far as the feed goes). */
export function changesReader(): (client: TestClient) => Promise<Change[]> {
  const cursors = new Map<TestClient, string | undefined>();
  return async (client) => {
    const cursor = cursors.get(client);
    const answer = await client.get(`/v1/changes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (answer.status !== 200) throw new Error(`GET /v1/changes answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const body = answer.body as ChangesResponse;
    cursors.set(client, body.cursor);
    return body.changes;
  };
}

/** A reviewer's decision on this application version as a workstation sends it: a plain approval unless overridden. */
export function decisionMutation(
  envelope: { application: { id: string; version: number } },
  madeBy: string,
  madeAt: Date,
  overrides: Partial<DecisionMutation> = {},
): DecisionMutation {
  return {
    type: 'decision',
    id: randomUUID(),
    applicationId: envelope.application.id,
    baseVersion: envelope.application.version,
    madeAt: madeAt.toISOString(),
    madeBy,
    offline: false,
    outcome: 'approve',
    reasonCodes: [],
    applicantMessage: 'Verified.',
    internalNote: '',
    overrideNote: null,
    overriddenRules: [],
    judgedOn: null,
    openedAt: null,
    ...overrides,
  };
}

/** A small plain image in the given format (not a document: enough for intake's checks). */
export async function sampleImage(format: 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif', width = 640, height = 400): Promise<Buffer> {
  const base = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 210, b: 220 } } });
  return base.toFormat(format).toBuffer();
}

/**
 * An individual's application submitted straight through the service at `submittedAt` (no HTTP, an image checked
 * once by the caller), optionally assigned: for tests that need many applications at chosen times.
 */
export async function submitIndividualAt(service: CentralService, image: CheckedDocument, submittedAt: Date, assignee: string | null = null): Promise<ApplicationEnvelope> {
  const id = randomUUID();
  const envelope = await service.submitChecked(
    {
      accountId: `ACC-${id.slice(0, 13)}`,
      kind: 'individual',
      registrationLocation: 'CN',
      submittedAt: submittedAt.toISOString(),
      identity: { kind: 'individual', fullName: `SPECIMEN ${id.slice(0, 8)}`, documentType: 'id_card', documentNumber: id.slice(0, 12), issuingLocation: 'CN' },
      icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
      applicantLanguage: 'en',
    },
    bothSides(image),
    id,
  );
  if (assignee) await service.assign(id, assignee);
  return envelope;
}

/** A bare database for storage tests: in-memory PGlite, or a fresh schema on VERITY_TEST_DATABASE_URL. */
export async function openTestDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  if (!testDatabaseUrl) {
    const db = await openDatabase({});
    return { db, close: () => db.close() };
  }
  const schema = `verity_test_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
  return {
    db,
    async close() {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    },
  };
}

/**
 * Makes some decisions fail inside the database, as PostgreSQL does on a value it refuses: one whose applicant message
 * is 'POISON' fails every time (a deterministic fault); one whose message is 'BUSY' fails as a serialisation
 * conflict (worth retrying). Disable it with `ALTER TABLE decisions DISABLE TRIGGER verity_test_poison`.
 */
export async function installPoisonTrigger(db: Database): Promise<void> {
  await db.query(`
    CREATE FUNCTION verity_test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.applicant_message = 'POISON' THEN RAISE EXCEPTION 'this decision cannot be stored'; END IF;
      IF NEW.applicant_message = 'BUSY' THEN RAISE EXCEPTION 'try again' USING ERRCODE = 'serialization_failure'; END IF;
      RETURN NEW;
    END $$`);
  await db.query(`CREATE TRIGGER verity_test_poison BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION verity_test_poison()`);
}

/** An application with no mainland resources and no ICP filing (R5 stays quiet). */
export const noIcp = { mainlandResources: false, icpFilingIntended: false, icpEntityName: null };

/**
 * The documents of an identity shown by one image: the licence of an enterprise, else the front, and for an ID card
 * the same image as its back too (intake refuses an ID card with one side: id_card_back_missing).
 */
export function intakeDocuments(identity: Identity, image: Buffer): IntakeRequest['documents'] {
  const contentBase64 = image.toString('base64');
  if (identity.kind === 'enterprise') return [{ role: 'licence', contentBase64 }];
  return identity.documentType === 'id_card' ? [{ role: 'front', contentBase64 }, { role: 'back', contentBase64 }] : [{ role: 'front', contentBase64 }];
}

/** An already checked test image as both sides of an ID card (one blob: the bytes are the same). */
export function bothSides(image: CheckedDocument): CheckedDocument[] {
  return [{ ...image, role: 'front' }, { ...image, role: 'back' }];
}

/** An intake request for one identity with one image (intakeDocuments); overrides win. */
export function intakeRequest(accountId: string, identity: Identity, image: Buffer, overrides: Partial<IntakeRequest> = {}): IntakeRequest {
  return {
    accountId,
    kind: identity.kind,
    registrationLocation: 'CN',
    identity,
    icp: noIcp,
    applicantLanguage: 'en',
    documents: intakeDocuments(identity, image),
    ...overrides,
  };
}

/**
 * Every table of the service's schema with its row count and an MD5 of its rows: two equal fingerprints mean nothing
 * was inserted, changed or deleted in between (the audit trails included).
 */
export async function databaseFingerprint(db: Database): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    // The name comes from the catalogue, quoted as an identifier: no request value reaches this text.
    const [row] = await db.query<{ rows: string; digest: string | null }>(
      `SELECT count(*)::text AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${name.replace(/"/g, '""')}" t`,
    );
    out[name] = `${row?.rows ?? '?'} rows ${row?.digest ?? '-'}`;
  }
  return out;
}

/** Who calls the central service in the boundary tests: one signed-in client per role, and one nobody signed in. */
export type Caller = CentralRole | 'anonymous';

/** A client per role (reviewer1, supervisor1, intake, admin1) and an anonymous one, on the server's clock. */
export async function clientPerRole(server: TestServer): Promise<Map<Caller, TestClient>> {
  const clients = new Map<Caller, TestClient>();
  const people: Record<CentralRole, string> = { reviewer: 'reviewer1', supervisor: 'supervisor1', intake: 'intake', admin: 'admin1' };
  for (const [role, username] of Object.entries(people)) {
    clients.set(role as CentralRole, await new TestClient(server.url, () => server.clock.now).signIn(username));
  }
  clients.set('anonymous', new TestClient(server.url, () => server.clock.now));
  return clients;
}
