// The central API as a command: `tsx server/main.ts [--port N] [--data DIR] [--demo] [--cap N] [--lease-hours H]
// [--trust-proxy-header NAME]`, or `tsx server/main.ts people …` to administer people (server/peopleCli.ts).
// PGlite in DIR (default ./.data/server) unless DATABASE_URL points at a PostgreSQL server.
import { parseArgs } from 'node:util';
import { defaultSeedPassword, startServer } from './app';
import { jsonLog } from './operations';
import { notificationOptionsFromEnv } from './notifications/config';

if (process.argv[2] === 'people') {
  const { runPeopleCommand } = await import('./peopleCli');
  process.exit(await runPeopleCommand(process.argv.slice(3)));
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    data: { type: 'string', default: './.data/server' },
    demo: { type: 'boolean', default: false },
    host: { type: 'string', default: '127.0.0.1' },
    cap: { type: 'string', default: '200' },
    'lease-hours': { type: 'string', default: '72' },
    'trust-proxy-header': { type: 'string' },
    'shutdown-grace-seconds': { type: 'string', default: '10' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: not a port number: ${values.port}`);
  process.exit(2);
}

const cap = Number(values.cap);
const leaseHours = Number(values['lease-hours']);
const graceSeconds = Number(values['shutdown-grace-seconds']);
if (!Number.isInteger(cap) || cap < 1 || !(leaseHours > 0) || !(graceSeconds >= 0)) {
  console.error('--cap: a whole number of applications ≥ 1; --lease-hours: a number of hours > 0; --shutdown-grace-seconds: ≥ 0');
  process.exit(2);
}
const trustedProxyHeader = values['trust-proxy-header'] ?? process.env.VERITY_TRUST_PROXY_HEADER ?? null;
if (trustedProxyHeader !== null && !/^[A-Za-z0-9-]{1,64}$/.test(trustedProxyHeader)) {
  console.error(`--trust-proxy-header: not a header name: ${trustedProxyHeader}`);
  process.exit(2);
}

const databaseUrl = process.env.DATABASE_URL;
let notifications;
try {
  notifications = notificationOptionsFromEnv(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const started = Date.now();
const server = await startServer({
  port,
  host: values.host,
  ...(databaseUrl ? { databaseUrl } : { dataDir: values.data }),
  demo: values.demo,
  // Demo people (with the demo password) only in a demo: a real deployment's first admin comes from `people create`.
  seedPeople: values.demo,
  assignmentCap: cap,
  leaseMs: leaseHours * 3_600_000,
  trustedProxyHeader,
  shutdownGraceMs: graceSeconds * 1000,
  accessLog: true,
  log: jsonLog,
  notifications,
});
jsonLog('listening', undefined, {
  url: server.url,
  database: databaseUrl ? 'PostgreSQL' : `PGlite in ${values.data}`,
  readyInMs: Date.now() - started,
  trustedProxyHeader,
  // Applicant notifications: the message centre always; email and SMS when VERITY_SMTP_URL / VERITY_SMS_URL are set.
  notifications: ['message_centre', ...(notifications.email ? ['email'] : []), ...(notifications.sms ? ['sms'] : [])],
});
if (values.demo) console.log(`Demo people: reviewer1, reviewer2, supervisor1, intake, admin1 (password: ${defaultSeedPassword})`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  jsonLog('closing: finishing the requests in flight', undefined, { signal });
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      jsonLog('close failed', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
