// The supervisor's side of the store: every action (a verdict, a reassignment, a policy change) recorded with its
// UUIDv7 id and its audit entry in one transaction and queued until the central service answers it; the QA queue of
// each stage and the quality policy as the central service last reported them, with when.
import { createHash } from 'node:crypto';
import { QualityPolicyResponse, SupervisionMutation, type QualitySampleReason, type ReviewStage, type SupervisionResult } from '../../../shared/contract/central';
import {
  QualityQueueRequest,
  qualityQueueCapacity,
  SupervisionActRequest,
  type DecisionLogEntry,
  type QualityPolicyState,
  type QualityQueueEntry,
  type QualityQueuePage,
  type SupervisionAction,
  type SupervisionActionState,
} from '../../../shared/contract/supervision';
import type { Person } from '../../../shared/domain';
import { DomainError } from '../../../shared/errors';
import { uuidv7 } from '../../../shared/ids';
import type { StoreConnection } from './connection';
import { iso, parseJson } from './rows';

/** Every SQL statement of this part, by name. */
export const supervisionSql = {
  insert: `INSERT INTO supervision_outbox (id, type, made_by, decision_id, state, body) VALUES (@id, @type, @made_by, @decision_id, 'pending', @body)`,
  pending: `SELECT * FROM supervision_outbox WHERE made_by = ? AND state = 'pending' ORDER BY seq LIMIT ?`,
  byId: 'SELECT * FROM supervision_outbox WHERE id = ?',
  settle: 'UPDATE supervision_outbox SET state = ?, settled_at = ?, rejected_reason = ?, rejected_message = ?, not_moved = ? WHERE id = ?',
  dismiss: `UPDATE supervision_outbox SET state = 'dismissed' WHERE id = ? AND state = 'rejected'`,
  dismissNotMoved: `UPDATE supervision_outbox SET not_moved_dismissed_at = ? WHERE id = ? AND state = 'applied' AND not_moved IS NOT NULL`,
  waiting: `SELECT * FROM supervision_outbox WHERE state = 'pending' ORDER BY seq`,
  // Refused, or applied in part (a reassignment that could not move some applications), and not set aside.
  refused: `SELECT * FROM supervision_outbox WHERE state = 'rejected' OR (state = 'applied' AND not_moved IS NOT NULL AND not_moved_dismissed_at IS NULL)
    ORDER BY seq DESC LIMIT 500`,
  counts: 'SELECT state, count(*) AS n FROM supervision_outbox GROUP BY state',
  newestForDecision: `SELECT * FROM supervision_outbox WHERE decision_id = ? AND state != 'dismissed' ORDER BY seq DESC LIMIT 1`,
  newestPolicy: `SELECT * FROM supervision_outbox WHERE type = 'policy' ORDER BY seq DESC LIMIT 1`,
  applicationOf: `SELECT application_id FROM decision_log WHERE id = ?`,
  logEntry: 'SELECT body FROM decision_log WHERE id = ?',
  setLogEntry: 'UPDATE decision_log SET body = ?, reviewed = ? WHERE id = ?',
  queueStageOf: 'SELECT stage FROM quality_queue WHERE decision_id = ? LIMIT 1',
  queueReviewerOf: 'SELECT reviewer FROM quality_queue WHERE decision_id = ? LIMIT 1',
  clearQueue: 'DELETE FROM quality_queue WHERE stage = ?',
  insertQueue: 'INSERT INTO quality_queue (stage, position, decision_id, reviewer, body) VALUES (@stage, @position, @decision_id, @reviewer, @body)',
  queueApplicationOf: 'SELECT body FROM quality_queue WHERE decision_id = ? LIMIT 1',
  getSync: 'SELECT value FROM sync_state WHERE key = ?',
  setSync: 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
} as const;

