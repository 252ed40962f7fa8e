// What the case store holds and offers, as the rest of the workstation sees it: reads answered at once (a
// connection on the caller's thread), writes answered by promises (one writer thread holds the only connection that
// writes). The SQLite implementation is in ./sqlite; openCaseStore (./open.ts) puts the two sides together.
import type { LinkedAccountsResponse } from '../../shared/contract/linked';
import type { WithdrawalLogQuery, WithdrawalRecord } from '../../shared/contract/withdrawals';
import type { WithdrawalCopyPage } from './sqlite/withdrawalLog';
import type { PublishedCalendar } from '../../shared/contract/calendar';
import type { AuditVerification, SessionAuditAction, CaseDetail, CaseReturned, DecisionStanding, DecisionRecord, DocumentRecord, ImageFailure, QueueCounts, QueuePage, QueueQuery } from '../../shared/contract/cases';
import type { DecidedStanding, QualityPolicyResponse, ReviewStage, SupervisionMutation, SupervisionResult } from '../../shared/contract/central';
import type { DecisionLogCounts, DecisionLogEntry, DecisionLogFilter, DecisionLogCopyPage, DecisionLogFreshness, DecisionLogQuery, QualityPolicyState, QualityQueuePage, QualityQueueRequest, SupervisionActRequest, SupervisionAction } from '../../shared/contract/supervision';
import type { QualityQueueRecord } from './sqlite/supervision';
import type { MrzResult } from './sqlite/mrz';
import type { PurgeResult, PurgeScope } from './sqlite/retention';
import type { UnsyncedDecision, UnsyncedVerdict } from '../../shared/contract/device';
import type { DecisionReport, DecisionReportFilter } from '../../shared/contract/reports';
import type { ChainedEntry } from '../../shared/auditChain';
import type { AttentionItem, AttentionResolution } from '../../shared/contract/sync';
import type { UiLanguage } from '../../shared/contract/app';
import type { ExportKind } from '../../shared/contract/exports';
import type { Application, DecisionInput, Person, QualitySignals } from '../../shared/domain';
import type { RuleFacts } from '../../shared/rules';

/** A case's R2/R3 linked accounts as the central service last gave them (electron/store/sqlite/linked.ts). */
export interface CachedLinkedAccounts {
  linked: LinkedAccountsResponse;
  /** When this workstation stored it (ISO). */
  storedAt: string;
}

export interface UpsertRecord {
  application: Application;
  documents: DocumentRecord[];
  /** A change application's: the document images of the identity it replaces; absent or empty when none. */
  previousDocuments?: DocumentRecord[];
  facts: RuleFacts;
  /** Set when the application is back in review because its decision was overturned; absent or null otherwise. */
  returned?: CaseReturned | null;
  /** A decided application's newest decision and where it stands at the central service; absent or null otherwise. */
  decided?: DecidedStanding | null;
}

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

/** One answer of the central service to an outbox mutation. */
export type MutationAnswer = { id: string; status: 'applied'; serverVersion: number; effect?: DecisionStanding } | { id: string; status: 'rejected'; reason: string; current: Application | null };

export interface OutboxCounts {
  pending: number;
  applied: number;
  /** Refused and not resolved yet: what needs attention. */
  rejected: number;
}

/** Who opens a case's documents (or adds or downloads one); each is an audit entry. */
export interface CaseOpening {
  actor: Person;
  deviceId: string;
  online: boolean;
}

/** How the quality check of one image ended, by the SHA-256 of its original: its signals, or why it failed to decode. */
export type ImageQuality = { sha256: string; quality: QualitySignals } | { sha256: string; failure: ImageFailure };

/** What the store knows of an image already ingested for any case. */
export type KnownImage = Omit<DocumentRecord, 'id' | 'role'>;

/** An export handed to the person (saved or downloaded): what the audit entry says of it, not its content. */
export interface ExportRecord {
  kind: ExportKind;
  fileName: string;
  /** The decisions in it. */
  rows: number;
  bytes: number;
  /** The filters it was made with, as canonical JSON (a search text as the supervisor typed it). */
  filter: string;
  language: UiLanguage;
}

