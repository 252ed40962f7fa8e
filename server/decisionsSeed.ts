// Many decisions written by the database itself (generate_series, no round trip per row): for bench/supervisor's
// million and for the decision log's tests, which check the answers against the same rule computed in TypeScript.
// Decision i (1 … n) follows `seededDecision(i)`; the SQL below is that rule, column by column.
import type { ApplicationKind, ReasonCode } from '../shared/domain';
import type { Database, Queryable } from './db';
import { countIntoDecisionTallies } from './decisionTallies';
import { countIntoReportTallies } from './reportTallies';

/** The reviewers seeded decisions are spread over (made as people if missing; they cannot sign in). */
export const seedReviewers = Array.from({ length: 12 }, (_, i) => `logrev${String(i + 1).padStart(2, '0')}`);
export const seedReviewerName = (username: string) => `Log Reviewer ${username.slice(-2)}`;
const names = ['Wang Fang', 'Li Na', 'Zhang Wei', 'Liu Yang', 'Chen Jing', 'Maria Garcia', 'John Smith', 'Aiko Tanaka', 'Nguyen Van An', 'Olga Petrova'];

export interface SeededDecision {
  applicationId: string;
  reviewer: string;
  kind: ApplicationKind;
  outcome: 'approve' | 'reject';
  reasonCodes: ReasonCode[];
  offline: boolean;
  overridden: boolean;
  reviewed: boolean;
  deadlineMissed: boolean;
  /** The applicant's name as the application holds it. */
  name: string;
  /** The document or registration number. */
  number: string;
  madeAt: Date;
}

/** The rule decision i follows; `newest` is decision 1's madeAt, each next one a minute earlier. */
export function seededDecision(i: number, newest: Date, prefix = 'LOG'): SeededDecision {
  const kind = (['individual', 'enterprise', 'change'] as const)[i % 3]!;
  const outcome = i % 4 === 0 ? 'reject' : 'approve';
  return {
    applicationId: `${prefix}-${String(i).padStart(8, '0')}`,
    reviewer: seedReviewers[i % seedReviewers.length]!,
    kind,
    outcome,
    reasonCodes: outcome === 'approve' ? [] : i % 8 === 0 ? ['document_unreadable'] : ['document_expired', 'name_mismatch'],
    offline: i % 10 === 0,
    overridden: outcome === 'approve' && i % 50 === 1,
    reviewed: i % 20 === 0,
    deadlineMissed: i % 7 === 0,
    name: kind === 'enterprise' ? `${names[i % 10]!} Trading ${i} Ltd` : `${names[i % 10]!} ${i}`,
    number: kind === 'enterprise' ? `91${String(i).padStart(10, '0')}` : `D${String(i).padStart(9, '0')}`,
    madeAt: new Date(newest.getTime() - (i - 1) * 60_000),
  };
}

/**
 * Writes decisions `from` … `to` (their ids follow i: seed each i once) (and their accounts, applications and quality reviews) following `seededDecision`,
 * in one statement per table; call it in slices to keep each transaction's memory small.
 */
