// Least data on the workstation (ARCHITECTURE.md, issue 25): a case decided and synced longer ago than the retention
// period the central service sets loses its applicant fields, its documents and the notes people wrote about it here;
// removing all applicant data (a device taken out of service) does it to every case at once. The decisions (outcome,
// reasons, who, when) and the audit trail stay; the image blobs no case refers to any more go at the next blob
// collection. SQLite overwrites what it deletes (secure_delete), so the removed text is gone from the file's free
// pages too, not merely unlinked.
import type { JudgedOn } from '../../../shared/contract/cases';
import type { UnsyncedDecision, UnsyncedVerdict } from '../../../shared/contract/device';
import type { Application, Identity } from '../../../shared/domain';
import type { Db } from './database';
import type { StoreConnection } from './connection';
import { reasonsQuotingApplicant, redactFlagFacts, redactFlags } from './applicantFacts';
import { parseJson } from './rows';
import { refusalResolved } from './statements';
import { redactSupervisorCopies } from './supervisorCopies';

/** What stands in for a removed applicant field: the shapes stay valid, the content is gone. */
export const REMOVED = '—';

export interface PurgeResult {
  /** Applications whose applicant data was removed now. */
  applications: number;
  documents: number;
  /** A supervisor's copies (decision log entries, withdrawals, verdicts, QA queue items) whose applicant text went now. */
  copies: number;
}

export type PurgeScope =
  /**
   * Decided, synced (nothing pending in the outbox, no refusal still needing attention) and untouched since `before`
   * (ms since the epoch). A refusal resolved in "needs attention" no longer holds the case: its row stays `rejected`.
   */
  | { kind: 'retention'; before: number }
  /** Every case on this device, whatever its state (the device is leaving service; the caller synced first). */
  | { kind: 'all' };

function redactIdentity(identity: Identity): Identity {
  if (identity.kind === 'individual') {
    return { kind: 'individual', fullName: REMOVED, documentType: identity.documentType, documentNumber: REMOVED, issuingLocation: identity.issuingLocation };
  }
  return { kind: 'enterprise', enterpriseName: REMOVED, registeredAddress: REMOVED, businessRegistrationNumber: REMOVED };
}

function redactApplication(app: Application): Application {
  return {
    ...app,
    identity: redactIdentity(app.identity),
    currentIdentity: app.currentIdentity ? redactIdentity(app.currentIdentity) : null,
    icp: { ...app.icp, icpEntityName: app.icp.icpEntityName === null ? null : REMOVED },
  };
}

