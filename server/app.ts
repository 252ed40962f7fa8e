// startServer: database (pg or PGlite), migrations, seeded people, optional demo data, HTTP on 127.0.0.1.
// The workstation starts it in-process as the zero-setup central service; tests and server/main.ts too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCalendar, type BusinessCalendar } from '../shared/businessDays';
import type { CentralRole } from '../shared/contract/central';
import { hashPassword, LoginThrottle } from './auth';
import { openDatabase, type Database } from './db';
import { seedDemo, type DemoOptions } from './demo';
import { createHandler } from './http';
import { migrate } from './migrations';
import { currentCalendar } from './calendar';
import { CentralService } from './service';

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
  /** Seed the demo applications (and the decision history, unless `history: false`) when the database has none. */
  demo?: boolean | DemoOptions;
  /** Password of the seeded people (reviewer1 to reviewer4, supervisor1, intake); default 'verity-demo'. */
  seedPassword?: string;
  now?: () => Date;
  assignmentCap?: number;
  leaseMs?: number;
  /** Its time zone is the business calendar's; the days off and working days come from the database (migration 11). */
  calendar?: BusinessCalendar;
  loginLimit?: { attempts: number; windowMs: number };
  log?: (message: string, error?: unknown) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  service: CentralService;
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
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[central] ${message}`, error ?? ''));
  const db = await openDatabase({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  let server: ReturnType<typeof createServer> | null = null;
  try {
    await migrate(db);
    await seedPeople(db, options.seedPassword ?? defaultSeedPassword);
    const service = new CentralService(db, {
      now: options.now ?? (() => new Date()),
      assignmentCap: options.assignmentCap ?? 200,
      leaseMs: options.leaseMs ?? 72 * 60 * 60 * 1000,
      calendar: options.calendar ?? createCalendar(),
      log,
    });
    // The days come from the database (server/calendar.ts); the option gives only the time zone.
    await currentCalendar(service, db);
    if (options.demo) {
      await seedDemo(service, typeof options.demo === 'object' ? options.demo : {});
    }
    const throttle = new LoginThrottle(options.loginLimit?.attempts ?? 5, options.loginLimit?.windowMs ?? 15 * 60 * 1000);
    const handler = createHandler({ service, throttle, log });
    const http = createServer({ requestTimeout: 120_000, headersTimeout: 30_000 }, handler);
    server = http;
    http.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = http.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      db,
      service,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            http.close(() => resolve());
            http.closeAllConnections();
          });
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
    await db.close().catch(() => undefined);
    throw error;
  }
}
