// The decision log's free text (part of the applicant's name, or of the document or registration number) through a
// trigram index on the applications (migration 13): a substring anywhere in a million names is found by the index,
// not by reading every application. PostgreSQL's pg_trgm; PGlite loads the same extension (server/db.ts).
import type { Queryable } from './db';

/**
 * The text an application is found by, lower case, each part followed by a space. Built with || and coalesce, not
 * concat_ws: an index expression must be immutable, and concat_ws is only stable.
 */
export const applicationSearchText = (a: string) =>
  `lower(${['fullName', 'enterpriseName', 'documentNumber', 'businessRegistrationNumber'].map((k) => `coalesce(${a}.identity->>'${k}' || ' ', '')`).join(' || ')})`;

/** A LIKE pattern matching `text` anywhere, its wildcards and escape taken literally. */
export function containsPattern(text: string): string {
  return `%${text.normalize('NFKC').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function createTextSearchIndex(tx: Queryable): Promise<void> {
  // An extension is the database's, not a schema's: in public, never in the schema of one central service (several
  // share a database in tests and benches; dropping one schema must not take the others' indexes with it). Once there,
  // wherever it is, its operator class is named with its schema, since that need not be on the search path.
  await tx.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
  const [where] = await tx.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
  );
  if (!where || !/^[a-z_][a-z0-9_]*$/.test(where.schema)) throw new Error(`pg_trgm is in an unexpected schema: ${where?.schema}`);
  await tx.query(`CREATE INDEX applications_search_trgm ON applications USING gin ((${applicationSearchText('applications')}) ${where.schema}.gin_trgm_ops)`);
}
