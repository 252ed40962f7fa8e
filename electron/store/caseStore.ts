// The case store: applications, documents, facts and flags pulled from the central service; decisions with
// their audit entries and outbox mutations written here. One SQLite handle, encrypted, prepared statements only.
import type Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  Application,
  DecisionInput,
  Instant,
  type ApplicationStatus,
  type DecisionOutcome,
  type DocumentRole,
  type Flag,
  type Person,
  QualitySignals,
  type RuleId,
} from '../../shared/domain';
import {
  DocumentRecord,
  ImageFailure,
  QueueQuery,
  type AuditVerification,
  type CaseConflict,
  type CaseDetail,
  type DeadlineState,
  type DecisionRecord,
  type FlagsAsOf,
  JudgedOn,
  type MutationState,
  type QueueCounts,
  type QueueItem,
  type QueuePage,
} from '../../shared/contract/cases';
import type { AttentionItem } from '../../shared/contract/sync';
import { DomainError, describeIssues } from '../../shared/errors';
import { uuidv7 } from '../../shared/ids';
import { isDecided, isOpen, nextStatus, openStatuses } from '../../shared/lifecycle';
import { approvalBlockers, blockingFlags, evaluateRules, rejectionBlockers, type RuleFacts, type RuleInput } from '../../shared/rules';
import { calendarSpec, createCalendar, localDate, reviewDeadline, type BusinessCalendar } from '../../shared/businessDays';
import { AuditLog } from './audit';
import { WalCheckpointer, type WalCheckpointerOptions } from './checkpointer';
import { backupDatabase, openDatabase, translateSqliteError, type Db } from './database';
import { inlineWrites, StoreWriter, type StoreWriterOptions, type StoreWrites } from './storeWriter';
import { deriveKey, type KeyProvider } from '../common/keys';
import { assertNotTooNew, migrate, migrations as allMigrations, schemaVersion, type Migration } from './migrations';
import { log } from '../common/log';

export interface OpenCaseStoreOptions {
  path: string;
  keyProvider: KeyProvider;
  calendar?: BusinessCalendar;
  now?: () => Date;
  /** In Electron: the better-sqlite3 addon built for Electron's ABI. */
  nativeBinding?: string;
  /** Only for tests of the migration runner: a prefix of the real list. */
  migrations?: readonly Migration[];
  /**
   * WAL checkpoints on a worker thread (checkpointer.ts), so that no commit on the main thread pays for one.
   * `false`: the main connection checkpoints itself (SQLite's default), e.g. for a short-lived tool.
   */
  checkpointer?: WalCheckpointerOptions | false;
  /**
   * Runs `writes` (sync's writes) on a thread with a connection of its own (storeWriter.ts), so that the main
   * thread never waits for their file writes. Without it they run on the main connection. The thread keeps the
   * real clock: a store opened with a test's `now` should not ask for it.
   */
  writer?: StoreWriterOptions;
}

export interface UpsertRecord {
  application: Application;
  documents: DocumentRecord[];
  facts: RuleFacts;
}

const RuleFactsSchema = z.object({
  accountsVerifiedWithDocument: z.number().int().nonnegative(),
  enterpriseAccountsVerified: z.number().int().nonnegative(),
  lastVerifiedAt: Instant.nullable(),
}) satisfies z.ZodType<RuleFacts>;

/** What upsertApplications accepts, checked at the store's boundary (sync and demo data both pass through it). */
const UpsertRecordSchema = z.object({
  application: Application,
  documents: z.array(DocumentRecord).max(20),
  facts: RuleFactsSchema,
});

export interface UpsertResult {
  inserted: number;
  updated: number;
  /** Cases with a pending local decision that the central service changed: kept as they are, marked. */
  conflicts: number;
  /** Records older than what the store holds: ignored. */
  stale: number;
  /**
   * Of the inserted and updated, those that may enter or leave a list (new, or a new status or assignee); the other
   * updates change their own rows only.
   */
  moved: number;
  applicationIds: string[];
}

/** What travels to the central service for one decision (POST /v1/mutations:batch). */
export interface DecisionMutationPayload {
  decisionId: string;
  applicationId: string;
  outcome: DecisionRecord['outcome'];
  reasonCodes: DecisionRecord['reasonCodes'];
  applicantMessage: string;
  internalNote: string;
  overrideNote: string | null;
  overriddenRules: RuleId[];
  decidedBy: string;
  decidedAt: string;
  deviceId: string;
  online: boolean;
}

export interface PendingMutation {
  id: string;
  applicationId: string;
  kind: 'decision';
  baseVersion: number;
  payload: DecisionMutationPayload;
  createdAt: string;
}

/** One answer of the central service to an outbox mutation. */
export type MutationAnswer = { id: string; status: 'applied'; serverVersion: number } | { id: string; status: 'rejected'; reason: string; current: Application | null };

export interface OutboxCounts {
  pending: number;
  applied: number;
  rejected: number;
}

export interface RecordedDecision {
  decision: DecisionRecord;
  mutationId: string;
}

/** Who opens a case's documents; each opening is an audit entry. */
export interface CaseOpening {
  actor: Person;
  deviceId: string;
  online: boolean;
}

/** How the quality check of one image ended, by the SHA-256 of its original: its signals, or why it failed to decode. */
export type ImageQuality = { sha256: string; quality: QualitySignals } | { sha256: string; failure: ImageFailure };

export interface CaseStore {
  readonly path: string;
  upsertApplications(records: readonly UpsertRecord[]): UpsertResult;
  listQueue(query: QueueQuery): QueuePage;
  /** The SQL and parameters listQueue would run (for EXPLAIN QUERY PLAN in tests). */
  queueQuery(query: QueueQuery, at?: Date): { sql: string; params: Record<string, unknown> };
  /**
   * Counts for the queue's filters. With `assignee`, the open cases counted are that person's only (their queue);
   * decided and withdrawn cases are counted for the whole workstation, as their lists show them.
   */
  queueCounts(assignee?: string): QueueCounts;
  /** One case with everything the case view shows; with `opening`, records 'documents_opened' in the same transaction. */
  getCase(applicationId: string, opening?: CaseOpening): CaseDetail;
  recordDecision(input: DecisionInput, actor: Person, deviceId: string, online: boolean): RecordedDecision;
  verifyAudit(): AuditVerification;
  /** The oldest pending mutations made by `decidedBy`: only that person's session may send them (never another's). */
  pendingMutations(limit: number, decidedBy: string): PendingMutation[];
  /** Pending decisions by person, for "waiting for this person to sign in". */
  pendingByPerson(): { person: { id: string; displayName: string }; decisions: number }[];
  markMutationApplied(id: string, serverVersion: number): void;
  /** The central service refused a mutation; `current` is its view of the application, when it sent one. */
  markMutationRejected(id: string, reason: string, current: Application | null): void;
  /**
   * The central service's answers to a batch, in one transaction (one commit instead of one per answer). An
   * answer for a mutation that is unknown or was settled otherwise is skipped and named; the rest still go in.
   */
  settleMutations(answers: readonly MutationAnswer[]): { settled: number; skipped: { id: string; code: string }[] };
  outboxCounts(): OutboxCounts;
  /** Decisions the central service refused, newest first: the "needs attention" list. */
  needsAttention(limit?: number): AttentionItem[];
  /**
   * Whether a document of a case on this workstation has this SHA-256 (the image protocol's access check); with
   * `assignee`, only a case assigned to that person counts (a reviewer no longer sees a case reassigned away).
   */
  hasDocument(sha256: string, assignee?: string): boolean;
  /** Every image hash a local case shows (what the blob store must keep). */
  referencedImages(): Set<string>;
  /**
   * Adds an image the reviewer brought in (e.g. a clearer photo the applicant sent through a ticket) to a
   * local case, with an audit entry, in one transaction; it stays when the central service updates the case.
   */
  addLocalDocument(applicationId: string, image: Omit<DocumentRecord, 'id'>, by: CaseOpening): DocumentRecord;
  /**
   * Records that `by.actor` downloaded an image's original (the applicant's own bytes), in the audit trail of the
   * case showing it (the first, when several do); refuses an image no local case shows.
   */
  recordOriginalDownload(sha256: string, by: CaseOpening): void;
  /** What the store knows of an image already ingested for any case (sync skips downloading it again). */
  imageBySha256(sha256: string): Omit<DocumentRecord, 'id' | 'role'> | null;
  /**
   * Quality signals derived after the image was stored (sync admits originals first), or why the image failed to
   * decode: set on every document with that SHA-256 still lacking signals, and the flags of the applications
   * concerned stored anew (R8), in one transaction.
   */
  recordImageQuality(results: readonly ImageQuality[]): { documents: number; applicationIds: string[] };
  /** SHA-256s of documents whose quality was never measured: what to derive again after a restart. */
  imagesLackingQuality(): string[];
  getSyncState(key: string): string | null;
  setSyncState(key: string, value: string): void;
  /** The database handle, for tests and the benchmark (EXPLAIN QUERY PLAN, pragmas). */
  readonly db: Db;
  /** The WAL checkpointer (null when turned off), for tests and the benchmark. */
  readonly checkpointer: WalCheckpointer | null;
  /** Sync's writes, answered asynchronously: on the store writer's thread when opened with `writer`, else here. */
  readonly writes: StoreWrites;
  /** The store writer (null when opened without `writer`), for tests and the benchmark. */
  readonly writer: StoreWriter | null;
  close(): void;
}