/** Sync-state keys: the policy as last reported (JSON) and when; each QA stage's last refresh. */
export const qualityPolicyKey = 'quality.policy';
export const qualityPolicySyncedKey = 'quality.policySyncedAt';
export const qualityQueueSyncedKey = (stage: ReviewStage) => `quality.${stage}.syncedAt`;

interface ActionRow {
  seq: number;
  id: string;
  type: SupervisionMutation['type'];
  made_by: string;
  decision_id: string | null;
  state: SupervisionActionState;
  body: string;
  settled_at: number | null;
  rejected_reason: string | null;
  rejected_message: string | null;
  not_moved: string | null;
}

/** One decision of a QA stage as sync stores it. */
export interface QualityQueueRecord {
  decision: DecisionLogEntry;
  sampledFor: QualitySampleReason[];
}

function toAction(r: ActionRow): SupervisionAction {
  return {
    mutation: parseJson<SupervisionMutation>(r.body),
    state: r.state,
    settledAt: r.settled_at === null ? null : iso(r.settled_at),
    refusal: r.state === 'rejected' || (r.state === 'dismissed' && r.rejected_reason !== null) ? { reason: r.rejected_reason ?? 'unknown', message: r.rejected_message ?? '' } : null,
    notMoved: r.not_moved ? parseJson<SupervisionAction['notMoved']>(r.not_moved) : [],
  };
}

function queueKey(stage: string, reviewer: string | undefined, viewer: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([stage, reviewer, viewer])).digest('base64url').slice(0, 12);
}

function badCursor(): DomainError {
  return new DomainError('bad_cursor', 'This page of the QA queue is no longer valid (the filters changed). Go back to the first page.');
}

function decodeCursor(cursor: string, key: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'number' || parsed[1] !== key) throw badCursor();
  return parsed[0];
}

function prepare(db: StoreConnection['db']) {
  return {
    insert: db.prepare(supervisionSql.insert),
    pending: db.prepare<[string, number], ActionRow>(supervisionSql.pending),
    byId: db.prepare<[string], ActionRow>(supervisionSql.byId),
    settle: db.prepare<[SupervisionActionState, number, string | null, string | null, string | null, string]>(supervisionSql.settle),
    dismiss: db.prepare<[string]>(supervisionSql.dismiss),
    dismissNotMoved: db.prepare<[number, string]>(supervisionSql.dismissNotMoved),
    waiting: db.prepare<[], ActionRow>(supervisionSql.waiting),
    refused: db.prepare<[], ActionRow>(supervisionSql.refused),
    counts: db.prepare<[], { state: SupervisionActionState; n: number }>(supervisionSql.counts),
    newestForDecision: db.prepare<[string], ActionRow>(supervisionSql.newestForDecision),
    newestPolicy: db.prepare<[], ActionRow>(supervisionSql.newestPolicy),
    applicationOf: db.prepare<[string], { application_id: string }>(supervisionSql.applicationOf),
    logEntry: db.prepare<[string], { body: string }>(supervisionSql.logEntry),
    setLogEntry: db.prepare<[string, number, string]>(supervisionSql.setLogEntry),
    queueStageOf: db.prepare<[string], { stage: ReviewStage }>(supervisionSql.queueStageOf),
    queueReviewerOf: db.prepare<[string], { reviewer: string }>(supervisionSql.queueReviewerOf),
    queueApplicationOf: db.prepare<[string], { body: string }>(supervisionSql.queueApplicationOf),
    clearQueue: db.prepare<[string]>(supervisionSql.clearQueue),
    insertQueue: db.prepare(supervisionSql.insertQueue),
    getSync: db.prepare<[string], { value: string }>(supervisionSql.getSync),
    setSync: db.prepare<[string, string]>(supervisionSql.setSync),
  };
}

export class Supervision {
  private readonly s: ReturnType<typeof prepare>;

  constructor(private readonly c: StoreConnection) {
    this.s = prepare(c.db);
  }

