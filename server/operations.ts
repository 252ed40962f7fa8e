// Running the central service: request ids, structured JSON logs, readiness (/readyz), and a graceful shutdown that
// lets the requests in flight finish before the connections and the database close.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ReadyResponse } from '../shared/contract/operations';
import type { Queryable } from './db';
import { currentSchemaVersion, latestSchemaVersion } from './migrations';

/** message, the error if any, and fields (request id, status…) for one structured log line. */
export type Log = (message: string, error?: unknown, fields?: Record<string, unknown>) => void;

/** One JSON object per line on stderr: time, level, msg, the fields, and the error's name, message and stack. */
export const jsonLog: Log = (message, error, fields = {}) => {
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level: error === undefined ? 'info' : 'error', msg: message, ...fields };
  if (error !== undefined) {
    entry.error = error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) };
  }
  process.stderr.write(`${JSON.stringify(entry)}\n`);
};

/** The caller's X-Request-Id when it is a sane token (a proxy's or a client's), else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

export class Operations {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private idle: (() => void) | null = null;

  requestStarted(res: ServerResponse): void {
    this.inFlight.add(res);
    // While draining, each answer also ends its keep-alive connection.
    if (this.draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) this.idle?.();
    });
  }

  async readiness(db: Queryable): Promise<ReadyResponse> {
    const problems: string[] = [];
    let schemaVersion: number | null = null;
    if (this.draining) problems.push('This instance is shutting down; send requests to another');
    try {
      schemaVersion = await currentSchemaVersion(db);
      if (schemaVersion === null) problems.push('The database has no schema yet; start the server once to migrate it');
      else if (schemaVersion < latestSchemaVersion) problems.push(`The database schema is at version ${schemaVersion}, this server needs ${latestSchemaVersion}; restart to migrate`);
      else if (schemaVersion > latestSchemaVersion) problems.push(`The database schema is at version ${schemaVersion}, newer than this server's ${latestSchemaVersion}; update the server`);
    } catch (error) {
      problems.push(`The database does not answer: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500));
    }
    return { status: problems.length === 0 ? 'ready' : 'not_ready', problems, schemaVersion, expectedSchemaVersion: latestSchemaVersion };
  }

  /**
   * Stops taking connections, answers /readyz 503, lets the requests in flight finish (at most `graceMs`, then their
   * connections are cut), and closes idle keep-alive connections as they become idle.
   */
  async drain(http: Server, graceMs: number): Promise<void> {
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    const finished = new Promise<void>((resolve) => {
      this.idle = resolve;
      if (this.inFlight.size === 0) resolve();
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    await Promise.race([finished, late]);
    clearTimeout(timer);
    http.closeAllConnections();
    await closed;
  }
}