interface AttentionRow {
  mutation_id: string;
  application_id: string;
  display_name: string | null;
  outcome: DecisionOutcome;
  decided_at: number;
  settled_at: number | null;
  rejected_reason: string | null;
  rejected_current: string | null;
}

interface ApplicationRow {
  rid: number;
  id: string;
  account_id: string;
  kind: string;
  change_direction: string | null;
  status: ApplicationStatus;
  submitted_at: number;
  due_at: number;
  escalate_at: number;
  version: number;
  assignee: string | null;
  display_name: string;
  body: string;
  server_body: string | null;
  conflict: string | null;
}

interface DocumentRow {
  id: string;
  role: DocumentRole;
  sha256: string;
  format: string;
  width: number;
  height: number;
  forensic: string | null;
  quality: string | null;
  image_failure: string | null;
}

interface DecisionRow {
  id: string;
  application_id: string;
  outcome: 'approve' | 'reject';
  reason_codes: string;
  applicant_message: string;
  internal_note: string;
  override_note: string | null;
  overridden_rules: string;
  decided_by: string;
  decided_by_name: string;
  decided_at: number;
  device_id: string;
  online: number;
  base_version: number;
  prior_status: ApplicationStatus;
  mutation_id: string;
  judged_on: string | null;
  state: MutationState;
  rejected_reason: string | null;
}

interface OutboxRow {
  id: string;
  application_id: string;
  kind: string;
  base_version: number;
  payload: string;
  state: MutationState;
  created_at: number;
  server_version: number | null;
}

interface QueueRow {
  id: string;
  account_id: string;
  kind: QueueItem['kind'];
  change_direction: QueueItem['changeDirection'];
  status: ApplicationStatus;
  display_name: string;
  submitted_at: number;
  due_at: number;
  escalate_at: number;
  assignee: string | null;
  has_conflict: number;
  pending: number;
  flag_list: string | null;
}

/** The read statements of the store, by name: tests run EXPLAIN QUERY PLAN on each to prove an index is used. */
export const readSql = {
  app: 'SELECT a.*, b.body, b.server_body FROM applications a JOIN application_bodies b ON b.application_id = a.id WHERE a.id = ?',
  docs: 'SELECT id, role, sha256, format, width, height, forensic, quality, image_failure FROM documents WHERE application_id = ? ORDER BY position',
  quality: 'SELECT quality, image_failure FROM documents WHERE application_id = ? ORDER BY position',
  facts: 'SELECT body FROM facts WHERE application_id = ?',
  counters: 'SELECT name, n FROM counters',
  countOverdue: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_open WHERE open = 1 AND due_at <= ?',
  countDueBetween: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_open WHERE open = 1 AND due_at > ? AND due_at <= ?',
  countConflicts: 'SELECT count(*) AS n FROM applications WHERE conflict IS NOT NULL',
  outboxCounts: 'SELECT state, count(*) AS n FROM outbox GROUP BY state',
  needsAttention: `SELECT o.id AS mutation_id, o.application_id, a.display_name, d.outcome, d.decided_at, o.settled_at, o.rejected_reason, o.rejected_current
    FROM outbox o JOIN decisions d ON d.mutation_id = o.id LEFT JOIN applications a ON a.id = o.application_id
    WHERE o.state = 'rejected' ORDER BY o.settled_at DESC, o.id DESC LIMIT ?`,
  pending: `SELECT o.* FROM outbox o JOIN decisions d ON d.mutation_id = o.id WHERE o.state = 'pending' AND d.decided_by = ? ORDER BY o.id LIMIT ?`,
  pendingByPerson: `SELECT d.decided_by, max(d.decided_by_name) AS decided_by_name, count(*) AS n
    FROM outbox o JOIN decisions d ON d.mutation_id = o.id WHERE o.state = 'pending' GROUP BY d.decided_by ORDER BY d.decided_by`,
  hasDocument: 'SELECT 1 AS found FROM documents WHERE sha256 = ? LIMIT 1',
  hasAssignedDocument: 'SELECT 1 AS found FROM documents d JOIN applications a ON a.id = d.application_id WHERE d.sha256 = ? AND a.assignee = ? LIMIT 1',
  openByStatusOf: 'SELECT status, count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 GROUP BY status',
  openFlagsOf: `SELECT f.rule, count(*) AS n FROM applications a INDEXED BY applications_queue_assignee
    JOIN flags f ON f.application_id = a.id AND f.first_of_rule = 1 WHERE a.assignee = ? AND a.open = 1 GROUP BY f.rule`,
  countOverdueOf: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 AND due_at <= ?',
  countDueBetweenOf: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 AND due_at > ? AND due_at <= ?',
  countEscalatedOf: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 AND due_at > ? AND escalate_at <= ?',
  documentsOfImage: 'SELECT id, application_id FROM documents WHERE sha256 = ? ORDER BY application_id, position',
  imageBySha256: 'SELECT id, role, sha256, format, width, height, forensic, quality, image_failure FROM documents WHERE sha256 = ? LIMIT 1',
  referencedImages: 'SELECT DISTINCT sha256 FROM documents',
  lackingQuality: 'SELECT DISTINCT sha256 FROM documents WHERE quality IS NULL',
  countEscalated: 'SELECT count(*) AS n FROM applications INDEXED BY applications_escalation WHERE open = 1 AND escalate_at <= ? AND due_at > ?',
  decisions: `SELECT d.*, o.state, o.rejected_reason FROM decisions d JOIN outbox o ON o.id = d.mutation_id WHERE d.application_id = ? ORDER BY d.decided_at, d.id`,
  /** The decision that decided the case: the latest one the central service did not refuse. */
  decidingDecision: `SELECT d.id, d.decided_at, d.judged_on FROM decisions d JOIN outbox o ON o.id = d.mutation_id
    WHERE d.application_id = ? AND o.state <> 'rejected' ORDER BY d.decided_at DESC, d.id DESC LIMIT 1`,
  appState: `SELECT rid, version, status, assignee, (SELECT count(*) FROM outbox o WHERE o.application_id = a.id AND o.state = 'pending') AS pending FROM applications a WHERE id = ?`,
} as const;

