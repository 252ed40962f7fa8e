// bench/central: the central service under many workstations, one and two instances on one PostgreSQL.
//
// A fresh database (`verity_bench_central` on the server of VERITY_BENCH_DATABASE_URL, default the local CI one)
// gets the first admin through `npm run server -- people create`, 100,000 open applications written by the database
// (generate_series; each with an account, an email address and a phone), and the reviewers through the admin routes
// (each changes the temporary password at first sign-in, as a person would). Each instance is `server/main.ts` in a
// process of its own (as deployed), its email and SMS channels pointing at bench/central/receivers.ts. The driver
// simulates the workstations with plain fetch, each call going to the next instance in turn (a round-robin balancer):
// pull the changes feed until caught up, decide two of the cases held (an approval; a rejection where the server's
// rules refuse it), push them as one mutation batch, pull again. Measured per configuration after a warm-up (every
// reviewer's first pull, up to the assignment cap): requests/s, latency of each route, errors, decisions and
// notifications dispatched per second, and where the time went: CPU of the instances, of PostgreSQL and of the
// driver, the machine's idle share, and what PostgreSQL's active backends were waiting on (pg_stat_activity).
//
//   npx tsx bench/central/run.ts [--reviewers 200] [--applications 100000] [--seconds 40] [--instances 1,2] [--think-ms 0]
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { ChangesResponse, DecisionMutation, MutationBatchResponse } from '../../shared/contract/central';
import { argValue, machine } from '../common';
import { seedOpenApplications } from '../../tests/support/openApplications';
import { randomUUID } from 'node:crypto';

const root = fileURLToPath(new URL('../../', import.meta.url));
const reviewers = Number(argValue('--reviewers') ?? 200);
const applications = Number(argValue('--applications') ?? 100_000);
const seconds = Number(argValue('--seconds') ?? 40);
const instanceCounts = (argValue('--instances') ?? '1,2').split(',').map(Number);
const thinkMs = Number(argValue('--think-ms') ?? 0);
const serverUrl = process.env.VERITY_BENCH_DATABASE_URL ?? 'postgres://postgres:verity-ci@127.0.0.1:5432/postgres';
// Another name and port range let two runs share one PostgreSQL (their CPU is told apart by database, below).
const dbName = argValue('--database') ?? 'verity_bench_central';
const portBase = Number(argValue('--port-base') ?? 18_870);
const databaseUrl = serverUrl.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
const adminPassword = 'bench-admin-Passw0rd';
/** Names the bench's own connections in pg_stat_activity, so that their CPU is not counted as the service's. */
const benchApplicationName = 'bench-central-driver';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Node child running a TypeScript file; its stderr (an instance's JSON log) goes to `logFile` when given. */
function node(args: string[], env: Record<string, string>, stdio: 'ignore' | 'pipe' = 'ignore', logFile?: string): ChildProcess {
  const stderr = logFile ? openSync(logFile, 'w') : stdio;
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', stdio, stderr] });
}

/** The child's stdout, a line at a time; `logFile` is where its stderr says why it ended early. */
function lines(child: ChildProcess, logFile: string): () => Promise<string> {
  const iterator = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return async () => {
    const next = await iterator.next();
    if (next.done) throw new Error(`child ended without a line (exit ${child.exitCode ?? child.signalCode}); see ${logFile}`);
    return next.value;
  };
}

// ── the database ───────────────────────────────────────────────────────────────────────────────────
async function freshDatabase(): Promise<pg.Pool> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  // The first admin of a new database, as the README says (this migrates it too).
  const cli = node(['server/main.ts', 'people', 'create', '--username', 'benchadmin', '--name', 'Bench Admin', '--role', 'admin'], { DATABASE_URL: databaseUrl }, 'pipe');
  cli.stdin!.end(`${adminPassword}\n`);
  const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
  if (code !== 0) throw new Error(`people create exited ${code}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: benchApplicationName });
  // Which statements the time goes to, when the server loads pg_stat_statements (shared_preload_libraries).
  const [{ loaded }] = (await pool.query<{ loaded: boolean }>(`SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS loaded`)).rows as [{ loaded: boolean }];
  if (loaded) await pool.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
  return pool;
}

/** The statements that took most of PostgreSQL's time since the last reset (none without pg_stat_statements). */
async function statementCosts(db: pg.Pool, requests: number, reset: boolean): Promise<string[]> {
  const [{ present }] = (await db.query<{ present: boolean }>(`SELECT count(*) > 0 AS present FROM pg_extension WHERE extname = 'pg_stat_statements'`)).rows as [{ present: boolean }];
  if (!present) return [];
  if (reset) {
    await db.query(`SELECT pg_stat_statements_reset()`);
    return [];
  }
  // Planning counts too where the server tracks it (pg_stat_statements.track_planning; 0 otherwise): every statement
  // is planned afresh on each call, and for short statements planning may cost more than running them.
  const { rows } = await db.query<{ ms: number; planMs: number; calls: number; query: string }>(
    `SELECT total_exec_time + total_plan_time AS ms, total_plan_time AS "planMs", calls::int AS calls, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
    [dbName],
  );
  const [{ ms: all, calls: statements }] = (
    await db.query<{ ms: number; calls: number }>(
      `SELECT coalesce(sum(total_exec_time + total_plan_time), 0)::float8 AS ms, coalesce(sum(calls), 0)::float8 AS calls
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) AND toplevel`,
      [dbName],
    )
  ).rows as [{ ms: number; calls: number }];
  const per = (x: number) => (x / Math.max(1, requests)).toFixed(2);
  return [
    `all top-level statements: ${per(all)} ms/request, ${per(statements)} statements/request`,
    ...rows.map((r) => `${per(r.ms)} ms/request (plan ${per(r.planMs)}), ${r.calls} calls, ${(r.ms / Math.max(1, r.calls)).toFixed(2)} ms each: ${r.query.slice(0, 160)}`),
  ];
}

