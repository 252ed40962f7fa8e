// One small query interface over PostgreSQL with two drivers: `pg` (a real server, DATABASE_URL) and
// PGlite (embedded, in a data folder or in memory). Both run the same SQL; results are normalised so
// int8 comes back as number and bytea as Buffer whichever driver answered.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';

export type SqlValue = string | number | boolean | null | Date | Buffer | string[];
export type Row = Record<string, unknown>;

/**
 * A list of ids as one array parameter, looked up with `= ANY($n::text[])` (or unnest): the planner sees how many there
 * are. `IN (SELECT jsonb_array_elements_text($n::jsonb))` and jsonb_to_recordset are planned as 100 rows whatever they
 * hold, which on bench/central's database scanned every mutation and decision (thousands) to find one.
 */
export const idsParam = (ids: readonly string[]): string[] => [...ids];

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
}

export interface Database extends Queryable {
  /** Runs fn in one transaction (READ COMMITTED); rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly driver: 'pg' | 'pglite';
}

function normaliseRow(row: Row): Row {
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return row;
}

const BYTEA_OID = 17;

export interface PgliteOptions {
  /** A folder for the data; omitted: in memory. */
  dataDir?: string;
  /** In memory, loaded from and saved to a snapshot (the embedded service seals it; see PgliteSnapshot). */
  snapshot?: PgliteSnapshot;
}

/**
 * Where an in-memory PGlite keeps its data between runs, as whole-folder dumps (a gzip tar) that the keeper may
 * encrypt: PGlite has no encryption of its own, and its folder on disk would hold every applicant in clear.
 */
export interface PgliteSnapshot {
  /** The last dump saved, or null for a new database. */
  load(): Promise<Uint8Array | null>;
  save(dump: Uint8Array): Promise<void>;
  /** A dump is saved this often while there were writes since the last (and always on close); default 30 s. */
  everyMs?: number;
}

/** A PGlite folder on disk as a dump that PgliteSnapshot.load may hand back (moving an old folder into a snapshot). */
export async function dumpPgliteFolder(dataDir: string): Promise<Uint8Array> {
  const db = await PGlite.create(dataDir);
  try {
    return new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await db.close();
  }
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  // bytea through Node's native hex codec: PGlite's own converts byte by byte in JavaScript (~10× slower on 1 MB).
  const bytea = {
    parsers: { [BYTEA_OID]: (text: string) => Buffer.from(text.slice(2), 'hex') },
    serializers: { [BYTEA_OID]: (value: Uint8Array) => `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}` },
  };
  // pg_trgm: the decision log's free text goes through a trigram index (migration 13), as on PostgreSQL.
  const settings = { ...bytea, extensions: { pg_trgm } };
  const snapshot = options.snapshot;
  const loaded = snapshot ? await snapshot.load() : null;
  const db = options.dataDir
    ? await PGlite.create(options.dataDir, settings)
    : await PGlite.create({ ...settings, ...(loaded ? { loadDataDir: new Blob([new Uint8Array(loaded)]) } : {}) });
  // Any statement but a read may have written: the next snapshot tick saves a dump.
  let dirty = false;
  const wrap = (runner: { query: PGlite['query'] }): Queryable => ({
    async query<R extends Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      if (!/^\s*SELECT\b/i.test(sql)) dirty = true;
      const result = await runner.query<R>(sql, [...params]);
      return result.rows.map((r) => normaliseRow(r) as R);
    },
  });
  const base = wrap(db);
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    // A failed save leaves the writes dirty and must not stop the next one (nor the last, at close).
    saving = saving.catch(() => undefined).then(async () => {
      if (!snapshot || !dirty) return;
      dirty = false;
      try {
        await snapshot.save(new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer()));
      } catch (error) {
        dirty = true;
        throw error;
      }
    });
    return saving;
  };
  // A new database is saved at the first tick, so that its first run leaves a snapshot even if it ends without close().
  if (snapshot && !loaded) dirty = true;
  const timer = snapshot ? setInterval(() => void save().catch(() => undefined), snapshot.everyMs ?? 30_000) : null;
  timer?.unref();
  return {
    driver: 'pglite',
    query: base.query,
    // PGlite has one connection; its transaction() holds it for the whole callback, so other work waits.
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async close() {
      if (timer) clearInterval(timer);
      try {
        await save();
      } finally {
        await db.close();
      }
    },
  };
}

const int8AsNumber = (value: string): number => Number(value);

export interface PgOptions {
  connectionString: string;
  /** A schema to create and use (tests use a fresh one per file). */
  schema?: string;
  max?: number;
}

export async function openPg(options: PgOptions): Promise<Database> {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 20 ? int8AsNumber : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 8,
    types,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  if (schema) {
    // Two instances starting together both try: the loser's unique violation means the schema is there.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw error;
    });
  }
  const wrap = (runner: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R extends Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      const result = await runner.query<R>(sql, [...params]);
      return result.rows.map((r) => normaliseRow(r) as R);
    },
  });
  const base = wrap(pool);
  return {
    driver: 'pg',
    query: base.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export interface OpenOptions {
  /** postgres://… uses `pg`; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite data folder; omitted with no databaseUrl: in memory. */
  dataDir?: string;
  /** PGlite in memory kept between runs as snapshots (the workstation's built-in service, sealed). */
  snapshot?: PgliteSnapshot;
  schema?: string;
}

export function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    return openPg({ connectionString: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) });
  }
  return openPglite({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.snapshot ? { snapshot: options.snapshot } : {}) });
}
