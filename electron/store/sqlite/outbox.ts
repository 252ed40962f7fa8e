// The outbox: each decision's mutation waits here until the central service answers it (applied, or refused with
// the case restored to the service's view), the "needs attention" list of refusals, and sync's own state.
import type { DecisionRecord, DecisionStanding, MutationState } from '../../../shared/contract/cases';
import type { AttentionItem } from '../../../shared/contract/sync';
import { Application, type DecisionOutcome } from '../../../shared/domain';
import { DomainError } from '../../../shared/errors';
import type { AttentionResolution } from '../../../shared/contract/sync';
import type { CaseOpening, MutationAnswer, OutboxCounts } from '../types';
import type { Cases } from './cases';
import type { StoreConnection } from './connection';
import { parseJson, toDecisionRecord, type DecisionRow } from './rows';
import { decisionSql, outboxSql } from './statements';

interface OutboxRow {
  id: string;
  application_id: string;
  state: MutationState;
  server_version: number | null;
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
  re_decided: number;
}

interface AttentionItemRow {
  mutation_id: string;
  application_id: string;
  state: MutationState;
  rejected_reason: string | null;
  rejected_current: string | null;
  resolved: number;
  re_decided: number;
}

function prepare(db: StoreConnection['db']) {
  return {
    counts: db.prepare<[], { state: MutationState; n: number }>(outboxSql.counts),
    pending: db.prepare<[string, number], DecisionRow>(outboxSql.pending),
    pendingByPerson: db.prepare<[], { decided_by: string; decided_by_name: string; n: number }>(outboxSql.pendingByPerson),
    needsAttention: db.prepare<[number], AttentionRow>(outboxSql.needsAttention),
    attentionItem: db.prepare<[string], AttentionItemRow>(outboxSql.attentionItem),
    row: db.prepare<[string], OutboxRow>(outboxSql.row),
    applied: db.prepare<[number, number, string]>(outboxSql.applied),
    rejected: db.prepare<[string, string | null, number, string]>(outboxSql.rejected),
    settleApp: db.prepare<[number, number, string]>(outboxSql.settleApp),
    settleBody: db.prepare<[string]>(outboxSql.settleBody),
    setEffect: db.prepare<[string, string]>(decisionSql.setEffect),
    decisionByMutation: db.prepare<[string], DecisionRow>(decisionSql.byMutation),
    getSync: db.prepare<[string], { value: string }>(outboxSql.getSync),
    setSync: db.prepare<[string, string]>(outboxSql.setSync),
  };
}

