// Running tallies of the decisions (migration 12), so that the counts beside the decision log's filters read a few
// hundred summary rows instead of a million decisions. Kept by statement-level triggers on `decisions`: whatever writes
// a decision (a push, a verdict marking it quality-reviewed, the demo, the seed) changes the tallies in the same
// transaction, with one upsert per statement (a transition table, not a row trigger per decision), keys in one order.
import type { DecisionCountsResponse } from '../shared/contract/central';
import type { ReasonCode } from '../shared/domain';
import { idsParam, type Queryable } from './db';
import type { DecisionFilter } from './decisions';

/** The facets a tally row is keyed by, each as an expression over a decision row. */
const facetColumns = {
  reviewer: 'reviewer',
  outcome: 'outcome',
  kind: 'kind',
  offline: 'offline',
  overridden: `overridden_rules <> '[]'::jsonb`,
  reviewed: 'quality_reviewed',
  missed: 'made_at > due_at',
} as const;
const keys = Object.keys(facetColumns).join(', ');
const facetsSql = Object.entries(facetColumns)
  .map(([name, expr]) => `${expr} AS ${name}`)
  .join(', ');

/** The deltas of `rows` (a decision table: the transition table of a statement, or decisions itself). */
const decisionDeltas = (rows: string, sign: Sign) => `SELECT ${facetsSql}, ${sign} AS delta FROM ${rows}`;
const reasonDeltas = (rows: string, sign: Sign) =>
  `SELECT ${facetsSql}, r.code, ${sign} AS delta FROM ${rows} CROSS JOIN LATERAL jsonb_array_elements_text(reason_codes) AS r(code)`;
export type Sign = '+1' | '-1';

/**
 * One upsert of a table's deltas, summed per key; keys in order, so that two transactions changing the same tallies
 * lock their rows in the same order.
 */
function upsert(table: string, keyList: string, sources: string): string {
  return `INSERT INTO ${table} AS t (${keyList}, n)
    SELECT ${keyList}, sum(delta) FROM (${sources}) s GROUP BY ${keyList} HAVING sum(delta) <> 0 ORDER BY ${keyList}
    ON CONFLICT (${keyList}) DO UPDATE SET n = t.n + excluded.n`;
}

/** The two upserts that bring both tallies up to date with `parts`. */
function tallyUpserts(parts: readonly { rows: string; sign: Sign }[]): [string, string] {
  return [
    upsert('decision_tallies', keys, parts.map((p) => decisionDeltas(p.rows, p.sign)).join(' UNION ALL ')),
    upsert('decision_reason_tallies', `${keys}, code`, parts.map((p) => reasonDeltas(p.rows, p.sign)).join(' UNION ALL ')),
  ];
}

/**
 * Statement-level triggers `${name}_insert|update|delete` on `table` that run `statements` over the statement's rows:
 * inserted +1, deleted −1, updated both (new +1, old −1), from the transition tables.
 */
export async function createTallyTriggers(tx: Queryable, name: string, table: string, statements: (parts: readonly { rows: string; sign: Sign }[]) => string[]): Promise<void> {
  for (const [op, parts, referencing] of [
    ['insert', [{ rows: 'new_rows', sign: '+1' }], 'NEW TABLE AS new_rows'],
    ['update', [{ rows: 'new_rows', sign: '+1' }, { rows: 'old_rows', sign: '-1' }], 'NEW TABLE AS new_rows OLD TABLE AS old_rows'],
    ['delete', [{ rows: 'old_rows', sign: '-1' }], 'OLD TABLE AS old_rows'],
  ] as const) {
    await tx.query(`CREATE FUNCTION ${name}_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${statements(parts).join(';\n        ')};
        RETURN NULL;
      END $$`);
    await tx.query(`CREATE TRIGGER ${name}_${op} AFTER ${op.toUpperCase()} ON ${table} REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${name}_${op}()`);
  }
}

export async function createDecisionTallies(tx: Queryable): Promise<void> {
  const keyColumns = `reviewer text NOT NULL, outcome text NOT NULL, kind text NOT NULL, offline boolean NOT NULL,
    overridden boolean NOT NULL, reviewed boolean NOT NULL, missed boolean NOT NULL`;
  await tx.query(`CREATE TABLE decision_tallies (${keyColumns}, n bigint NOT NULL, PRIMARY KEY (${keys}))`);
  // A decision counts once under each of its reason codes (as the reason code filter finds it).
  await tx.query(`CREATE TABLE decision_reason_tallies (${keyColumns}, code text NOT NULL, n bigint NOT NULL, PRIMARY KEY (${keys}, code))`);
  // Every update (a trigger with transition tables cannot name columns): one that leaves the keyed columns as they
  // were sums to nothing and writes nothing.
  await createTallyTriggers(tx, 'decision_tallies', 'decisions', tallyUpserts);
  // Backfill: the decisions already there, as the insert trigger would have counted them.
  await countIntoDecisionTallies(tx, 'decisions');
}

