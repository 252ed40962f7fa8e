// The central server of the supervisor benchmark, in a child process of run.ts so that its work (PGlite is
// WebAssembly on its main thread) counts against neither the workstation's event loop nor its memory. On PGlite in a
// temporary data folder, or on PostgreSQL (`--database-url URL`, a schema of its own, dropped at the end).
// Commands, one per line on stdin: `seed N` (decisions 1 … N by server/decisionsSeed.ts's bulk seed: indexes built
// and tallies counted once at the end; then ANALYZE and VACUUM), `quit`; each answered with a JSON line on stdout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startServer } from '../../server/app';
import { seedDecisionsInBulk } from '../../server/decisionsSeed';

process.env.VERITY_QUIET = '1';
const args = process.argv.slice(2);
const urlArg = args.indexOf('--database-url');
const databaseUrl = urlArg >= 0 ? args[urlArg + 1] : undefined;
const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'verity-bench-supervisor-'));
const server = await startServer({
  ...(databaseUrl ? { databaseUrl, schema: `bench_supervisor_${process.pid}`, dropSchemaOnClose: true } : { dataDir: dataDir! }),
  log: () => undefined,
});
/** Decision 1 is the newest, a minute before the start; each next one a minute earlier (1,000,000 ≈ 23 months). */
const newest = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
const slice = 50_000;
const commands = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ url: server.url, newest: newest.toISOString(), backend: databaseUrl ? 'postgresql' : 'pglite' }) + '\n');
for await (const line of commands) {
  const [command, countText] = line.trim().split(' ');
  const started = performance.now();
  const answer: Record<string, unknown> = { done: command };
  if (command === 'seed') {
    const count = Number(countText);
    await seedDecisionsInBulk(server.db, 1, count, newest, {
      slice,
      onSlice: (done) => process.stderr.write(`  seeded ${done} (${((performance.now() - started) / 1000).toFixed(0)} s)${done === count ? ', building the indexes and counting the tallies' : ''}\n`),
    });
    const seededMs = performance.now() - started;
    await server.db.query('ANALYZE');
    // The visibility map, so that counts can read the indexes alone (as autovacuum would do in time).
    await server.db.query('VACUUM');
    const [size] = await server.db.query<{ bytes: number }>(`SELECT pg_database_size(current_database())::float8 AS bytes`);
    Object.assign(answer, { seededMs, analyzedMs: performance.now() - started - seededMs, databaseBytes: size?.bytes });
  } else if (command === 'quit') {
    break;
  }
  answer.ms = performance.now() - started;
  process.stdout.write(JSON.stringify(answer) + '\n');
}
commands.close();
await server.close();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
