// Storage: migrations run in a transaction each, refuse a newer database, and the feed's indexes are
// usable; both drivers return the same JavaScript types. Runs on PGlite, and on PostgreSQL when
// VERITY_TEST_DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './db';
import { latestSchemaVersion, migrate, SchemaTooNewError, type Migration } from './migrations';
import { openTestDatabase } from '../tests/support/central';

let handle: { db: Database; close(): Promise<void> };
let db: Database;

beforeAll(async () => {
  handle = await openTestDatabase();
  db = handle.db;
});
afterAll(async () => {
  await handle?.close();
});

async function plan(sql: string, params: (string | number)[]): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

describe('migrations', () => {
  it('migrate a fresh database once, then do nothing', async () => {
    expect(await migrate(db)).toEqual({ from: 0, to: latestSchemaVersion });
    expect(await migrate(db)).toEqual({ from: latestSchemaVersion, to: latestSchemaVersion });
  });

  it('roll a failing migration back completely', async () => {
    const broken: Migration = {
      version: latestSchemaVersion + 1,
      name: 'broken',
      async up(tx) {
        await tx.query('CREATE TABLE half_done (id integer)');
        await tx.query('SELECT no_such_function()');
      },
    };
    const { migrations } = await import('./migrations');
    await expect(migrate(db, [...migrations, broken])).rejects.toThrow();
    const tables = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done' AND table_schema = current_schema()`);
    expect(tables).toHaveLength(0);
    const [row] = await db.query<{ v: number }>('SELECT max(version) AS v FROM schema_migrations');
    expect(row?.v).toBe(latestSchemaVersion);
  });

  it('refuse a database written by a newer server', async () => {
    await db.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', now())`, [latestSchemaVersion + 5]);
    await expect(migrate(db)).rejects.toBeInstanceOf(SchemaTooNewError);
    await db.query('DELETE FROM schema_migrations WHERE version = $1', [latestSchemaVersion + 5]);
  });
});

describe('queries', () => {
  it('return int8 as number, bytea as Buffer and timestamptz as Date on either driver', async () => {
    const [row] = await db.query<{ n: unknown; b: unknown; t: unknown; j: unknown }>(
      `SELECT count(*) AS n, decode('0102ff', 'hex') AS b, now() AS t, '{"a":1}'::jsonb AS j FROM schema_migrations`,
    );
    expect(typeof row?.n).toBe('number');
    expect(Buffer.isBuffer(row?.b)).toBe(true);
    expect(row?.t).toBeInstanceOf(Date);
    expect(row?.j).toEqual({ a: 1 });
  });

  it('can use the indexes behind the changes feed, the assignment queue and the R2/R3 facts', async () => {
    expect(await plan('SELECT seq FROM changes WHERE reviewer = $1 AND seq > $2 ORDER BY seq LIMIT 10', ['reviewer1', 0])).toMatch(/changes_reviewer/);
    expect(await plan(`SELECT id FROM applications WHERE assignee IS NULL AND status = 'queued' ORDER BY due_at, id LIMIT 10`, [])).toMatch(/applications_unassigned/);
    expect(await plan('SELECT count(*) FROM accounts WHERE doc_key = $1', ['id_card|X|CN'])).toMatch(/accounts_doc_key/);
    expect(await plan('SELECT count(*) FROM accounts WHERE ent_reg_key = $1 OR ent_name_key = $2', ['R', 'N'])).toMatch(/accounts_ent_(reg|name)_key/);
    expect(await plan('SELECT id FROM decisions ORDER BY decided_at DESC, id DESC LIMIT 10', [])).toMatch(/decisions_keyset/);
  });

  it('roll back a transaction that throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO people (username, display_name, role, password_hash) VALUES ('ghost', 'Ghost', 'reviewer', 'x')`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await db.query(`SELECT 1 FROM people WHERE username = 'ghost'`)).toHaveLength(0);
  });
});
