// Channels of the supervisor's area: the decision log, every synced decision of every reviewer, cached on the
// workstation so a supervisor can audit offline. Only a supervisor may call them.
import { z } from 'zod';
import { ApplicationKind, DecisionOutcome, Flag, Instant, ReasonCode, RuleId } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { storeErrors } from './cases';
import { ReviewVerdict } from './central';

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
  reviews: z.array(z.object({ supervisor: z.string(), verdict: ReviewVerdict, reason: z.string(), reviewedAt: Instant })),
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
  })
  .strict();
export type DecisionLogFilter = z.infer<typeof DecisionLogFilter>;

export const DecisionLogQuery = DecisionLogFilter.extend({
  /** From the previous page's nextCursor (newest first); valid only with the same filters. */
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

export const DecisionLogPage = z.object({
  items: z.array(DecisionLogEntry),
  nextCursor: z.string().nullable(),
  /** How many decisions match the filters. */
  total: z.number().int().nonnegative(),
  freshness: DecisionLogFreshness,
});
export type DecisionLogPage = z.infer<typeof DecisionLogPage>;

const Count = z.number().int().nonnegative();
/**
 * The counts beside the filters: for each filter, how many decisions each of its choices would show together with
 * the other filters as they are (its own left out).
 */
export const DecisionLogCounts = z.object({
  reviewer: z.array(z.object({ reviewer: z.string(), count: Count })),
  outcome: z.object({ approve: Count, reject: Count }),
  kind: z.object({ individual: Count, enterprise: Count, change: Count }),
  reasonCode: z.array(z.object({ reasonCode: ReasonCode, count: Count })),
  offline: z.object({ yes: Count, no: Count }),
  overridden: z.object({ yes: Count, no: Count }),
  reviewed: z.object({ yes: Count, no: Count }),
  deadlineMissed: z.object({ yes: Count, no: Count }),
});
export type DecisionLogCounts = z.infer<typeof DecisionLogCounts>;

export const supervisionChannels = {
  'decisions.log': defineChannel({
    request: DecisionLogQuery,
    response: DecisionLogPage,
    errors: ['bad_cursor', ...storeErrors],
    role: 'supervisor',
  }),
  'decisions.counts': defineChannel({
    request: DecisionLogFilter,
    response: DecisionLogCounts,
    errors: [...storeErrors],
    role: 'supervisor',
  }),
} as const;