const severityRank = { blocking: 3, warning: 2, info: 1 } as const;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** NFKC, lower case, trimmed: how names are stored for search and how search text is compared. */
export function searchForm(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}

/** Upper bound of a prefix range: every string starting with `prefix` sorts below it. */
function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

function deadlineOf(row: { status: ApplicationStatus; due_at: number; escalate_at: number }, now: number): DeadlineState {
  if (!isOpen(row.status)) return 'closed';
  if (now >= row.due_at) return 'overdue';
  if (now >= row.escalate_at) return 'escalated';
  return 'on_time';
}

/** The first instant after `now` that falls on the next calendar day in the time zone (local midnight, exact to the ms). */
export function endOfLocalDay(now: Date, timeZone: string): number {
  const today = localDate(now, timeZone);
  // Step an hour at a time past the date change, then bisect: correct whatever the offset or a DST change.
  let lo = now.getTime();
  let hi = lo + 3_600_000;
  while (localDate(new Date(hi), timeZone) === today) {
    lo = hi;
    hi += 3_600_000;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (localDate(new Date(mid), timeZone) === today) lo = mid;
    else hi = mid;
  }
  return hi;
}

function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

interface CursorKey {
  due: number;
  sub: number;
  id: string;
  filter: string;
}

function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.due, key.sub, key.id, key.filter]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, filter: string): CursorKey {
  const bad = () => new DomainError('bad_cursor', 'This page of the queue is no longer valid (the filters changed). Go back to the first page.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw bad();
  const [due, sub, id, f] = parsed as unknown[];
  if (typeof due !== 'number' || typeof sub !== 'number' || typeof id !== 'string' || f !== filter) throw bad();
  return { due, sub, id, filter };
}

export function openCaseStore(options: OpenCaseStoreOptions): CaseStore {
  const now = options.now ?? (() => new Date());
  const calendar = options.calendar ?? createCalendar();
  const known = options.migrations ?? allMigrations;
  const key = deriveKey(options.keyProvider, 'sqlite');
  const { db, created } = openDatabase(options.path, key, options.nativeBinding);
  try {
    assertNotTooNew(db, options.path, known);
    const version = schemaVersion(db);
    const hasTables = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n > 0;
    if (!created && hasTables && version < known.length) {
      const backup = backupDatabase(db, options.path, version, now());
      log.info('case store backed up before migrating', { from: version, to: known.length, backup });
    }
    const [from, to] = migrate(db, known);
    if (from !== to) log.info('case store migrated', { from, to });
  } catch (err) {
    db.close();
    throw translateSqliteError(err, options.path);
  }
  // Started only once the schema is in place: its connection must never see a half-migrated store.
  const checkpointer = options.checkpointer === false ? null : new WalCheckpointer(db, options.path, key, options.nativeBinding, options.checkpointer);
  const store = new SqliteCaseStore(options.path, db, calendar, now, checkpointer);
  if (options.writer) {
    const spec = calendarSpec(calendar);
    // A calendar made in code (tests) cannot be made again in the thread; its writes stay on this connection.
    if (spec === null) log.warn('case store: the store writer needs a calendar from createCalendar; sync writes on the main thread');
    else {
      const data = { path: options.path, key, calendar: spec, checkpoint: checkpointer?.shared ?? null, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) };
      store.useWriter(new StoreWriter(store, data, options.writer));
    }
  }
  return store;
}

/**
 * A second connection to a store that openCaseStore has opened (checked and migrated) in this process: the store
 * writer's (storeWriterWorker.ts). Its commits are counted by the main connection's checkpointer when it has one.
 */
export function attachCaseStore(options: { path: string; key: Buffer; nativeBinding?: string; calendar: BusinessCalendar; checkpoint: SharedArrayBuffer | null }): CaseStore {
  const { db } = openDatabase(options.path, options.key, options.nativeBinding, { quickCheck: false });
  try {
    const version = schemaVersion(db);
    if (version !== allMigrations.length) {
      throw new DomainError('store_schema_mismatch', `The case store at ${options.path} is at schema ${version}, not ${allMigrations.length}; restart Verity.`);
    }
  } catch (err) {
    db.close();
    throw translateSqliteError(err, options.path);
  }
  // A quarter of the main connection's page cache: it writes in short transactions and reads little, and its cache
  // is memory on top of the main connection's.
  db.pragma('cache_size = -4000');
  const checkpointer = options.checkpoint ? WalCheckpointer.join(db, options.checkpoint) : null;
  return new SqliteCaseStore(options.path, db, options.calendar, () => new Date(), checkpointer);
}

class SqliteCaseStore implements CaseStore {
  private readonly audit: AuditLog;
  private readonly s;
  private readonly queueStatements = new Map<string, Database.Statement<Record<string, unknown>, QueueRow>>();
  /** End of the reviewer's current day: the same for every query until the date changes. */
  private dayEnd = { date: '', end: 0 };
  writes: StoreWrites = inlineWrites(this);
  writer: StoreWriter | null = null;

