// Channels of the supervisor's area: the decision log, every synced decision of every reviewer, cached on the
// workstation so a supervisor can audit offline. Only a supervisor may call them, but for the four-eyes second review
// (S4: a reviewer or supervisor): a reviewer records, lists and dismisses their own verdicts and reads that stage.
import { z } from 'zod';
import { ApplicationKind, DecisionOutcome, Flag, Instant, ReasonCode, RuleId } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { storeErrors } from './cases';
import {
  DecisionEffect,
  DecisionOrder,
  PolicyMutation,
  QualityPolicyResponse,
  ReassignRefusal,
  QualitySampleReason,
  ReassignMutation,
  ReviewMutation,
  ReviewStage,
  ReviewVerdict,
  SupervisionMutation,
} from './central';

/** How many decisions a workstation keeps in its log: the newest; a few months of a busy team, a few MB. */
export const decisionLogCapacity = 20_000;

/** One decision as the log shows it: who decided what, on what evidence, when, and how supervisors judged it. */
export const DecisionLogEntry = z.object({
  /** The decision's id (the reviewer's outbox mutation id). */
  id: z.string(),
  applicationId: z.string(),
  kind: ApplicationKind,
  /** The individual's or the enterprise's name, as the application holds it now. */
  applicantName: z.string(),
  /** The reviewer's username. */
  reviewer: z.string(),
  /** The reviewer's display name; absent from entries cached before the central service sent it. */
  reviewerName: z.string().optional(),
  outcome: DecisionOutcome,
  reasonCodes: z.array(ReasonCode),
  /** Blocking rules the reviewer overrode, with the note they gave. */
  overriddenRules: z.array(RuleId),
  overrideNote: z.string().nullable(),
  /** The flags the decision was judged on, as they stood then; null when the deciding workstation did not send them. */
  flags: z.array(Flag).nullable(),
  /** When the reviewer decided (the device's clock): the log's order and its date filters. */
  decidedAt: Instant,
  /** When the central service applied it (its clock): later than decidedAt for a decision made offline. */
  appliedAt: Instant,
  offline: z.boolean(),
  deviceId: z.string(),
  /** When the reviewer first opened the case (device clock); null when their workstation did not send it. */
  openedAt: Instant.nullable(),
  /** The application's review deadline when decided (R7). */
  dueAt: Instant.nullable(),
  /** decidedAt − openedAt in ms; null when the opening is unknown. */
  handlingMs: z.number().int().nonnegative().nullable(),
  /** Decided (device clock) by the due time; null when the due time is unknown (a decision cached before it was kept). */
  withinDeadline: z.boolean().nullable(),
  /** Where the decision stands (held by four-eyes, overturned); log entries stored before it was kept read in_effect. */
  effect: DecisionEffect.default('in_effect'),
  reviews: z.array(
    z.object({
      supervisor: z.string(),
      /** The four-eyes second review or a quality review; entries stored before it was kept read quality. */
      stage: ReviewStage.default('quality'),
      verdict: ReviewVerdict,
      reason: z.string(),
      reviewedAt: Instant,
    }),
  ),
});
export type DecisionLogEntry = z.infer<typeof DecisionLogEntry>;

/** Filters that combine (AND); each one absent means "any". */
export const DecisionLogFilter = z
  .object({
    reviewer: lineText(64).min(1).optional(),
    outcome: DecisionOutcome.optional(),
    kind: ApplicationKind.optional(),
    reasonCode: ReasonCode.optional(),
    /** true: decided offline; false: online. */
    offline: z.boolean().optional(),
    /** true: overrode at least one blocking rule; false: overrode none. */
    overridden: z.boolean().optional(),
    /** true: a supervisor reviewed it; false: not yet reviewed. */
    reviewed: z.boolean().optional(),
    /** true: decided after the due time; false: by it (decisions whose due time is unknown match neither). */
    deadlineMissed: z.boolean().optional(),
    /** decidedAt (the device's clock) ≥ from, < to. */
    from: Instant.optional(),
    to: Instant.optional(),
    /** An application id prefix, or part of the applicant's name. */
    text: lineText(100).optional(),
    /** By decidedAt: newest first when absent, or oldest first. The page, its cursor and the export follow it. */
    order: DecisionOrder.optional(),
  })
  .strict();
export type DecisionLogFilter = z.infer<typeof DecisionLogFilter>;