  /**
   * Records a supervisor's action: its mutation (id made here, once) in the outbox and its audit entry, in one
   * durable transaction. Sync sends it under `actor`'s session only.
   */
  record(raw: SupervisionActRequest, actor: Person, deviceId: string, online: boolean): SupervisionAction {
    const request = SupervisionActRequest.parse(raw);
    return this.c.write(() => {
      this.checkActor(request, actor);
      const at = this.c.now();
      const mutation = SupervisionMutation.parse({ ...request, id: uuidv7(at.getTime()), madeAt: at.toISOString(), madeBy: actor.id, offline: !online });
      const decisionId = mutation.type === 'review' ? mutation.decisionId : null;
      this.s.insert.run({ id: mutation.id, type: mutation.type, made_by: actor.id, decision_id: decisionId, body: JSON.stringify(mutation) });
      this.c.audit.append({
        at: at.getTime(),
        action: 'supervision_recorded',
        applicationId: this.applicationOf(mutation),
        actor,
        deviceId,
        online,
        details: detailsOf(mutation),
      });
      const row = this.s.byId.get(mutation.id);
      if (!row) throw new Error('supervision action vanished inside its own transaction');
      return toAction(row);
    }, true);
  }

  /**
   * What the central service would refuse anyway, refused here before anything is queued: a verdict on one's own
   * decision (S4), and from a reviewer anything but the second review of a decision four-eyes holds as last synced.
   */
  private checkActor(request: SupervisionActRequest, actor: Person): void {
    if (actor.role !== 'supervisor' && (request.type !== 'review' || this.s.queueStageOf.get(request.decisionId)?.stage !== 'second_review')) {
      throw new DomainError('forbidden', 'A reviewer gives only second reviews: a verdict on a decision in the Second review list, held by four-eyes.');
    }
    if (request.type !== 'review') return;
    const logged = this.s.logEntry.get(request.decisionId);
    const decider = this.s.queueReviewerOf.get(request.decisionId)?.reviewer ?? (logged ? parseJson<DecisionLogEntry>(logged.body).reviewer : null);
    if (decider === actor.id) throw new DomainError('same_person', 'You made this decision; its review must be someone else’s.');
  }

  /** The application an action concerns, when there is exactly one and it is known here (the audit entry names it). */
  private applicationOf(m: SupervisionMutation): string | null {
    if (m.type === 'reassign') return m.applicationIds.length === 1 ? m.applicationIds[0]! : null;
    if (m.type === 'policy') return null;
    const logged = this.s.applicationOf.get(m.decisionId);
    if (logged) return logged.application_id;
    const queued = this.s.queueApplicationOf.get(m.decisionId);
    return queued ? parseJson<QualityQueueRecord>(queued.body).decision.applicationId : null;
  }

  /** The oldest queued actions `madeBy` made, in the order made: only that person's session sends them. */
  pending(limit: number, madeBy: string): SupervisionMutation[] {
    const n = Math.max(1, Math.min(1000, Math.trunc(limit)));
    return this.c.read(() => this.s.pending.all(madeBy, n).map((r) => parseJson<SupervisionMutation>(r.body)));
  }

  /** Queued actions (oldest first), then those refused, or applied in part, and not dismissed (newest first); only `madeBy`'s when given. */
  outbox(madeBy?: string): SupervisionAction[] {
    return this.c.read(() => [...this.s.waiting.all(), ...this.s.refused.all()].filter((r) => madeBy === undefined || r.made_by === madeBy).map(toAction));
  }

  counts(): { pending: number; applied: number; rejected: number } {
    return this.c.read(() => {
      const counts = { pending: 0, applied: 0, rejected: 0 };
      for (const { state, n } of this.s.counts.all()) if (state !== 'dismissed') counts[state] = n;
      return counts;
    });
  }