  constructor(
    readonly path: string,
    readonly db: Db,
    private readonly calendar: BusinessCalendar,
    private readonly now: () => Date,
    readonly checkpointer: WalCheckpointer | null,
  ) {
    this.audit = new AuditLog(db);
    this.s = {
      appState: db.prepare<[string], { rid: number; version: number; status: ApplicationStatus; assignee: string | null; pending: number }>(
        readSql.appState,
      ),
      app: db.prepare<[string], ApplicationRow>(readSql.app),
      upsertApp: db.prepare(
        `INSERT INTO applications (id, account_id, kind, change_direction, registration_location, submitted_at, due_at, escalate_at,
           status, version, assignee, display_name, search_name, conflict, updated_at)
         VALUES (@id, @account_id, @kind, @change_direction, @registration_location, @submitted_at, @due_at, @escalate_at,
           @status, @version, @assignee, @display_name, @search_name, NULL, @updated_at)
         ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, kind = excluded.kind, change_direction = excluded.change_direction,
           registration_location = excluded.registration_location, submitted_at = excluded.submitted_at, due_at = excluded.due_at,
           escalate_at = excluded.escalate_at, status = excluded.status, version = excluded.version, assignee = excluded.assignee,
           display_name = excluded.display_name, search_name = excluded.search_name, conflict = NULL, updated_at = excluded.updated_at`,
      ),
      upsertBody: db.prepare<[string, string]>(
        `INSERT INTO application_bodies (application_id, body, server_body) VALUES (?, ?, NULL)
         ON CONFLICT (application_id) DO UPDATE SET body = excluded.body, server_body = NULL`,
      ),
      markConflict: db.prepare<[string, number, string]>('UPDATE applications SET conflict = ?, updated_at = ? WHERE id = ?'),
      parkServerBody: db.prepare<[string, string]>('UPDATE application_bodies SET server_body = ? WHERE application_id = ?'),
      setStatus: db.prepare<[ApplicationStatus, number, string]>('UPDATE applications SET status = ?, updated_at = ? WHERE id = ?'),
      settleApp: db.prepare<[number, number, string]>(
        `UPDATE applications SET version = max(version, ?), updated_at = ?,
           conflict = CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = applications.id AND o.state = 'pending') THEN conflict END
         WHERE id = ?`,
      ),
      settleBody: db.prepare<[string]>(
        `UPDATE application_bodies SET
           server_body = CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = application_bodies.application_id AND o.state = 'pending') THEN server_body END
         WHERE application_id = ?`,
      ),
      // Documents a reviewer added on this workstation (ids 'local-…') survive the central service's updates.
      deleteDocs: db.prepare<[string]>("DELETE FROM documents WHERE application_id = ? AND id NOT LIKE 'local-%'"),
      nextLocalPosition: db.prepare<[string], { next: number }>(
        "SELECT max(1000, coalesce(max(position) + 1, 0)) AS next FROM documents WHERE application_id = ? AND id LIKE 'local-%'",
      ),
      insertDoc: db.prepare(
        `INSERT INTO documents (id, application_id, position, role, sha256, format, width, height, forensic, quality, image_failure)
         VALUES (@id, @application_id, @position, @role, @sha256, @format, @width, @height, @forensic, @quality, @image_failure)
         ON CONFLICT (id) DO UPDATE SET application_id = excluded.application_id, position = excluded.position, role = excluded.role,
           sha256 = excluded.sha256, format = excluded.format, width = excluded.width, height = excluded.height,
           forensic = excluded.forensic, quality = excluded.quality, image_failure = excluded.image_failure`,
      ),
      docs: db.prepare<[string], DocumentRow>(readSql.docs),
      quality: db.prepare<[string], { quality: string | null; image_failure: string | null }>(readSql.quality),
      upsertFacts: db.prepare<[string, string, number]>(
        'INSERT INTO facts (application_id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (application_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
      ),
      facts: db.prepare<[string], { body: string }>(readSql.facts),
      deleteFlags: db.prepare<[string]>('DELETE FROM flags WHERE application_id = ?'),
      insertFlag: db.prepare(
        `INSERT INTO flags (application_id, position, rule, severity, reason, overridable, facts, first_of_rule, open, due_at, submitted_at)
         VALUES (@application_id, @position, @rule, @severity, @reason, @overridable, @facts, @first_of_rule, @open, @due_at, @submitted_at)`,
      ),
      insertDecision: db.prepare(
        `INSERT INTO decisions (id, application_id, outcome, reason_codes, applicant_message, internal_note, override_note, overridden_rules,
           decided_by, decided_by_name, decided_at, device_id, online, base_version, prior_status, mutation_id, judged_on)
         VALUES (@id, @application_id, @outcome, @reason_codes, @applicant_message, @internal_note, @override_note, @overridden_rules,
           @decided_by, @decided_by_name, @decided_at, @device_id, @online, @base_version, @prior_status, @mutation_id, @judged_on)`,
      ),
      decisions: db.prepare<[string], DecisionRow>(
        readSql.decisions,
      ),
      decidingDecision: db.prepare<[string], { id: string; decided_at: number; judged_on: string | null }>(readSql.decidingDecision),
      decisionByMutation: db.prepare<[string], DecisionRow>(
        'SELECT d.*, o.state, o.rejected_reason FROM decisions d JOIN outbox o ON o.id = d.mutation_id WHERE d.mutation_id = ?',
      ),
      insertOutbox: db.prepare(
        `INSERT INTO outbox (id, application_id, kind, base_version, payload, state, created_at)
         VALUES (@id, @application_id, 'decision', @base_version, @payload, 'pending', @created_at)`,
      ),
      outboxRow: db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE id = ?'),
      pending: db.prepare<[string, number], OutboxRow>(readSql.pending),
      pendingByPerson: db.prepare<[], { decided_by: string; decided_by_name: string; n: number }>(readSql.pendingByPerson),
      applied: db.prepare<[number, number, string]>(`UPDATE outbox SET state = 'applied', server_version = ?, settled_at = ? WHERE id = ?`),
      rejected: db.prepare<[string, string | null, number, string]>(
        `UPDATE outbox SET state = 'rejected', rejected_reason = ?, rejected_current = ?, settled_at = ? WHERE id = ?`,
      ),
      outboxCounts: db.prepare<[], { state: MutationState; n: number }>(readSql.outboxCounts),
      needsAttention: db.prepare<[number], AttentionRow>(readSql.needsAttention),
      counters: db.prepare<[], { name: string; n: number }>(readSql.counters),
      countOverdue: db.prepare<[number], { n: number }>(readSql.countOverdue),
      countDueBetween: db.prepare<[number, number], { n: number }>(readSql.countDueBetween),
      countEscalated: db.prepare<[number, number], { n: number }>(
        readSql.countEscalated,
      ),
      countConflicts: db.prepare<[], { n: number }>(readSql.countConflicts),
      hasDocument: db.prepare<[string], { found: number }>(readSql.hasDocument),
      hasAssignedDocument: db.prepare<[string, string], { found: number }>(readSql.hasAssignedDocument),
      openByStatusOf: db.prepare<[string], { status: ApplicationStatus; n: number }>(readSql.openByStatusOf),
      openFlagsOf: db.prepare<[string], { rule: RuleId; n: number }>(readSql.openFlagsOf),
      countOverdueOf: db.prepare<[string, number], { n: number }>(readSql.countOverdueOf),
      countDueBetweenOf: db.prepare<[string, number, number], { n: number }>(readSql.countDueBetweenOf),
      countEscalatedOf: db.prepare<[string, number, number], { n: number }>(readSql.countEscalatedOf),
      documentsOfImage: db.prepare<[string], { id: string; application_id: string }>(readSql.documentsOfImage),
      imageBySha256: db.prepare<[string], DocumentRow>(readSql.imageBySha256),
      referencedImages: db.prepare<[], { sha256: string }>(readSql.referencedImages),
      setQuality: db.prepare<[string, string], { application_id: string }>(
        'UPDATE documents SET quality = ?, image_failure = NULL WHERE sha256 = ? AND quality IS NULL RETURNING application_id',
      ),
      setImageFailure: db.prepare<[string, string], { application_id: string }>(
        'UPDATE documents SET image_failure = ? WHERE sha256 = ? AND quality IS NULL RETURNING application_id',
      ),
      lackingQuality: db.prepare<[], { sha256: string }>(readSql.lackingQuality),
      getSync: db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?'),
      setSync: db.prepare<[string, string]>('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  /**
   * Runs `fn` as one transaction and turns SQLite failures into the store's error codes. `durable`
   * commits with synchronous=FULL (the WAL is fsynced before the call returns: a decision survives power
   * loss, and so does everything committed before it); other writes use NORMAL, which survives a crash
   * of the app and can lose only the last moments on power loss (sync refetches; an opening's audit entry).
   */
  private write<T>(fn: () => T, durable = false): T {
    try {
      if (durable) this.db.pragma('synchronous = FULL');
      const result = this.db.transaction(fn).immediate();
      this.checkpointer?.noteCommit();
      return result;
    } catch (err) {
      throw translateSqliteError(err, this.path);
    } finally {
      if (durable) this.db.pragma('synchronous = NORMAL');
    }
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translateSqliteError(err, this.path);
    }
  }

  // ---- writes from the central service ------------------------------------------------------------

  upsertApplications(records: readonly UpsertRecord[]): UpsertResult {
    // Validate everything before the transaction: one bad record refuses the whole batch, naming it.
    const parsed = records.map((r, i) => {
      const result = UpsertRecordSchema.safeParse(r);
      if (!result.success) {
        throw new DomainError('invalid_application', `Record ${i} from the central service is not valid (${describeIssues(result.error)}); nothing was stored.`);
      }
      return result.data;
    });
    return this.write(() => {
      const at = this.now();
      const result: UpsertResult = { inserted: 0, updated: 0, conflicts: 0, stale: 0, moved: 0, applicationIds: [] };
      for (const record of parsed) {
        const app = record.application;
        const existing = this.s.appState.get(app.id);
        if (existing && app.version < existing.version) {
          result.stale += 1;
          continue;
        }
        if (existing && existing.pending > 0) {
          // A local decision waits to sync: keep it (and what the reviewer saw), park the server's view aside.
          if (app.version === existing.version) {
            result.stale += 1;
            continue;
          }
          const conflict: CaseConflict = {
            reason: app.status === 'withdrawn' ? 'withdrawn' : 'changed',
            serverVersion: app.version,
            serverStatus: app.status,
            at: at.toISOString(),
          };
          this.s.markConflict.run(JSON.stringify(conflict), at.getTime(), app.id);
          this.s.parkServerBody.run(JSON.stringify(app), app.id);
          result.conflicts += 1;
          result.applicationIds.push(app.id);
          continue;
        }
        this.writeApplication(app, record.documents, record.facts, at);
        if (existing) result.updated += 1;
        else result.inserted += 1;
        if (!existing || existing.status !== app.status || existing.assignee !== app.assignee) result.moved += 1;
        result.applicationIds.push(app.id);
      }
      return result;
    });
  }

  /** Writes the application (and, when given, its documents and facts), then recomputes its flags. */
  private writeApplication(app: Application, documents: readonly DocumentRecord[] | null, facts: RuleFacts | null, at: Date): void {
    const { dueAt, escalateAt } = reviewDeadline(new Date(app.submittedAt), this.calendar);
    const displayName = app.identity.kind === 'individual' ? app.identity.fullName : app.identity.enterpriseName;
    this.s.upsertApp.run({
      id: app.id,
      account_id: app.accountId,
      kind: app.kind,
      change_direction: app.changeDirection,
      registration_location: app.registrationLocation,
      submitted_at: Date.parse(app.submittedAt),
      due_at: dueAt.getTime(),
      escalate_at: escalateAt.getTime(),
      status: app.status,
      version: app.version,
      assignee: app.assignee,
      display_name: displayName,
      search_name: searchForm(displayName),
      updated_at: at.getTime(),
    });
    this.s.upsertBody.run(app.id, JSON.stringify(app));
    if (documents) {
      this.s.deleteDocs.run(app.id);
      documents.forEach((d, position) => this.s.insertDoc.run(documentRow(d, app.id, position)));
    }
    if (facts) this.s.upsertFacts.run(app.id, JSON.stringify(facts), at.getTime());
    this.storeFlags(app, dueAt.getTime(), at);
  }

  private factsOf(applicationId: string): RuleFacts {
    const row = this.s.facts.get(applicationId);
    return row ? parseJson<RuleFacts>(row.body) : { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null };
  }

  /** R8's input: each document's quality signals (in the case's order), and those whose image failed to decode. */
  private imagesOf(applicationId: string): Pick<RuleInput, 'quality' | 'imageFailures'> {
    const rows = this.s.quality.all(applicationId);
    return {
      quality: rows.map((r) => (r.quality ? parseJson<QualitySignals>(r.quality) : null)),
      imageFailures: rows.flatMap((r, image) => (r.image_failure ? [{ image, code: parseJson<ImageFailure>(r.image_failure).code }] : [])),
    };
  }

  private evaluate(app: Application, at: Date): Flag[] {
    return evaluateRules({ application: app, facts: this.factsOf(app.id), ...this.imagesOf(app.id), now: at, calendar: this.calendar });
  }

  /**
   * What a case's flags are as of its state: for a decided case, those its deciding decision was judged on (or none,
   * when that was not recorded here); otherwise the rules evaluated now.
   */
  private flagsOf(app: Application, at: Date): { flags: Flag[]; lastVerifiedAt: string | null; asOf: FlagsAsOf } {
    if (isDecided(app.status)) {
      const deciding = this.s.decidingDecision.get(app.id);
      const judged = deciding?.judged_on ? JudgedOn.parse(parseJson(deciding.judged_on)) : null;
      if (deciding && judged) return { ...judged, asOf: { kind: 'decision', decisionId: deciding.id, decidedAt: iso(deciding.decided_at) } };
      return { flags: [], lastVerifiedAt: null, asOf: { kind: 'unrecorded' } };
    }
    return { flags: this.evaluate(app, at), lastVerifiedAt: this.factsOf(app.id).lastVerifiedAt, asOf: { kind: 'now' } };
  }

  /** Stores R1–R6 and R8; R7 depends on the clock alone, so it is derived from due_at/escalate_at when read. */
  private storeFlags(app: Application, dueAt: number, at: Date): void {
    this.s.deleteFlags.run(app.id);
    const seen = new Set<string>();
    const open = isOpen(app.status) ? 1 : 0;
    this.flagsOf(app, at)
      .flags.filter((f) => f.rule !== 'R7')
      .forEach((f, position) => {
        this.s.insertFlag.run({
          application_id: app.id,
          position,
          rule: f.rule,
          severity: f.severity,
          reason: f.reason,
          overridable: f.overridable ? 1 : 0,
          facts: JSON.stringify(f.facts),
          first_of_rule: seen.has(f.rule) ? 0 : 1,
          open,
          due_at: dueAt,
          submitted_at: Date.parse(app.submittedAt),
        });
        seen.add(f.rule);
      });
  }

  private application(row: ApplicationRow): Application {
    // The status column moves with local decisions; the JSON body is the central service's record.
    return { ...parseJson<Application>(row.body), status: row.status, version: row.version };
  }

  // ---- queue ----------------------------------------------------------------------------------------

  listQueue(query: QueueQuery): QueuePage {
    return this.read(() => {
      const at = this.now();
      const nowMs = at.getTime();
      const { q, sql, params, filterKey } = this.buildQueueQuery(query, at);
      const rows = this.queueStatement(sql).all(params);
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map((r) => this.queueItem(r, nowMs)),
        nextCursor: more && last ? encodeCursor({ due: last.due_at, sub: last.submitted_at, id: last.id, filter: filterKey }) : null,
      };
    });
  }

  /** The SQL and parameters of a queue query; also used by tests for EXPLAIN QUERY PLAN. */
  queueQuery(query: QueueQuery, at: Date = this.now()): { sql: string; params: Record<string, unknown> } {
    const { sql, params } = this.buildQueueQuery(query, at);
    return { sql, params };
  }

  private buildQueueQuery(query: QueueQuery, at: Date) {
    const q = QueueQuery.parse(query);
    const nowMs = at.getTime();
    const viaFlags = q.flag !== undefined && q.flag !== 'R7';
    const k = viaFlags
      ? { due: 'f.due_at', sub: 'f.submitted_at', id: 'f.application_id' }
      : { due: 'a.due_at', sub: 'a.submitted_at', id: 'a.id' };
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit + 1 };
    if (viaFlags) {
      where.push('f.rule = @flag', 'f.first_of_rule = 1');
      params.flag = q.flag;
    }
    if (q.status === 'open') where.push(viaFlags ? 'f.open = 1' : 'a.open = 1');
    else if (q.status !== 'all') {
      where.push('a.status = @status');
      params.status = q.status;
    }
    if (q.kind) {
      where.push('a.kind = @kind');
      params.kind = q.kind;
    }
    if (q.assignee) {
      where.push('a.assignee = @assignee');
      params.assignee = q.assignee;
    }
    // `+a.escalate_at` keeps the planner on the due-ordered index: escalated cases are the first-due ones anyway.
    if (q.flag === 'R7') {
      where.push('a.open = 1', '+a.escalate_at <= @now');
      params.now = nowMs;
    }
    // The window's lower bound on due_at (exclusive) is merged with the cursor below: two lower bounds on the
    // same column make the planner fall back to a skip-scan.
    let lowerDue: number | null = null;
    if (q.due !== 'all') {
      params.now = nowMs;
      if (q.due === 'overdue') where.push('a.open = 1', `${k.due} <= @now`);
      else if (q.due === 'escalated') {
        where.push('a.open = 1', '+a.escalate_at <= @now');
        lowerDue = nowMs;
      } else {
        where.push('a.open = 1', `${k.due} <= @endOfDay`);
        params.endOfDay = this.endOfDay(at);
        lowerDue = nowMs;
      }
    }
    const text = q.text ? q.text : '';
    if (text !== '') {
      const name = searchForm(text);
      params.textLo = text;
      params.textHi = prefixEnd(text);
      params.nameLo = name;
      params.nameHi = prefixEnd(name);
      const parts = [
        'SELECT id FROM applications WHERE id >= @textLo AND id < @textHi',
        'SELECT id FROM applications WHERE account_id >= @textLo AND account_id < @textHi',
        'SELECT id FROM applications WHERE search_name >= @nameLo AND search_name < @nameHi',
      ];
      if ([...name].length >= 3) {
        // A quoted FTS5 string: the text is bound, and quoting happens in SQL, so it cannot become query syntax.
        parts.push(
          `SELECT s.id FROM application_search JOIN applications s ON s.rid = application_search.rowid
           WHERE application_search MATCH '"' || replace(@nameLo, '"', '""') || '"'`,
        );
      }
      // UNION ALL: IN (…) removes duplicates itself, without sorting each branch.
      where.push(`a.id IN (${parts.join(' UNION ALL ')})`);
    }
    const filterKey = createHash('sha256')
      .update(JSON.stringify([q.status, q.kind ?? null, q.flag ?? null, q.assignee ?? null, q.due, text]))
      .digest('base64url')
      .slice(0, 12);
    if (q.cursor) {
      const c = decodeCursor(q.cursor, filterKey);
      // due > L is the same as (due, sub, id) > (L, max, max): take whichever bound is higher.
      const bound = lowerDue !== null && lowerDue >= c.due ? { cDue: lowerDue, cSub: Number.MAX_SAFE_INTEGER, cId: '\u{10FFFF}' } : { cDue: c.due, cSub: c.sub, cId: c.id };
      where.push(`(${k.due}, ${k.sub}, ${k.id}) > (@cDue, @cSub, @cId)`);
      Object.assign(params, bound);
    } else if (lowerDue !== null) {
      where.push(`${k.due} > @lowerDue`);
      params.lowerDue = lowerDue;
    }
    // The access path is pinned (INDEXED BY): with ANALYZE statistics the planner may prefer a skip-scan of
    // another index, which reads the whole table at 100,000 cases. Text search is left to the planner: its
    // IN (…) list is the selective part.
    let index: string | null = null;
    if (text === '') {
      if (viaFlags) index = 'flags_queue';
      else if (q.status === 'open') index = q.assignee ? 'applications_queue_assignee' : q.kind ? 'applications_queue_kind' : 'applications_queue_open';
      else index = q.status === 'all' ? 'applications_queue_all' : 'applications_queue_status';
    }
    const pin = index ? ` INDEXED BY ${index}` : '';
    const from = viaFlags ? `flags f${pin} JOIN applications a ON a.id = f.application_id` : `applications a${pin}`;
    const sql = `SELECT a.id, a.account_id, a.kind, a.change_direction, a.status, a.display_name, a.submitted_at, a.due_at,
        a.escalate_at, a.assignee, a.conflict IS NOT NULL AS has_conflict,
        EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = a.id AND o.state = 'pending') AS pending,
        (SELECT group_concat(fl.rule || ':' || fl.severity) FROM flags fl WHERE fl.application_id = a.id) AS flag_list
      FROM ${from}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${k.due}, ${k.sub}, ${k.id}
      LIMIT @limit`;
    return { q, sql, params, filterKey };
  }

  private endOfDay(at: Date): number {
    const date = localDate(at, this.calendar.timeZone);
    if (this.dayEnd.date !== date) this.dayEnd = { date, end: endOfLocalDay(at, this.calendar.timeZone) };
    return this.dayEnd.end;
  }

  private queueStatement(sql: string): Database.Statement<Record<string, unknown>, QueueRow> {
    let stmt = this.queueStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<Record<string, unknown>, QueueRow>(sql);
      this.queueStatements.set(sql, stmt);
    }
    return stmt;
  }

