// What a server migration costs at upgrade on a full decision log (issue 21: migration 21, decisions.changed_xid, at a
// million decisions). A script, not a test. On PostgreSQL, in a schema of its own: migrates to the version before,
// seeds N decisions as bench/supervisor does (server/decisionsSeed.ts's bulk seed, then ANALYZE and VACUUM), then runs
// the migration's own `up` statement by statement, timed, in a transaction it rolls back, `--runs` times: so the same
// seed measures it again, and this checkout and another (e.g. `git archive main`, with a node_modules link) can be
// measured alternately against one seed (`--schema` kept by `--keep`). While `up` runs nobody reads or records a
// decision (its ALTER TABLE holds the table until the commit), so the total is how long the log stands still.
// Says whether the table was rewritten (its file node changed) and how big it and its indexes are.
// Usage: node --import tsx bench/supervisor/migration.ts --database-url URL [--version 21] [--count 1000000]
//          [--runs 3] [--schema NAME] [--keep]
import type { Queryable, Row, SqlValue } from '../../server/db';
import { openPg } from '../../server/db';
import { seedDecisionsInBulk } from '../../server/decisionsSeed';
import { currentSchemaVersion, migrate, migrations } from '../../server/migrations';
import { argValue } from '../common';

const databaseUrl = argValue('--database-url') ?? process.env.VERITY_TEST_DATABASE_URL;
const version = Number(argValue('--version') ?? 21);
const count = Number(argValue('--count') ?? 1_000_000);
const runs = Number(argValue('--runs') ?? 3);
const schema = argValue('--schema') ?? `bench_migration_${process.pid}`;
const keep = process.argv.includes('--keep');
const migration = migrations.find((m) => m.version === version);
if (!databaseUrl || !migration) {
  console.error('usage: node --import tsx bench/supervisor/migration.ts --database-url URL [--version 21] [--count 1000000] [--runs 3] [--schema NAME] [--keep]');
  process.exit(2);
}
const say = (line: string) => process.stderr.write(`[bench/migration ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Rolls the measured transaction back (and only that). */
class RolledBack extends Error {}

const db = await openPg({ connectionString: databaseUrl, schema, max: 2 });
try {
  const at = await currentSchemaVersion(db);
  if (at === null) {
    say(`migrating ${schema} to version ${version - 1} and seeding ${count} decisions`);
    await migrate(db, migrations.filter((m) => m.version < version));
    const started = performance.now();
    await seedDecisionsInBulk(db, 1, count, new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000), {
      onSlice: (done) => done % 200_000 === 0 && say(`seeded ${done} (${((performance.now() - started) / 1000).toFixed(0)} s)`),
    });
    await db.query('ANALYZE');
    await db.query('VACUUM');
    say(`seeded, analysed and vacuumed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } else if (at !== version - 1) {
    throw new Error(`${schema} is at version ${at}: it must be at ${version - 1} to measure migration ${version}`);
  }
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM decisions');
  if (n !== count) throw new Error(`${schema} holds ${n} decisions, not ${count}`);
  const sizes = `SELECT pg_relation_filenode('decisions')::text AS node, pg_relation_size('decisions')::float8 AS heap,
                        pg_indexes_size('decisions')::float8 AS indexes`;
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  for (let run = 1; run <= runs; run++) {
    const statements: { sql: string; ms: number }[] = [];
    let result: Record<string, unknown> = {};
    const started = performance.now();
    await db
      .transaction(async (tx) => {
        const [before] = await tx.query<{ node: string; heap: number; indexes: number }>(sizes);
        const timed: Queryable = {
          async query<R extends Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
            const t = performance.now();
            const rows = await tx.query<R>(sql, params);
            statements.push({ sql: sql.replace(/\s+/g, ' ').trim().slice(0, 90), ms: Math.round(performance.now() - t) });
            return rows;
          },
        };
        const upStarted = performance.now();
        await migration.up(timed);
        const upMs = performance.now() - upStarted;
        const [after] = await tx.query<{ node: string; heap: number; indexes: number }>(sizes);
        result = {
          run,
          version,
          decisions: n,
          upMs: Math.round(upMs),
          rewritten: before!.node !== after!.node,
          heapMb: { before: mb(before!.heap), after: mb(after!.heap) },
          indexesMb: { before: mb(before!.indexes), after: mb(after!.indexes) },
          statements,
        };
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    result.withRollbackMs = Math.round(performance.now() - started);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} finally {
  if (!keep) await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.close();
}
