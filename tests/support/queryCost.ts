// What statements cost the database, read from their plans as run: every statement sent through a database recorded,
// then run again under EXPLAIN ANALYZE (in a transaction rolled back) to count the rows each table's scans went
// through. server/requestCost.test.ts and server/idLists.test.ts hold the service to a look-up's worth per table.
import type { Database } from '../../server/db';
import type { Statement } from './recordingDb';

export { recording, type Statement } from './recordingDb';

/** Rows a statement may read of one table: a page of the feed, a reviewer's cap, a look-up. */
export const lookUp = 100;

class RolledBack extends Error {
  constructor(readonly plan: unknown) {
    super('rolled back on purpose');
  }
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows each table's scans went through (returned or filtered out), in the statement's plan as run. */
function rowsRead(node: PlanNode, into = new Map<string, number>()): Map<string, number> {
  if (node['Relation Name']) {
    const loops = node['Actual Loops'] ?? 1;
    const read = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
    into.set(node['Relation Name'], (into.get(node['Relation Name']) ?? 0) + read);
  }
  for (const child of node.Plans ?? []) rowsRead(child, into);
  return into;
}

/** The statement run again under EXPLAIN ANALYZE in a transaction that is rolled back (it may write). */
async function explain(db: Database, s: Statement): Promise<PlanNode> {
  try {
    await db.transaction(async (tx) => {
      const [row] = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${s.sql}`, s.params);
      throw new RolledBack(row?.['QUERY PLAN']);
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
    const plan = (typeof error.plan === 'string' ? JSON.parse(error.plan) : error.plan) as { Plan: PlanNode }[];
    return plan[0]!.Plan;
  }
  throw new Error('unreachable: the transaction always rolls back');
}

/**
 * The statements that read more than a look-up's worth of rows of some table. Those that search (WITH, SELECT,
 * UPDATE, DELETE) are run again; an INSERT would collide with the row it wrote, and a lock call reads nothing.
 */
export async function heavyStatements(db: Database, statements: readonly Statement[]): Promise<string[]> {
  const heavy: string[] = [];
  for (const s of statements) {
    if (!/^\s*(WITH|SELECT|UPDATE|DELETE)\b/i.test(s.sql) || /pg_advisory/.test(s.sql)) continue;
    for (const [table, rows] of rowsRead(await explain(db, s))) {
      if (rows > lookUp) heavy.push(`${rows} rows of ${table}: ${s.sql.replace(/\s+/g, ' ').slice(0, 140)}`);
    }
  }
  return heavy;
}

