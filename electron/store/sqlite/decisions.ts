// Recording a decision: checked against the lifecycle, the assignment and the blocking rules as they stand now;
// the decision (with what it was judged on), its outbox mutation, its audit entry and the case's new status in one
// durable transaction.
import type { AuditVerification, DecisionRecord, JudgedOn } from '../../../shared/contract/cases';
import { DecisionInput, type Person } from '../../../shared/domain';
import { DomainError } from '../../../shared/errors';
import { uuidv7 } from '../../../shared/ids';
import { nextStatus } from '../../../shared/lifecycle';
import { approvalBlockers, overriddenRules, rejectionBlockers } from '../../../shared/rules';
import { notAssigned, type Cases } from './cases';
import type { StoreConnection } from './connection';
import { toDecisionRecord, type DecisionRow } from './rows';
import { decisionSql, outboxSql } from './statements';

function prepare(db: StoreConnection['db']) {
  return {
    insert: db.prepare(decisionSql.insert),
    insertOutbox: db.prepare(outboxSql.insert),
    byMutation: db.prepare<[string], DecisionRow>(decisionSql.byMutation),
    firstOpened: db.prepare<[{ application_id: string; actor_id: string }], { at: number | null }>(decisionSql.firstOpened),
  };
}

export class Decisions {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    private readonly c: StoreConnection,
    private readonly cases: Cases,
  ) {
    this.s = prepare(c.db);
  }

  record(rawInput: DecisionInput, actor: Person, deviceId: string, online: boolean): DecisionRecord {
    const input = DecisionInput.parse(rawInput);
    return this.c.write(() => {
      const at = this.c.now();
      const row = this.cases.row(input.applicationId);
      const application = this.cases.application(row);
      const status = nextStatus(application.status, input.outcome); // withdrawn, already decided, not yet queued
      if (application.assignee !== actor.id) throw notAssigned(application.assignee);
      const flags = this.cases.evaluate(application, at);
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
      const overridden = overriddenRules(flags, input.outcome, input.overrideNote);
      const decisionId = uuidv7(at.getTime());
      const mutationId = uuidv7(at.getTime());
      this.s.insertOutbox.run({ id: mutationId, application_id: application.id, base_version: application.version, created_at: at.getTime() });
      this.s.insert.run({
        id: decisionId,
        application_id: application.id,
        outcome: input.outcome,
        reason_codes: JSON.stringify(input.reasonCodes),
        applicant_message: input.applicantMessage,
        internal_note: input.internalNote,
        override_note: input.overrideNote,
        overridden_rules: JSON.stringify(overridden),
        decided_by: actor.id,
        decided_by_name: actor.displayName,
        decided_at: at.getTime(),
        device_id: deviceId,
        online: online ? 1 : 0,
        base_version: application.version,
        prior_status: application.status,
        mutation_id: mutationId,
        judged_on: JSON.stringify({ flags, lastVerifiedAt: this.cases.factsOf(application.id).lastVerifiedAt } satisfies JudgedOn),
        // The handling time starts when this person first opened the case here (read before this decision's own entry).
        opened_at: this.s.firstOpened.get({ application_id: application.id, actor_id: actor.id })?.at ?? null,
      });
      this.c.audit.append({
        at: at.getTime(),
        action: 'decision_recorded',
        applicationId: application.id,
        actor,
        deviceId,
        online,
        details: { decisionId, mutationId, outcome: input.outcome, reasonCodes: [...input.reasonCodes], overriddenRules: overridden, baseVersion: application.version },
      });
      this.cases.setStatus(application, status, row.due_at, at);
      const decision = this.s.byMutation.get(mutationId);
      if (!decision) throw new Error('decision vanished inside its own transaction');
      return toDecisionRecord(decision);
    }, true);
  }

  verifyAudit(): AuditVerification {
    return this.c.read(() => this.c.audit.verify());
  }
}
