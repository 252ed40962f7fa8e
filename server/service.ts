// The central service's operations, free of HTTP: intake, assignment leases, the changes feed,
// mutations, supervision. Feed rows are written through feed.ts (per-reviewer locks at commit), so a cursor never
// skips one while reviewers' fetches and batches run side by side.
import { randomUUID } from 'node:crypto';
import { createCalendar, reviewDeadline, type BusinessCalendar } from '../shared/businessDays';
import {
  type ApplicationEnvelope,
  type CentralFacts,
  type ChangeType,
  type ChangesResponse,
  type DecisionMutation,
  type DecisionRecord,
  type DecisionsResponse,
  type DocumentRef,
  type IntakeRequest,
  type Mutation,
  type MutationResult,
  type QualityPolicy,
  type QualitySampleReason,
  type Review,
  decisionInputOf,
  type DecisionEffect,
} from '../shared/contract/central';
import {
  type Application,
  DecisionInput,
  type ApplicationStatus,
  type DocumentRole,
  type Identity,
  type ReasonCode,
  type RuleId,
  ticketRefPattern,
  type Withdrawal,
} from '../shared/domain';
import type { JudgedOn } from '../shared/contract/cases';
import { DomainError, describeIssues } from '../shared/errors';
import { canDecide, isDecided, nextStatus } from '../shared/lifecycle';
import { approvalBlockers, evaluateRules, rejectionBlockers, type RuleFacts } from '../shared/rules';
import { idsParam, type Database, type Queryable } from './db';
import { currentCalendar } from './calendar';
import { checkImage, type CheckedImage, type MediaType } from './images';
import { identityKeys } from './keys';
import { keepVerificationDocuments, previousDocumentInfo, previousDocumentsFor, standingVerification } from './replacedIdentity';
import { afterCursor, decisionOrderSql, decisionsTotal, decisionWhere, encodeDecisionsCursor, type DecisionFilter } from './decisions';
import { changedSince, changeOrder, changeWatermark, encodeChangeCursor } from './decisionChanges';
import {
  currentPolicy,
  decidedFor,
  type DecisionTraits,
  holdsForSecondReview,
  refreshRandomSample,
  returnedFor,
  sampleColumns,
  sampleRankSql,
  sampleWeekSql,
  traitsOf,
} from './quality';
import type { NotificationChannel } from '../shared/contract/notifications';
import { queueDecisionNotifications, recordApplicantContact } from './notifications/queue';
import { appendChange, feedTransaction, writeFeed } from './feed';

// The wire type and the rules' input type must stay one shape.
const factsMatch: (f: CentralFacts) => RuleFacts = (f) => f;
void factsMatch;

export type CheckedDocument = CheckedImage & { role: DocumentRole; bytes: Buffer };

export interface ServiceOptions {
  now: () => Date;
  /** Open applications a reviewer holds at most (automatic assignment stops there). */
  assignmentCap: number;
  /** How long an assignment lasts without the reviewer syncing. */
  leaseMs: number;
  calendar: BusinessCalendar;
  /** Where the service reports what it set aside (a mutation it could not apply); default: nowhere. */
  log?: (message: string, error?: unknown) => void;
  /** The applicant notification channels this service delivers (server/notifications/); default: the message centre. */
  notificationChannels?: readonly NotificationChannel[];
}

export const defaultServiceOptions = (): ServiceOptions => ({
  now: () => new Date(),
  assignmentCap: 200,
  leaseMs: 72 * 60 * 60 * 1000,
  calendar: createCalendar(),
});

export interface ApplicationRow {
  id: string;
  account_id: string;
  kind: Application['kind'];
  registration_location: string;
  submitted_at: Date;
  status: ApplicationStatus;
  version: number;
  assignee: string | null;
  lease_expires_at: Date | null;
  identity: Identity;
  current_identity: Identity | null;
  change_direction: Application['changeDirection'];
  icp: Application['icp'];
  applicant_language: Application['applicantLanguage'];
  due_at: Date;
  escalate_at: Date;
  /** Migration 11: the withdrawal on record (null before, or for rows withdrawn by an older server). */
  withdrawn_at?: Date | null;
  withdrawn_by?: string | null;
  withdraw_ticket_ref?: string | null;
}

