// The cases: applications as the central service sent them (the status column moves with local decisions), their
// documents, the central facts, the stored flags the queue filters on, and one case as the case view shows it.
import { z } from 'zod';
import { reviewDeadline } from '../../../shared/businessDays';
import {
  CaseReturned,
  DocumentRecord,
  ImageFailure,
  JudgedOn,
  type CaseConflict,
  type CaseDetail,
  type FlagsAsOf,
} from '../../../shared/contract/cases';
import { DecidedStanding } from '../../../shared/contract/central';
import { Application, Instant, QualitySignals, type ApplicationStatus, type Flag } from '../../../shared/domain';
import { DomainError, describeIssues } from '../../../shared/errors';
import { uuidv7 } from '../../../shared/ids';
import { isDecided, isOpen } from '../../../shared/lifecycle';
import { evaluateRules, type RuleFacts, type RuleInput } from '../../../shared/rules';
import type { CaseOpening, ImageQuality, KnownImage, UpsertRecord, UpsertResult } from '../types';
import type { StoreConnection } from './connection';
import { deadlineOf, searchForm } from './queue';
import { documentRow, iso, parseJson, toDecisionRecord, toDocumentRecord, type ApplicationRow, type DecisionRow, type DocumentRow } from './rows';
import { caseSql, decisionSql } from './statements';
import { MrzReadings, type MrzResult } from './mrz';

const RuleFactsSchema = z.object({
  accountsVerifiedWithDocument: z.number().int().nonnegative(),
  enterpriseAccountsVerified: z.number().int().nonnegative(),
  lastVerifiedAt: Instant.nullable(),
}) satisfies z.ZodType<RuleFacts>;

/** What upsertApplications accepts, checked at the store's boundary (sync and demo data both pass through it). */
const UpsertRecordSchema = z.object({
  application: Application,
  documents: z.array(DocumentRecord).max(20),
  previousDocuments: z.array(DocumentRecord).max(20).optional(),
  facts: RuleFactsSchema,
  returned: CaseReturned.nullable().optional(),
  decided: DecidedStanding.nullable().optional(),
});

const noFacts: RuleFacts = { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null };