export const DecisionLogQuery = DecisionLogFilter.extend({
  /** From the previous page's nextCursor; valid only with the same filters and order. */
  cursor: lineText(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
}).strict();
export type DecisionLogQuery = z.input<typeof DecisionLogQuery>;

/** How fresh and how complete the workstation's copy of the log is. */
export const DecisionLogFreshness = z.object({
  /** The last time the log was brought up to date from the central service; null before the first time. */
  syncedAt: Instant.nullable(),
  /** Decisions held here. */
  cached: z.number().int().nonnegative(),
  /** The most it holds: the newest ones are kept. */
  capacity: z.number().int().positive(),
});
export type DecisionLogFreshness = z.infer<typeof DecisionLogFreshness>;

/**
 * Where the log's answer came from: `central`, the central service itself (every decision, live); `copy`, this
 * workstation's copy (the newest `capacity`, as fresh as `freshness` says) because the central service cannot be asked.
 */
export const DecisionLogSource = z.enum(['central', 'copy']);
export type DecisionLogSource = z.infer<typeof DecisionLogSource>;

/** A page as the workstation's copy answers it. */
export const DecisionLogCopyPage = z.object({
  items: z.array(DecisionLogEntry),
  nextCursor: z.string().nullable(),
  /** How many decisions match the filters (at least this many when totalAtLeast). */
  total: z.number().int().nonnegative(),
  freshness: DecisionLogFreshness,
});
export type DecisionLogCopyPage = z.infer<typeof DecisionLogCopyPage>;

export const DecisionLogPage = DecisionLogCopyPage.extend({
  source: DecisionLogSource,
  /** The central service counts a page's total up to a cap: true when more match than `total`. */
  totalAtLeast: z.boolean(),
  /** Why the copy answered (the central service not configured or not reachable); null when the central service did. */
  offlineReason: z.string().nullable(),
});
export type DecisionLogPage = z.infer<typeof DecisionLogPage>;

const Count = z.number().int().nonnegative();
/**
 * The counts beside the filters: for each filter, how many decisions each of its choices would show together with
 * the other filters as they are (its own left out).
 */
export const DecisionLogCounts = z.object({
  /** name: the reviewer's display name when the central service answered. */
  reviewer: z.array(z.object({ reviewer: z.string(), name: z.string().optional(), count: Count })),
  outcome: z.object({ approve: Count, reject: Count }),
  kind: z.object({ individual: Count, enterprise: Count, change: Count }),
  reasonCode: z.array(z.object({ reasonCode: ReasonCode, count: Count })),
  offline: z.object({ yes: Count, no: Count }),
  overridden: z.object({ yes: Count, no: Count }),
  reviewed: z.object({ yes: Count, no: Count }),
  deadlineMissed: z.object({ yes: Count, no: Count }),
});
export type DecisionLogCounts = z.infer<typeof DecisionLogCounts>;
/** The counts with where they came from (as DecisionLogPage.source). */
export const DecisionLogCountsAnswer = DecisionLogCounts.extend({ source: DecisionLogSource });
export type DecisionLogCountsAnswer = z.infer<typeof DecisionLogCountsAnswer>;

// ── the supervisor's actions and quality review ─────────────────────────────────────────────────
/** The fields main fills when a supervisor acts: the id (UUIDv7, made once here), the time, the author, offline. */
const filledByMain = { id: true, madeAt: true, madeBy: true, offline: true } as const;
/**
 * A supervisor's action as the renderer asks for it: a verdict on a decision, a reassignment or a policy change.
 * An overturn needs its reason (the reviewer reads it).
 */
export const SupervisionActRequest = z
  .discriminatedUnion('type', [ReviewMutation.omit(filledByMain), ReassignMutation.omit(filledByMain), PolicyMutation.omit(filledByMain)])
  .refine((a) => a.type !== 'review' || a.verdict !== 'overturn' || a.reason.trim() !== '', {
    message: 'An overturn needs a reason: the reviewer reads it.',
    path: ['reason'],
  });
export type SupervisionActRequest = z.input<typeof SupervisionActRequest>;

/** `pending`: queued here until sync sends it; `applied`/`rejected`: the central service's answer; `dismissed`: a refusal set aside. */
export const supervisionActionStates = ['pending', 'applied', 'rejected', 'dismissed'] as const;
export const SupervisionActionState = z.enum(supervisionActionStates);
export type SupervisionActionState = z.infer<typeof SupervisionActionState>;

/** One supervisor action as the workstation holds it: the mutation and where it stands. */
export const SupervisionAction = z.object({
  mutation: SupervisionMutation,
  state: SupervisionActionState,
  /** When the central service answered; null while pending. */
  settledAt: Instant.nullable(),
  /** Why the central service refused it (its reason code and sentence); null unless refused. */
  refusal: z.object({ reason: z.string(), message: z.string() }).nullable(),
  /** An applied reassignment: the applications it could not move (the others moved), each with why; empty otherwise. */
  notMoved: z.array(ReassignRefusal),
});
export type SupervisionAction = z.infer<typeof SupervisionAction>;

/** How many QA queue items of each stage a workstation keeps: the oldest first, as the central service orders them. */
export const qualityQueueCapacity = 1_000;

export const QualityQueueRequest = z
  .object({
    stage: ReviewStage,
    reviewer: lineText(64).min(1).optional(),
    /** From the previous page's nextCursor; valid only with the same stage and reviewer. */
    cursor: lineText(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type QualityQueueRequest = z.input<typeof QualityQueueRequest>;

export const QualityQueueEntry = z.object({
  decision: DecisionLogEntry,
  /** Why the policy sampled it (empty for a four-eyes second review). */
  sampledFor: z.array(QualitySampleReason),
  /** This workstation's newest verdict on it: queued, applied or refused; null when none. */
  verdict: SupervisionAction.nullable(),
});
export type QualityQueueEntry = z.infer<typeof QualityQueueEntry>;

export const QualityQueuePage = z.object({
  items: z.array(QualityQueueEntry),
  nextCursor: z.string().nullable(),
  total: z.number().int().nonnegative(),
  /** When this stage was last brought up to date from the central service; null before the first time. */
  syncedAt: Instant.nullable(),
});
export type QualityQueuePage = z.infer<typeof QualityQueuePage>;

export const QualityPolicyState = z.object({
  /** The policy as the central service last reported it; null before the first sync. */
  current: QualityPolicyResponse.nullable(),
  syncedAt: Instant.nullable(),
  /** This workstation's newest policy change while it is queued or refused; null otherwise. */
  change: SupervisionAction.nullable(),
});
export type QualityPolicyState = z.infer<typeof QualityPolicyState>;

export const supervisionChannels = {
  'decisions.log': defineChannel({
    request: DecisionLogQuery,
    response: DecisionLogPage,
    errors: ['bad_cursor', ...storeErrors],
    role: 'supervisor',
  }),
  'decisions.counts': defineChannel({
    request: DecisionLogFilter,
    response: DecisionLogCountsAnswer,
    errors: [...storeErrors],
    role: 'supervisor',
  }),
  'supervision.act': defineChannel({
    request: SupervisionActRequest,
    /** The action as queued: sync sends it (in order, exactly once) and stores the answer. */
    response: SupervisionAction,
    errors: ['same_person', ...storeErrors],
    role: 'reviewer',
  }),
  'supervision.outbox': defineChannel({
    request: z.object({}).strict(),
    /** Actions still queued (oldest first), then those refused and not dismissed (newest first). */
    response: z.object({ items: z.array(SupervisionAction) }),
    errors: [...storeErrors],
    role: 'reviewer',
  }),
  'supervision.dismiss': defineChannel({
    request: z.object({ id: z.uuid() }).strict(),
    response: SupervisionAction,
    errors: ['action_not_found', 'action_not_refused', ...storeErrors],
    role: 'reviewer',
  }),
  'supervision.verdicts': defineChannel({
    request: z.object({ decisionIds: z.array(z.uuid()).min(1).max(200) }).strict(),
    /** This workstation's newest verdict on each decision named that has one (queued, applied or refused). */
    response: z.object({ items: z.array(z.object({ decisionId: z.string(), action: SupervisionAction })) }),
    errors: [...storeErrors],
    role: 'supervisor',
  }),
  'quality.queue': defineChannel({
    request: QualityQueueRequest,
    response: QualityQueuePage,
    errors: ['bad_cursor', ...storeErrors],
    role: 'reviewer',
  }),
  'quality.policy': defineChannel({
    request: z.object({}).strict(),
    response: QualityPolicyState,
    errors: [...storeErrors],
    role: 'supervisor',
  }),
} as const;