  private queueItem(r: QueueRow, nowMs: number): QueueItem {
    const byRule = new Map<RuleId, Flag['severity']>();
    for (const part of r.flag_list ? r.flag_list.split(',') : []) {
      const [rule, severity] = part.split(':') as [RuleId, Flag['severity']];
      const had = byRule.get(rule);
      if (!had || severityRank[severity] > severityRank[had]) byRule.set(rule, severity);
    }
    const deadline = deadlineOf(r, nowMs);
    if (deadline === 'overdue') byRule.set('R7', 'warning');
    else if (deadline === 'escalated') byRule.set('R7', 'info');
    return {
      id: r.id,
      accountId: r.account_id,
      kind: r.kind,
      changeDirection: r.change_direction,
      status: r.status,
      displayName: r.display_name,
      submittedAt: iso(r.submitted_at),
      dueAt: iso(r.due_at),
      escalateAt: iso(r.escalate_at),
      deadline,
      assignee: r.assignee,
      flags: [...byRule].sort(([a], [b]) => (a < b ? -1 : 1)).map(([rule, severity]) => ({ rule, severity })),
      conflict: r.has_conflict === 1,
      pendingSync: r.pending === 1,
    };
  }

  queueCounts(assignee?: string): QueueCounts {
    return this.read(() => {
      const at = this.now();
      const nowMs = at.getTime();
      const byStatus: QueueCounts['byStatus'] = { submitted: 0, queued: 0, in_review: 0, approved: 0, rejected: 0, withdrawn: 0 };
      const byFlag: QueueCounts['byFlag'] = { R1: 0, R2: 0, R3: 0, R4: 0, R5: 0, R6: 0, R7: 0, R8: 0 };
      for (const { name, n } of this.s.counters.all()) {
        const [dim, value] = name.split(':') as [string, string];
        if (dim === 'status' && value in byStatus) byStatus[value as ApplicationStatus] = n;
        if (dim === 'flag' && value in byFlag && assignee === undefined) byFlag[value as RuleId] = n;
      }
      if (assignee !== undefined) {
        // The person's own open cases: a range of the assignee index each, not the workstation-wide counters.
        for (const status of openStatuses) byStatus[status] = 0;
        for (const { status, n } of this.s.openByStatusOf.all(assignee)) byStatus[status] = n;
        for (const { rule, n } of this.s.openFlagsOf.all(assignee)) byFlag[rule] = n;
      }
      const endOfDay = this.endOfDay(at);
      const overdue = (assignee === undefined ? this.s.countOverdue.get(nowMs) : this.s.countOverdueOf.get(assignee, nowMs))?.n ?? 0;
      const escalated = (assignee === undefined ? this.s.countEscalated.get(nowMs, nowMs) : this.s.countEscalatedOf.get(assignee, nowMs, nowMs))?.n ?? 0;
      const dueToday = (assignee === undefined ? this.s.countDueBetween.get(nowMs, endOfDay) : this.s.countDueBetweenOf.get(assignee, nowMs, endOfDay))?.n ?? 0;
      byFlag.R7 = overdue + escalated;
      return { byStatus, byFlag, byDue: { overdue, escalated, dueToday }, conflicts: this.s.countConflicts.get()?.n ?? 0 };
    });
  }