/**
 * The tables' upkeep during a window: autovacuum and autoanalyze runs, and the dead rows they started from. The first
 * configuration after the seed was seen paying 2–4× the PostgreSQL CPU per request of the second, in either order.
 */
async function tableUpkeep(db: pg.Pool) {
  const { rows } = await db.query<{ relname: string; live: number; dead: number; vacuums: number; analyzes: number; modified: number }>(
    `SELECT relname, n_live_tup::int AS live, n_dead_tup::int AS dead, autovacuum_count::int AS vacuums, autoanalyze_count::int AS analyzes,
            n_mod_since_analyze::int AS modified
       FROM pg_stat_user_tables WHERE n_live_tup + n_dead_tup > 0 OR autovacuum_count + autoanalyze_count > 0`,
  );
  return new Map(rows.map((r) => [r.relname, r]));
}

/** What autovacuum did between two snapshots of tableUpkeep, one line per table it touched. */
function upkeepBetween(before: Awaited<ReturnType<typeof tableUpkeep>>, after: Awaited<ReturnType<typeof tableUpkeep>>): string[] {
  return [...after.values()].flatMap((a) => {
    const b = before.get(a.relname);
    const vacuums = a.vacuums - (b?.vacuums ?? 0);
    const analyzes = a.analyzes - (b?.analyzes ?? 0);
    return vacuums + analyzes > 0 ? [`${a.relname}: ${vacuums} autovacuum, ${analyzes} autoanalyze (at the start ${b?.live ?? 0} live, ${b?.dead ?? 0} dead, ${b?.modified ?? 0} changed since analyze)`] : [];
  });
}

async function seedApplications(db: pg.Pool): Promise<void> {
  await seedOpenApplications({ query: async (sql, params) => (await db.query(sql, params as unknown[])).rows }, applications);
  // VACUUM too: without it the first configuration measured pays for the seed (hint bits, visibility map, an
  // autovacuum mid-run). What it cannot remove, the statistics of a store with no application assigned yet, the
  // service must bear (server/bulkImport.test.ts): a new deployment's first day, or one after a bulk import, is the same.
  await db.query(`VACUUM (ANALYZE)`);
}

