// Quality review, overturns that take effect, and four-eyes (docs/supervision.md is the rulebook): the QA and
// four-eyes policy, the QA sample, the supervision mutation batch (review verdicts, reassignments, policy changes) and
// the review queues. Decisions are recorded by service.ts, which asks here whether the policy holds one for a second
// review and what of it the QA sample takes.
import type { z } from 'zod';
import {
  type DecidedStanding,
  type DecisionEffect,
  type DecisionMutation,
  QualityPolicy,
  type QualityPolicyResponse,
  type QualityQueueQuery,
  type QualityQueueResponse,
  type ReassignMutation,
  type ReassignRefusal,
  type ReturnedForReview,
  type ReviewMutation,
  type ReviewStage,
  type SupervisionMutation,
  type SupervisionRejectionReason,
  type SupervisionResult,
} from '../shared/contract/central';
import type { DecisionOutcome, Identity, ReasonCode } from '../shared/domain';
import { DomainError } from '../shared/errors';
import { approvalBlockers, evaluateRules } from '../shared/rules';
import type { Caller } from './auth';
import type { Queryable } from './db';
import { identityKeys } from './keys';
import { queueDecisionNotifications } from './notifications/queue';
import { appendChange, feedTransaction } from './feed';
import {
  announceFactChanges,
  answerEach,
  applicationOf,
  applyIsolated,
  type CentralService,
  claimMutationIds,
  factsFor,
  jsonOf,
  OPEN,
  selectApplications,
  setAsideAnswer,
  storeAnswers,
  type StoredAnswers,
} from './service';

// ── the policy ───────────────────────────────────────────────────────────────────────────────────
/** The policy in force: the newest row of quality_policies (migration 4 writes the default as the first). */
export async function qualityPolicy(q: Queryable): Promise<QualityPolicyResponse> {
  const [row] = await q.query<{ policy: unknown; changed_by: string | null; changed_at: Date }>(
    `SELECT policy, changed_by, changed_at FROM quality_policies ORDER BY id DESC LIMIT 1`,
  );
  if (!row) throw new Error('quality_policies has no row; the database was not migrated');
  return {
    policy: QualityPolicy.parse(jsonOf(row.policy)),
    updatedBy: row.changed_by,
    updatedAt: row.changed_by === null ? null : row.changed_at.toISOString(),
  };
}

export async function currentPolicy(q: Queryable): Promise<QualityPolicy> {
  return (await qualityPolicy(q)).policy;
}

/** What the policy looks at in a decision, as the server judged it. */
export interface DecisionTraits {
  outcome: DecisionOutcome;
  reasonCodes: readonly ReasonCode[];
  /** An approval past a blocking flag (the server's own evaluation, not the workstation's claim). */
  overrodeBlocking: boolean;
}

export const traitsOf = (m: DecisionMutation, blockingFlags: number): DecisionTraits => ({
  outcome: m.outcome,
  reasonCodes: m.reasonCodes,
  overrodeBlocking: m.outcome === 'approve' && blockingFlags > 0,
});

const isTamperingRejection = (t: DecisionTraits) => t.outcome === 'reject' && t.reasonCodes.includes('suspected_tampering');

/** Four-eyes: whether the policy holds this decision until a second person agrees. */
export function holdsForSecondReview(policy: QualityPolicy, t: DecisionTraits): boolean {
  return (policy.fourEyesOverriddenApprovals && t.overrodeBlocking) || (policy.fourEyesTamperingRejections && isTamperingRejection(t));
}

/** The QA sample's columns of a new decision, fixed by the policy in force when it is applied. */
export function sampleColumns(policy: QualityPolicy, t: DecisionTraits): { sample_percent: number; sample_overridden: boolean; sample_tampering: boolean } {
  return {
    sample_percent: policy.samplePercent,
    sample_overridden: policy.sampleOverriddenApprovals && t.overrodeBlocking,
    sample_tampering: policy.sampleTamperingRejections && isTamperingRejection(t),
  };
}