/** Stores an image's bytes once (the same bytes on two documents are one blob). */
export async function storeBlob(tx: Queryable, image: CheckedDocument): Promise<void> {
  // Skip sending the bytes when they are there already.
  const [stored] = await tx.query(`SELECT 1 FROM blobs WHERE sha256 = $1`, [image.sha256]);
  if (stored) return;
  // A bytea parameter: both drivers send it as hex text encoded natively (db.ts).
  await tx.query(`INSERT INTO blobs (sha256, media_type, byte_size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, [
    image.sha256,
    image.mediaType,
    image.bytes.length,
    image.bytes,
  ]);
}

export const jsonOf = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export function applicationOf(row: ApplicationRow): Application {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    registrationLocation: row.registration_location,
    submittedAt: row.submitted_at.toISOString(),
    status: row.status,
    version: row.version,
    assignee: row.assignee,
    identity: jsonOf(row.identity) as Identity,
    currentIdentity: (jsonOf(row.current_identity) as Identity | null) ?? null,
    changeDirection: row.change_direction,
    icp: jsonOf(row.icp) as Application['icp'],
    applicantLanguage: row.applicant_language,
    withdrawal: withdrawalOf(row),
  };
}

function withdrawalOf(row: ApplicationRow): Withdrawal | null {
  if (!row.withdrawn_at || !row.withdrawn_by || !row.withdraw_ticket_ref) return null;
  return { ticketRef: row.withdraw_ticket_ref, withdrawnAt: row.withdrawn_at.toISOString(), withdrawnBy: row.withdrawn_by };
}

/** A withdrawal's ticket reference (shared/domain ticketRefPattern), or `invalid_ticket_ref` saying what is expected. */
export function checkedTicketRef(ticketRef: string | undefined): string {
  const ref = ticketRef?.trim() ?? '';
  if (ref === '') throw new DomainError('invalid_ticket_ref', 'ticketRef: a withdrawal needs the support ticket it came through, e.g. SUP-104233');
  if (!ticketRefPattern.test(ref)) {
    throw new DomainError('invalid_ticket_ref', 'ticketRef: write the ticket reference as 2 to 8 capital letters, a hyphen and 1 to 12 digits, e.g. SUP-104233');
  }
  return ref;
}

export const OPEN = 'queued';
/** Advisory lock class of one reviewer's fetch (assignment top-up); the second key is the reviewer's hashtext. */
const ASSIGNMENT_LOCK = 7_331_004;

export async function selectApplications(q: Queryable, ids: readonly string[], forUpdate = false): Promise<Map<string, ApplicationRow>> {
  const rows = await q.query<ApplicationRow & Record<string, unknown>>(
    `SELECT * FROM applications WHERE id = ANY($1::text[])${forUpdate ? ' FOR UPDATE' : ''}`,
    [idsParam(ids)],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export async function factsFor(q: Queryable, ids: readonly string[]): Promise<Map<string, CentralFacts>> {
  const rows = await q.query<{ id: string; doc_accounts: number; ent_accounts: number; last_verified_at: Date | null }>(
    `SELECT a.id,
            (SELECT count(*) FROM accounts o WHERE o.doc_key = a.doc_key AND o.id <> a.account_id) AS doc_accounts,
            -- two index look-ups (a NULL key matches nothing) rather than one OR across two columns
            (SELECT count(*) FROM (
               SELECT o.id FROM accounts o WHERE o.ent_name_key = a.ent_name_key
               UNION
               SELECT o.id FROM accounts o WHERE o.ent_reg_key = a.ent_reg_key) o
              WHERE o.id <> a.account_id) AS ent_accounts,
            acc.verified_at AS last_verified_at
       FROM applications a JOIN accounts acc ON acc.id = a.account_id
      WHERE a.id = ANY($1::text[])`,
    [idsParam(ids)],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        accountsVerifiedWithDocument: Number(r.doc_accounts),
        enterpriseAccountsVerified: Number(r.ent_accounts),
        lastVerifiedAt: r.last_verified_at ? r.last_verified_at.toISOString() : null,
      },
    ]),
  );
}

async function documentsFor(q: Queryable, ids: readonly string[]): Promise<Map<string, DocumentRef[]>> {
  const rows = await q.query<{ id: string; application_id: string; role: DocumentRole; sha256: string; media_type: MediaType; byte_size: number }>(
    `SELECT d.id, d.application_id, d.role, d.sha256, b.media_type, b.byte_size
       FROM documents d JOIN blobs b ON b.sha256 = d.sha256
      WHERE d.application_id = ANY($1::text[])
      ORDER BY d.application_id, d.position`,
    [idsParam(ids)],
  );
  const map = new Map<string, DocumentRef[]>();
  for (const r of rows) {
    const list = map.get(r.application_id) ?? [];
    list.push({ id: r.id, role: r.role, mediaType: r.media_type, sha256: r.sha256, byteSize: r.byte_size });
    map.set(r.application_id, list);
  }
  return map;
}

/** Writes of a mutation batch not yet sent, as rows for jsonb_to_recordset. */
interface BatchWrites {
  applications: { id: string; status: ApplicationStatus; version: number }[];
  decisions: Record<string, unknown>[];
  notes: { id: string; application_id: string; text: string; made_at: string }[];
  changes: { reviewer: string; application_id: string; type: ChangeType }[];
}

const emptyWrites = (): BatchWrites => ({ applications: [], decisions: [], notes: [], changes: [] });

interface Batch {
  tx: Queryable;
  reviewer: string;
  deviceId: string;
  now: Date;
  /** The batch's applications, locked, as the earlier mutations of the batch left them. */
  rows: Map<string, ApplicationRow>;
  facts: Map<string, CentralFacts> | null;
  /** The QA and four-eyes policy in force (read once per batch). */
  policy: QualityPolicy;
  writes: BatchWrites;
  /**
   * What waits for the end of the batch (finish), written once however many decisions it holds: the answers, the
   * decisions in effect to notify, whether any decision was written (the week's random sample is drawn again).
   */
  answers: { id: string; result: MutationResult }[];
  inEffect: string[];
  decided: boolean;
}

export class CentralService {
  private identity: Promise<string> | null = null;

  constructor(
    readonly db: Database,
    readonly options: ServiceOptions,
  ) {}

  /** The channels a decision taking effect is written for (the message centre always). */
  get notificationChannels(): readonly NotificationChannel[] {
    return this.options.notificationChannels ?? ['message_centre'];
  }

  /** Which central service this database is (made once by migration 2); read once per process. */
  centralId(): Promise<string> {
    this.identity ??= this.db
      .query<{ id: string }>(`SELECT id::text AS id FROM central_identity`)
      .then(([row]) => {
        if (!row) throw new Error('central_identity has no row; the database was not migrated');
        return row.id;
      })
      .catch((error: unknown) => {
        // Asked again next time rather than failing every request from now on.
        this.identity = null;
        throw error;
      });
    return this.identity;
  }

  /** This service's identity; refuses a workstation bound to another one before anything is read or written. */
  async expectCentral(expected: string | undefined): Promise<string> {
    const id = await this.centralId();
    if (expected !== undefined && expected.toLowerCase() !== id) {
      throw new DomainError(
        'wrong_central',
        `This is central service ${id}, but the workstation's cases and decisions came from central service ${expected.slice(0, 100)}; nothing was read or changed.`,
      );
    }
    return id;
  }

  private now(): Date {
    return this.options.now();
  }

  async envelopes(q: Queryable, ids: readonly string[]): Promise<Map<string, ApplicationEnvelope>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const [apps, facts, docs, returned, previous] = await Promise.all([
      selectApplications(q, unique),
      factsFor(q, unique),
      documentsFor(q, unique),
      returnedFor(q, unique),
      previousDocumentsFor(q, unique),
    ]);
    const decided = await decidedFor(q, unique.filter((id) => apps.get(id)?.status === 'approved' || apps.get(id)?.status === 'rejected'));
    const result = new Map<string, ApplicationEnvelope>();
    for (const id of unique) {
      const row = apps.get(id);
      const f = facts.get(id);
      if (!row || !f) continue;
      result.set(id, {
        application: applicationOf(row),
        documents: docs.get(id) ?? [],
        facts: f,
        dueAt: row.due_at.toISOString(),
        escalateAt: row.escalate_at.toISOString(),
        ...(row.status === OPEN && returned.has(id) ? { returned: returned.get(id) } : {}),
        ...(decided.has(id) ? { decided: decided.get(id) } : {}),
        ...(previous.has(id) ? { previousDocuments: previous.get(id) } : {}),
      });
    }
    return result;
  }

  private async envelope(q: Queryable, id: string): Promise<ApplicationEnvelope> {
    const env = (await this.envelopes(q, [id])).get(id);
    if (!env) throw new DomainError('not_found', 'No application with this id');
    return env;
  }

  // ── intake ─────────────────────────────────────────────────────────────────────────────────────
  async submit(request: IntakeRequest, id: string = randomUUID()): Promise<ApplicationEnvelope> {
    this.checkIntake(request, request.documents.map((d) => d.role));
    const images: CheckedDocument[] = [];
    for (const [index, document] of request.documents.entries()) {
      const bytes = Buffer.from(document.contentBase64, 'base64');
      const checked = await checkImage(bytes, `documents.${index}.contentBase64`);
      images.push({ role: document.role, bytes, ...checked });
    }
    return this.submitChecked(request, images, id);
  }

  private checkIntake(request: Omit<IntakeRequest, 'documents'>, roles: readonly DocumentRole[]): void {
    const { kind, identity } = request;
    if (kind === 'individual' && identity.kind !== 'individual') {
      throw new DomainError('invalid_request', 'identity.kind: an individual application carries an individual identity');
    }
    if (kind === 'enterprise' && identity.kind !== 'enterprise') {
      throw new DomainError('invalid_request', 'identity.kind: an enterprise application carries an enterprise identity');
    }
    if (identity.kind === 'enterprise' && !roles.includes('licence')) {
      throw new DomainError('invalid_request', 'documents: an enterprise identity needs a photo of the business licence (role licence)');
    }
    if (identity.kind === 'individual' && !roles.includes('front') && !roles.includes('page')) {
      throw new DomainError('invalid_request', 'documents: an individual identity needs the document (role front or page)');
    }
    // Issue 24: the back carries the issuing authority and the validity the reviewer checks against (R10).
    if (identity.kind === 'individual' && identity.documentType === 'id_card' && !roles.includes('back')) {
      throw new DomainError('id_card_back_missing', 'documents: an ID card needs both sides; add a photo of the back (role back) beside the front');
    }
    if (request.submittedAt && Date.parse(request.submittedAt) > this.now().getTime() + 5 * 60 * 1000) {
      throw new DomainError('invalid_request', 'submittedAt: in the future');
    }
  }

  /** Intake with images already checked (the demo seeder checks each distinct image once). */
  async submitChecked(request: Omit<IntakeRequest, 'documents'>, images: readonly CheckedDocument[], id?: string): Promise<ApplicationEnvelope>;
  async submitChecked(request: Omit<IntakeRequest, 'documents'>, images: readonly CheckedDocument[], id: string, answer: false): Promise<null>;
  async submitChecked(
    request: Omit<IntakeRequest, 'documents'>,
    images: readonly CheckedDocument[],
    id: string = randomUUID(),
    answer = true,
  ): Promise<ApplicationEnvelope | null> {
    this.checkIntake(request, images.map((i) => i.role));
    const now = this.now();
    const { kind, identity } = request;
    const submittedAt = request.submittedAt ? new Date(request.submittedAt) : now;
    const keys = identityKeys(identity);

    return this.db.transaction(async (tx) => {
      // The deadline on the calendar version in the database (a supervisor may have changed it on another instance).
      await currentCalendar(this, tx, 'share');
      const { dueAt, escalateAt } = reviewDeadline(submittedAt, this.options.calendar);
      await tx.query(`INSERT INTO accounts (id, registration_location) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
        request.accountId,
        request.registrationLocation,
      ]);
      await recordApplicantContact(tx, request);
      const [account] = await tx.query<{ verified_identity: unknown }>(
        `SELECT verified_identity FROM accounts WHERE id = $1 FOR UPDATE`,
        [request.accountId],
      );
      const current = (jsonOf(account?.verified_identity ?? null) as Identity | null) ?? null;
      if (kind === 'change' && current === null) {
        throw new DomainError('account_not_verified', 'A change needs an account that is already verified; submit an individual or enterprise application');
      }
      if (kind !== 'change' && current !== null) {
        throw new DomainError('account_already_verified', 'This account is verified already; submit a change application');
      }
      const pending = await tx.query(`SELECT 1 FROM applications WHERE account_id = $1 AND status = $2 LIMIT 1`, [request.accountId, OPEN]);
      if (pending.length > 0) {
        throw new DomainError('application_pending', 'This account has an application waiting for a decision; withdraw it first');
      }
      const status = nextStatus('submitted', 'queue');
      const direction = kind === 'change' && current ? (`${current.kind}_to_${identity.kind}` as const) : null;
      const replaces = kind === 'change' ? await standingVerification(tx, request.accountId) : null;
      await tx.query(
        `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, assignee,
           lease_expires_at, identity, current_identity, change_direction, icp, applicant_language, due_at, escalate_at,
           doc_key, ent_name_key, ent_reg_key, replaces_verification)
         VALUES ($1, $2, $3, $4, $5, $6, 1, NULL, NULL, $7::jsonb, $8::jsonb, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, $17)`,
        [
          id,
          request.accountId,
          kind,
          request.registrationLocation,
          submittedAt,
          status,
          JSON.stringify(identity),
          current ? JSON.stringify(current) : null,
          direction,
          JSON.stringify(request.icp),
          request.applicantLanguage,
          dueAt,
          escalateAt,
          keys.docKey,
          keys.entNameKey,
          keys.entRegKey,
          replaces,
        ],
      );
      for (const [position, image] of images.entries()) {
        await storeBlob(tx, image);
        await tx.query(`INSERT INTO documents (id, application_id, position, role, sha256) VALUES ($1, $2, $3, $4, $5)`, [
          randomUUID(),
          id,
          position,
          image.role,
          image.sha256,
        ]);
      }
      return answer ? this.envelope(tx, id) : null;
    });
  }

  /** The applicant withdraws through a support ticket (R6): the ticket, the time and the intake account are kept. */
  async withdraw(id: string, ticketRef: string | undefined, withdrawnBy: string): Promise<ApplicationEnvelope> {
    const ticket = checkedTicketRef(ticketRef);
    const now = this.now();
    return feedTransaction(this.db, async (tx) => {
      const row = (await selectApplications(tx, [id], true)).get(id);
      if (!row) throw new DomainError('not_found', 'No application with this id');
      if (row.status !== 'withdrawn') {
        const status = nextStatus(row.status, 'withdraw'); // throws already_decided after a decision
        await tx.query(
          `UPDATE applications SET status = $2, version = version + 1, lease_expires_at = NULL,
             withdrawn_at = $3, withdrawn_by = $4, withdraw_ticket_ref = $5 WHERE id = $1`,
          [id, status, now, withdrawnBy, ticket],
        );
        if (row.assignee) appendChange(tx, row.assignee, id, 'withdrawn', now);
      }
      return this.envelope(tx, id);
    });
  }

  // ── assignment ─────────────────────────────────────────────────────────────────────────────────
  /**
   * The caller's leases are renewed (even past expiry, if nobody took them meanwhile), others' expired ones released, and
   * the caller's queue topped up. Row locks only, skipping rows another instance is taking right now (it takes them):
   * a fetch with nothing to release or take writes no feed row and so takes no feed lock.
   */
  private async syncAssignments(tx: Queryable, reviewer: string, now: Date): Promise<void> {
    // Two fetches of one reviewer (two workstations, two instances) take turns, so together they never pass the cap.
    // Only fetches take this lock, first: a holder may wait on feed locks, but no feed-lock holder waits on it.
    await tx.query(`SELECT pg_advisory_xact_lock(${ASSIGNMENT_LOCK}, hashtext($1))`, [reviewer]);
    const leaseEnd = await this.renewLeases(tx, reviewer, now);
    const expired = await tx.query<{ id: string; assignee: string }>(
      `SELECT id, assignee FROM applications WHERE status = $1 AND assignee IS NOT NULL AND lease_expires_at <= $2
        ORDER BY id FOR UPDATE SKIP LOCKED`,
      [OPEN, now],
    );
    if (expired.length > 0) {
      await tx.query(
        `UPDATE applications SET assignee = NULL, lease_expires_at = NULL, version = version + 1
          WHERE id = ANY($1::text[])`,
        [idsParam(expired.map((e) => e.id))],
      );
    }
    for (const e of expired) appendChange(tx, e.assignee, e.id, 'reassigned', now);
    const [held] = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM applications WHERE assignee = $1 AND status = $2`, [reviewer, OPEN]);
    const room = this.options.assignmentCap - Number(held?.n ?? 0);
    if (room <= 0) return;
    // Picking and taking in one statement (they were two round trips), oldest due first, and the feed rows in that order
    // too (RETURNING has no order of its own). Rows another fetch has locked are its to take: skipped, not waited for.
    // The room is counted apart, so that the LIMIT is a number the planner sees: as an expression it sorted every
    // unassigned application (120–200 ms a fetch at 100,000) instead of reading the index's first few.
    const taken = await tx.query<{ id: string }>(
      `WITH picked AS (
         SELECT id, due_at, submitted_at FROM applications WHERE assignee IS NULL AND status = $3
          ORDER BY due_at, submitted_at, id LIMIT $4 FOR UPDATE SKIP LOCKED),
       taken AS (
         UPDATE applications a SET assignee = $1, lease_expires_at = $2, version = a.version + 1
           FROM picked WHERE a.id = picked.id RETURNING a.id, picked.due_at, picked.submitted_at)
       SELECT id FROM taken ORDER BY due_at, submitted_at, id`,
      [reviewer, leaseEnd, OPEN, room],
    );
    for (const t of taken) appendChange(tx, reviewer, t.id, 'assigned', now);
  }

  async assign(id: string, reviewer: string): Promise<ApplicationEnvelope> {
    const now = this.now();
    return feedTransaction(this.db, async (tx) => {
      await this.assignIn(tx, id, reviewer, now);
      return this.envelope(tx, id);
    });
  }

  /** Assigns an open application to a reviewer inside the caller's transaction (a feedTransaction: its feed rows are written at commit). */
  async assignIn(tx: Queryable, id: string, reviewer: string, now: Date): Promise<void> {
    const [person] = await tx.query(`SELECT 1 FROM people WHERE username = $1 AND role = 'reviewer' AND active`, [reviewer]);
    if (!person) throw new DomainError('unknown_reviewer', 'reviewer: no active reviewer with this username');
    const row = (await selectApplications(tx, [id], true)).get(id);
    if (!row) throw new DomainError('not_found', 'No application with this id');
    if (row.status === 'withdrawn') throw new DomainError('withdrawn', 'The applicant withdrew this application');
    if (isDecided(row.status)) throw new DomainError('already_decided', `This application was already ${row.status}`);
    const leaseEnd = new Date(now.getTime() + this.options.leaseMs);
    if (row.assignee !== reviewer) {
      await tx.query(`UPDATE applications SET assignee = $2, lease_expires_at = $3, version = version + 1 WHERE id = $1`, [id, reviewer, leaseEnd]);
      if (row.assignee) appendChange(tx, row.assignee, id, 'reassigned', now);
      appendChange(tx, reviewer, id, 'assigned', now);
    } else {
      await tx.query(`UPDATE applications SET lease_expires_at = $2 WHERE id = $1`, [id, leaseEnd]);
    }
  }

  // ── changes feed ───────────────────────────────────────────────────────────────────────────────
  async changes(reviewer: string, cursor: string | undefined, limit: number): Promise<Omit<ChangesResponse, 'centralId'>> {
    const after = cursor === undefined || cursor === '' ? 0 : decodeChangesCursor(cursor);
    const now = this.now();
    return feedTransaction(this.db, async (tx) => {
      await this.syncAssignments(tx, reviewer, now);
      // This fetch's own rows (assigned, released) first, under their reviewers' locks; with none, no lock at all.
      await writeFeed(tx);
      const rows = await tx.query<{ seq: number; application_id: string; type: ChangeType }>(
        `SELECT seq, application_id, type FROM changes WHERE reviewer = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [reviewer, after, limit + 1],
      );
      const page = rows.slice(0, limit);
      const envelopes = await this.envelopes(tx, page.map((r) => r.application_id));
      const changes = page.flatMap((r) => {
        const env = envelopes.get(r.application_id);
        return env ? [{ type: r.type, ...env }] : [];
      });
      const last = page.at(-1)?.seq ?? after;
      return { changes, cursor: encodeChangesCursor(last), hasMore: rows.length > limit };
    });
  }

  // ── mutations ──────────────────────────────────────────────────────────────────────────────────
  /**
   * One transaction per batch, answered only after its commit: any failure rolls the whole batch back, so no
   * mutation is ever half-applied and the client's resend is answered afresh or from the stored results. The
   * mutations are still decided one by one, in order, on the state the earlier ones left; only the reads and
   * writes are set-based (a few statements per batch instead of about ten per mutation, each a round-trip).
   */
  async applyMutations(reviewer: string, deviceId: string, mutations: readonly Mutation[]): Promise<MutationResult[]> {
    return applyIsolated(
      mutations,
      (some) => this.applyBatch(reviewer, deviceId, some),
      (mutation) => this.setAside(reviewer, deviceId, mutation),
      this.options.log,
    );
  }

  /**
   * Answers a mutation that fails whenever it is applied as rejected (`cannot_apply`), and stores that answer like any
   * other, so a resend gets it again instead of failing the batch again: a workstation's sync never stalls on it.
   */
  private async setAside(reviewer: string, deviceId: string, mutation: Mutation): Promise<MutationResult> {
    return this.db.transaction(async (tx) => {
      const current = (await selectApplications(tx, [mutation.applicationId])).get(mutation.applicationId);
      const result: MutationResult = {
        id: mutation.id,
        status: 'rejected',
        reason: 'cannot_apply',
        message: 'The central service could not apply this decision (it failed the same way each time), so nothing of it was applied. Decide the case again, or hand it to a supervisor.',
        current: current ? applicationOf(current) : null,
      };
      const answers: StoredAnswers = { tx, username: reviewer, deviceId, now: this.now(), kind: 'case' };
      return setAsideAnswer(answers, { id: mutation.id, applicationId: mutation.applicationId }, result, idAlreadyUsed(mutation));
    });
  }

  /** One transaction for the whole batch (see applyMutations). */
  private async applyBatch(reviewer: string, deviceId: string, mutations: readonly Mutation[]): Promise<MutationResult[]> {
    const now = this.now();
    return feedTransaction(this.db, async (tx) => {
      // Renew first, so a reviewer whose lease lapsed but was not taken keeps the work.
      await this.renewLeases(tx, reviewer, now);
      const answers: StoredAnswers = { tx, username: reviewer, deviceId, now, kind: 'case' };
      const claimed = await claimMutationIds(answers, mutations.map((m) => ({ id: m.id, applicationId: m.applicationId })));
      const batch: Batch = {
        tx,
        reviewer,
        deviceId,
        now,
        rows: await selectApplications(tx, [...new Set(mutations.filter((m) => claimed.inserted.has(m.id.toLowerCase())).map((m) => m.applicationId))], true),
        facts: null,
        policy: await currentPolicy(tx),
        writes: emptyWrites(),
        answers: [],
        inEffect: [],
        decided: false,
      };
      const results = await answerEach(answers, claimed, mutations, idAlreadyUsed, async (mutation) => {
        const result = await this.decide(batch, mutation);
        batch.answers.push({ id: mutation.id, result });
        return result;
      });
      await this.finish(batch);
      return results;
    });
  }

  /**
   * Renews the reviewer's open leases once they have run a sixtieth of their length (72 minutes of 72 hours): each
   * renewal rewrites every case the reviewer holds (200 at the cap), which once a minute was most of a fetch's cost.
   */
  private async renewLeases(tx: Queryable, reviewer: string, now: Date): Promise<Date> {
    const leaseEnd = new Date(now.getTime() + this.options.leaseMs);
    const slack = this.options.leaseMs / 60;
    await tx.query(
      `UPDATE applications SET lease_expires_at = $2
        WHERE assignee = $1 AND status = $3 AND (lease_expires_at IS NULL OR lease_expires_at < $4)`,
      [reviewer, leaseEnd, OPEN, new Date(leaseEnd.getTime() - slack)],
    );
    return leaseEnd;
  }

  /** The facts of the batch's applications, read again after an approval changed accounts. */
  private async batchFacts(batch: Batch, id: string): Promise<CentralFacts | undefined> {
    batch.facts ??= await factsFor(batch.tx, [...batch.rows.keys()]);
    return batch.facts.get(id);
  }

  /** Sends the batch's collected writes, in the order they were made (the changes feed keeps its sequence). */
  private async flush(batch: Batch): Promise<void> {
    const { tx, writes: w } = batch;
    batch.writes = emptyWrites();
    if (w.applications.length > 0) {
      await tx.query(
        // Arrays, not jsonb_to_recordset: the planner sees how many rows (see idsParam).
        `UPDATE applications a SET status = v.status, version = v.version::integer, lease_expires_at = NULL
           FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, status, version) WHERE a.id = v.id`,
        [idsParam(w.applications.map((a) => a.id)), w.applications.map((a) => a.status), w.applications.map((a) => String(a.version))],
      );
    }
    if (w.decisions.length > 0) {
      await tx.query(
        `INSERT INTO decisions (id, application_id, kind, reviewer, device_id, outcome, reason_codes, applicant_message,
           internal_note, override_note, overridden_rules, judged_on, decided_at, made_at, offline, effect, opened_at, due_at,
           sample_week, sample_rank, sample_percent, sample_overridden, sample_tampering)
         SELECT v.id, v.application_id, v.kind, $2, $3, v.outcome, v.reason_codes, v.applicant_message,
           v.internal_note, v.override_note, v.overridden_rules, v.judged_on, $4, v.made_at, v.offline, v.effect, v.opened_at, v.due_at,
           ${sampleWeekSql('$4')}, ${sampleRankSql('(SELECT c.id FROM central_identity c)', 'v.id')}, v.sample_percent, v.sample_overridden, v.sample_tampering
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, application_id text, kind text, outcome text, reason_codes jsonb,
             applicant_message text, internal_note text, override_note text, overridden_rules jsonb, judged_on jsonb,
             made_at timestamptz, offline boolean, effect text, opened_at timestamptz, due_at timestamptz, sample_percent numeric, sample_overridden boolean, sample_tampering boolean)`,
        [JSON.stringify(w.decisions), batch.reviewer, batch.deviceId, batch.now],
      );
      batch.decided = true;
      batch.inEffect.push(...w.decisions.filter((d) => d.effect === 'in_effect').map((d) => String(d.id)));
    }
    if (w.notes.length > 0) {
      await tx.query(
        `INSERT INTO notes (id, application_id, author, text, made_at, received_at)
         SELECT v.id, v.application_id, $2, v.text, v.made_at, $3
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, application_id text, text text, made_at timestamptz)`,
        [JSON.stringify(w.notes), batch.reviewer, batch.now],
      );
    }
    for (const c of w.changes) appendChange(tx, c.reviewer, c.application_id, c.type, batch.now);
  }

  /**
   * The end of a batch: the last writes, then what needs all its decisions in place, once per batch rather than once
   * per approval (each approval flushes before its verification): the week's random sample drawn again, the applicant
   * notifications of the decisions in effect (in this, their decision's transaction; a held one is notified when a
   * second person agrees), and the answers stored.
   */
  private async finish(batch: Batch): Promise<void> {
    await this.flush(batch);
    const { tx } = batch;
    if (batch.decided) {
      await refreshRandomSample(tx, batch.reviewer, batch.now);
      await queueDecisionNotifications(tx, batch.inEffect, batch.now, this.notificationChannels);
    }
    await storeAnswers(tx, batch.answers);
  }

  private async decide(batch: Batch, mutation: Mutation): Promise<MutationResult> {
    const { reviewer, now } = batch;
    const row = batch.rows.get(mutation.applicationId);
    const reject = (reason: Extract<MutationResult, { status: 'rejected' }>['reason'], message: string, current: ApplicationRow | undefined): MutationResult => ({
      id: mutation.id,
      status: 'rejected',
      reason,
      message,
      current: current ? applicationOf(current) : null,
    });
    if (mutation.madeBy !== reviewer) {
      return reject('wrong_author', `This was done by ${mutation.madeBy}; it is accepted only under their own session, not under ${reviewer}'s`, row);
    }
    if (!row) return reject('invalid', 'No application with this id', undefined);
    if (row.assignee !== reviewer) return reject('not_assigned', 'This application is not assigned to you (any more)', row);

    if (mutation.type === 'note') {
      batch.writes.notes.push({ id: mutation.id, application_id: row.id, text: mutation.text, made_at: new Date(mutation.madeAt).toISOString() });
      return { id: mutation.id, status: 'applied', serverVersion: row.version };
    }

    if (row.status === 'withdrawn') return reject('withdrawn', 'The applicant withdrew this application before your decision reached the server', row);
    if (isDecided(row.status)) return reject('already_decided', `This application was already ${row.status}`, row);
    if (!canDecide(row.status)) return reject('invalid', `An application in status ${row.status} cannot be decided`, row);
    if (mutation.baseVersion !== row.version) {
      return reject('stale', `You decided on version ${mutation.baseVersion}; the application is now at version ${row.version}`, row);
    }
    const input = DecisionInput.safeParse(decisionInputOf(mutation));
    if (!input.success) return reject('invalid', describeIssues(input.error), row);
    if (mutation.overriddenRules.length > 0 && (mutation.outcome !== 'approve' || !mutation.overrideNote)) {
      return reject('invalid', 'overriddenRules: only an approval with an override note overrides a rule', row);
    }

    const application = applicationOf(row);
    const facts = await this.batchFacts(batch, row.id);
    if (!facts) return reject('invalid', 'No facts for this application', row);
    const flags = evaluateRules({ application, facts, quality: [], now, calendar: this.options.calendar });
    const blockers = mutation.outcome === 'approve' ? approvalBlockers(flags, mutation.overrideNote) : rejectionBlockers(flags);
    if (blockers.length > 0) {
      return reject('invalid', `Blocked by ${blockers.map((f) => `${f.rule} ${f.reason}`).join(', ')}`, row);
    }
    return this.recordDecision(batch, mutation, row, traitsOf(mutation, flags.filter((f) => f.severity === 'blocking').length));
  }

  private async recordDecision(batch: Batch, m: DecisionMutation, row: ApplicationRow, traits: DecisionTraits): Promise<MutationResult> {
    // Four-eyes: the application is decided for its reviewer, but nothing of it takes effect until a second person agrees.
    const effect: DecisionEffect = holdsForSecondReview(batch.policy, traits) ? 'pending_second_review' : 'in_effect';
    const status = nextStatus(row.status, m.outcome);
    const version = row.version + 1;
    // Later mutations of the batch see the decided application.
    batch.rows.set(row.id, { ...row, status, version, lease_expires_at: null });
    batch.writes.applications.push({ id: row.id, status, version });
    batch.writes.decisions.push({
      id: m.id,
      application_id: row.id,
      kind: row.kind,
      outcome: m.outcome,
      reason_codes: m.reasonCodes,
      applicant_message: m.applicantMessage,
      internal_note: m.internalNote,
      override_note: m.overrideNote,
      overridden_rules: m.overriddenRules,
      judged_on: m.judgedOn,
      made_at: new Date(m.madeAt).toISOString(),
      offline: m.offline,
      effect,
      ...sampleColumns(batch.policy, traits),
      opened_at: m.openedAt === null ? null : new Date(m.openedAt).toISOString(),
      due_at: row.due_at.toISOString(),
    });
    batch.writes.changes.push({ reviewer: batch.reviewer, application_id: row.id, type: 'updated' });
    if (m.outcome === 'approve' && effect === 'in_effect') {
      // The verification looks for other open applications: the database must show this batch's decisions first.
      await this.flush(batch);
      await this.recordVerification(batch.tx, row, m.id, batch.now);
      batch.facts = null;
    }
    // Only a held decision says so: an answer without `effect` means in effect, as it did before four-eyes.
    return effect === 'in_effect' ? { id: m.id, status: 'applied', serverVersion: version } : { id: m.id, status: 'applied', serverVersion: version, effect };
  }

  /**
   * The approved identity becomes the account's (made by decision `decisionId`); pending applications whose facts change
   * are announced to their reviewers. Called when an approval takes effect: at once, or when a second person agrees.
   */
  async recordVerification(tx: Queryable, row: ApplicationRow, decisionId: string, now: Date): Promise<void> {
    const identity = jsonOf(row.identity) as Identity;
    const keys = identityKeys(identity);
    await tx.query(
      `UPDATE accounts SET verified_identity = $2::jsonb, verified_at = $3, doc_key = $4, ent_name_key = $5, ent_reg_key = $6 WHERE id = $1`,
      [row.account_id, JSON.stringify(identity), now, keys.docKey, keys.entNameKey, keys.entRegKey],
    );
    const [verification] = await tx.query<{ id: string | number }>(`INSERT INTO verifications (account_id, identity, verified_at, application_id, decision_id) VALUES ($1, $2::jsonb, $3, $4, $5::uuid) RETURNING id`, [
      row.account_id,
      JSON.stringify(identity),
      now,
      row.id,
      decisionId,
    ]);
    if (verification) await keepVerificationDocuments(tx, Number(verification.id), row.id);
    await announceFactChanges(tx, [keys], row.account_id, row.id, now);
  }

  // ── documents ──────────────────────────────────────────────────────────────────────────────────
  /** A document's validator, type and size, once the caller may see it; the bytes come with documentBytes. */
  async documentInfo(
    documentId: string,
    caller: { username: string; role: string },
  ): Promise<{ sha256: string; mediaType: MediaType; byteSize: number }> {
    const [row] = await this.db.query<{ sha256: string; media_type: MediaType; byte_size: number; assignee: string | null }>(
      `SELECT b.sha256, b.media_type, b.byte_size, a.assignee
         FROM documents d JOIN blobs b ON b.sha256 = d.sha256 JOIN applications a ON a.id = d.application_id
        WHERE d.id = $1`,
      [documentId],
    );
    if (!row) {
      const previous = await previousDocumentInfo(this.db, documentId, caller);
      if (previous) return previous;
      throw new DomainError('not_found', 'No document with this id');
    }
    if (caller.role !== 'supervisor' && row.assignee !== caller.username) {
      throw new DomainError('not_assigned', 'This document belongs to an application not assigned to you');
    }
    return { sha256: row.sha256, mediaType: row.media_type, byteSize: Number(row.byte_size) };
  }

  /** The stored bytes of a blob, or the `length` bytes from `start` (0-based): a resumed download reads only the rest. */
  async documentBytes(sha256: string, start = 0, length?: number): Promise<Buffer> {
    const [row] =
      start === 0 && length === undefined
        ? await this.db.query<{ bytes: Buffer }>(`SELECT bytes FROM blobs WHERE sha256 = $1`, [sha256])
        : await this.db.query<{ bytes: Buffer }>(`SELECT substring(bytes FROM $2 FOR $3) AS bytes FROM blobs WHERE sha256 = $1`, [
            sha256,
            start + 1,
            length ?? 2 ** 31 - 1,
          ]);
    if (!row) throw new DomainError('not_found', 'No document with this id');
    return row.bytes;
  }

  // ── supervision ────────────────────────────────────────────────────────────────────────────────
  async decisions(filter: DecisionFilter & { withTotal?: boolean | undefined }): Promise<DecisionsResponse> {
    // Taken before the page is read (server/decisionChanges.ts): a workstation asks changedSince it next time.
    const watermark = await changeWatermark(this.db);
    const [page, total] = await Promise.all([this.decisionPage(filter), filter.withTotal ? decisionsTotal(this.db, filter) : undefined]);
    return { decisions: page.items.map((i) => i.decision), nextCursor: page.nextCursor, ...(total ? { total } : {}), watermark };
  }

  /** A page of decisions, newest first (or oldest first), each with why the QA sample holds it (server/quality.ts builds its queues on it). */
  async decisionPage(filter: DecisionFilter): Promise<{ items: { decision: DecisionRecord; sampledFor: QualitySampleReason[] }[]; nextCursor: string | null }> {
    // The filter as SQL, in one place for the log, its counts and the QA queues (server/decisions.ts).
    const w = decisionWhere(filter);
    const byChange = filter.changedSince !== undefined;
    if (filter.changedSince !== undefined) changedSince(w, filter.changedSince, filter.cursor);
    else if (filter.cursor) afterCursor(w, filter.cursor, filter.clock, filter.order);
    const { where, params } = w;
    const order = byChange ? changeOrder : decisionOrderSql(filter.clock, filter.order);
    params.push(filter.limit + 1);
    const rows = await this.db.query<{
      id: string;
      application_id: string;
      reviewer: string;
      device_id: string;
      outcome: 'approve' | 'reject';
      reason_codes: unknown;
      applicant_message: string;
      internal_note: string;
      override_note: string | null;
      overridden_rules: unknown;
      judged_on: unknown;
      decided_at: Date;
      made_at: Date;
      offline: boolean;
      effect: DecisionEffect;
      sample_random: boolean;
      sample_overridden: boolean;
      sample_tampering: boolean;
      opened_at: Date | null;
      due_at: Date;
      reviewer_name: string | null;
      changed: string;
    }>(
      `SELECT d.*, (SELECT p.display_name FROM people p WHERE p.username = d.reviewer) AS reviewer_name, d.changed_xid::text AS changed
         FROM decisions d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${order} LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const apps = await selectApplications(this.db, page.map((r) => r.application_id));
    const reviews = await this.reviewsOf(page.map((r) => r.id));
    const items = page.flatMap((r) => {
      const app = apps.get(r.application_id);
      if (!app) return [];
      const decision: DecisionRecord = {
        id: r.id,
        application: applicationOf(app),
        reviewer: r.reviewer,
        reviewerName: r.reviewer_name ?? r.reviewer,
        deviceId: r.device_id,
        outcome: r.outcome,
        reasonCodes: jsonOf(r.reason_codes) as ReasonCode[],
        applicantMessage: r.applicant_message,
        internalNote: r.internal_note,
        overrideNote: r.override_note,
        overriddenRules: jsonOf(r.overridden_rules) as RuleId[],
        judgedOn: (jsonOf(r.judged_on) as JudgedOn | null) ?? null,
        decidedAt: r.decided_at.toISOString(),
        madeAt: r.made_at.toISOString(),
        openedAt: r.opened_at?.toISOString() ?? null,
        dueAt: r.due_at.toISOString(),
        offline: r.offline,
        effect: r.effect,
        reviews: reviews.get(r.id) ?? [],
      };
      const sampledFor: QualitySampleReason[] = [
        ...(r.sample_random ? (['random'] as const) : []),
        ...(r.sample_overridden ? (['overridden_approval'] as const) : []),
        ...(r.sample_tampering ? (['tampering_rejection'] as const) : []),
      ];
      return [{ decision, sampledFor }];
    });
    const last = page.at(-1);
    if (!(rows.length > filter.limit && last)) return { items, nextCursor: null };
    return { items, nextCursor: byChange ? encodeChangeCursor(last.changed, last.id) : encodeDecisionsCursor(filter.clock === 'made' ? last.made_at : last.decided_at, last.id, filter.clock, filter.order) };
  }

  private async reviewsOf(decisionIds: readonly string[]): Promise<Map<string, Review[]>> {
    const map = new Map<string, Review[]>();
    if (decisionIds.length === 0) return map;
    const rows = await this.db.query<ReviewRow>(
      `SELECT * FROM reviews WHERE decision_id = ANY($1::uuid[]) ORDER BY reviewed_at, id`,
      [idsParam(decisionIds)],
    );
    for (const r of rows) {
      const list = map.get(r.decision_id) ?? [];
      list.push(reviewOf(r));
      map.set(r.decision_id, list);
    }
    return map;
  }
}

export type { DecisionFilter } from './decisions';

export type ReviewRow = {
  id: string;
  decision_id: string;
  stage: Review['stage'];
  reviewed_by: string;
  verdict: Review['verdict'];
  reason: string;
  reviewed_at: Date;
};

/**
 * Tells the reviewers of pending applications that share one of these identities' keys, or this account, that their
 * facts changed (once per application).
 */
export async function announceFactChanges(
  tx: Queryable,
  identities: readonly { docKey: string | null; entNameKey: string | null; entRegKey: string | null }[],
  accountId: string,
  exceptApplicationId: string,
  now: Date,
): Promise<void> {
  const affected = new Map<string, string>();
  for (const keys of identities) {
    // Found by their keys and account only; whether someone holds them is sorted out here: `assignee IS NOT NULL` in
    // the statement let the planner, on statistics from before anyone held an application, read every held one
    // through the assignee index instead (server/bulkImport.test.ts).
    const rows = await tx.query<{ id: string; assignee: string | null }>(
      `SELECT id, assignee FROM applications
        WHERE status = $1 AND id <> $2
          AND ((doc_key IS NOT NULL AND doc_key = $3) OR (ent_name_key IS NOT NULL AND ent_name_key = $4)
            OR (ent_reg_key IS NOT NULL AND ent_reg_key = $5) OR account_id = $6)
        ORDER BY id`,
      [OPEN, exceptApplicationId, keys.docKey, keys.entNameKey, keys.entRegKey, accountId],
    );
    for (const r of rows) if (r.assignee !== null) affected.set(r.id, r.assignee);
  }
  for (const [id, assignee] of affected) appendChange(tx, assignee, id, 'updated', now);
}

export function reviewOf(r: ReviewRow): Review {
  return { id: r.id, decisionId: r.decision_id, stage: r.stage, reviewedBy: r.reviewed_by, verdict: r.verdict, reason: r.reason, reviewedAt: r.reviewed_at.toISOString() };
}

// ── mutation answers, shared by both kinds of batch (reviewers' case mutations, supervision mutations) ─────────
/** Where a batch's answers are stored: the `mutations` table, one row per id whatever its kind. */
export interface StoredAnswers {
  tx: Queryable;
  username: string;
  deviceId: string;
  now: Date;
  kind: 'case' | 'supervision';
}

interface Claimed {
  /** Ids (lower case) seen for the first time: this batch decides them. */
  inserted: Set<string>;
  /** Ids seen before, with whose they were and the answer given then. */
  stored: Map<string, { username: string; kind: string; result: unknown }>;
}

const keyOf = (m: { id: string }) => m.id.toLowerCase();

/**
 * A batch of mutations in one transaction; should it fail the same way every time (a poison mutation), each is applied
 * alone, so only that one is set aside (answered by `setAside`, a stored `cannot_apply`) and the rest apply. A failure
 * that may be transient is thrown: the client retries the batch.
 */
export async function applyIsolated<M extends { id: string }, R>(
  mutations: readonly M[],
  applyBatch: (some: readonly M[]) => Promise<R[]>,
  setAside: (mutation: M) => Promise<R>,
  log: ((message: string, error?: unknown) => void) | undefined,
): Promise<R[]> {
  try {
    return await applyBatch(mutations);
  } catch (error) {
    if (mayBeTransient(error)) throw error;
    log?.(`a mutation batch failed deterministically; applying its ${mutations.length} mutation(s) one by one`, error);
  }
  const results: R[] = [];
  for (const mutation of mutations) {
    try {
      results.push(...(await applyBatch([mutation])));
    } catch (error) {
      if (mayBeTransient(error)) throw error;
      log?.(`mutation ${mutation.id} set aside: it cannot be applied`, error);
      results.push(await setAside(mutation));
    }
  }
  return results;
}

/** Claims the batch's ids; those seen before come back with their stored answers. */
export async function claimMutationIds(a: StoredAnswers, items: readonly { id: string; applicationId: string | null }[]): Promise<Claimed> {
  const inserted = new Set(
    (
      await a.tx.query<{ id: string }>(
        `INSERT INTO mutations (id, username, device_id, application_id, received_at, kind)
         SELECT m.id, $2, $3, m.application_id, $4, $5 FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, application_id text)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [JSON.stringify(items.map((m) => ({ id: m.id, application_id: m.applicationId }))), a.username, a.deviceId, a.now, a.kind],
      )
    ).map((r) => r.id),
  );
  const repeated = [...new Set(items.map(keyOf).filter((id) => !inserted.has(id)))];
  const stored = new Map(
    repeated.length === 0
      ? []
      : (
          await a.tx.query<{ id: string; username: string; kind: string; result: unknown }>(
            `SELECT id, username, kind, result FROM mutations WHERE id = ANY($1::uuid[])`,
            [idsParam(repeated)],
          )
        ).map((r) => [r.id, r]),
  );
  return { inserted, stored };
}

