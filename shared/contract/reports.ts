// The supervisor's decision report: the numbers behind the reports view's charts (and the PDF export), aggregated by
// the central service over a filter (GET /v1/reports/decisions) and cached on the workstation for offline reading
// (channel `reports.decisions`). One schema for both ends, so the server, the charts and the PDF agree.
import { z } from 'zod';
import { ApplicationKind, Instant, ReasonCode, RuleId } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { storeErrors } from './cases';

const Count = z.number().int().nonnegative();
const Username = lineText(64).min(1);
/** A calendar day at the filter's UTC offset, YYYY-MM-DD. */
export const ReportDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

/**
 * Which decisions a report covers; each filter absent means "any". The range is on when the reviewer decided (the
 * device's clock, the decision log's decidedAt): from ≤ decided < to.
 */
export const DecisionReportFilter = z
  .object({
    from: Instant.optional(),
    to: Instant.optional(),
    reviewer: Username.optional(),
    kind: ApplicationKind.optional(),
    /**
     * Minutes east of UTC where the days of `perReviewerDay` begin (the supervisor's local days; 480 for China);
     * absent means UTC. Whole quarter hours, as every time zone's offset is.
     */
    utcOffsetMinutes: z.coerce.number().int().min(-720).max(840).multipleOf(15).optional(),
  })
  .strict();
export type DecisionReportFilter = z.infer<typeof DecisionReportFilter>;

/** Handling time (case first opened on the device → decided), over the decisions whose workstation sent the opening. */
export const HandlingTime = z
  .object({
    /** Decisions with a known handling time; the rest came from workstations that did not record the opening. */
    measured: Count,
    /**
     * Continuous percentiles (as PostgreSQL's percentile_cont interpolates), milliseconds, from a histogram of handling
     * times: approximate within `handlingTimePrecision`; null when nothing was measured.
     */
    medianMs: z.number().nonnegative().nullable(),
    p90Ms: z.number().nonnegative().nullable(),
  })
  .strict();
export type HandlingTime = z.infer<typeof HandlingTime>;

/** R7: decided (device clock) no later than the application's due time, three business days after submission. */
export const DeadlineCompliance = z
  .object({
    within: Count,
    missed: Count,
  })
  .strict();
export type DeadlineCompliance = z.infer<typeof DeadlineCompliance>;

export const DecisionReport = z
  .object({
    filter: DecisionReportFilter,
    /** The central service's clock when it aggregated the report. */
    generatedAt: Instant,
    /** Decisions that match the filter. */
    decisions: Count,
    /** Decisions per reviewer per day (the device's clock, days at utcOffsetMinutes), by reviewer then day; days without any are absent. */
    perReviewerDay: z.array(z.object({ reviewer: Username, day: ReportDay, decisions: Count }).strict()),
    handling: z
      .object({
        overall: HandlingTime,
        perReviewer: z.array(HandlingTime.extend({ reviewer: Username }).strict()),
      })
      .strict(),
    deadline: z
      .object({
        overall: DeadlineCompliance,
        perReviewer: z.array(DeadlineCompliance.extend({ reviewer: Username }).strict()),
      })
      .strict(),
    /** Approvals and rejections per application kind (kinds without decisions are absent); rates are approved / (approved + rejected). */
    outcomesByKind: z.array(z.object({ kind: ApplicationKind, approved: Count, rejected: Count }).strict()),
    /** Reason codes of rejections, most frequent first (ties by code), at most `topRejectionReasonsLimit`. */
    topRejectionReasons: z.array(z.object({ reasonCode: ReasonCode, count: Count }).strict()),
    /** Approvals that overrode a blocking rule, per rule (one decision may override several), most frequent first. */
    flagOverrides: z.array(z.object({ rule: RuleId, count: Count }).strict()),
    /**
     * Quality-review verdicts given on the matching decisions: agreement rate = agree / (agree + overturn). A four-eyes
     * second review is not counted: it is part of deciding, not a judgement of a decision in effect.
     */
    quality: z.object({ agree: Count, overturn: Count }).strict(),
  })
  .strict();
export type DecisionReport = z.infer<typeof DecisionReport>;

export const topRejectionReasonsLimit = 10;

export { handlingTimePrecision } from '../reportPrecision';

/** The workstation's answer: the report, and whether it is live or the last one cached for this filter. */
export const CachedDecisionReport = z.object({
  report: DecisionReport,
  /** `live`: the central service answered now; `cached`: offline, the last answer for this filter (see report.generatedAt). */
  source: z.enum(['live', 'cached']),
  /** Why it could not be live (the sync error's message), when cached. */
  offlineReason: lineText(2000).nullable(),
});
export type CachedDecisionReport = z.infer<typeof CachedDecisionReport>;

export const reportChannels = {
  'reports.decisions': defineChannel({
    request: DecisionReportFilter,
    response: CachedDecisionReport,
    errors: ['report_unavailable', 'sync_not_configured', ...storeErrors],
    role: 'supervisor',
  }),
} as const;