// ── the sample ───────────────────────────────────────────────────────────────────────────────────
/** The ISO week (UTC, from Monday) a decision applied at `at` counts in. */
export const sampleWeekSql = (at: string) => `date_trunc('week', ${at}::timestamptz AT TIME ZONE 'UTC')::date`;
/** A decision's place in its week's random draw: sha256 of the service id and the decision id (stable, not guessable). */
export const sampleRankSql = (centralId: string, decisionId: string) => `encode(sha256(convert_to(${centralId}::text || ${decisionId}::text, 'UTF8')), 'hex')`;
/** The QA queue, written exactly as the predicate of its partial index (migration 4), so the planner uses it. */
export const qualityQueueSql = `d.effect = 'in_effect' AND NOT d.quality_reviewed AND (d.sample_random OR d.sample_overridden OR d.sample_tampering)`;

/**
 * Draws the random sample of the reviewer's week again after a decision: the ceil(Σ percent / 100) best-ranked decisions
 * of the week among those applied while the percent was above 0 (each counts with the percent in force when it was
 * applied, so a policy change applies to later decisions). Only rows whose mark changes are written.
 */
export async function refreshRandomSample(tx: Queryable, reviewer: string, at: Date): Promise<void> {
  await tx.query(
    `UPDATE decisions d SET sample_random = s.pick
       FROM (SELECT id, sample_percent > 0 AND row_number() OVER w <= ceil(sum(sample_percent) OVER w / 100) AS pick
               FROM decisions WHERE reviewer = $1 AND sample_week = ${sampleWeekSql('$2')}
             WINDOW w AS (PARTITION BY sample_percent > 0 ORDER BY sample_rank ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) s
      WHERE d.id = s.id AND d.sample_random <> s.pick`,
    [reviewer, at],
  );
}

// ── returned applications ────────────────────────────────────────────────────────────────────────
/** Why each of these applications went back to review: its newest overturned decision and the overturning review. */
export async function returnedFor(q: Queryable, ids: readonly string[]): Promise<Map<string, ReturnedForReview>> {
  const rows = await q.query<{ application_id: string; id: string; outcome: DecisionOutcome; stage: ReviewStage; reviewed_by: string; reason: string; reviewed_at: Date }>(
    // Per application through its decisions' index (every envelope asks, so it must stay cheap at a million decisions).
    `SELECT ids.id AS application_id, x.*
       FROM jsonb_array_elements_text($1::jsonb) AS ids(id)
       CROSS JOIN LATERAL (
         SELECT d.id, d.outcome, r.stage, r.reviewed_by, r.reason, r.reviewed_at
           FROM decisions d JOIN reviews r ON r.decision_id = d.id AND r.verdict = 'overturn'
          WHERE d.application_id = ids.id AND d.effect = 'overturned'
          ORDER BY d.decided_at DESC LIMIT 1) x`,
    [JSON.stringify(ids)],
  );
  return new Map(
    rows.map((r) => [
      r.application_id,
      { decisionId: r.id, outcome: r.outcome, stage: r.stage, reviewedBy: r.reviewed_by, reason: r.reason, reviewedAt: r.reviewed_at.toISOString() },
    ]),
  );
}

/**
 * Where each of these decided applications' newest decision stands, for the envelope: the decider's workstation learns
 * from it that a held decision took effect (an overturn comes as `returned`).
 */
export async function decidedFor(q: Queryable, ids: readonly string[]): Promise<Map<string, DecidedStanding>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<{ application_id: string; id: string; effect: DecisionEffect }>(
    `SELECT ids.id AS application_id, x.*
       FROM jsonb_array_elements_text($1::jsonb) AS ids(id)
       CROSS JOIN LATERAL (SELECT d.id::text AS id, d.effect FROM decisions d WHERE d.application_id = ids.id ORDER BY d.decided_at DESC LIMIT 1) x`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.application_id, { decisionId: r.id, effect: r.effect }]));
}