  /**
   * Stores the central service's answers in one transaction. A repeated answer (after a resend) changes nothing; an
   * answer for an unknown action, or one that contradicts the stored answer, is skipped and named.
   */
  settle(answers: readonly SupervisionResult[]): { settled: number; skipped: { id: string; code: string }[] } {
    return this.c.write(() => {
      const at = this.c.now().getTime();
      let settled = 0;
      const skipped: { id: string; code: string }[] = [];
      for (const a of answers) {
        const row = this.s.byId.get(a.id);
        if (!row) {
          skipped.push({ id: a.id, code: 'action_not_found' });
          continue;
        }
        const settledAs = row.state === 'dismissed' ? 'rejected' : row.state;
        if (settledAs === a.status) continue;
        if (row.state !== 'pending') {
          skipped.push({ id: a.id, code: 'action_settled' });
          continue;
        }
        if (a.status === 'applied') {
          this.s.settle.run('applied', at, null, null, a.refused?.length ? JSON.stringify(a.refused) : null, a.id);
          const mutation = parseJson<SupervisionMutation>(row.body);
          if (mutation.type === 'review') this.showReviewInLog(mutation, at);
        } else this.s.settle.run('rejected', at, a.reason, a.message, null, a.id);
        settled += 1;
      }
      return { settled, skipped };
    });
  }

  /**
   * An applied verdict shows in the decision log at once, as the central service applied it (its next report
   * replaces the copy): the review with its stage, and the decision overturned, or in effect once a second person
   * agreed. A log refresh reaches back only a week, so an older decision would otherwise never show its review.
   */
  private showReviewInLog(m: Extract<SupervisionMutation, { type: 'review' }>, at: number): void {
    const row = this.s.logEntry.get(m.decisionId);
    if (!row) return;
    const entry = parseJson<DecisionLogEntry>(row.body);
    const stage: ReviewStage = this.s.queueStageOf.get(m.decisionId)?.stage ?? (entry.effect === 'pending_second_review' ? 'second_review' : 'quality');
    const effect = m.verdict === 'overturn' ? 'overturned' : stage === 'second_review' ? 'in_effect' : (entry.effect ?? 'in_effect');
    const reviews = [...entry.reviews, { supervisor: m.madeBy, stage, verdict: m.verdict, reason: m.reason, reviewedAt: iso(at) }];
    // The log's "reviewed" filter counts quality reviews (as the central service's does).
    const reviewed = reviews.some((r) => r.stage === 'quality') ? 1 : 0;
    this.s.setLogEntry.run(JSON.stringify({ ...entry, effect, reviews }), reviewed, m.decisionId);
  }

  /** Sets a refused action (or the applications a reassignment could not move) aside: it leaves the list, and stays on record. */
  dismiss(id: string, madeBy?: string): SupervisionAction {
    return this.c.write(() => {
      const row = this.s.byId.get(id);
      if (!row || (madeBy !== undefined && row.made_by !== madeBy)) throw new DomainError('action_not_found', 'There is no such supervisor action on this workstation.');
      if (row.state === 'applied' && row.not_moved !== null) this.s.dismissNotMoved.run(this.c.now().getTime(), id);
      else if (row.state === 'rejected' || row.state === 'dismissed') this.s.dismiss.run(id);
      else throw new DomainError('action_not_refused', `This action is ${row.state}: only a refused action can be dismissed.`);
      return toAction(this.s.byId.get(id)!);
    });
  }

  /** Replaces a QA stage's cached queue with the central service's (the first `qualityQueueCapacity`), as of `syncedAt`. */
  storeQualityQueue(stage: ReviewStage, records: readonly QualityQueueRecord[], syncedAt: string): { stored: number } {
    return this.c.write(() => {
      this.s.clearQueue.run(stage);
      const kept = records.slice(0, qualityQueueCapacity);
      kept.forEach((r, position) =>
        this.s.insertQueue.run({ stage, position, decision_id: r.decision.id, reviewer: r.decision.reviewer, body: JSON.stringify(r) }),
      );
      this.s.setSync.run(qualityQueueSyncedKey(stage), syncedAt);
      return { stored: kept.length };
    });
  }

