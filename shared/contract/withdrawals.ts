// Withdrawals on record (issue 22 item 3) in the supervisor's decision log: a withdrawn application has no decision,
// so its withdrawal (ticket, who, when) is a row of its own, with the log's filters that make sense for it (the
// reviewer holding it, the withdrawal's date range, free text, kind) and counts beside them. GET /v1/withdrawals on the
// central service; `withdrawals.log` on the workstation, answered from its copy (sync keeps it) when offline.
import { z } from 'zod';
import { ApplicationKind, Instant, ticketRefPattern } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { storeErrors } from './cases';

const Count = z.number().int().nonnegative();

/** One withdrawal as the log shows it. */
export const WithdrawalRecord = z
  .object({
    applicationId: lineText(64).min(1),
    kind: ApplicationKind,
    /** The individual's or the enterprise's name, as the application holds it. */
    applicantName: lineText(300),
    /** The reviewer holding the application when it was withdrawn; null when nobody held it yet. */
    reviewer: lineText(64).nullable(),
    reviewerName: lineText(200).nullable(),
    submittedAt: Instant,
    ticketRef: lineText(21).regex(ticketRefPattern),
    withdrawnAt: Instant,
    /** The intake account that sent the withdrawal. */
    withdrawnBy: lineText(64).min(1),
  })
  .strict();
export type WithdrawalRecord = z.infer<typeof WithdrawalRecord>;

/** The counts beside the filters: each choice with the other filters applied (its own left out). */
export const WithdrawalCounts = z
  .object({
    reviewer: z.array(z.object({ reviewer: lineText(64).min(1), name: lineText(200), count: Count }).strict()),
    /** Withdrawn before anyone held them. */
    unassigned: Count,
    kind: z.object({ individual: Count, enterprise: Count, change: Count }).strict(),
  })
  .strict();
export type WithdrawalCounts = z.infer<typeof WithdrawalCounts>;

/** Filters that combine (AND); each one absent means "any". */
const filterShape = {
  reviewer: lineText(64).min(1).optional(),
  kind: ApplicationKind.optional(),
  /** withdrawnAt ≥ from, < to. */
  from: Instant.optional(),
  to: Instant.optional(),
  /** An application id prefix, part of the applicant's name or document number, or the ticket reference. */
  text: lineText(100).optional(),
};

// ── the central service ──
export const WithdrawalsQuery = z
  .object({
    ...filterShape,
    cursor: lineText(200).optional(),
    /** Up to 1,000: an export reads it in pages this large. */
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();
export type WithdrawalsQuery = z.infer<typeof WithdrawalsQuery>;

export const WithdrawalsResponse = z
  .object({
    /** Newest withdrawal first. */
    withdrawals: z.array(WithdrawalRecord),
    nextCursor: lineText(200).nullable(),
    /** How many match the filters. */
    total: Count,
    counts: WithdrawalCounts,
  })
  .strict();
export type WithdrawalsResponse = z.infer<typeof WithdrawalsResponse>;

// ── the workstation ──
export const WithdrawalLogFilter = z.object(filterShape).strict();
export type WithdrawalLogFilter = z.infer<typeof WithdrawalLogFilter>;

export const WithdrawalLogQuery = WithdrawalLogFilter.extend({
  cursor: lineText(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
}).strict();
export type WithdrawalLogQuery = z.input<typeof WithdrawalLogQuery>;

/** How many withdrawals a workstation keeps in its copy: the newest. */
export const withdrawalLogCapacity = 20_000;

export const WithdrawalLogPage = z.object({
  items: z.array(WithdrawalRecord),
  nextCursor: z.string().nullable(),
  total: Count,
  counts: WithdrawalCounts,
  /** `central`: the central service answered; `copy`: this workstation's copy, as of syncedAt. */
  source: z.enum(['central', 'copy']),
  /** The copy's last sync; null before the first. */
  syncedAt: Instant.nullable(),
  /** Why the copy answered; null when the central service did. */
  offlineReason: z.string().nullable(),
});
export type WithdrawalLogPage = z.infer<typeof WithdrawalLogPage>;

export const withdrawalChannels = {
  'withdrawals.log': defineChannel({
    request: WithdrawalLogQuery,
    response: WithdrawalLogPage,
    errors: ['bad_cursor', ...storeErrors],
    role: 'supervisor',
  }),
} as const;