export function notFound(applicationId: string): DomainError {
  return new DomainError('case_not_found', `Case ${applicationId.slice(0, 64)} is not on this workstation. Sync, or check the id.`);
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

function prepare(db: StoreConnection['db']) {
  return {
    app: db.prepare<[string], ApplicationRow>(caseSql.app),
    appState: db.prepare<[string], { rid: number; version: number; status: ApplicationStatus; assignee: string | null; pending: number }>(caseSql.appState),
    docs: db.prepare<[string], DocumentRow>(caseSql.docs),
    previousDocs: db.prepare<[string], DocumentRow>(caseSql.previousDocs),
    quality: db.prepare<[string], { quality: string | null; image_failure: string | null }>(caseSql.quality),
    facts: db.prepare<[string], { body: string }>(caseSql.facts),
    decisions: db.prepare<[string], DecisionRow>(decisionSql.ofApplication),
    deciding: db.prepare<[string], { id: string; decided_at: number; judged_on: string | null }>(decisionSql.deciding),
    hasDocument: db.prepare<[string], { found: number }>(caseSql.hasDocument),
    hasAssignedDocument: db.prepare<[string, string], { found: number }>(caseSql.hasAssignedDocument),
    documentsOfImage: db.prepare<[string], { id: string; application_id: string }>(caseSql.documentsOfImage),
    imageBySha256: db.prepare<[string], DocumentRow>(caseSql.imageBySha256),
    referencedImages: db.prepare<[], { sha256: string }>(caseSql.referencedImages),
    lackingQuality: db.prepare<[], { sha256: string }>(caseSql.lackingQuality),
    nextLocalPosition: db.prepare<[string], { next: number }>(caseSql.nextLocalPosition),
    upsertApp: db.prepare(caseSql.upsertApp),
    upsertBody: db.prepare<[string, string]>(caseSql.upsertBody),
    setStatus: db.prepare<[ApplicationStatus, number, string]>(caseSql.setStatus),
    setReturned: db.prepare<[string | null, string]>(caseSql.setReturned),
    setEffect: db.prepare<[string, string]>(decisionSql.setEffect),
    markConflict: db.prepare<[string, number, string]>(caseSql.markConflict),
    parkServerBody: db.prepare<[string, string]>(caseSql.parkServerBody),
    deleteDocs: db.prepare<[string]>(caseSql.deleteDocs),
    insertDoc: db.prepare(caseSql.insertDoc),
    upsertFacts: db.prepare<[string, string, number]>(caseSql.upsertFacts),
    deleteFlags: db.prepare<[string]>(caseSql.deleteFlags),
    insertFlag: db.prepare(caseSql.insertFlag),
    setQuality: db.prepare<[string, string], { application_id: string }>(caseSql.setQuality),
    setImageFailure: db.prepare<[string, string], { application_id: string }>(caseSql.setImageFailure),
  };
}

type Statements = ReturnType<typeof prepare>;

export class Cases {
  private readonly s: Statements;

  private readonly mrz: MrzReadings;

  constructor(private readonly c: StoreConnection) {
    this.s = prepare(c.db);
    this.mrz = new MrzReadings(c);
  }

  // ---- reading one case -----------------------------------------------------------------------------

  find(applicationId: string): ApplicationRow | undefined {
    return this.s.app.get(applicationId);
  }

  row(applicationId: string): ApplicationRow {
    const row = this.find(applicationId);
    if (!row) throw notFound(applicationId);
    return row;
  }

  /** The status column moves with local decisions; the JSON body is the central service's record. */
  application(row: ApplicationRow): Application {
    return { ...parseJson<Application>(row.body), status: row.status, version: row.version };
  }

  factsOf(applicationId: string): RuleFacts {
    const row = this.s.facts.get(applicationId);
    return row ? parseJson<RuleFacts>(row.body) : noFacts;
  }

  /** R8's input: each document's quality signals (in the case's order), and those whose image failed to decode. */
  private imagesOf(applicationId: string): Pick<RuleInput, 'quality' | 'imageFailures'> {
    const rows = this.s.quality.all(applicationId);
    return {
      quality: rows.map((r) => (r.quality ? parseJson<QualitySignals>(r.quality) : null)),
      imageFailures: rows.flatMap((r, image) => (r.image_failure ? [{ image, code: parseJson<ImageFailure>(r.image_failure).code }] : [])),
    };
  }

  /** R1–R8 on the facts stored now. */
  evaluate(app: Application, at: Date): Flag[] {
    return evaluateRules({ application: app, facts: this.factsOf(app.id), ...this.imagesOf(app.id), mrz: this.mrz.comparisonOf(app), now: at, calendar: this.c.calendar });
  }

  /**
   * What a case's flags are as of its state: for a decided case, those its deciding decision was judged on (or none,
   * when that was not recorded here); otherwise the rules evaluated now.
   */
  private flagsOf(app: Application, at: Date): { flags: Flag[]; lastVerifiedAt: string | null; asOf: FlagsAsOf } {
    if (isDecided(app.status)) {
      const deciding = this.s.deciding.get(app.id);
      const judged = deciding?.judged_on ? JudgedOn.parse(parseJson(deciding.judged_on)) : null;
      if (deciding && judged) return { ...judged, asOf: { kind: 'decision', decisionId: deciding.id, decidedAt: iso(deciding.decided_at) } };
      return { flags: [], lastVerifiedAt: null, asOf: { kind: 'unrecorded' } };
    }
    return { flags: this.evaluate(app, at), lastVerifiedAt: this.factsOf(app.id).lastVerifiedAt, asOf: { kind: 'now' } };
  }

  /** One case with everything the case view shows. */
  detail(applicationId: string): CaseDetail {
    const at = this.c.now();
    const row = this.row(applicationId);
    const application = this.application(row);
    // An open case's flags as of now (the stored ones may be older than the clock: R4's cooldown, R7's deadline);
    // a decided one's as it was decided, with today's beside them for information.
    const judged = this.flagsOf(application, at);
    const current = isDecided(application.status) ? { flags: this.evaluate(application, at), lastVerifiedAt: this.factsOf(applicationId).lastVerifiedAt } : null;
    return {
      application,
      dueAt: iso(row.due_at),
      escalateAt: iso(row.escalate_at),
      deadline: deadlineOf(row, at.getTime()),
      documents: this.s.docs.all(applicationId).map(toDocumentRecord),
      previousDocuments: this.s.previousDocs.all(applicationId).map(toDocumentRecord),
      flags: judged.flags,
      flagsAsOf: judged.asOf,
      current,
      decisions: this.s.decisions.all(applicationId).map(toDecisionRecord),
      audit: this.c.audit.forApplication(applicationId),
      conflict: row.conflict ? parseJson<CaseConflict>(row.conflict) : null,
      lastVerifiedAt: judged.lastVerifiedAt,
      returned: row.returned ? parseJson<CaseReturned>(row.returned) : null,
      mrz: this.mrz.comparisonOf(application),
    };
  }

  getCase(applicationId: string): CaseDetail {
    return this.c.read(() => this.detail(applicationId));
  }

  /** Records the opening of the documents and reads the case, in one transaction. */
  openCase(applicationId: string, opening: CaseOpening): CaseDetail {
    return this.c.write(() => {
      const documents = this.s.docs.all(this.row(applicationId).id).map((d) => d.id);
      this.c.audit.append({
        at: this.c.now().getTime(),
        action: 'documents_opened',
        applicationId,
        actor: opening.actor,
        deviceId: opening.deviceId,
        online: opening.online,
        details: { documents },
      });
      return this.detail(applicationId);
    });
  }

  // ---- images -----------------------------------------------------------------------------------------

  hasDocument(sha256: string, assignee?: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return false;
    return this.c.read(() => (assignee === undefined ? this.s.hasDocument.get(sha256) : this.s.hasAssignedDocument.get(sha256, assignee)) !== undefined);
  }

  referencedImages(): Set<string> {
    return this.c.read(() => new Set(this.s.referencedImages.all().map((r) => r.sha256)));
  }

  imageBySha256(sha256: string): KnownImage | null {
    return this.c.read(() => {
      const row = this.s.imageBySha256.get(sha256);
      if (!row) return null;
      const { id: _id, role: _role, ...image } = toDocumentRecord(row);
      return image;
    });
  }

  /** Passport data pages of open cases whose MRZ is not read yet (R11). */
  passportPagesLackingMrz(): string[] {
    return this.mrz.lacking();
  }

  /** Stores MRZ readings and the flags of the applications concerned anew (R11 reads them). */
  recordMrzReadings(results: readonly MrzResult[]): string[] {
    return this.mrz.record(results, (applicationIds) => {
      const at = this.c.now();
      for (const applicationId of applicationIds) {
        const row = this.find(applicationId);
        if (row) this.storeFlags(this.application(row), row.due_at, at);
      }
    });
  }

  imagesLackingQuality(): string[] {
    return this.c.read(() => this.s.lackingQuality.all().map((r) => r.sha256));
  }

  // ---- writes -----------------------------------------------------------------------------------------

  upsertApplications(records: readonly UpsertRecord[]): UpsertResult {
    // Validate everything before the transaction: one bad record refuses the whole batch, naming it.
    const parsed = records.map((r, i) => {
      const result = UpsertRecordSchema.safeParse(r);
      if (!result.success) {
        throw new DomainError('invalid_application', `Record ${i} from the central service is not valid (${describeIssues(result.error)}); nothing was stored.`);
      }
      return result.data;
    });
    return this.c.write(() => {
      const at = this.c.now();
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
        this.writeApplication(app, record.documents, record.facts, at, record.previousDocuments ?? []);
        this.writeReturned(app.id, record.returned ?? null);
        // A decision made here that four-eyes held: in effect once a second person agreed (the queue's mark goes).
        if (record.decided) this.s.setEffect.run(record.decided.effect, record.decided.decisionId);
        if (existing) result.updated += 1;
        else result.inserted += 1;
        if (!existing || existing.status !== app.status || existing.assignee !== app.assignee) result.moved += 1;
        result.applicationIds.push(app.id);
      }
      return result;
    });
  }

  /** Writes the application (and, when given, its documents, the replaced identity's, and facts), then stores its flags anew. */
  writeApplication(app: Application, documents: readonly DocumentRecord[] | null, facts: RuleFacts | null, at: Date, previous: readonly DocumentRecord[] = []): void {
    const { dueAt, escalateAt } = reviewDeadline(new Date(app.submittedAt), this.c.calendar);
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
      previous.forEach((d, position) => this.s.insertDoc.run(documentRow(d, app.id, position, true)));
    }
    if (facts) this.s.upsertFacts.run(app.id, JSON.stringify(facts), at.getTime());
    this.storeFlags(app, dueAt.getTime(), at);
  }

  /**
   * Whether the case is back in review after an overturn (the case view and the queue row say by whom and why); the
   * overturned decision, when made here, stays in the case's history marked as overturned.
   */
  private writeReturned(applicationId: string, returned: CaseReturned | null): void {
    this.s.setReturned.run(returned ? JSON.stringify(returned) : null, applicationId);
    if (returned) this.s.setEffect.run('overturned', returned.decisionId);
  }

  /**
   * After a new business calendar: every open case's due and escalation times counted again, and its stored flags
   * (which carry due_at for the queue's order). Answers how many moved.
   */
  recomputeDeadlines(at: Date): number {
    let moved = 0;
    const rows = this.c.db.prepare<[], ApplicationRow>(`SELECT a.*, b.body, b.server_body FROM applications a JOIN application_bodies b ON b.application_id = a.id`).all();
    const update = this.c.db.prepare<[number, number, string]>('UPDATE applications SET due_at = ?, escalate_at = ? WHERE id = ?');
    for (const row of rows) {
      if (!isOpen(row.status)) continue;
      const app = this.application(row);
      const { dueAt, escalateAt } = reviewDeadline(new Date(app.submittedAt), this.c.calendar);
      if (dueAt.getTime() === row.due_at && escalateAt.getTime() === row.escalate_at) continue;
      update.run(dueAt.getTime(), escalateAt.getTime(), row.id);
      this.storeFlags(app, dueAt.getTime(), at);
      moved += 1;
    }
    return moved;
  }

  /** A local decision moves the status at once (the body keeps the central service's record). */
  setStatus(app: Application, status: ApplicationStatus, dueAt: number, at: Date): void {
    this.s.setStatus.run(status, at.getTime(), app.id);
    this.storeFlags({ ...app, status }, dueAt, at);
  }

  /** Stores R1–R6 and R8; R7 depends on the clock alone, so it is derived from due_at/escalate_at when read. */
  storeFlags(app: Application, dueAt: number, at: Date): void {
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
          assignee: app.assignee,
        });
        seen.add(f.rule);
      });
  }

  addLocalDocument(applicationId: string, image: Omit<DocumentRecord, 'id'>, by: CaseOpening): DocumentRecord {
    return this.c.write(() => {
      const at = this.c.now();
      const row = this.row(applicationId);
      const document: DocumentRecord = { ...image, id: `local-${uuidv7(at.getTime())}` };
      this.s.insertDoc.run(documentRow(document, applicationId, this.s.nextLocalPosition.get(applicationId)?.next ?? 1000));
      this.c.audit.append({
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
    this.c.write(() => {
      const documents = this.s.documentsOfImage.all(sha256);
      const first = documents[0];
      if (!first) throw new DomainError('forbidden', 'This document image belongs to no case on this workstation.');
      this.c.audit.append({
        at: this.c.now().getTime(),
        action: 'original_downloaded',
        applicationId: first.application_id,
        actor: by.actor,
        deviceId: by.deviceId,
        online: by.online,
        details: { sha256, documents: documents.map((d) => d.id), applications: [...new Set(documents.map((d) => d.application_id))] },
      });
    }, true);
  }

  /**
   * Stores anew the flags of the cases marked stale (store migration 10: open cases whose flags were evaluated before
   * R9 and R10; 16: before R11 compared nationality and sex), in one transaction; returns how many. Runs when the
   * store opens, before its writer starts.
   */
  storeStaleFlags(): number {
    const stale = this.c.db.prepare('SELECT id FROM applications WHERE flags_stale = 1').pluck().all() as string[];
    if (stale.length === 0) return 0;
    const clear = this.c.db.prepare('UPDATE applications SET flags_stale = 0 WHERE id = ?');
    return this.c.write(() => {
      const at = this.c.now();
      for (const id of stale) {
        const row = this.row(id);
        this.storeFlags(this.application(row), row.due_at, at);
        clear.run(id);
      }
      return stale.length;
    });
  }

  recordImageQuality(results: readonly ImageQuality[]): { documents: number; applicationIds: string[] } {
    // Validate before the transaction: the signals come from an imaging process, i.e. across a boundary.
    const parsed = results.map((r, i) => {
      const outcome = 'quality' in r ? QualitySignals.safeParse(r.quality) : ImageFailure.safeParse(r.failure);
      if (!/^[0-9a-f]{64}$/.test(r.sha256) || !outcome.success) {
        throw new DomainError('invalid_quality', `Derived image quality ${i} is not valid${outcome.success ? ' (hash)' : ` (${describeIssues(outcome.error)})`}; nothing was stored.`);
      }
      return { sha256: r.sha256, json: JSON.stringify(outcome.data), set: 'quality' in r ? this.s.setQuality : this.s.setImageFailure };
    });
    if (parsed.length === 0) return { documents: 0, applicationIds: [] };
    return this.c.write(() => {
      const at = this.c.now();
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
        const row = this.find(applicationId);
        if (row) this.storeFlags(this.application(row), row.due_at, at);
      }
      return { documents, applicationIds: [...touched] };
    });
  }
}