/**
 * Each mutation's answer, in order: for an id seen before, the answer stored then (refused as already used when it was
 * another person's or another kind of mutation); for a new id, `decide` (once, even when the batch repeats it).
 */
export async function answerEach<M extends { id: string }, R>(
  a: StoredAnswers,
  claimed: Claimed,
  mutations: readonly M[],
  alreadyUsed: (mutation: M) => R,
  decide: (mutation: M) => Promise<R>,
): Promise<R[]> {
  const answered = new Map<string, R>();
  const results: R[] = [];
  for (const mutation of mutations) {
    const key = keyOf(mutation);
    let result = answered.get(key);
    if (result === undefined && !claimed.inserted.has(key)) {
      const earlier = claimed.stored.get(key);
      result = earlier && earlier.username === a.username && earlier.kind === a.kind && earlier.result ? (jsonOf(earlier.result) as R) : alreadyUsed(mutation);
    }
    if (result === undefined) {
      result = await decide(mutation);
      answered.set(key, result);
    }
    results.push(result);
  }
  return results;
}

/** Stores the answers given (with their claimed ids), so a resend is answered the same. */
export async function storeAnswers(tx: Queryable, results: readonly { id: string; result: unknown }[]): Promise<void> {
  if (results.length === 0) return;
  // Arrays, not jsonb_to_recordset (planned as 100 rows whatever it holds): every stored mutation was scanned.
  await tx.query(`UPDATE mutations m SET result = v.result::jsonb FROM unnest($1::uuid[], $2::text[]) AS v(id, result) WHERE m.id = v.id`, [
    idsParam(results.map((r) => r.id)),
    results.map((r) => JSON.stringify(r.result)),
  ]);
}