export function purgeApplicantData(c: StoreConnection, scope: PurgeScope, audit: { deviceId: string; online: boolean }): PurgeResult {
  const { db } = c;
  const bodyOf = db.prepare<[string], { body: string }>(`SELECT body FROM application_bodies WHERE application_id = ?`);
  const setBody = db.prepare<[string, string]>(`UPDATE application_bodies SET body = ?, server_body = NULL WHERE application_id = ?`);
  const setApp = db.prepare<[number, string]>(`UPDATE applications SET display_name = '${REMOVED}', search_name = '', purged_at = ? WHERE id = ?`);
  const dropDocuments = db.prepare<[string]>(`DELETE FROM documents WHERE application_id = ?`);
  const dropFacts = db.prepare<[string]>(`DELETE FROM facts WHERE application_id = ?`);
  // The supervisor's copies name the applicant too (the decision log and the QA queue are fetched again when needed).
  const dropLogCopies = db.prepare<[string]>(`DELETE FROM decision_log WHERE application_id = ?`);
  // The R2/R3 lists name other applicants; fetched again from the central service if ever needed.
  const dropLinked = db.prepare<[string]>(`DELETE FROM linked_accounts WHERE application_id = ?`);
  // The QA queue's copies of a decision carry the applicant's name; the queue is fetched again at the next sync.
  const dropQueueCopies = db.prepare<[string]>(`DELETE FROM quality_queue WHERE json_extract(body, '$.decision.applicationId') = ?`);
  // The message sent to the applicant quotes their data; the decision itself (outcome, reasons, who, when) stays.
  const redactMessages = db.prepare<[string]>(`UPDATE decisions SET applicant_message = '${REMOVED}' WHERE application_id = ?`);
  // The internal and override notes, and a supervisor's reason for returning the case, are people's own words and may
  // name the applicant. They go too: retention takes only decisions the central service holds, notes included (its
  // record is the one of authority), and what the audit trail keeps here (who decided what, when, on which device,
  // which rules were overridden) names nobody. A note that was empty stays empty, so "had a note" still shows.
  const redactNotes = db.prepare<[string, string, string]>(
    `UPDATE decisions SET internal_note = CASE WHEN internal_note = '' THEN '' ELSE ? END,
                          override_note = CASE WHEN override_note IS NULL THEN NULL ELSE ? END
      WHERE application_id = ?`,
  );
  const redactReturned = db.prepare<[string, string]>(`UPDATE applications SET returned = json_set(returned, '$.reason', ?) WHERE id = ? AND returned IS NOT NULL`);
  // A refused decision keeps the central service's application as it answered (the "needs attention" view): it names
  // the applicant too. The outbox's payload is no longer filled, but rows written before that carry the decision's text.
  const refusalsOf = db.prepare<[string], { id: string; rejected_current: string }>(`SELECT id, rejected_current FROM outbox WHERE application_id = ? AND rejected_current IS NOT NULL`);
  const setRefusal = db.prepare<[string, string]>(`UPDATE outbox SET rejected_current = ? WHERE id = ?`);
  // A flag quoting the applicant (R9's dates of birth) keeps its rule, reason and severity; the quoted values go, in
  // the stored flags and in what each decision was judged on.
  const quotingFlags = db.prepare<[string, string], { position: number; reason: string; facts: string }>(
    `SELECT position, reason, facts FROM flags WHERE application_id = ? AND reason IN (SELECT value FROM json_each(?))`,
  );
  const setFlagFacts = db.prepare<[string, string, number]>(`UPDATE flags SET facts = ? WHERE application_id = ? AND position = ?`);
  const judgedOn = db.prepare<[string], { id: string; judged_on: string }>(`SELECT id, judged_on FROM decisions WHERE application_id = ? AND judged_on IS NOT NULL`);
  const setJudgedOn = db.prepare<[string, string]>(`UPDATE decisions SET judged_on = ? WHERE id = ?`);
  const reasons = JSON.stringify(reasonsQuotingApplicant);
  const redactQuotingFlags = (id: string) => {
    for (const flag of quotingFlags.all(id, reasons)) setFlagFacts.run(JSON.stringify(redactFlagFacts(flag.reason, parseJson(flag.facts), REMOVED)), id, flag.position);
    for (const decision of judgedOn.all(id)) {
      const judged = parseJson<JudgedOn>(decision.judged_on);
      setJudgedOn.run(JSON.stringify({ ...judged, flags: redactFlags(judged.flags, REMOVED) }), decision.id);
    }
  };
  const emptyPayloads = db.prepare<[string]>(`UPDATE outbox SET payload = '{}' WHERE application_id = ? AND payload <> '{}'`);
  db.pragma('secure_delete = ON');
  try {
    return c.write(() => {
      const now = c.now().getTime();
      const rows =
        scope.kind === 'all'
          ? db.prepare<[], { id: string }>(`SELECT id FROM applications WHERE purged_at IS NULL`).all()
          : db
              .prepare<[number], { id: string }>(
                `SELECT a.id FROM applications a
                  WHERE a.purged_at IS NULL AND a.open = 0 AND a.conflict IS NULL AND a.updated_at < ?
                    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = a.id
                                      AND (o.state = 'pending' OR (o.state = 'rejected' AND NOT ${refusalResolved})))`,
              )
              .all(scope.before);
      const ids = rows.map((r) => r.id);
      let documents = 0;
      for (const id of ids) {
        const row = bodyOf.get(id);
        if (row) setBody.run(JSON.stringify(redactApplication(JSON.parse(row.body) as Application)), id);
        setApp.run(now, id);
        documents += dropDocuments.run(id).changes;
        dropFacts.run(id);
        dropLogCopies.run(id);
        dropLinked.run(id);
        dropQueueCopies.run(id);
        redactMessages.run(id);
        redactNotes.run(REMOVED, REMOVED, id);
        redactReturned.run(REMOVED, id);
        for (const refusal of refusalsOf.all(id)) setRefusal.run(JSON.stringify(redactApplication(JSON.parse(refusal.rejected_current) as Application)), refusal.id);
        redactQuotingFlags(id);
        emptyPayloads.run(id);
      }
      // The name search's trigram index keeps a removed name's terms in its older segments until they are merged (a
      // three-character name is one whole term); merged now, their pages overwritten.
      if (ids.length > 0) db.prepare(`INSERT INTO application_search (application_search) VALUES ('optimize')`).run();
      const redacted = redactSupervisorCopies(db, scope.kind === 'all' ? null : scope.before, REMOVED);
      const copies = redacted.decisionLog + redacted.withdrawals + redacted.verdicts + redacted.qualityQueue;
      if (ids.length > 0 || copies > 0) {
        c.audit.append({
          at: now,
          action: 'applicant_data_removed',
          applicationId: null,
          actor: null,
          deviceId: audit.deviceId,
          online: audit.online,
          details: { reason: scope.kind === 'all' ? 'device_retired' : 'retention', applications: ids.length, documents, ...redacted },
        });
      }
      return { applications: ids.length, documents, copies };
    }, true);
  } finally {
    db.pragma('secure_delete = OFF');
  }
}

/** Decisions the central service has not taken: waiting in the outbox, or refused by it and not yet resolved. */
export function unsyncedDecisions(db: Db): UnsyncedDecision[] {
  return db
    .prepare<[], { applicationId: string; displayName: string; decidedBy: string; outcome: 'approve' | 'reject'; state: 'pending' | 'rejected' }>(
      `SELECT o.application_id AS applicationId, a.display_name AS displayName, d.decided_by_name AS decidedBy, d.outcome, o.state
         FROM outbox o JOIN applications a ON a.id = o.application_id JOIN decisions d ON d.mutation_id = o.id
        WHERE o.state = 'pending' OR (o.state = 'rejected' AND NOT ${refusalResolved}) ORDER BY o.id`,
    )
    .all();
}

/**
 * A supervisor's verdicts the central service has not answered, named like the decisions above. A refused verdict is
 * not listed: the central service answered it (the supervisor sees why in their outbox), nothing of it is in flight.
 */
export function unsyncedVerdicts(db: Db): UnsyncedVerdict[] {
  return db
    .prepare<[], UnsyncedVerdict>(
      `SELECT s.id, s.decision_id AS decisionId, json_extract(l.body, '$.applicationId') AS applicationId,
              json_extract(l.body, '$.applicantName') AS applicantName, json_extract(s.body, '$.verdict') AS verdict, s.made_by AS madeBy
         FROM supervision_outbox s LEFT JOIN decision_log l ON l.id = s.decision_id
        WHERE s.type = 'review' AND s.state = 'pending' ORDER BY s.seq`,
    )
    .all();
}