export async function seedDecisions(db: Queryable, from: number, to: number, newest: Date, prefix = 'LOG'): Promise<void> {
  await db.query(
    `INSERT INTO people (username, display_name, role, password_hash, active)
     SELECT u, 'Log Reviewer ' || right(u, 2), 'reviewer', 'seeded: cannot sign in', false FROM jsonb_array_elements_text($1::jsonb) AS u
     ON CONFLICT (username) DO NOTHING`,
    [JSON.stringify(seedReviewers)],
  );
  const series = `generate_series($1::int, $2::int) AS i`;
  const args = [from, to, newest, prefix];
  // Columns every statement derives from i, as seededDecision does.
  const appOf = (prefixParam: string) => `${prefixParam} || '-' || lpad(i::text, 8, '0')`;
  const app = appOf('$4');
  const kind = `(ARRAY['individual', 'enterprise', 'change'])[i % 3 + 1]`;
  const made = `($3::timestamptz - (i - 1) * interval '1 minute')`;
  await db.query(`INSERT INTO accounts (id, registration_location) SELECT 'ACC-' || ${appOf('$3')}, 'CN' FROM ${series}`, [from, to, prefix]);
  const name = `(ARRAY[${names.map((n) => `'${n}'`).join(', ')}])[i % 10 + 1]`;
  const identity = `CASE WHEN i % 3 = 1
      THEN jsonb_build_object('kind', 'enterprise', 'enterpriseName', ${name} || ' Trading ' || i || ' Ltd', 'registeredAddress', '1 Seeded Road',
                              'businessRegistrationNumber', '91' || lpad(i::text, 10, '0'))
      ELSE jsonb_build_object('kind', 'individual', 'fullName', ${name} || ' ' || i, 'documentType', 'id_card',
                              'documentNumber', 'D' || lpad(i::text, 9, '0'), 'issuingLocation', 'CN') END`;
  await db.query(
    `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, current_identity,
       change_direction, icp, applicant_language, due_at, escalate_at)
     SELECT ${app}, 'ACC-' || ${app}, ${kind}, 'CN', ${made} - interval '1 hour', CASE WHEN i % 4 = 0 THEN 'rejected' ELSE 'approved' END, 2,
            ${identity},
            CASE WHEN i % 3 = 2 THEN jsonb_build_object('kind', 'individual', 'fullName', 'Before ' || i, 'documentType', 'passport',
                                     'documentNumber', 'P' || lpad(i::text, 9, '0'), 'issuingLocation', 'CN') END,
            CASE WHEN i % 3 = 2 THEN 'individual_to_individual' END,
            '{"mainlandResources": false, "icpFilingIntended": false, "icpEntityName": null}'::jsonb, 'en',
            ${made} + CASE WHEN i % 7 = 0 THEN interval '-1 hour' ELSE interval '2 days' END,
            ${made} + interval '1 day'
       FROM ${series}`,
    args,
  );
  await db.query(
    `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message, internal_note,
       override_note, overridden_rules, decided_at, made_at, offline, opened_at, due_at, quality_reviewed, sample_week, sample_rank)
     SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, ${app}, ${kind},
            'logrev' || lpad((i % 12 + 1)::text, 2, '0'), 'device-' || (i % 12 + 1),
            CASE WHEN i % 4 = 0 THEN 'reject' ELSE 'approve' END,
            CASE WHEN i % 4 <> 0 THEN '[]' WHEN i % 8 = 0 THEN '["document_unreadable"]' ELSE '["document_expired", "name_mismatch"]' END::jsonb,
            'Seeded.', '',
            CASE WHEN i % 4 <> 0 AND i % 50 = 1 THEN 'Checked by phone.' END,
            CASE WHEN i % 4 <> 0 AND i % 50 = 1 THEN '["R1"]' ELSE '[]' END::jsonb,
            ${made} + CASE WHEN i % 10 = 0 THEN interval '2 hours' ELSE interval '1 second' END,
            ${made}, i % 10 = 0, ${made} - interval '4 minutes',
            ${made} + CASE WHEN i % 7 = 0 THEN interval '-1 hour' ELSE interval '2 days' END,
            i % 20 = 0,
            date_trunc('week', ${made} AT TIME ZONE 'UTC')::date, md5(i::text)
       FROM ${series}`,
    args,
  );
  await db.query(
    `INSERT INTO reviews (id, decision_id, reviewed_by, stage, verdict, reason, reviewed_at)
     SELECT ('00000000-0000-7000-9000-' || lpad(to_hex(i), 12, '0'))::uuid, ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'supervisor1', 'quality',
            CASE WHEN i % 100 = 0 THEN 'overturn' ELSE 'agree' END, 'Sampled and checked.', ${made} + interval '1 day'
       FROM ${series} WHERE i % 20 = 0`,
    [from, to, newest],
  );
}

/** Decision i's id, as seedDecisions writes it (ascending with i). */
const seededDecisionId = (i: number) => `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;

/** The tables a bulk seed writes, whose secondary indexes it builds once at the end instead of row by row. */
const bulkTables = ['accounts', 'applications', 'decisions', 'reviews'] as const;

/**
 * Decisions `from` … `to` as seedDecisions writes them, for a million (bench/supervisor): in one transaction, with
 * the tables' non-unique indexes dropped and built again at the end from their own definitions, and with triggers off
 * (session_replication_role = replica, this transaction only; it needs a superuser, as the bench and tests have):
 * the tallies are then counted once over the seeded decisions, by the same SQL the triggers run, and the foreign keys
 * the triggers would check hold by construction (every row's parent is written before it). Keeping the trigram and
 * GIN indexes and the statement triggers up row by row made PGlite's million take about 27 minutes at load 29.
 */
export async function seedDecisionsInBulk(db: Database, from: number, to: number, newest: Date, options: { slice?: number; onSlice?: (done: number) => void } = {}): Promise<void> {
  const slice = options.slice ?? 50_000;
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    const indexes = await tx.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) AS t) AND NOT i.indisunique AND NOT i.indisprimary
        ORDER BY c.relname`,
      [[...bulkTables]],
    );
    // Names from the catalogue, quoted as identifiers.
    for (const index of indexes) await tx.query(`DROP INDEX ${quoteIdentifier(index.name)}`);
    for (let start = from; start <= to; start += slice) {
      const end = Math.min(to, start + slice - 1);
      await seedDecisions(tx, start, end, newest);
      options.onSlice?.(end);
    }
    for (const index of indexes) await tx.query(index.definition);
    const seeded = `(SELECT * FROM decisions WHERE id BETWEEN '${seededDecisionId(from)}' AND '${seededDecisionId(to)}') AS seeded`;
    await countIntoDecisionTallies(tx, seeded);
    await countIntoReportTallies(tx, seeded);
  });
}

/** A name as a quoted SQL identifier. */
const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