/** The reads: answered at once, on the caller's thread, from a snapshot that includes every write already answered. */
export interface CaseReads {
  listQueue(query: QueueQuery): QueuePage;
  /**
   * Counts for the queue's filters. With `assignee`, the open cases counted are that person's only (their queue);
   * decided and withdrawn cases are counted for the whole workstation, as their lists show them.
   */
  queueCounts(assignee?: string): QueueCounts;
  /** One case with everything the case view shows (openCase records the opening too). */
  getCase(applicationId: string): CaseDetail;
  verifyAudit(): AuditVerification;
  /** The oldest pending decisions made by `decidedBy`: only that person's session may send them (never another's). */
  pendingMutations(limit: number, decidedBy: string): DecisionRecord[];
  /** Pending decisions by person, for "waiting for this person to sign in". */
  pendingByPerson(): { person: { id: string; displayName: string }; decisions: number }[];
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
  /** What the store knows of an image already ingested for any case (sync skips downloading it again). */
  imageBySha256(sha256: string): KnownImage | null;
  /** SHA-256s of documents whose quality was never measured: what to derive again after a restart. */
  imagesLackingQuality(): string[];
  /** SHA-256s of open passport applications' data pages whose MRZ was never read (R11): what to read in the background. */
  passportPagesLackingMrz(): string[];
  getSyncState(key: string): string | null;
  /** A page of the supervisor's decision log, newest first, with its total and freshness. */
  decisionLog(query: DecisionLogQuery): DecisionLogCopyPage;
  /** How fresh and how full the copy of the decision log is. */
  decisionLogFreshness(): DecisionLogFreshness;
  /** The counts beside the decision log's filters. */
  decisionLogCounts(filter: DecisionLogFilter): DecisionLogCounts;
  /** The newest decidedAt the log holds (where a refresh starts), or null when it holds none. */
  decisionLogNewest(): string | null;
  /** A page of the withdrawals on record as last synced, newest first, with total and counts (./sqlite/withdrawalLog.ts). */
  withdrawalLog(query: WithdrawalLogQuery): WithdrawalCopyPage;
  /** The newest withdrawal the copy holds (where a refresh starts), or null when it holds none. */
  withdrawalLogNewest(): string | null;
  /** The oldest queued supervisor actions `madeBy` made, in the order made: only that person's session sends them. */
  pendingSupervision(limit: number, madeBy: string): SupervisionMutation[];
  /** Supervision actions still queued (oldest first), then those refused and not dismissed (newest first); only `madeBy`'s when given. */
  supervisionOutbox(madeBy?: string): SupervisionAction[];
  supervisionCounts(): { pending: number; applied: number; rejected: number };
  /** A page of a QA stage as last synced, each with this workstation's newest verdict on it; the second review without `viewer`'s own decisions. */
  qualityQueue(request: QualityQueueRequest, viewer?: string): QualityQueuePage;
  /** The quality policy as last synced, and a change of it still queued or refused here. */
  qualityPolicy(): QualityPolicyState;
  /** This workstation's newest verdict on each decision named. */
  supervisionVerdicts(decisionIds: readonly string[]): Map<string, SupervisionAction>;
  /** The next decisions matching the filter after `after` (one already read), in the log's order (exports walk them all). */
  decisionLogAfter(filter: DecisionLogFilter, after: Pick<DecisionLogEntry, 'decidedAt' | 'id'> | null, limit: number): DecisionLogEntry[];
  /** The last decision report stored for this filter (see storeReport), or null. */
  cachedReport(filter: DecisionReportFilter): DecisionReport | null;
  /** The audit entries after `seq`, oldest first, as chained (what sync pushes to the central service). */
  auditAfter(seq: number, limit: number): ChainedEntry[];
  /** Decisions the central service has not taken (pending or refused), named for the person retiring the device. */
  unsyncedDecisions(): UnsyncedDecision[];
  /** A supervisor's verdicts the central service has not answered, named the same way. */
  unsyncedVerdicts(): UnsyncedVerdict[];
  /** The central service's business calendar as last pulled; null before the first sync (the fallback counts then). */
  businessCalendar(): PublishedCalendar | null;
  /** The R2/R3 linked accounts as last fetched, while the case's counts still agree with them; else null. */
  linkedAccounts(applicationId: string): CachedLinkedAccounts | null;
}

/**
 * The writes: each one transaction on the writer's connection, answered once committed (a decision with its WAL
 * fsynced). Refusals reject with the store's DomainError codes.
 */