/** Adds `rows` (a decision table or an aliased subquery of decisions) to the tallies, as the insert trigger counts them. */
export async function countIntoDecisionTallies(tx: Queryable, rows: string): Promise<void> {
  for (const statement of tallyUpserts([{ rows, sign: '+1' }])) await tx.query(statement);
}

/** The filters the tallies can answer: facets only (a date range, free text or a queue reads the decisions). */
export type TallyFilter = Pick<DecisionFilter, 'reviewer' | 'outcome' | 'kind' | 'reasonCode' | 'offline' | 'overridden' | 'reviewed' | 'deadlineMissed'>;
const tallyFilterKeys = new Set<string>(['reviewer', 'outcome', 'kind', 'reasonCode', 'offline', 'overridden', 'reviewed', 'deadlineMissed', 'clock', 'order']);

export function tallyAnswers(filter: Omit<DecisionFilter, 'limit' | 'cursor'>): filter is TallyFilter {
  return Object.entries(filter).every(([key, value]) => value === undefined || tallyFilterKeys.has(key));
}

type TallyFacet = Exclude<keyof TallyFilter, 'reasonCode'>;
/** Each facet's column in the tallies. */
const tallyColumn: Record<TallyFacet, string> = {
  reviewer: 't.reviewer',
  outcome: 't.outcome',
  kind: 't.kind',
  offline: 't.offline',
  overridden: 't.overridden',
  reviewed: 't.reviewed',
  deadlineMissed: 't.missed',
};

/** The counts beside the filters, read from the tallies: the same answer as decisionCounts' scan of every decision. */
export async function tallyCounts(db: Queryable, filter: TallyFilter): Promise<DecisionCountsResponse> {
  const facets = Object.keys(tallyColumn) as TallyFacet[];
  /** The WHERE of the tallies with every chosen facet but `without`, and its parameters. */
  const whereWithout = (without: TallyFacet | 'reasonCode') => {
    const params: (string | boolean)[] = [];
    const bind = (value: string | boolean) => `$${params.push(value)}`;
    const clauses = facets.flatMap((f) => (f === without || filter[f] === undefined ? [] : [`${tallyColumn[f]} = ${bind(filter[f])}`]));
    // With a reason code chosen, the other facets count the decisions holding it: its own tallies, that code only.
    if (without !== 'reasonCode' && filter.reasonCode !== undefined) clauses.push(`t.code = ${bind(filter.reasonCode)}`);
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  };
  const source = filter.reasonCode === undefined ? 'decision_tallies' : 'decision_reason_tallies';
  // One small query per facet (the tallies are a few rows per reviewer and combination, not per decision).
  const rows = (
    await Promise.all(
      facets.map((f) => {
        const w = whereWithout(f);
        return db.query<{ facet: TallyFacet; value: string; n: number }>(
          `SELECT '${f}' AS facet, ${tallyColumn[f]}::text AS value, sum(t.n)::float8 AS n FROM ${source} t ${w.sql} GROUP BY 2 HAVING sum(t.n) > 0`,
          w.params,
        );
      }),
    )
  ).flat();
  const r = whereWithout('reasonCode');
  const reasons = await db.query<{ code: ReasonCode; n: number }>(
    `SELECT t.code, sum(t.n)::float8 AS n FROM decision_reason_tallies t ${r.sql} GROUP BY t.code HAVING sum(t.n) > 0 ORDER BY sum(t.n) DESC, t.code`,
    r.params,
  );
  const names = new Map(
    (await db.query<{ username: string; display_name: string }>(`SELECT username, display_name FROM people WHERE username = ANY($1::text[])`, [
      idsParam(rows.filter((r) => r.facet === 'reviewer').map((r) => r.value)),
    ])).map((p) => [p.username, p.display_name]),
  );
  const of = (facet: TallyFacet, value: string) => rows.find((r) => r.facet === facet && r.value === value)?.n ?? 0;
  const yesNo = (facet: TallyFacet) => ({ yes: of(facet, 'true'), no: of(facet, 'false') });
  return {
    reviewer: rows
      .filter((r) => r.facet === 'reviewer')
      .map((r) => ({ reviewer: r.value, name: names.get(r.value) ?? r.value, count: r.n }))
      .sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
    outcome: { approve: of('outcome', 'approve'), reject: of('outcome', 'reject') },
    kind: { individual: of('kind', 'individual'), enterprise: of('kind', 'enterprise'), change: of('kind', 'change') },
    reasonCode: reasons.map((r) => ({ reasonCode: r.code, count: r.n })),
    offline: yesNo('offline'),
    overridden: yesNo('overridden'),
    reviewed: yesNo('reviewed'),
    deadlineMissed: yesNo('deadlineMissed'),
  };
}