// ── the queues ───────────────────────────────────────────────────────────────────────────────────
export async function qualityQueue(service: CentralService, caller: Caller, query: z.output<typeof QualityQueueQuery>): Promise<QualityQueueResponse> {
  const paging = { reviewer: query.reviewer, cursor: query.cursor, limit: query.limit };
  if (query.stage === 'quality') {
    if (caller.role !== 'supervisor') throw new DomainError('forbidden', 'stage quality: the QA queue is for supervisors; a reviewer may ask for stage second_review');
    const page = await service.decisionPage({ ...paging, sampled: true });
    return { items: page.items, nextCursor: page.nextCursor };
  }
  // Nobody is offered their own decision to second-review.
  const page = await service.decisionPage({ ...paging, effect: 'pending_second_review', notReviewer: caller.username });
  return { items: page.items, nextCursor: page.nextCursor };
}

// ── the supervision batch ────────────────────────────────────────────────────────────────────────
interface Context {
  service: CentralService;
  tx: Queryable;
  caller: Caller;
  now: Date;
}

type Rejected = Extract<SupervisionResult, { status: 'rejected' }>;
const rejected = (m: SupervisionMutation, reason: SupervisionRejectionReason, message: string): Rejected => ({ id: m.id, status: 'rejected', reason, message });
const alreadyUsed = (m: SupervisionMutation): SupervisionResult => rejected(m, 'invalid', 'This mutation id was already used');

/**
 * Applies supervision mutations exactly once per id: one transaction per batch, the answers stored with their ids (a
 * resend gets them again; an id someone else used is refused), a mutation that fails every time set aside alone.
 */
export async function applySupervision(service: CentralService, caller: Caller, deviceId: string, mutations: readonly SupervisionMutation[]): Promise<SupervisionResult[]> {
  return applyIsolated(
    mutations,
    (some) => applyBatch(service, caller, deviceId, some),
    (mutation) =>
      service.db.transaction((tx) =>
        setAsideAnswer(
          answersOf(tx, caller, deviceId, service.options.now()),
          { id: mutation.id, applicationId: null },
          rejected(mutation, 'cannot_apply', 'The central service could not apply this (it failed the same way each time), so nothing of it was applied.'),
          alreadyUsed(mutation),
        ),
      ),
    service.options.log,
  );
}

const answersOf = (tx: Queryable, caller: Caller, deviceId: string, now: Date): StoredAnswers => ({ tx, username: caller.username, deviceId, now, kind: 'supervision' });

async function applyBatch(service: CentralService, caller: Caller, deviceId: string, mutations: readonly SupervisionMutation[]): Promise<SupervisionResult[]> {
  const now = service.options.now();
  return feedTransaction(service.db, async (tx) => {
    const answers = answersOf(tx, caller, deviceId, now);
    const claimed = await claimMutationIds(answers, mutations.map((m) => ({ id: m.id, applicationId: null })));
    const fresh: { id: string; result: SupervisionResult }[] = [];
    const results = await answerEach(answers, claimed, mutations, alreadyUsed, async (mutation) => {
      const result = await applyOne({ service, tx, caller, now }, mutation);
      fresh.push({ id: mutation.id, result });
      return result;
    });
    await storeAnswers(tx, fresh);
    return results;
  });
}

async function applyOne(ctx: Context, m: SupervisionMutation): Promise<SupervisionResult> {
  const { caller } = ctx;
  if (m.madeBy !== caller.username) {
    return rejected(m, 'wrong_author', `This was done by ${m.madeBy}; it is accepted only under their own session, not under ${caller.username}'s`);
  }
  if (m.type === 'review') return review(ctx, m);
  if (caller.role !== 'supervisor') return rejected(m, 'forbidden', `Only a supervisor may ${m.type === 'policy' ? 'change the quality policy' : 'reassign applications'}`);
  if (m.type === 'policy') {
    await ctx.tx.query(`INSERT INTO quality_policies (policy, changed_by, changed_at, mutation_id) VALUES ($1::jsonb, $2, $3, $4::uuid)`, [
      JSON.stringify(m.policy),
      caller.username,
      ctx.now,
      m.id,
    ]);
    return { id: m.id, status: 'applied' };
  }
  return reassign(ctx, m);
}