  // ---- one case -----------------------------------------------------------------------------------

  getCase(applicationId: string, opening?: CaseOpening): CaseDetail {
    const load = (): CaseDetail => {
      const at = this.now();
      const row = this.s.app.get(applicationId);
      if (!row) throw notFound(applicationId);
      const application = this.application(row);
      const documents = this.s.docs.all(applicationId).map(toDocumentRecord);
      if (opening) {
        this.audit.append({
          at: at.getTime(),
          action: 'documents_opened',
          applicationId,
          actor: opening.actor,
          deviceId: opening.deviceId,
          online: opening.online,
          details: { documents: documents.map((d) => d.id) },
        });
      }
      // An open case's flags as of now (the stored ones may be older than the clock: R4's cooldown, R7's deadline);
      // a decided one's as it was decided, with today's beside them for information.
      const judged = this.flagsOf(application, at);
      const current = isDecided(application.status) ? { flags: this.evaluate(application, at), lastVerifiedAt: this.factsOf(applicationId).lastVerifiedAt } : null;
      return {
        application,
        dueAt: iso(row.due_at),
        escalateAt: iso(row.escalate_at),
        deadline: deadlineOf(row, at.getTime()),
        documents,
        flags: judged.flags,
        flagsAsOf: judged.asOf,
        current,
        decisions: this.s.decisions.all(applicationId).map(toDecisionRecord),
        audit: this.audit.forApplication(applicationId),
        conflict: row.conflict ? parseJson<CaseConflict>(row.conflict) : null,
        lastVerifiedAt: judged.lastVerifiedAt,
      };
    };
    return opening ? this.write(load) : this.read(load);
  }

