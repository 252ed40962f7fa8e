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
  await tx.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  await tx.query(`CREATE INDEX applications_search_trgm ON applications USING gin ((${applicationSearchText('applications')}) gin_trgm_ops)`);
}