/** Each application through the assignment the assign route uses; those it cannot move are named, the others move. */
async function reassign(ctx: Context, m: ReassignMutation): Promise<SupervisionResult> {
  const [person] = await ctx.tx.query(`SELECT 1 FROM people WHERE username = $1 AND role = 'reviewer' AND active`, [m.reviewer]);
  if (!person) return rejected(m, 'unknown_reviewer', `reviewer: ${m.reviewer} is not an active reviewer; nothing was reassigned`);
  const refused: ReassignRefusal[] = [];
  for (const applicationId of new Set(m.applicationIds)) {
    try {
      await ctx.service.assignIn(ctx.tx, applicationId, m.reviewer, ctx.now);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused.push({ applicationId, reason: error.code as SupervisionRejectionReason, message: error.message });
    }
  }
  if (refused.length === new Set(m.applicationIds).size) {
    const first = refused[0] as ReassignRefusal;
    return rejected(m, first.reason, `None could be reassigned: ${refused.map((r) => `${r.applicationId} (${r.reason})`).join(', ')}`.slice(0, 2000));
  }
  return refused.length > 0 ? { id: m.id, status: 'applied', refused } : { id: m.id, status: 'applied' };
}

type DecisionRow = {
  id: string;
  application_id: string;
  reviewer: string;
  outcome: DecisionOutcome;
  override_note: string | null;
  effect: DecisionEffect;
  decided_at: Date;
};

async function review(ctx: Context, m: ReviewMutation): Promise<SupervisionResult> {
  const { tx, caller, now } = ctx;
  const [d] = await tx.query<DecisionRow>(
    `SELECT id, application_id, reviewer, outcome, override_note, effect, decided_at FROM decisions WHERE id = $1::uuid FOR UPDATE`,
    [m.decisionId],
  );
  if (!d) return rejected(m, 'not_found', 'No decision with this id');
  const [newer] = await tx.query(`SELECT 1 FROM decisions WHERE application_id = $1 AND decided_at > $2 LIMIT 1`, [d.application_id, d.decided_at]);
  if (newer) return rejected(m, 'superseded', 'The application was decided again since this decision; review the newer decision');
  if (d.effect === 'overturned') return rejected(m, 'already_reviewed', 'This decision was overturned already; an overturned decision is not reviewed again');
  // Nobody reviews their own decision, however the verdict arrives (online, resent, or late from an offline queue, even
  // after someone else's verdict made it take effect).
  if (d.reviewer === caller.username) return rejected(m, 'same_person', 'You made this decision; its review must be someone else’s');
  const stage: ReviewStage = d.effect === 'pending_second_review' ? 'second_review' : 'quality';
  if (stage === 'quality' && caller.role !== 'supervisor') {
    return rejected(m, 'forbidden', 'A reviewer may only give the second review of a decision held by four-eyes; this decision is in effect');
  }
  if (m.verdict === 'overturn' && m.reason === '') return rejected(m, 'invalid', 'reason: say why the decision is overturned');
  const [mine] = await tx.query(`SELECT 1 FROM reviews WHERE decision_id = $1::uuid AND stage = $2 AND reviewed_by = $3`, [d.id, stage, caller.username]);
  if (mine) return rejected(m, 'already_reviewed', 'You gave a verdict on this decision at this stage already');

  const app = (await selectApplications(tx, [d.application_id], true)).get(d.application_id);
  if (!app) return rejected(m, 'not_found', 'The decision’s application is gone');
  if (stage === 'second_review' && m.verdict === 'agree' && d.outcome === 'approve') {
    // Taking effect now: the rules are checked again on today's facts (another account may have been verified with
    // this document meanwhile), so an approval that would break them does not take effect; overturn it instead.
    const facts = (await factsFor(tx, [app.id])).get(app.id);
    const flags = facts ? evaluateRules({ application: { ...applicationOf(app), status: 'queued' }, facts, quality: [], now, calendar: ctx.service.options.calendar }) : [];
    const blockers = approvalBlockers(flags, d.override_note);
    if (!facts || blockers.length > 0) {
      return rejected(m, 'invalid', `This approval cannot take effect now: blocked by ${blockers.map((f) => `${f.rule} ${f.reason}`).join(', ') || 'missing facts'}; overturn it instead`);
    }
  }

  await tx.query(`INSERT INTO reviews (id, decision_id, stage, reviewed_by, verdict, reason, reviewed_at) VALUES ($1, $2::uuid, $3, $4, $5, $6, $7)`, [
    m.id,
    d.id,
    stage,
    caller.username,
    m.verdict,
    m.reason,
    now,
  ]);
  if (stage === 'quality') await tx.query(`UPDATE decisions SET quality_reviewed = true WHERE id = $1::uuid AND NOT quality_reviewed`, [d.id]);

  if (m.verdict === 'agree') {
    if (stage === 'second_review') {
      await tx.query(`UPDATE decisions SET effect = 'in_effect' WHERE id = $1::uuid`, [d.id]);
      if (d.outcome === 'approve') await ctx.service.recordVerification(tx, app, d.id, now);
      // The decider's workstation still shows it held: its next pull says it stands now (S3, S5).
      appendChange(tx, d.reviewer, app.id, 'updated', now);
      // S11: the held decision takes effect now, so it notifies the applicant now, in this transaction.
      await queueDecisionNotifications(tx, [d.id], now, ctx.service.notificationChannels);
    }
    return { id: m.id, status: 'applied' };
  }

  // Overturn, applied exactly once: the decision row is locked and its effect checked above.
  await tx.query(`UPDATE decisions SET effect = 'overturned' WHERE id = $1::uuid`, [d.id]);
  if (stage === 'quality' && d.outcome === 'approve') await revokeVerification(tx, d, m.id, now);
  // Back to its reviewer, as a new version: a decision made on the old one is stale.
  const leaseEnd = new Date(now.getTime() + ctx.service.options.leaseMs);
  await tx.query(`UPDATE applications SET status = $2, version = version + 1, assignee = $3, lease_expires_at = $4 WHERE id = $1`, [
    app.id,
    OPEN,
    d.reviewer,
    leaseEnd,
  ]);
  appendChange(tx, d.reviewer, app.id, 'returned', now);
  return { id: m.id, status: 'applied' };
}