  addLocalDocument(applicationId: string, image: Omit<DocumentRecord, 'id'>, by: CaseOpening): DocumentRecord {
    return this.write(() => {
      const at = this.now();
      const row = this.s.app.get(applicationId);
      if (!row) throw notFound(applicationId);
      const document: DocumentRecord = { ...image, id: `local-${uuidv7(at.getTime())}` };
      this.s.insertDoc.run(documentRow(document, applicationId, this.s.nextLocalPosition.get(applicationId)?.next ?? 1000));
      this.audit.append({
        at: at.getTime(),
        action: 'document_added',
        applicationId,
        actor: by.actor,
        deviceId: by.deviceId,
        online: by.online,
        details: { document: document.id, sha256: document.sha256 },
      });
      // R8 reads every document's quality, so the flags are stored anew.
      this.storeFlags(this.application(row), row.due_at, at);
      return document;
    }, true);
  }

  recordOriginalDownload(sha256: string, by: CaseOpening): void {
    this.write(() => {
      const documents = this.s.documentsOfImage.all(sha256);
      const first = documents[0];
      if (!first) throw new DomainError('forbidden', 'This document image belongs to no case on this workstation.');
      this.audit.append({
        at: this.now().getTime(),
        action: 'original_downloaded',
        applicationId: first.application_id,
        actor: by.actor,
        deviceId: by.deviceId,
        online: by.online,
        details: { sha256, documents: documents.map((d) => d.id), applications: [...new Set(documents.map((d) => d.application_id))] },
      });
    }, true);
  }

  // ---- decisions ----------------------------------------------------------------------------------

  recordDecision(rawInput: DecisionInput, actor: Person, deviceId: string, online: boolean): RecordedDecision {
    const input = DecisionInput.parse(rawInput);
    return this.write(() => {
      const at = this.now();
      const row = this.s.app.get(input.applicationId);
      if (!row) throw notFound(input.applicationId);
      const application = this.application(row);
      const status = nextStatus(application.status, input.outcome); // withdrawn, already decided, not yet queued
      if (application.assignee !== actor.id) throw notAssigned(application.assignee);
      const flags = this.evaluate(application, at);
      const blockers = input.outcome === 'approve' ? approvalBlockers(flags, input.overrideNote) : rejectionBlockers(flags);
      if (blockers.length > 0) {
        const named = [...new Set(blockers.map((f) => `${f.rule} (${f.reason})`))].join(', ');
        throw new DomainError(
          'approval_blocked',
          input.outcome === 'approve'
            ? `This application cannot be approved: ${named} ${blockers.length > 1 ? 'block' : 'blocks'} it. Reject it with the matching reason, or resolve the flag first.`
            : `This application cannot be decided: ${named}.`,
        );
      }
      const overriddenRules =
        input.outcome === 'approve' && input.overrideNote !== null && input.overrideNote.trim() !== ''
          ? [...new Set(blockingFlags(flags).filter((f) => f.overridable).map((f) => f.rule))]
          : [];
      const decisionId = uuidv7(at.getTime());
      const mutationId = uuidv7(at.getTime());
      const payload: DecisionMutationPayload = {
        decisionId,
        applicationId: application.id,
        outcome: input.outcome,
        reasonCodes: input.reasonCodes,
        applicantMessage: input.applicantMessage,
        internalNote: input.internalNote,
        overrideNote: input.overrideNote,
        overriddenRules,
        decidedBy: actor.id,
        decidedAt: at.toISOString(),
        deviceId,
        online,
      };
      this.s.insertOutbox.run({ id: mutationId, application_id: application.id, base_version: application.version, payload: JSON.stringify(payload), created_at: at.getTime() });
      this.s.insertDecision.run({
        id: decisionId,
        application_id: application.id,
        outcome: input.outcome,
        reason_codes: JSON.stringify(input.reasonCodes),
        applicant_message: input.applicantMessage,
        internal_note: input.internalNote,
        override_note: input.overrideNote,
        overridden_rules: JSON.stringify(overriddenRules),
        decided_by: actor.id,
        decided_by_name: actor.displayName,
        decided_at: at.getTime(),
        device_id: deviceId,
        online: online ? 1 : 0,
        base_version: application.version,
        prior_status: application.status,
        mutation_id: mutationId,
        judged_on: JSON.stringify({ flags, lastVerifiedAt: this.factsOf(application.id).lastVerifiedAt } satisfies JudgedOn),
      });
      this.s.setStatus.run(status, at.getTime(), application.id);
      this.audit.append({
        at: at.getTime(),
        action: 'decision_recorded',
        applicationId: application.id,
        actor,
        deviceId,
        online,
        details: { decisionId, mutationId, outcome: input.outcome, reasonCodes: [...input.reasonCodes], overriddenRules, baseVersion: application.version },
      });
      this.storeFlags({ ...application, status }, row.due_at, at);
      const decision = this.s.decisionByMutation.get(mutationId);
      if (!decision) throw new Error('decision vanished inside its own transaction');
      return { decision: toDecisionRecord(decision), mutationId };
    }, true);
  }

  verifyAudit(): AuditVerification {
    return this.read(() => this.audit.verify());
  }

  // ---- outbox -------------------------------------------------------------------------------------

  pendingByPerson(): { person: { id: string; displayName: string }; decisions: number }[] {
    return this.read(() => this.s.pendingByPerson.all().map((r) => ({ person: { id: r.decided_by, displayName: r.decided_by_name }, decisions: r.n })));
  }

  pendingMutations(limit: number, decidedBy: string): PendingMutation[] {
    const n = Math.max(1, Math.min(1000, Math.trunc(limit)));
    return this.read(() =>
      this.s.pending.all(decidedBy, n).map((r) => ({
        id: r.id,
        applicationId: r.application_id,
        kind: 'decision' as const,
        baseVersion: r.base_version,
        payload: parseJson<DecisionMutationPayload>(r.payload),
        createdAt: iso(r.created_at),
      })),
    );
  }

  markMutationApplied(id: string, serverVersion: number): void {
    this.write(() => this.settleApplied(id, serverVersion));
  }

  markMutationRejected(id: string, reason: string, current: Application | null): void {
    const server = current === null ? null : Application.parse(current);
    this.write(() => this.settleRejected(id, reason, server));
  }

  settleMutations(answers: readonly MutationAnswer[]): { settled: number; skipped: { id: string; code: string }[] } {
    const checked = answers.map((a) => (a.status === 'rejected' && a.current !== null ? { ...a, current: Application.parse(a.current) } : a));
    return this.write(() => {
      let settled = 0;
      const skipped: { id: string; code: string }[] = [];
      for (const answer of checked) {
        try {
          if (answer.status === 'applied') this.settleApplied(answer.id, answer.serverVersion);
          else this.settleRejected(answer.id, answer.reason, answer.current);
          settled += 1;
        } catch (error) {
          // Unknown or settled otherwise: refused before anything of it was written, so the others still go in.
          if (!(error instanceof DomainError)) throw error;
          skipped.push({ id: answer.id, code: error.code });
        }
      }
      return { settled, skipped };
    });
  }