// ── instances and measurement of where time goes ───────────────────────────────────────────────────
interface Instance {
  url: string;
  child: ChildProcess;
}

async function startInstances(count: number, env: Record<string, string>): Promise<Instance[]> {
  const started = Array.from({ length: count }, (_, i) => {
    const port = portBase + i;
    return { url: `http://127.0.0.1:${port}`, child: node(['server/main.ts', '--port', String(port)], { DATABASE_URL: databaseUrl, ...env }, 'ignore', `${tmpdir()}/bench-central-${dbName}-${count}-${i}.log`) };
  });
  for (const s of started) {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${s.url}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (i > 300) throw new Error(`${s.url} not ready`);
      await sleep(200);
    }
  }
  return started;
}

const ticks = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
};
/** The parent of a process (field 4 of /proc/PID/stat), or 0 when it is gone. */
const parentOf = (pid: number): number => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return 0;
  }
};
/**
 * The processes of the PostgreSQL server this bench uses (its postmaster and every child: backends, autovacuum, WAL
 * writer, checkpointer), not every `postgres` on the machine: another cluster's work must not count.
 */
const serverPids = (postmaster: number): number[] => [
  postmaster,
  ...readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => parentOf(pid) === postmaster),
];
const machineTicks = (): { busy: number; total: number } => {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
};

/** The process title PostgreSQL gives a backend ("postgres: [cluster:] user database host(port) state"). */
const titleOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** Ticks used between two listings of processes: a difference where a process is in both, all of one that started. */
function ticksBetween(start: ReadonlyMap<number, number>, end: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, t] of end) {
    const before = start.get(pid);
    sum += before !== undefined && t >= before ? t - before : t;
  }
  return sum;
}

/**
 * CPU seconds per wall second of each part, from /proc (100 ticks a second). PostgreSQL's processes are listed at both
 * ends, so a backend or autovacuum worker started meanwhile counts; one that ended meanwhile is lost with its ticks
 * (an instance's pool closes connections idle for 10 s: at reviewers' pace this database's share is a lower bound).
 */
function cpuMeter(instances: Instance[], postmaster: number, excluded: () => Promise<ReadonlySet<number>>) {
  const take = () => {
    const postgres = new Map(serverPids(postmaster).map((pid) => [pid, ticks(pid)]));
    // This database's backends: the instances' pooled connections (the bench's own are excluded at the end).
    const database = new RegExp(`\\s${dbName}\\s`);
    const thisDatabase = new Map([...postgres].filter(([pid]) => database.test(titleOf(pid))));
    return {
      at: performance.now(),
      servers: instances.reduce((sum, s) => sum + ticks(s.child.pid ?? 0), 0),
      postgres,
      thisDatabase,
      driver: process.cpuUsage(),
      machine: machineTicks(),
    };
  };
  const start = take();
  return async () => {
    const end = take();
    const own = await excluded();
    const wall = (end.at - start.at) / 1000;
    const driver = (end.driver.user + end.driver.system - start.driver.user - start.driver.system) / 1e6;
    const withoutOwn = (m: ReadonlyMap<number, number>) => new Map([...m].filter(([pid]) => !own.has(pid)));
    return {
      servers: (end.servers - start.servers) / 100 / wall,
      postgres: ticksBetween(start.postgres, end.postgres) / 100 / wall,
      postgresThisDatabase: ticksBetween(withoutOwn(start.thisDatabase), withoutOwn(end.thisDatabase)) / 100 / wall,
      driver: driver / wall,
      machineIdle: 1 - (end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total),
    };
  };
}

/** What PostgreSQL's active backends wait on, sampled every 100 ms: none (running on a CPU), Lock, LWLock, IO, … */
function waitSampler(db: pg.Pool) {
  const counts = new Map<string, number>();
  let samples = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const { rows } = await db.query<{ wait: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'running') AS wait, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
        [dbName],
      );
      for (const r of rows) counts.set(r.wait, (counts.get(r.wait) ?? 0) + r.n);
      samples += 1;
      await sleep(100);
    }
  })();
  return async () => {
    stop = true;
    await loop;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return {
      activeAvg: total / Math.max(1, samples),
      shares: [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([wait, n]) => `${wait} ${((100 * n) / Math.max(1, total)).toFixed(0)} %`),
    };
  };
}