/**
 * An overturned approval: its verification is kept as revoked history, and the account gets back the identity of its
 * newest verification still standing (or none: never verified). Pending applications whose facts change are announced.
 */
async function revokeVerification(tx: Queryable, d: DecisionRow, reviewId: string, now: Date): Promise<void> {
  const revoked = await tx.query<{ account_id: string; identity: unknown }>(
    `UPDATE verifications SET revoked_at = $2, revoked_by_review = $3 WHERE decision_id = $1::uuid AND revoked_at IS NULL RETURNING account_id, identity`,
    [d.id, now, reviewId],
  );
  for (const v of revoked) {
    const [standing] = await tx.query<{ identity: unknown; verified_at: Date }>(
      `SELECT identity, verified_at FROM verifications WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1`,
      [v.account_id],
    );
    const restored = standing ? (jsonOf(standing.identity) as Identity) : null;
    const keys = restored ? identityKeys(restored) : { docKey: null, entNameKey: null, entRegKey: null };
    await tx.query(
      `UPDATE accounts SET verified_identity = $2::jsonb, verified_at = $3, doc_key = $4, ent_name_key = $5, ent_reg_key = $6 WHERE id = $1`,
      [v.account_id, restored ? JSON.stringify(restored) : null, standing?.verified_at ?? null, keys.docKey, keys.entNameKey, keys.entRegKey],
    );
    // Both identities' documents and enterprises count differently now.
    await announceFactChanges(tx, [identityKeys(jsonOf(v.identity) as Identity), ...(restored ? [keys] : [])], v.account_id, d.application_id, now);
  }
}