export interface CaseWrites {
  /** Pulled applications (and demo data); validated at the boundary, one bad record refuses the whole call. */
  upsertApplications(records: readonly UpsertRecord[]): Promise<UpsertResult>;
  /** One case as getCase reads it, after recording 'documents_opened' in the same transaction. */
  openCase(applicationId: string, opening: CaseOpening): Promise<CaseDetail>;
  /** The decision, its audit entry and its outbox mutation together; the case's status moves at once. */
  recordDecision(input: DecisionInput, actor: Person, deviceId: string, online: boolean): Promise<DecisionRecord>;
  /**
   * Adds an image the reviewer brought in (e.g. a clearer photo the applicant sent through a ticket) to a local case,
   * with an audit entry; it stays when the central service updates the case.
   */
  addLocalDocument(applicationId: string, image: Omit<DocumentRecord, 'id'>, by: CaseOpening): Promise<DocumentRecord>;
  /**
   * Records that `by.actor` downloaded an image's original (the applicant's own bytes), in the audit trail of the case
   * showing it (the first, when several do); refuses an image no local case shows.
   */
  recordOriginalDownload(sha256: string, by: CaseOpening): Promise<void>;
  /** Resolves a refused decision ("needs attention") with what was done, as an audit entry; it leaves the list and the count. */
  resolveAttention(mutationId: string, resolution: AttentionResolution, by: CaseOpening): Promise<void>;
  /** The central service refused a mutation; `current` is its view of the application, when it sent one. */
  markMutationRejected(id: string, reason: string, current: Application | null): Promise<void>;
  /**
   * The central service's answers to a batch, in one transaction. An answer for a mutation that is unknown or was
   * settled otherwise is skipped and named; the rest still go in.
   */
  settleMutations(answers: readonly MutationAnswer[]): Promise<{ settled: number; skipped: { id: string; code: string }[] }>;
  /**
   * Quality signals derived after the image was stored, or why it failed to decode: set on every document with that
   * SHA-256 still lacking signals, and the flags of the applications concerned stored anew (R8).
   */
  recordImageQuality(results: readonly ImageQuality[]): Promise<{ documents: number; applicationIds: string[] }>;
  /** MRZ readings (R11) set on every passport page with that SHA-256; answers the applications whose flags were stored anew. */
  recordMrzReadings(results: readonly MrzResult[]): Promise<string[]>;
  setSyncState(key: string, value: string): Promise<void>;
  /**
   * Decisions for the supervisor's log as the central service reported them (one reported again replaces the copy);
   * the newest are kept. With `syncedAt`, the log is up to date as of then.
   */
  storeDecisionLog(entries: readonly DecisionLogEntry[], syncedAt: string | null): Promise<{ stored: number; pruned: number }>;
  /** Withdrawals on record as the central service reported them; the newest are kept. With `syncedAt`, up to date as of then. */
  storeWithdrawalLog(records: readonly WithdrawalRecord[], syncedAt: string | null): Promise<{ stored: number; pruned: number }>;
  /** A supervisor's action (id made here once), its outbox row and its audit entry, in one durable transaction. */
  recordSupervision(request: SupervisionActRequest, actor: Person, deviceId: string, online: boolean): Promise<SupervisionAction>;
  /** The central service's answers to supervisor actions; a repeated answer changes nothing. */
  settleSupervision(answers: readonly SupervisionResult[]): Promise<{ settled: number; skipped: { id: string; code: string }[] }>;
  /** Sets a refused action aside (it stays on record); only `madeBy`'s when given. */
  dismissSupervision(id: string, madeBy?: string): Promise<SupervisionAction>;
  /** Replaces a QA stage's cached queue with the central service's, as of `syncedAt`. */
  storeQualityQueue(stage: ReviewStage, records: readonly QualityQueueRecord[], syncedAt: string): Promise<{ stored: number }>;
  storeQualityPolicy(policy: QualityPolicyResponse, syncedAt: string): Promise<void>;
  /** Records that `by.actor` took an export (the workstation's audit trail, no application). */
  recordExport(record: ExportRecord, by: CaseOpening): Promise<void>;
  /** Records a sign-in, lock, unlock or sign-out of `by.actor` (the workstation's audit trail, no application). */
  recordSessionEvent(action: SessionAuditAction, details: Record<string, string | boolean>, by: CaseOpening): Promise<void>;
  /** Keeps the central service's report as the last one for this filter (the newest filters' are kept). */
  storeReport(filter: DecisionReportFilter, report: DecisionReport): Promise<void>;
  /** Keeps the central service's business calendar and counts every open case's deadline with it; answers how many moved. */
  storeCalendar(calendar: PublishedCalendar): Promise<{ recomputed: number }>;
  /** Keeps the central service's linked accounts of a case and sets its R2/R3 counts to theirs, in one transaction. */
  storeLinkedAccounts(linked: LinkedAccountsResponse): Promise<{ factsChanged: boolean }>;
  /**
   * Removes applicant fields and documents (retention: decided, synced and untouched since `before`; or every case,
   * the device leaving service); the decisions and the audit trail stay, with one audit entry saying so.
   */
  purgeApplicantData(scope: PurgeScope, by: { deviceId: string; online: boolean }): Promise<PurgeResult>;
}

export interface CaseStore extends CaseReads, CaseWrites {
  readonly path: string;
  /** Lets the writer finish what it was sent, then closes both connections (the reads' last). */
  close(): void;
}