// ── the workstations ──────────────────────────────────────────────────────────────────────────────
let turn = 0;
class Station {
  token = '';
  cursor: string | undefined;
  /** Open cases held: id → version, and whether the server refused its approval (then it is rejected). */
  readonly open = new Map<string, { version: number; reject: boolean }>();
  constructor(readonly username: string) {}
}

interface Stats {
  changes: number[];
  batch: number[];
  errors: Map<string, number>;
  applied: number;
}

async function call(urls: readonly string[], path: string, init: RequestInit & { token?: string }, stats: Stats | null, route: 'changes' | 'batch' | null): Promise<Response | null> {
  const url = urls[turn++ % urls.length];
  const started = performance.now();
  try {
    const response = await fetch(`${url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) } });
    if (stats && route) stats[route].push(performance.now() - started);
    if (!response.ok && stats) stats.errors.set(`${route} ${response.status}`, (stats.errors.get(`${route} ${response.status}`) ?? 0) + 1);
    return response;
  } catch (error) {
    if (stats) stats.errors.set(`${route} ${(error as Error).message}`, (stats.errors.get(`${route} ${(error as Error).message}`) ?? 0) + 1);
    return null;
  }
}

async function signIn(urls: readonly string[], username: string, password: string): Promise<string> {
  const answer = await call(urls, '/v1/session', { method: 'POST', body: JSON.stringify({ username, password }) }, null, null);
  if (!answer?.ok) throw new Error(`sign-in of ${username}: ${answer?.status} ${await answer?.text()}`);
  return ((await answer.json()) as { accessToken: string }).accessToken;
}

/** fn over items, at most `width` at a time: people sign in over minutes, not all in one instant (see README). */
async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

async function createReviewers(urls: readonly string[]): Promise<Station[]> {
  const admin = await signIn(urls, 'benchadmin', adminPassword);
  const stations = Array.from({ length: reviewers }, (_, i) => new Station(`benchrev${String(i + 1).padStart(3, '0')}`));
  for (const s of stations) {
    const created = await call(urls, '/v1/people', { method: 'POST', token: admin, body: JSON.stringify({ username: s.username, displayName: `Bench ${s.username}`, role: 'reviewer', password: 'temporary-Passw0rd' }) }, null, null);
    if (created?.status !== 201) throw new Error(`create ${s.username}: ${created?.status} ${await created?.text()}`);
  }
  await inBatches(stations, 10, async (s) => {
    const first = await signIn(urls, s.username, 'temporary-Passw0rd');
    const changed = await call(urls, '/v1/session/password', { method: 'POST', token: first, body: JSON.stringify({ currentPassword: 'temporary-Passw0rd', newPassword: 'own-Passw0rd-bench' }) }, null, null);
    if (!changed?.ok) throw new Error(`password of ${s.username}: ${changed?.status}`);
  });
  return stations;
}

async function pull(urls: readonly string[], s: Station, stats: Stats | null): Promise<boolean> {
  const answer = await call(urls, `/v1/changes?limit=100${s.cursor ? `&cursor=${encodeURIComponent(s.cursor)}` : ''}`, { method: 'GET', token: s.token }, stats, 'changes');
  if (!answer?.ok) return false;
  const body = (await answer.json()) as ChangesResponse;
  s.cursor = body.cursor;
  for (const c of body.changes) {
    if (c.application.status === 'queued' && c.application.assignee === s.username) s.open.set(c.application.id, { version: c.application.version, reject: s.open.get(c.application.id)?.reject ?? false });
    else s.open.delete(c.application.id);
  }
  return body.hasMore;
}

async function decide(urls: readonly string[], s: Station, stats: Stats): Promise<void> {
  const picked = [...s.open.entries()].slice(0, 2);
  if (picked.length === 0) return;
  const now = new Date().toISOString();
  const mutations: DecisionMutation[] = picked.map(([id, held]) => ({
    type: 'decision',
    id: randomUUID(),
    applicationId: id,
    baseVersion: held.version,
    madeAt: now,
    madeBy: s.username,
    offline: false,
    outcome: held.reject ? 'reject' : 'approve',
    reasonCodes: held.reject ? ['other'] : [],
    applicantMessage: held.reject ? 'Please send a clearer photo of your ID card.' : 'Verified.',
    internalNote: '',
    overrideNote: null,
    overriddenRules: [],
    judgedOn: null,
    openedAt: now,
  }));
  const answer = await call(urls, '/v1/mutations:batch', { method: 'POST', token: s.token, body: JSON.stringify({ deviceId: `bench-${s.username}`, mutations }) }, stats, 'batch');
  if (!answer?.ok) return;
  for (const r of ((await answer.json()) as MutationBatchResponse).results) {
    const m = mutations.find((x) => x.id === r.id)!;
    if (r.status === 'applied') {
      stats.applied += 1;
      s.open.delete(m.applicationId);
    } else if (r.reason === 'invalid' && m.outcome === 'approve') s.open.set(m.applicationId, { version: m.baseVersion, reject: true });
    else s.open.delete(m.applicationId);
  }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function measure(count: number, stations: Station[], db: pg.Pool, env: Record<string, string>, first: boolean) {
  const instances = await startInstances(count, env);
  const urls = instances.map((i) => i.url);
  if (first) stations.splice(0, stations.length, ...(await createReviewers(urls)));
  await inBatches(stations, 10, async (s) => (s.token = await signIn(urls, s.username, 'own-Passw0rd-bench')));
  // Warm-up: every workstation pulls until caught up (its first pull takes up to the cap of cases).
  const warmStart = performance.now();
  await Promise.all(stations.map(async (s) => {
    while (await pull(urls, s, null));
  }));
  const warmUp = (performance.now() - warmStart) / 1000;
  const stats: Stats = { changes: [], batch: [], errors: new Map(), applied: 0 };
  const load = loadavg()[0]!;
  const [{ n: sentBefore }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE channel <> 'message_centre' AND state = 'sent'`)).rows as [{ n: number }];
  await statementCosts(db, 0, true);
  const upkeepStart = await tableUpkeep(db);
  // The postmaster: the parent of this bench's own backend (PostgreSQL runs on this machine, or its CPU is not measured).
  const [{ pid: ownBackend }] = (await db.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows as [{ pid: number }];
  const postmaster = parentOf(ownBackend);
  if (postmaster <= 1) throw new Error(`backend ${ownBackend} is not a process of this machine: bench/central meters PostgreSQL's CPU from /proc, so run it where PostgreSQL runs`);
  // The bench's own connections (its wait sampler) are this database's too, but no request's cost.
  const benchBackends = async () => {
    const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [benchApplicationName]);
    return rows.map((r) => r.pid);
  };
  const before = await benchBackends();
  const cpu = cpuMeter(instances, postmaster, async () => new Set([...before, ...(await benchBackends())]));
  const waits = waitSampler(db);
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  await Promise.all(
    stations.map(async (s) => {
      // At reviewers' pace each workstation starts its first cycle at a random moment of the first think time, as
      // people's do: all 200 starting together after the warm-up would queue up in bursts that no real day has.
      if (thinkMs > 0) await sleep(Math.random() * thinkMs);
      while (performance.now() < stopAt) {
        while ((await pull(urls, s, stats)) && performance.now() < stopAt);
        await decide(urls, s, stats);
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const used = await cpu();
  const waited = await waits();
  const [{ n: sentAfter, queued }] = (
    await db.query<{ n: number; queued: number }>(
      `SELECT count(*) FILTER (WHERE state = 'sent')::int AS n, count(*) FILTER (WHERE state IN ('queued', 'sending'))::int AS queued FROM notifications WHERE channel <> 'message_centre'`,
    )
  ).rows as [{ n: number; queued: number }];
  for (const i of instances) i.child.kill('SIGTERM');
  await Promise.all(instances.map((i) => new Promise((resolve) => (i.child.exitCode !== null ? resolve(null) : i.child.on('exit', resolve)))));
  const requests = stats.changes.length + stats.batch.length;
  const statements = await statementCosts(db, requests, false);
  const upkeep = upkeepBetween(upkeepStart, await tableUpkeep(db));
  return {
    instances: count,
    warmUp,
    load: `${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    requestsPerS: requests / wall,
    changes: { n: stats.changes.length, p50: pct(stats.changes, 50), p95: pct(stats.changes, 95), p99: pct(stats.changes, 99) },
    batch: { n: stats.batch.length, p50: pct(stats.batch, 50), p95: pct(stats.batch, 95), p99: pct(stats.batch, 99) },
    decisionsPerS: stats.applied / wall,
    notificationsPerS: (sentAfter - sentBefore) / wall,
    notificationBacklog: queued,
    errors: Object.fromEntries(stats.errors),
    cpu: used,
    // CPU milliseconds per request (changes or batch): nearly independent of the machine's other load.
    cpuMsPerRequest: { servers: (1000 * used.servers * wall) / Math.max(1, requests), postgres: (1000 * used.postgres * wall) / Math.max(1, requests), postgresThisDatabase: (1000 * used.postgresThisDatabase * wall) / Math.max(1, requests) },
    waits: waited,
    statements,
    upkeep,
  };
}

console.log(`bench/central — ${machine()}; ${reviewers} reviewers, ${applications} applications, ${seconds} s per configuration, think ${thinkMs} ms`);
// Its stderr goes to a file: an unread pipe would fill, and a crash's reason must be readable.
const receiversLog = `${tmpdir()}/bench-central-receivers-${dbName}.log`;
const receivers = node(['bench/central/receivers.ts'], {}, 'pipe', receiversLog);
const receiverLine = lines(receivers, receiversLog);
const { smtpUrl, smsUrl } = JSON.parse(await receiverLine()) as { smtpUrl: string; smsUrl: string };
const env = { VERITY_SMTP_URL: smtpUrl, VERITY_MAIL_FROM: 'Verity <no-reply@verity.example>', VERITY_SMS_URL: smsUrl };
let t = performance.now();
const db = await freshDatabase();
await seedApplications(db);
console.log(`seeded ${applications} applications in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const stations: Station[] = [];
const results = [];
for (const [i, count] of instanceCounts.entries()) {
  t = performance.now();
  const result = await measure(count, stations, db, env, i === 0);
  results.push(result);
  const { statements, upkeep, ...summary } = result;
  console.log(JSON.stringify(summary));
  for (const line of statements) console.log(`  ${line}`);
  for (const line of upkeep) console.log(`  upkeep in the window: ${line}`);
}
const f = (x: number) => x.toFixed(x < 10 ? 1 : 0);
console.log('\n| instances | requests/s | GET /v1/changes p50 / p95 / p99 ms | POST /v1/mutations:batch p50 / p95 / p99 ms | decisions/s | notifications/s | errors | CPU: instances / PostgreSQL / driver, machine idle | PostgreSQL active backends, waiting on | load |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.instances} | ${f(r.requestsPerS)} | ${f(r.changes.p50)} / ${f(r.changes.p95)} / ${f(r.changes.p99)} | ${f(r.batch.p50)} / ${f(r.batch.p95)} / ${f(r.batch.p99)} | ${f(r.decisionsPerS)} | ${f(r.notificationsPerS)} | ${Object.values(r.errors).reduce((a, b) => a + b, 0)} | ${r.cpu.servers.toFixed(2)} / ${r.cpu.postgres.toFixed(2)} / ${r.cpu.driver.toFixed(2)}, ${(100 * r.cpu.machineIdle).toFixed(0)} % idle | ${r.waits.activeAvg.toFixed(1)} avg: ${r.waits.shares.join(', ')} | ${r.load} |`,
  );
}
if (results.length === 2) console.log(`\n2 vs 1 instance: ${(results[1]!.requestsPerS / results[0]!.requestsPerS).toFixed(2)}× requests/s`);
receivers.stdin!.write('count\n');
console.log(`providers received: ${await receiverLine()}`);
receivers.stdin!.write('quit\n');
await db.end();