  private settleApplied(id: string, serverVersion: number): void {
    const row = this.s.outboxRow.get(id);
    if (!row) throw new DomainError('mutation_not_found', `There is no outbox mutation ${id.slice(0, 64)}.`);
    if (row.state === 'applied' && row.server_version === serverVersion) return; // a repeated answer
    if (row.state !== 'pending') throw new DomainError('mutation_settled', `Mutation ${id} was already ${row.state}.`);
    const at = this.now().getTime();
    this.s.applied.run(serverVersion, at, id);
    this.s.settleApp.run(serverVersion, at, row.application_id);
    this.s.settleBody.run(row.application_id);
  }

  private settleRejected(id: string, reason: string, server: Application | null): void {
    const row = this.s.outboxRow.get(id);
    if (!row) throw new DomainError('mutation_not_found', `There is no outbox mutation ${id.slice(0, 64)}.`);
    if (row.state === 'rejected') return;
    if (row.state !== 'pending') throw new DomainError('mutation_settled', `Mutation ${id} was already ${row.state}.`);
    const at = this.now();
    this.s.rejected.run(reason.slice(0, 200), server ? JSON.stringify(server) : null, at.getTime(), id);
    const appRow = this.s.app.get(row.application_id);
    if (!appRow) return;
    // The central service's view wins: what it sent now, else what sync parked during the conflict,
    // else the status the case had before the refused decision.
    const parked = appRow.server_body ? parseJson<Application>(appRow.server_body) : null;
    const decision = this.s.decisionByMutation.get(id);
    const restored = server ?? parked ?? { ...this.application(appRow), status: decision?.prior_status ?? appRow.status };
    this.writeApplication(restored, null, null, at);
  }

  outboxCounts(): OutboxCounts {
    return this.read(() => {
      const counts: OutboxCounts = { pending: 0, applied: 0, rejected: 0 };
      for (const { state, n } of this.s.outboxCounts.all()) counts[state] = n;
      return counts;
    });
  }

  needsAttention(limit = 500): AttentionItem[] {
    return this.read(() =>
      this.s.needsAttention.all(limit).map((r) => {
        const current = r.rejected_current ? parseJson<Application>(r.rejected_current) : null;
        return {
          mutationId: r.mutation_id,
          applicationId: r.application_id,
          displayName: r.display_name ?? r.application_id,
          outcome: r.outcome,
          decidedAt: new Date(r.decided_at).toISOString(),
          refusedAt: r.settled_at === null ? null : new Date(r.settled_at).toISOString(),
          reason: r.rejected_reason ?? 'unknown',
          current: current ? { status: current.status, assignee: current.assignee } : null,
        };
      }),
    );
  }

  hasDocument(sha256: string, assignee?: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return false;
    return this.read(() => (assignee === undefined ? this.s.hasDocument.get(sha256) : this.s.hasAssignedDocument.get(sha256, assignee)) !== undefined);
  }
  referencedImages(): Set<string> {
    return this.read(() => new Set(this.s.referencedImages.all().map((r) => r.sha256)));
  }

  imageBySha256(sha256: string): Omit<DocumentRecord, 'id' | 'role'> | null {
    return this.read(() => {
      const row = this.s.imageBySha256.get(sha256);
      if (!row) return null;
      const { id: _id, role: _role, ...image } = toDocumentRecord(row);
      return image;
    });
  }

  recordImageQuality(results: readonly ImageQuality[]): { documents: number; applicationIds: string[] } {
    // Validate before the transaction: the signals come from a worker thread, i.e. across a boundary.
    const parsed = results.map((r, i) => {
      const outcome = 'quality' in r ? QualitySignals.safeParse(r.quality) : ImageFailure.safeParse(r.failure);
      if (!/^[0-9a-f]{64}$/.test(r.sha256) || !outcome.success) {
        throw new DomainError('invalid_quality', `Derived image quality ${i} is not valid${outcome.success ? ' (hash)' : ` (${describeIssues(outcome.error)})`}; nothing was stored.`);
      }
      return { sha256: r.sha256, json: JSON.stringify(outcome.data), set: 'quality' in r ? this.s.setQuality : this.s.setImageFailure };
    });
    if (parsed.length === 0) return { documents: 0, applicationIds: [] };
    return this.write(() => {
      const at = this.now();
      let documents = 0;
      const touched = new Set<string>();
      for (const r of parsed) {
        for (const row of r.set.all(r.json, r.sha256)) {
          documents += 1;
          touched.add(row.application_id);
        }
      }
      // R8 reads every document's quality, so the flags of each application concerned are stored anew.
      for (const applicationId of touched) {
        const row = this.s.app.get(applicationId);
        if (row) this.storeFlags(this.application(row), row.due_at, at);
      }
      return { documents, applicationIds: [...touched] };
    });
  }

  imagesLackingQuality(): string[] {
    return this.read(() => this.s.lackingQuality.all().map((r) => r.sha256));
  }

  getSyncState(key: string): string | null {
    return this.read(() => this.s.getSync.get(key)?.value ?? null);
  }

  setSyncState(key: string, value: string): void {
    this.write(() => this.s.setSync.run(key, value));
  }

  /** From openCaseStore: sync's writes go to this thread from now on. */
  useWriter(writer: StoreWriter): void {
    this.writer = writer;
    this.writes = writer.writes;
  }

  close(): void {
    // The other connections first: the main's close then, as the last connection, checkpoints and removes the WAL.
    this.writer?.close();
    this.checkpointer?.close();
    if (this.db.open) {
      try {
        this.db.pragma('optimize');
      } catch {
        // optimize is advice only; closing matters more.
      }
      this.db.close();
    }
  }
}

/** The case is someone else's now (reassigned by a supervisor, or its lease released): no decision here. */
export function notAssigned(assignee: string | null): DomainError {
  return new DomainError(
    'not_assigned',
    assignee === null
      ? 'This case is no longer assigned to you (the central service released it), so it cannot be decided here.'
      : `This case is now assigned to ${assignee}, so it can no longer be decided here.`,
  );
}

function notFound(applicationId: string): DomainError {
  return new DomainError('case_not_found', `Case ${applicationId.slice(0, 64)} is not on this workstation. Sync, or check the id.`);
}

/** The parameters of insertDoc for one document. */
function documentRow(d: DocumentRecord, applicationId: string, position: number): Record<string, unknown> {
  return {
    id: d.id,
    application_id: applicationId,
    position,
    role: d.role,
    sha256: d.sha256,
    format: d.format,
    width: d.width,
    height: d.height,
    forensic: d.forensic ? JSON.stringify(d.forensic) : null,
    quality: d.quality ? JSON.stringify(d.quality) : null,
    image_failure: d.imageFailure ? JSON.stringify(d.imageFailure) : null,
  };
}

function toDocumentRecord(r: DocumentRow): DocumentRecord {
  return {
    id: r.id,
    role: r.role,
    sha256: r.sha256,
    format: r.format,
    width: r.width,
    height: r.height,
    forensic: r.forensic ? parseJson<DocumentRecord['forensic']>(r.forensic) : null,
    quality: r.quality ? parseJson<DocumentRecord['quality']>(r.quality) : null,
    imageFailure: r.image_failure ? parseJson<ImageFailure>(r.image_failure) : null,
  };
}

function toDecisionRecord(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    applicationId: r.application_id,
    outcome: r.outcome,
    reasonCodes: parseJson<DecisionRecord['reasonCodes']>(r.reason_codes),
    applicantMessage: r.applicant_message,
    internalNote: r.internal_note,
    overrideNote: r.override_note,
    overriddenRules: parseJson<RuleId[]>(r.overridden_rules),
    decidedBy: { id: r.decided_by, displayName: r.decided_by_name },
    decidedAt: iso(r.decided_at),
    deviceId: r.device_id,
    online: r.online === 1,
    baseVersion: r.base_version,
    mutationId: r.mutation_id,
    sync: r.state,
    rejectedReason: r.rejected_reason,
    judgedOn: r.judged_on ? parseJson<JudgedOn>(r.judged_on) : null,
  };
}
