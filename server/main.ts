// The central API as a command: `tsx server/main.ts [--port N] [--data DIR] [--demo] [--cap N] [--lease-hours H]`.
// PGlite in DIR (default ./.data/server) unless DATABASE_URL points at a PostgreSQL server.
import { parseArgs } from 'node:util';
import { defaultSeedPassword, startServer } from './app';
import { notificationOptionsFromEnv } from './notifications/config';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    data: { type: 'string', default: './.data/server' },
    demo: { type: 'boolean', default: false },
    host: { type: 'string', default: '127.0.0.1' },
    cap: { type: 'string', default: '200' },
    'lease-hours': { type: 'string', default: '72' },
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
if (!Number.isInteger(cap) || cap < 1 || !(leaseHours > 0)) {
  console.error('--cap: a whole number of applications ≥ 1; --lease-hours: a number of hours > 0');
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
  assignmentCap: cap,
  leaseMs: leaseHours * 3_600_000,
  notifications,
});
console.log(`Verity central API listening on ${server.url} (${databaseUrl ? 'PostgreSQL' : `PGlite in ${values.data}`}, ready in ${Date.now() - started} ms)`);
console.log(`Applicant notifications: message centre${notifications.email ? ', email' : ''}${notifications.sms ? ', SMS' : ''} (VERITY_SMTP_URL, VERITY_SMS_URL)`);
if (values.demo) console.log(`Demo people: reviewer1, reviewer2, supervisor1, intake (password: ${defaultSeedPassword})`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
