// The whole case store on one connection, every call synchronous: the parts composed. The writer's thread runs
// the writes of one of these on the connection that writes; the caller's thread runs the reads of another.
import type { ChainedEntry } from '../../../shared/auditChain';
import type { BusinessCalendar } from '../../../shared/businessDays';
import type { AuditVerification, CaseDetail, DecisionRecord, DocumentRecord, QueueCounts, QueuePage, QueueQuery, SessionAuditAction } from '../../../shared/contract/cases';
import type { QualityPolicyResponse, ReviewStage, SupervisionMutation, SupervisionResult } from '../../../shared/contract/central';
import type { DecisionLogCounts, DecisionLogEntry, DecisionLogFilter, DecisionLogCopyPage, DecisionLogFreshness, DecisionLogQuery, QualityPolicyState, QualityQueuePage, QualityQueueRequest, SupervisionActRequest, SupervisionAction } from '../../../shared/contract/supervision';
import type { AttentionItem, AttentionResolution } from '../../../shared/contract/sync';
import type { DecisionReport, DecisionReportFilter } from '../../../shared/contract/reports';
import type { Application, DecisionInput, Person } from '../../../shared/domain';
import type { CachedLinkedAccounts, CaseOpening, ExportRecord, ImageQuality, KnownImage, MutationAnswer, OutboxCounts, UpsertRecord, UpsertResult } from '../types';
import { PublishedCalendar } from '../../../shared/contract/calendar';
import { Cases } from './cases';
import type { MrzResult } from './mrz';
import { StoreConnection } from './connection';
import type { Db } from './database';
import { DecisionLog } from './decisionLog';
import { Decisions } from './decisions';
import { Outbox } from './outbox';
import { Queue } from './queue';
import { Supervision, type QualityQueueRecord } from './supervision';
import { ReportCache } from './reportCache';
import { LinkedAccountsCache } from './linked';
import { WithdrawalLog, type WithdrawalCopyPage } from './withdrawalLog';
import type { WithdrawalLogQuery, WithdrawalRecord } from '../../../shared/contract/withdrawals';
import type { LinkedAccountsResponse } from '../../../shared/contract/linked';
import { purgeApplicantData, unsyncedDecisions, unsyncedVerdicts, type PurgeResult, type PurgeScope } from './retention';
import type { UnsyncedDecision, UnsyncedVerdict } from '../../../shared/contract/device';

export class SqliteCaseStore {
  readonly connection: StoreConnection;
  private readonly cases: Cases;
  private readonly queue: Queue;
  private readonly decisions: Decisions;
  private readonly outbox: Outbox;
  private readonly decisionLogs: DecisionLog;
  private readonly supervision: Supervision;
  private readonly reports: ReportCache;
  private readonly linked: LinkedAccountsCache;
  private readonly withdrawals: WithdrawalLog;

  constructor(path: string, db: Db, calendar: BusinessCalendar, now: Date | null) {
    this.connection = new StoreConnection(path, db, calendar, now);
    this.cases = new Cases(this.connection);
    this.queue = new Queue(this.connection);
    this.decisions = new Decisions(this.connection, this.cases);
    this.outbox = new Outbox(this.connection, this.cases);
    this.decisionLogs = new DecisionLog(this.connection);
    this.supervision = new Supervision(this.connection);
    this.reports = new ReportCache(this.connection);
    this.linked = new LinkedAccountsCache(this.connection, this.cases);
    this.withdrawals = new WithdrawalLog(this.connection);
  }

