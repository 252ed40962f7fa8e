// startServer: database (pg or PGlite), migrations, seeded people, optional demo data, HTTP on 127.0.0.1.
// The workstation starts it in-process as the zero-setup central service; tests and server/main.ts too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCalendar, type BusinessCalendar } from '../shared/businessDays';
import type { CentralRole } from '../shared/contract/central';
import { hashPassword } from './auth';
import { jsonLog, Operations, type Log } from './operations';
import { defaultThrottleLimit, LoginThrottle } from './throttle';
import { openDatabase, type Database, type PgliteSnapshot } from './db';
import { seedDemo, type DemoOptions } from './demo';
import { createHandler } from './http';
import { defaultTimeLimits, type TimeLimits } from './hardening';
import { migrate } from './migrations';
import { currentCalendar } from './calendar';
import { CentralService } from './service';
import { channelsOf, type NotificationOptions, parseNotificationConfig, sendersOf } from './notifications/config';
import { NotificationDispatcher } from './notifications/dispatcher';

export interface StartOptions {
  /** 0 (default): any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** postgres://… uses `pg`; otherwise PGlite in dataDir (in memory when dataDir is absent). */
  databaseUrl?: string;
  /** With databaseUrl: work in this schema (created if missing). */
  schema?: string;
  /** With databaseUrl and schema: drop the schema on close (tests). */
  dropSchemaOnClose?: boolean;
  dataDir?: string;
  /** PGlite in memory, loaded from and saved to this snapshot (the workstation's built-in service seals it). */
  snapshot?: PgliteSnapshot;
  /** Seed the demo applications (and the decision history, unless `history: false`) when the database has none. */
  demo?: boolean | DemoOptions;
  /** Password of the seeded people (reviewer1 to reviewer4, supervisor1, intake, admin1); default 'verity-demo'. */
  seedPassword?: string;
  /** Seed those people when missing (default true); server/main.ts does only with --demo: a real deployment's first admin comes from `people create`. */
  seedPeople?: boolean;
  now?: () => Date;
  assignmentCap?: number;
  leaseMs?: number;
  /** Its time zone is the business calendar's; the days off and working days come from the database (migration 10). */
  calendar?: BusinessCalendar;
  loginLimit?: { attempts: number; windowMs: number };
  /** The header the trusted proxy in front sets to the client's address, e.g. x-forwarded-for; default none (the peer). */
  trustedProxyHeader?: string | null;
  /** How long close() lets requests in flight finish before cutting them; default 10 s. */
  shutdownGraceMs?: number;
  /** Log one JSON line per request (server/main.ts does); default off (the workstation's embedded service, tests). */
  accessLog?: boolean;
  /** Default: JSON lines on stderr (server/operations.ts). */
  log?: Log;
  /** Applicant notifications: the email and SMS channels and the dispatcher's retry policy (default: message centre only). */
  notifications?: NotificationOptions;
  /** How long a client may take to send a request (server/hardening.ts); tests shorten them. */
  timeLimits?: Partial<TimeLimits>;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  service: CentralService;
  /** Delivers queued email and SMS notifications while the server runs (idle without those channels). */
  dispatcher: NotificationDispatcher;
  close(): Promise<void>;
}

export const seededPeople: readonly { username: string; displayName: string; role: CentralRole }[] = [
  { username: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' },
  { username: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' },
  // The demo's decision history is theirs (server/demoHistory.ts): no test or e2e workstation signs in as them.
  { username: 'reviewer3', displayName: 'Reviewer Three', role: 'reviewer' },
  { username: 'reviewer4', displayName: 'Reviewer Four', role: 'reviewer' },
  { username: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' },
  { username: 'intake', displayName: 'Customer console intake', role: 'intake' },
  { username: 'admin1', displayName: 'Admin One', role: 'admin' },
];

export const defaultSeedPassword = 'verity-demo';

async function seedPeople(db: Database, password: string): Promise<void> {
  const existing = new Set((await db.query<{ username: string }>(`SELECT username FROM people`)).map((r) => r.username));
  const missing = seededPeople.filter((person) => !existing.has(person.username));
  // scrypt runs on libuv's threads: hashed side by side, six people cost about what two did one after the other.
  const hashed = await Promise.all(missing.map(async (person) => ({ person, hash: await hashPassword(password) })));
  for (const { person, hash } of hashed) {
    await db.query(
      `INSERT INTO people (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING`,
      [person.username, person.displayName, person.role, hash],
    );
  }
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? jsonLog;
  const db = await openDatabase({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  let server: ReturnType<typeof createServer> | null = null;
  let dispatcher: NotificationDispatcher | null = null;
  try {
    const notifications = parseNotificationConfig(options.notifications);
    await migrate(db);
    if (options.seedPeople ?? true) await seedPeople(db, options.seedPassword ?? defaultSeedPassword);
    const service = new CentralService(db, {
      now: options.now ?? (() => new Date()),
      assignmentCap: options.assignmentCap ?? 200,
      leaseMs: options.leaseMs ?? 72 * 60 * 60 * 1000,
      calendar: options.calendar ?? createCalendar(),
      log,
      notificationChannels: channelsOf(notifications),
    });
    // The days come from the database (server/calendar.ts); the option gives only the time zone.
    await currentCalendar(service, db);
    if (options.demo) {
      await seedDemo(service, typeof options.demo === 'object' ? options.demo : {});
    }
    const throttle = new LoginThrottle(db, options.loginLimit ?? defaultThrottleLimit);
    const operations = new Operations();
    const handler = createHandler({
      service,
      throttle,
      trustedProxyHeader: options.trustedProxyHeader ?? null,
      operations,
      log,
      accessLog: options.accessLog ?? false,
    });
    const limits = { ...defaultTimeLimits, ...options.timeLimits };
    const http = createServer(
      { requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: limits.checkEveryMs },
      handler,
    );
    server = http;
    http.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const running = new NotificationDispatcher(db, { senders: sendersOf(notifications), policy: notifications, now: service.options.now, log });
    dispatcher = running;
    running.start();
    const address = http.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      db,
      service,
      dispatcher: running,
      close() {
        closing ??= (async () => {
          await operations.drain(http, options.shutdownGraceMs ?? 10_000);
          await running.stop();
          if (options.databaseUrl && options.schema && options.dropSchemaOnClose) {
            await db.query(`DROP SCHEMA IF EXISTS ${options.schema} CASCADE`);
          }
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    server?.close();
    await dispatcher?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