export class Outbox {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    private readonly c: StoreConnection,
    private readonly cases: Cases,
  ) {
    this.s = prepare(c.db);
  }

  counts(): OutboxCounts {
    return this.c.read(() => {
      const counts: OutboxCounts = { pending: 0, applied: 0, rejected: 0 };
      for (const { state, n } of this.s.counts.all()) counts[state] = n;
      return counts;
    });
  }

  pending(limit: number, decidedBy: string): DecisionRecord[] {
    const n = Math.max(1, Math.min(1000, Math.trunc(limit)));
    return this.c.read(() => this.s.pending.all(decidedBy, n).map(toDecisionRecord));
  }

  pendingByPerson(): { person: { id: string; displayName: string }; decisions: number }[] {
    return this.c.read(() => this.s.pendingByPerson.all().map((r) => ({ person: { id: r.decided_by, displayName: r.decided_by_name }, decisions: r.n })));
  }

  needsAttention(limit = 500): AttentionItem[] {
    return this.c.read(() =>
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
          reDecided: r.re_decided === 1,
        };
      }),
    );
  }

  /**
   * Resolves a refused decision with what was done about it, as an audit entry of the person who did it. Re-decided
   * needs a later decision on the case here; acknowledged as withdrawn needs a withdrawal (the refusal's reason, or
   * the case as the central service last had it).
   */
  resolveAttention(mutationId: string, resolution: AttentionResolution, by: CaseOpening): void {
    this.c.write(() => {
      const row = this.s.attentionItem.get(mutationId);
      if (!row || row.state !== 'rejected') throw new DomainError('mutation_not_found', 'There is no refused decision with this id on this workstation; reload the list.');
      if (row.resolved === 1) throw new DomainError('attention_resolved', 'This refused decision was already resolved; reload the list.');
      if (resolution === 're_decided' && row.re_decided !== 1) {
        throw new DomainError('resolution_not_possible', 'The case has not been decided again here: open it and decide it first, then mark it re-decided.');
      }
      const current = row.rejected_current ? parseJson<Application>(row.rejected_current) : null;
      if (resolution === 'withdrawn_acknowledged' && row.rejected_reason !== 'withdrawn' && current?.status !== 'withdrawn') {
        throw new DomainError('resolution_not_possible', 'The application was not withdrawn: decide it again or hand it to a supervisor.');
      }
      this.c.audit.append({
        at: this.c.now().getTime(),
        action: 'attention_resolved',
        applicationId: row.application_id,
        actor: by.actor,
        deviceId: by.deviceId,
        online: by.online,
        details: { mutationId, resolution, refusal: row.rejected_reason ?? 'unknown' },
      });
    }, true);
  }

  markRejected(id: string, reason: string, current: Application | null): void {
    const server = current === null ? null : Application.parse(current);
    this.c.write(() => this.settleRejected(id, reason, server));
  }

  settle(answers: readonly MutationAnswer[]): { settled: number; skipped: { id: string; code: string }[] } {
    const checked = answers.map((a) => (a.status === 'rejected' && a.current !== null ? { ...a, current: Application.parse(a.current) } : a));
    return this.c.write(() => {
      let settled = 0;
      const skipped: { id: string; code: string }[] = [];
      for (const answer of checked) {
        try {
          if (answer.status === 'applied') this.settleApplied(answer.id, answer.serverVersion, answer.effect ?? null);
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

  private settleApplied(id: string, serverVersion: number, effect: DecisionStanding | null): void {
    const row = this.s.row.get(id);
    if (!row) throw new DomainError('mutation_not_found', `There is no outbox mutation ${id.slice(0, 64)}.`);
    if (row.state === 'applied' && row.server_version === serverVersion) return; // a repeated answer
    // Held by four-eyes, or in effect: the reviewer's decided work says which (null from a service without four-eyes).
    if (effect !== null) this.s.setEffect.run(effect, id);
    if (row.state !== 'pending') throw new DomainError('mutation_settled', `Mutation ${id} was already ${row.state}.`);
    const at = this.c.now().getTime();
    this.s.applied.run(serverVersion, at, id);
    this.s.settleApp.run(serverVersion, at, row.application_id);
    this.s.settleBody.run(row.application_id);
  }

  private settleRejected(id: string, reason: string, server: Application | null): void {
    const row = this.s.row.get(id);
    if (!row) throw new DomainError('mutation_not_found', `There is no outbox mutation ${id.slice(0, 64)}.`);
    if (row.state === 'rejected') return;
    if (row.state !== 'pending') throw new DomainError('mutation_settled', `Mutation ${id} was already ${row.state}.`);
    const at = this.c.now();
    this.s.rejected.run(reason.slice(0, 200), server ? JSON.stringify(server) : null, at.getTime(), id);
    // Every outbox row carries a decision (written together); the refusal is on the record with it, in this
    // transaction, attributed to the decision's maker: nobody need be signed in when the answer arrives.
    const decision = this.s.decisionByMutation.get(id);
    if (!decision) throw new Error(`Outbox mutation ${id} has no decision.`);
    this.c.audit.append({
      at: at.getTime(),
      action: 'sync_refused',
      applicationId: row.application_id,
      actor: { id: decision.decided_by, displayName: decision.decided_by_name },
      deviceId: decision.device_id,
      online: true,
      details: { mutationId: id, decisionId: decision.id, refusal: reason.slice(0, 200) },
    });
    const appRow = this.cases.find(row.application_id);
    if (!appRow) return;
    // The central service's view wins: what it sent now, else what sync parked during the conflict,
    // else the status the case had before the refused decision.
    const parked = appRow.server_body ? parseJson<Application>(appRow.server_body) : null;
    const restored = server ?? parked ?? { ...this.cases.application(appRow), status: decision.prior_status };
    this.cases.writeApplication(restored, null, null, at);
  }

  getSyncState(key: string): string | null {
    return this.c.read(() => this.s.getSync.get(key)?.value ?? null);
  }

  setSyncState(key: string, value: string): void {
    this.c.write(() => this.s.setSync.run(key, value));
  }
}