  // ---- reads ----
  listQueue(query: QueueQuery): QueuePage {
    return this.queue.list(query);
  }
  queueCounts(assignee?: string): QueueCounts {
    return this.queue.counts(assignee);
  }
  getCase(applicationId: string): CaseDetail {
    return this.cases.getCase(applicationId);
  }
  verifyAudit(): AuditVerification {
    return this.decisions.verifyAudit();
  }
  pendingMutations(limit: number, decidedBy: string): DecisionRecord[] {
    return this.outbox.pending(limit, decidedBy);
  }
  pendingByPerson(): { person: { id: string; displayName: string }; decisions: number }[] {
    return this.outbox.pendingByPerson();
  }
  outboxCounts(): OutboxCounts {
    return this.outbox.counts();
  }
  needsAttention(limit?: number): AttentionItem[] {
    return this.outbox.needsAttention(limit);
  }
  hasDocument(sha256: string, assignee?: string): boolean {
    return this.cases.hasDocument(sha256, assignee);
  }
  referencedImages(): Set<string> {
    return this.cases.referencedImages();
  }
  imageBySha256(sha256: string): KnownImage | null {
    return this.cases.imageBySha256(sha256);
  }
  passportPagesLackingMrz(): string[] {
    return this.cases.passportPagesLackingMrz();
  }

  recordMrzReadings(results: readonly MrzResult[]): string[] {
    return this.cases.recordMrzReadings(results);
  }

  imagesLackingQuality(): string[] {
    return this.cases.imagesLackingQuality();
  }
  getSyncState(key: string): string | null {
    return this.outbox.getSyncState(key);
  }
  decisionLog(query: DecisionLogQuery): DecisionLogCopyPage {
    return this.decisionLogs.page(query);
  }
  decisionLogFreshness(): DecisionLogFreshness {
    return this.decisionLogs.freshness();
  }
  decisionLogCounts(filter: DecisionLogFilter): DecisionLogCounts {
    return this.decisionLogs.counts(filter);
  }
  decisionLogNewest(): string | null {
    return this.decisionLogs.newest();
  }
  withdrawalLog(query: WithdrawalLogQuery): WithdrawalCopyPage {
    return this.withdrawals.page(query);
  }
  withdrawalLogNewest(): string | null {
    return this.withdrawals.newest();
  }
  pendingSupervision(limit: number, madeBy: string): SupervisionMutation[] {
    return this.supervision.pending(limit, madeBy);
  }
  supervisionOutbox(madeBy?: string): SupervisionAction[] {
    return this.supervision.outbox(madeBy);
  }
  supervisionCounts(): { pending: number; applied: number; rejected: number } {
    return this.supervision.counts();
  }
  qualityQueue(request: QualityQueueRequest, viewer?: string): QualityQueuePage {
    return this.supervision.qualityQueue(request, viewer);
  }
  qualityPolicy(): QualityPolicyState {
    return this.supervision.policy();
  }
  supervisionVerdicts(decisionIds: readonly string[]): Map<string, SupervisionAction> {
    return this.supervision.verdicts(decisionIds);
  }
  decisionLogAfter(filter: DecisionLogFilter, after: Pick<DecisionLogEntry, 'decidedAt' | 'id'> | null, limit: number): DecisionLogEntry[] {
    return this.decisionLogs.entriesAfter(filter, after, limit);
  }
  cachedReport(filter: DecisionReportFilter): DecisionReport | null {
    return this.reports.cached(filter);
  }
  auditAfter(seq: number, limit: number): ChainedEntry[] {
    return this.connection.read(() => this.connection.audit.after(seq, limit));
  }
  linkedAccounts(applicationId: string): CachedLinkedAccounts | null {
    return this.linked.cached(applicationId);
  }