/** Stores a set-aside answer in a transaction of its own (the batch's rolled back); an id of another person's is refused. */
export async function setAsideAnswer<R>(a: StoredAnswers, item: { id: string; applicationId: string | null }, result: R, alreadyUsed: R): Promise<R> {
  const [stored] = await a.tx.query<{ result: unknown }>(
    `INSERT INTO mutations (id, username, device_id, application_id, received_at, result, kind) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (id) DO UPDATE SET result = COALESCE(mutations.result, excluded.result)
       WHERE mutations.username = excluded.username AND mutations.kind = excluded.kind
     RETURNING result`,
    [item.id, a.username, a.deviceId, item.applicationId, a.now, JSON.stringify(result), a.kind],
  );
  return stored ? (jsonOf(stored.result) as R) : alreadyUsed;
}

const idAlreadyUsed = (mutation: Mutation): MutationResult => ({
  id: mutation.id,
  status: 'rejected',
  reason: 'invalid',
  message: 'This mutation id was already used',
  current: null,
});

/**
 * Whether a failure may go away if tried again (the database unreachable, a serialisation conflict, out of resources),
 * as opposed to one the same input meets every time (a data exception, a constraint, an exception raised by the
 * database, a bug in our code). Anything unknown counts as transient: retrying is the safe default.
 */
export function mayBeTransient(error: unknown): boolean {
  if (error instanceof DomainError) return false;
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return false;
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  // A SQLSTATE: data exception (22), integrity (23), invalid transaction state (25), routine exceptions (2F, 38, 39),
  // syntax or access rule (42), PL/pgSQL raise (P0).
  return !(typeof code === 'string' && /^(22|23|25|2F|38|39|42|P0)[0-9A-Z]{3}$/.test(code));
}

export function encodeChangesCursor(seq: number): string {
  return Buffer.from(`c1:${seq}`).toString('base64url');
}

export function decodeChangesCursor(cursor: string): number {
  const match = /^c1:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out');
  return Number(match[1]);
}