  /** A page of a QA stage; at the second review without `viewer`'s own decisions (S4: never the decider's to review). */
  qualityQueue(raw: QualityQueueRequest, viewer?: string): QualityQueuePage {
    const q = QualityQueueRequest.parse(raw);
    return this.c.read(() => {
      const notOwn = q.stage === 'second_review' ? viewer : undefined;
      const key = queueKey(q.stage, q.reviewer, notOwn);
      const where = ['stage = @stage'];
      const params: Record<string, unknown> = { stage: q.stage };
      if (notOwn !== undefined) {
        where.push('reviewer != @viewer');
        params.viewer = notOwn;
      }
      if (q.reviewer !== undefined) {
        where.push('reviewer = @reviewer');
        params.reviewer = q.reviewer;
      }
      const total = (this.c.db.prepare(`SELECT count(*) AS n FROM quality_queue WHERE ${where.join(' AND ')}`).get(params) as { n: number }).n;
      if (q.cursor) {
        where.push('position > @after');
        params.after = decodeCursor(q.cursor, key);
      }
      const rows = this.c.db
        .prepare(`SELECT position, body FROM quality_queue WHERE ${where.join(' AND ')} ORDER BY position LIMIT @limit`)
        .all({ ...params, limit: q.limit + 1 }) as { position: number; body: string }[];
      const page = rows.slice(0, q.limit);
      const items: QualityQueueEntry[] = page.map((r) => {
        const record = parseJson<QualityQueueRecord>(r.body);
        const verdict = this.s.newestForDecision.get(record.decision.id);
        return { ...record, verdict: verdict ? toAction(verdict) : null };
      });
      const last = page.at(-1);
      return {
        items,
        nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify([last.position, key]), 'utf8').toString('base64url') : null,
        total,
        syncedAt: this.s.getSync.get(qualityQueueSyncedKey(q.stage))?.value ?? null,
      };
    });
  }

  /** This workstation's newest verdict on each decision named (the decision log shows them). */
  verdicts(decisionIds: readonly string[]): Map<string, SupervisionAction> {
    return this.c.read(() => {
      const found = new Map<string, SupervisionAction>();
      for (const id of decisionIds) {
        const row = this.s.newestForDecision.get(id);
        if (row) found.set(id, toAction(row));
      }
      return found;
    });
  }

  storePolicy(policy: QualityPolicyResponse, syncedAt: string): void {
    const checked = QualityPolicyResponse.parse(policy);
    this.c.write(() => {
      this.s.setSync.run(qualityPolicyKey, JSON.stringify(checked));
      this.s.setSync.run(qualityPolicySyncedKey, syncedAt);
    });
  }

  policy(): QualityPolicyState {
    return this.c.read(() => {
      const stored = this.s.getSync.get(qualityPolicyKey)?.value;
      const change = this.s.newestPolicy.get();
      return {
        current: stored ? QualityPolicyResponse.parse(parseJson(stored)) : null,
        syncedAt: this.s.getSync.get(qualityPolicySyncedKey)?.value ?? null,
        change: change && (change.state === 'pending' || change.state === 'rejected') ? toAction(change) : null,
      };
    });
  }
}

/** What the audit entry says of an action: ids, the verdict, the rules of a policy; never the reason's text. */
function detailsOf(m: SupervisionMutation): Record<string, string | number | boolean | null | string[]> {
  const base = { mutationId: m.id, type: m.type };
  switch (m.type) {
    case 'review':
      return { ...base, decisionId: m.decisionId, verdict: m.verdict };
    case 'reassign':
      return { ...base, applicationIds: [...m.applicationIds], reviewer: m.reviewer };
    case 'policy':
      return { ...base, ...m.policy };
  }
}