  // ---- writes (the writer runs these) ----
  upsertApplications(records: readonly UpsertRecord[]): UpsertResult {
    return this.cases.upsertApplications(records);
  }
  openCase(applicationId: string, opening: CaseOpening): CaseDetail {
    return this.cases.openCase(applicationId, opening);
  }
  recordDecision(input: DecisionInput, actor: Person, deviceId: string, online: boolean): DecisionRecord {
    return this.decisions.record(input, actor, deviceId, online);
  }
  addLocalDocument(applicationId: string, image: Omit<DocumentRecord, 'id'>, by: CaseOpening): DocumentRecord {
    return this.cases.addLocalDocument(applicationId, image, by);
  }
  recordOriginalDownload(sha256: string, by: CaseOpening): void {
    this.cases.recordOriginalDownload(sha256, by);
  }
  resolveAttention(mutationId: string, resolution: AttentionResolution, by: CaseOpening): void {
    this.outbox.resolveAttention(mutationId, resolution, by);
  }
  markMutationRejected(id: string, reason: string, current: Application | null): void {
    this.outbox.markRejected(id, reason, current);
  }
  settleMutations(answers: readonly MutationAnswer[]): { settled: number; skipped: { id: string; code: string }[] } {
    return this.outbox.settle(answers);
  }
  storeStaleFlags(): number {
    return this.cases.storeStaleFlags();
  }
  recordImageQuality(results: readonly ImageQuality[]): { documents: number; applicationIds: string[] } {
    return this.cases.recordImageQuality(results);
  }
  setSyncState(key: string, value: string): void {
    this.outbox.setSyncState(key, value);
  }
  storeDecisionLog(entries: readonly DecisionLogEntry[], syncedAt: string | null): { stored: number; pruned: number } {
    return this.decisionLogs.store(entries, syncedAt);
  }  storeWithdrawalLog(records: readonly WithdrawalRecord[], syncedAt: string | null): { stored: number; pruned: number } {
    return this.withdrawals.store(records, syncedAt);
  }

  recordSupervision(request: SupervisionActRequest, actor: Person, deviceId: string, online: boolean): SupervisionAction {
    return this.supervision.record(request, actor, deviceId, online);
  }
  settleSupervision(answers: readonly SupervisionResult[]): { settled: number; skipped: { id: string; code: string }[] } {
    return this.supervision.settle(answers);
  }
  dismissSupervision(id: string, madeBy?: string): SupervisionAction {
    return this.supervision.dismiss(id, madeBy);
  }
  storeQualityQueue(stage: ReviewStage, records: readonly QualityQueueRecord[], syncedAt: string): { stored: number } {
    return this.supervision.storeQualityQueue(stage, records, syncedAt);
  }
  storeQualityPolicy(policy: QualityPolicyResponse, syncedAt: string): void {
    this.supervision.storePolicy(policy, syncedAt);
  }
  recordExport(record: ExportRecord, by: CaseOpening): void {
    const c = this.connection;
    c.write(() => {
      c.audit.append({
        at: c.now().getTime(),
        action: 'export_saved',
        applicationId: null,
        actor: by.actor,
        deviceId: by.deviceId,
        online: by.online,
        details: { ...record },
      });
    }, true);
  }
  recordSessionEvent(action: SessionAuditAction, details: Record<string, string | boolean>, by: CaseOpening): void {
    const c = this.connection;
    c.write(() => {
      c.audit.append({ at: c.now().getTime(), action, applicationId: null, actor: by.actor, deviceId: by.deviceId, online: by.online, details });
    }, true);
  }
  unsyncedDecisions(): UnsyncedDecision[] {
    return unsyncedDecisions(this.connection.db);
  }
  unsyncedVerdicts(): UnsyncedVerdict[] {
    return unsyncedVerdicts(this.connection.db);
  }
  purgeApplicantData(scope: PurgeScope, by: { deviceId: string; online: boolean }): PurgeResult {
    return purgeApplicantData(this.connection, scope, by);
  }
  storeReport(filter: DecisionReportFilter, report: DecisionReport): void {
    this.reports.store(filter, report);
  }
  businessCalendar(): PublishedCalendar | null {
    return this.connection.calendars.published();
  }
  storeLinkedAccounts(linked: LinkedAccountsResponse): { factsChanged: boolean } {
    return this.linked.store(linked);
  }
  storeCalendar(calendar: PublishedCalendar): { recomputed: number } {
    const c = this.connection;
    const checked = PublishedCalendar.parse(calendar);
    return c.write(() => {
      c.calendars.store(checked);
      return { recomputed: this.cases.recomputeDeadlines(c.now()) };
    });
  }
}
