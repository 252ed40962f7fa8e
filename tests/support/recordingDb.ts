// Test support: a Database that records every statement sent through it (in transactions too), optionally holding
// some back before they run, around a real one. Tests count round trips and commits with it, or read plans again.
import type { Database, Queryable, SqlValue } from '../../server/db';

export interface Statement {
  sql: string;
  params: readonly SqlValue[];
}

/** `before` runs ahead of each statement (a test holds one back to let others queue behind it). */
export function recording(db: Database, before?: (sql: string) => Promise<void> | void): { db: Database; statements: Statement[] } {
  const statements: Statement[] = [];
  const record = (q: Queryable): Queryable => ({
    query: async (sql, params = []) => {
      statements.push({ sql, params });
      await before?.(sql);
      return q.query(sql, params);
    },
  });
  return {
    statements,
    db: { driver: db.driver, close: () => db.close(), query: record(db).query, transaction: (fn) => db.transaction((tx) => fn(record(tx))) },
  };
}
