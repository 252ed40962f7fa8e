// The central API (v1): request and response bodies of every route, shared by server/ (which validates
// what it receives) and electron/sync (which validates what it gets back). server/openapi.ts turns
// `centralRoutes` into server/openapi.yaml, so this file is the one definition of the HTTP contract.
import { z } from 'zod';
import {
  ApplicantLanguage,
  Application,
  ApplicationKind,
  type DecisionInput,
  DecisionOutcome,
  DocumentRole,
  EnterpriseIdentity,
  Flag,
  IcpFacts,
  IndividualIdentity,
  Instant,
  LocationCode,
  ReasonCode,
  RuleId,
  ruleIds,
} from '../domain';
import { JudgedOn } from './cases';
import { CalendarChangesQuery, CalendarChangesResponse, CalendarYearRequest, CalendarYearResponse, PublishedCalendar } from './calendar';
import { DecisionReport, DecisionReportFilter } from './reports';
import { RetentionDays, RetentionPolicy, RetentionRequest } from './retention';
import { lineText, multilineText } from '../text';
import { intakeMediaTypes } from '../imagePolicy';
import { CentralRole, centralRoles } from './roles';
import {
  ChangePasswordRequest,
  CreatePersonRequest,
  DeactivateRequest,
  DeactivateResponse,
  PeopleResponse,
  PersonChangesResponse,
  PersonRecord,
  ResetPasswordRequest,
  SetRoleRequest,
} from './people';
import { HealthResponse, ReadyResponse } from './operations';
import { AccountMessagesQuery, AccountMessagesResponse, ApplicantContact, ApplicationNotificationsResponse, NotificationDelivery } from './notifications';
import { LinkedAccountsResponse } from './linked';
import { WithdrawalsQuery, WithdrawalsResponse } from './withdrawals';

/** Every error answer: `{ error: { code, message } }`; the message names the field, never echoes values. */
export const CentralError = z
  .object({
    error: z.object({ code: lineText(64).min(1), message: lineText(2000) }).strict(),
  })
  .strict();
export type CentralError = z.infer<typeof CentralError>;

export { centralRoles, CentralRole } from './roles';

const Username = lineText(64).min(1);
/** A mutation id made by the client (UUIDv7 by convention; any RFC 4122 UUID is accepted). */
export const MutationId = z.uuid();
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

// ── session ──────────────────────────────────────────────────────────────────────────────────────
export const SessionRequest = z
  .object({ username: Username, password: lineText(200).min(1) })
  .strict();
const Token = lineText(200).min(16);
export const RefreshRequest = z.object({ refreshToken: Token }).strict();
/** Sign-out: this session (the access token presented, and its refresh token when given), or every session of the caller. */
export const SignOutRequest = z.object({ everywhere: z.boolean(), refreshToken: Token.optional() }).strict();
export type SignOutRequest = z.infer<typeof SignOutRequest>;
export const SignOutResponse = z.object({ revokedTokens: z.number().int().nonnegative() }).strict();
export type SignOutResponse = z.infer<typeof SignOutResponse>;
export const SessionResponse = z
  .object({
    accessToken: Token,
    /** When the access token stops working (15 minutes after issue); refresh before then. */
    accessTokenExpiresAt: Instant,
    refreshToken: Token,
    refreshTokenExpiresAt: Instant,
    person: z.object({ username: Username, displayName: lineText(200).min(1), role: CentralRole }).strict(),
    /** True after a password reset or for an admin-made password: only POST /v1/session/password works until changed. */
    mustChangePassword: z.boolean().optional(),
  })
  .strict();
export type SessionResponse = z.infer<typeof SessionResponse>;

/** Request bodies refuse unknown fields at every level, so the domain's objects are made strict here. */
export const StrictIdentity = z.discriminatedUnion('kind', [IndividualIdentity.strict(), EnterpriseIdentity.strict()]);
export const StrictIcpFacts = IcpFacts.strict();
/** The workstation's JudgedOn (shared/contract/cases.ts) as the wire carries it: the flags and the R4 input a decision was judged on. */
export const StrictJudgedOn = JudgedOn.extend({ flags: z.array(Flag.strict()).max(64) }).strict();

// ── intake ───────────────────────────────────────────────────────────────────────────────────────
/** Base64 of one image file (JPEG, PNG, WebP, TIFF or AVIF; at most 8 MiB decoded). */
export const maxImageBytes = 8 * 1024 * 1024;
export const IntakeDocument = z
  .object({
    role: DocumentRole,
    contentBase64: z
      .string()
      .min(8)
      .max(Math.ceil(maxImageBytes / 3) * 4)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 without line breaks'),
  })
  .strict();
export const IntakeRequest = z
  .object({
    accountId: lineText(64).min(1),
    kind: ApplicationKind,
    registrationLocation: LocationCode,
    /** When the applicant submitted; defaults to the moment the server receives it. */
    submittedAt: Instant.optional(),
    /** The identity to verify (the new one for a change; the current one is the server's record). */
    identity: StrictIdentity,
    icp: StrictIcpFacts,
    applicantLanguage: ApplicantLanguage,
    documents: z.array(IntakeDocument).min(1).max(6),
    /** Where the decision is also sent (email, SMS); the console's message centre always gets it. */
    contact: ApplicantContact.optional(),
  })
  .strict();
export type IntakeRequest = z.infer<typeof IntakeRequest>;

export const DocumentRef = z
  .object({
    id: lineText(64).min(1),
    role: DocumentRole,
    mediaType: z.enum(intakeMediaTypes),
    sha256: Sha256Hex,
    byteSize: z.number().int().positive(),
  })
  .strict();
export type DocumentRef = z.infer<typeof DocumentRef>;

/** What the rules need to know that only the central service knows (shared/rules.ts RuleFacts). */
export const CentralFacts = z
  .object({
    /** Other accounts verified now with this identity document (type + number + issuing location). */
    accountsVerifiedWithDocument: z.number().int().nonnegative(),
    /** Other accounts verified now by this enterprise (same name or same registration number). */
    enterpriseAccountsVerified: z.number().int().nonnegative(),
    /** The account's last successful verification, or null if it never was. */
    lastVerifiedAt: Instant.nullable(),
  })
  .strict();
export type CentralFacts = z.infer<typeof CentralFacts>;

export const reviewVerdicts = ['agree', 'overturn'] as const;
export const ReviewVerdict = z.enum(reviewVerdicts);
export type ReviewVerdict = z.infer<typeof ReviewVerdict>;
/**
 * `second_review`: the four-eyes check of a decision held before it takes effect (a reviewer or supervisor other than
 * the one who decided). `quality`: a supervisor's review of a decision in effect, usually one the QA policy sampled.
 */
export const reviewStages = ['second_review', 'quality'] as const;
export const ReviewStage = z.enum(reviewStages);
export type ReviewStage = z.infer<typeof ReviewStage>;

/**
 * Where a decision stands. `pending_second_review`: held by four-eyes, nothing of it applied yet (the account keeps its
 * identity; the application stays decided for its reviewer). `overturned`: a second review or a quality review
 * overturned it, the application went back to review and the account's identity was restored.
 */
export const decisionEffects = ['in_effect', 'pending_second_review', 'overturned'] as const;
export const DecisionEffect = z.enum(decisionEffects);
export type DecisionEffect = z.infer<typeof DecisionEffect>;

/**
 * Why an application its reviewer had decided is back in their queue: the decision was overturned, by a quality
 * review or a four-eyes second review. The reviewer's workstation shows it on the case.
 */
export const ReturnedForReview = z
  .object({
    decisionId: MutationId,
    /** The outcome that was overturned. */
    outcome: DecisionOutcome,
    stage: ReviewStage,
    reviewedBy: Username,
    reason: multilineText(2000),
    reviewedAt: Instant,
  })
  .strict();
export type ReturnedForReview = z.infer<typeof ReturnedForReview>;

/** A decided application's newest decision and where it stands (docs/supervision.md, S3 and S5). */
export const DecidedStanding = z.object({ decisionId: MutationId, effect: DecisionEffect }).strict();
export type DecidedStanding = z.infer<typeof DecidedStanding>;

export const ApplicationEnvelope = z
  .object({
    application: Application,
    documents: z.array(DocumentRef),
    facts: CentralFacts,
    /** The review deadline (R7: three business days) and the escalation time (day two). */
    dueAt: Instant,
    escalateAt: Instant,
    /** Set while the application is back in review after its decision was overturned; absent or null otherwise. */
    returned: ReturnedForReview.nullable().optional(),
    /**
     * Set once the application is decided: its newest decision and where it stands (held by four-eyes, in effect), so
     * the decider's workstation learns when a second person's agreement made it take effect. Absent while in review.
     */
    decided: DecidedStanding.nullable().optional(),
    /**
     * A change application's: the document images of the verification it replaces (the identity verified now), fetched
     * through the document route by the reviewer holding the change. Absent when none are on record.
     */
    previousDocuments: z.array(DocumentRef).max(6).optional(),
  })
  .strict();
export type ApplicationEnvelope = z.infer<typeof ApplicationEnvelope>;

/**
 * The support ticket the applicant withdrew through (shared/domain ticketRefPattern, e.g. SUP-104233). Required:
 * the route answers 400 invalid_ticket_ref when it is missing, empty or not in that form.
 */
export const WithdrawRequest = z.object({ ticketRef: lineText(64).optional() }).strict();
export const AssignRequest = z.object({ reviewer: Username }).strict();

// ── changes feed ─────────────────────────────────────────────────────────────────────────────────
/** `returned`: an application the reviewer decided is back with them because the decision was overturned. */
export const changeTypes = ['assigned', 'updated', 'withdrawn', 'reassigned', 'returned'] as const;
export const ChangeType = z.enum(changeTypes);
export type ChangeType = z.infer<typeof ChangeType>;

export const Change = ApplicationEnvelope.extend({ type: ChangeType }).strict();
export type Change = z.infer<typeof Change>;

export const maxChangesLimit = 500;
/**
 * Which central service a database is: opaque, made once, answered with every changes page and mutation batch.
 * A workstation sends back the one it is bound to; another service refuses it (409 wrong_central), so cases and
 * decisions never cross from one central service to another.
 */
export const CentralId = lineText(100).min(1);

export const ChangesQuery = z
  .object({
    /** Opaque; absent for the first pull. */
    cursor: lineText(200).optional(),
    /** The central service the cursor came from; absent before the first answer. */
    centralId: CentralId.optional(),
    limit: z.coerce.number().int().min(1).max(maxChangesLimit).default(100),
  })
  .strict();
export const ChangesResponse = z
  .object({
    centralId: CentralId,
    changes: z.array(Change),
    /** Pass back as `cursor` on the next pull; opaque. */
    cursor: lineText(200),
    hasMore: z.boolean(),
    /** The business calendar's version (GET /v1/calendar); a workstation holding another fetches it. */
    calendarVersion: z.number().int().nonnegative().optional(),
    /** Days a workstation keeps a decided and synced case's images and applicant fields (absent from older services). */
    retentionDays: RetentionDays.optional(),
  })
  .strict();
export type ChangesResponse = z.infer<typeof ChangesResponse>;

// ── mutations ────────────────────────────────────────────────────────────────────────────────────
const MutationBase = {
  id: MutationId,
  applicationId: lineText(64).min(1),
  /** The application's version the reviewer saw. */
  baseVersion: z.number().int().nonnegative(),
  /** The device clock when the reviewer acted (for the audit trail only; the server orders by its own clock). */
  madeAt: Instant,
  /** Who acted: the server applies a mutation only under that person's own session (else `wrong_author`). */
  madeBy: Username,
  /** Whether the reviewer acted while the workstation was offline. */
  offline: z.boolean(),
};
export const DecisionMutation = z
  .object({
    ...MutationBase,
    type: z.literal('decision'),
    outcome: DecisionOutcome,
    reasonCodes: z.array(ReasonCode).max(20),
    applicantMessage: multilineText(4000),
    internalNote: multilineText(4000),
    overrideNote: multilineText(4000).trim().nullable(),
    /** The blocking rules the override note was given for; absent from workstations older than this field. */
    overriddenRules: z.array(RuleId).max(ruleIds.length).default([]),
    /** What the reviewer's workstation judged the decision on; null (or absent) from one that did not keep it. */
    judgedOn: StrictJudgedOn.nullable().default(null),
    /** When the reviewer first opened the case on the device (its clock), for the handling time; null (or absent) when not recorded. */
    openedAt: Instant.nullable().default(null),
  })
  .strict();
export type DecisionMutation = z.infer<typeof DecisionMutation>;
export const NoteMutation = z
  .object({ ...MutationBase, type: z.literal('note'), text: multilineText(4000).trim().min(1) })
  .strict();
export type NoteMutation = z.infer<typeof NoteMutation>;
export const Mutation = z.discriminatedUnion('type', [DecisionMutation, NoteMutation]);
export type Mutation = z.infer<typeof Mutation>;

/** The decision fields as shared/domain's DecisionInput, for the same checks on both ends. */
export function decisionInputOf(m: DecisionMutation): z.infer<typeof DecisionInput> {
  return {
    applicationId: m.applicationId,
    outcome: m.outcome,
    reasonCodes: m.reasonCodes,
    applicantMessage: m.applicantMessage,
    internalNote: m.internalNote,
    overrideNote: m.overrideNote,
  };
}

export const maxMutationsPerBatch = 100;
export const MutationBatchRequest = z
  .object({
    deviceId: lineText(64).min(1),
    /** The central service the mutations' applications came from; absent before the first answer. */
    centralId: CentralId.optional(),
    mutations: z.array(Mutation).min(1).max(maxMutationsPerBatch),
  })
  .strict();
export type MutationBatchRequest = z.infer<typeof MutationBatchRequest>;

/**
 * Why a mutation was refused; each is final. `wrong_author`: sent under another person's session. `cannot_apply`: the
 * central service failed on it every time it tried (a deterministic fault), so it is set aside rather than retried.
 */
export const rejectionReasons = ['withdrawn', 'already_decided', 'not_assigned', 'stale', 'invalid', 'wrong_author', 'cannot_apply'] as const;
export const RejectionReason = z.enum(rejectionReasons);
export type RejectionReason = z.infer<typeof RejectionReason>;

export const MutationResult = z.discriminatedUnion('status', [
  z
    .object({
      id: MutationId,
      status: z.literal('applied'),
      serverVersion: z.number().int().nonnegative(),
      /**
       * `pending_second_review` when four-eyes holds the decision (decided, but nothing of it takes effect until a second
       * person agrees). Absent otherwise: a note, a decision in effect, or a server older than four-eyes.
       */
      effect: DecisionEffect.optional(),
    })
    .strict(),
  z
    .object({
      id: MutationId,
      status: z.literal('rejected'),
      reason: RejectionReason,
      /** A sentence for the reviewer; for `invalid`, which rule or field. */
      message: lineText(2000),
      /** The application as the server has it now; null when it does not exist. */
      current: Application.nullable(),
    })
    .strict(),
]);
export type MutationResult = z.infer<typeof MutationResult>;
export const MutationBatchResponse = z.object({ centralId: CentralId, results: z.array(MutationResult) }).strict();
export type MutationBatchResponse = z.infer<typeof MutationBatchResponse>;

// ── supervisor ───────────────────────────────────────────────────────────────────────────────────
export const Review = z
  .object({
    /** The id of the review mutation that recorded it. */
    id: MutationId,
    decisionId: MutationId,
    stage: ReviewStage,
    reviewedBy: Username,
    verdict: ReviewVerdict,
    reason: multilineText(2000),
    /** The server's clock when it was applied. */
    reviewedAt: Instant,
  })
  .strict();
export type Review = z.infer<typeof Review>;

export const DecisionRecord = z
  .object({
    /** The mutation id the reviewer's workstation made. */
    id: MutationId,
    application: Application,
    reviewer: Username,
    /** The reviewer's display name (people.display_name), so the log shows names, not only usernames. */
    reviewerName: lineText(200),
    deviceId: lineText(64).min(1),
    outcome: DecisionOutcome,
    reasonCodes: z.array(ReasonCode),
    applicantMessage: multilineText(4000),
    internalNote: multilineText(4000),
    overrideNote: multilineText(4000).nullable(),
    /** The blocking rules the reviewer overrode (with overrideNote); empty when none. */
    overriddenRules: z.array(RuleId),
    /** The flags and the account's last verification the reviewer's workstation judged on; null when it did not send them. */
    judgedOn: StrictJudgedOn.nullable(),
    /** The server's clock when the decision was applied. */
    decidedAt: Instant,
    /** The device's clock when the reviewer decided. */
    madeAt: Instant,
    /** The device's clock when the reviewer first opened the case; null when the workstation did not send it. */
    openedAt: Instant.nullable(),
    /** The application's review deadline when it was decided (R7); within it when madeAt ≤ dueAt. */
    dueAt: Instant,
    offline: z.boolean(),
    effect: DecisionEffect,
    reviews: z.array(Review),
  })
  .strict();
export type DecisionRecord = z.infer<typeof DecisionRecord>;

/** A query-string flag: exactly `true` or `false` (z.coerce.boolean would take any text as true). */
const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Which end of the clock a page of the decision log starts from. */
export const DecisionOrder = z.enum(['newest', 'oldest']);
export type DecisionOrder = z.infer<typeof DecisionOrder>;

export const DecisionsQuery = z
  .object({
    reviewer: Username.optional(),
    outcome: DecisionOutcome.optional(),
    kind: ApplicationKind.optional(),
    reasonCode: ReasonCode.optional(),
    /** `true`: decided while the workstation was offline; `false`: online. */
    offline: queryBoolean.optional(),
    /** `true`: approvals that overrode at least one blocking rule; `false`: decisions that overrode none. */
    overridden: queryBoolean.optional(),
    /** Where the decision stands (in effect, held for a second review, overturned). */
    effect: DecisionEffect.optional(),
    /** `true`: a supervisor's quality review is recorded; `false`: not yet (second reviews do not count). */
    reviewed: queryBoolean.optional(),
    /** decidedAt ≥ from, < to (madeAt with clock=made). */
    from: Instant.optional(),
    to: Instant.optional(),
    // ── the supervisor's decision log (server/decisions.ts) ──
    /**
     * Which clock orders the page and bounds from/to: `applied` (the service's, decidedAt; the default, what sync
     * pulls by) or `made` (the reviewer's device, madeAt; the decision log's order).
     */
    clock: z.enum(['applied', 'made']).default('applied'),
    /** On that clock: `newest` first (the default) or `oldest` first; a cursor goes on only in the order it was given in. */
    order: DecisionOrder.default('newest'),
    /** `true`: made after the application's due time (madeAt > dueAt); `false`: by it. */
    deadlineMissed: queryBoolean.optional(),
    /** An application id prefix, or part of the applicant's name or of the document or registration number. */
    text: lineText(100).optional(),
    /** `true`: answer `total` too (counted up to decisionsTotalCap). */
    withTotal: queryBoolean.optional(),
    /**
     * A `watermark` an earlier answer gave: only the decisions recorded or changed (a review, a new effect) since,
     * oldest change first, with the other filters; a workstation's sync asks this instead of the whole log again.
     */
    changedSince: lineText(20).regex(/^\d{1,20}$/).optional(),
    cursor: lineText(200).optional(),
    /** Up to 1,000: an export of the filtered log reads it in pages this large. */
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();
/** The most a page's total counts exactly; past it the total says "at least". */
export const decisionsTotalCap = 10_000;
export const DecisionsTotal = z.object({ count: z.number().int().nonnegative(), atLeast: z.boolean() }).strict();
export const DecisionsResponse = z
  .object({
    decisions: z.array(DecisionRecord),
    /** Pass as `cursor` for the next page (in the query's order); null at the end. */
    nextCursor: lineText(200).nullable(),
    /** With withTotal: how many match; `atLeast` when there are more than decisionsTotalCap. */
    total: DecisionsTotal.optional(),
    /** Pass as `changedSince` later for what was recorded or changed meanwhile (taken before this page was read). */
    watermark: lineText(20).regex(/^\d{1,20}$/),
  })
  .strict();
export type DecisionsResponse = z.infer<typeof DecisionsResponse>;
/** The counts beside the log's filters take the same filters, without paging. */
export const DecisionCountsQuery = DecisionsQuery.omit({ cursor: true, limit: true, withTotal: true, changedSince: true });
export type DecisionCountsQuery = z.infer<typeof DecisionCountsQuery>;
const FacetCount = z.number().int().nonnegative();
const YesNo = z.object({ yes: FacetCount, no: FacetCount }).strict();
/** For each filter, how many decisions each of its choices would show with the other filters as they are. */
export const DecisionCountsResponse = z
  .object({
    reviewer: z.array(z.object({ reviewer: Username, name: lineText(200), count: FacetCount }).strict()),
    outcome: z.object({ approve: FacetCount, reject: FacetCount }).strict(),
    kind: z.object({ individual: FacetCount, enterprise: FacetCount, change: FacetCount }).strict(),
    reasonCode: z.array(z.object({ reasonCode: ReasonCode, count: FacetCount }).strict()),
    offline: YesNo,
    overridden: YesNo,
    reviewed: YesNo,
    deadlineMissed: YesNo,
  })
  .strict();
export type DecisionCountsResponse = z.infer<typeof DecisionCountsResponse>;

// ── the decision log's export (GET /v1/decisions/export, server/decisionExport.ts) ──────────────────
// The filtered log streamed as newline-delimited JSON from one database cursor, no paging round trips. First line: the
// head (how many match, capped as a page's total); then one line per decision holding exactly the fields the CSV
// writes (the applicant message, the internal note, the rest of the application and of the snapshot judged on never
// leave the service); last line: the end, with the number of rows sent, so a stream cut short is told from a
// finished one. The workstation checks each line with these schemas.
/** The log's filters (and clock) of GET /v1/decisions, without paging: the export is every decision they match. */
export const DecisionsExportQuery = DecisionCountsQuery;
export type DecisionsExportQuery = z.infer<typeof DecisionsExportQuery>;

export const DecisionsExportHead = z.object({ total: DecisionsTotal }).strict();
export type DecisionsExportHead = z.infer<typeof DecisionsExportHead>;

const exportedField = DecisionRecord.shape;
/** One decision as the CSV writes it, flat: the application's id, kind and verified name instead of the application. */
export const ExportedDecisionRow = z
  .object({
    id: exportedField.id,
    applicationId: Application.shape.id,
    kind: Application.shape.kind,
    applicantName: z.union([IndividualIdentity.shape.fullName, EnterpriseIdentity.shape.enterpriseName]),
    reviewer: exportedField.reviewer,
    deviceId: exportedField.deviceId,
    outcome: DecisionOutcome,
    reasonCodes: exportedField.reasonCodes,
    overriddenRules: exportedField.overriddenRules,
    overrideNote: exportedField.overrideNote,
    /** The flags judged on (rule and reason: what the CSV names); null when the workstation did not send them. */
    flags: z.array(Flag.pick({ rule: true, reason: true }).strict()).max(64).nullable(),
    decidedAt: exportedField.decidedAt,
    madeAt: exportedField.madeAt,
    openedAt: exportedField.openedAt,
    dueAt: exportedField.dueAt,
    offline: exportedField.offline,
    effect: exportedField.effect,
    reviews: z.array(Review.pick({ stage: true, reviewedBy: true, verdict: true, reason: true, reviewedAt: true }).strict()),
  })
  .strict();
export type ExportedDecisionRow = z.infer<typeof ExportedDecisionRow>;

export const DecisionsExportEnd = z.object({ end: z.literal(true), rows: z.number().int().nonnegative() }).strict();
export type DecisionsExportEnd = z.infer<typeof DecisionsExportEnd>;

/** The media type of the stream. */
export const decisionsExportMediaType = 'application/x-ndjson';

// ── the exports on record (GET /v1/decisions/exports, server/decisionExportLog.ts) ───────────────────
/** An export's filter as the service recorded it: the export query's values, booleans as booleans. */
export const RecordedExportFilter = z
  .object({
    reviewer: Username.optional(),
    outcome: DecisionOutcome.optional(),
    kind: ApplicationKind.optional(),
    reasonCode: ReasonCode.optional(),
    offline: z.boolean().optional(),
    overridden: z.boolean().optional(),
    effect: DecisionEffect.optional(),
    reviewed: z.boolean().optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    clock: z.enum(['applied', 'made']),
    /** Absent in exports recorded before the log could be sorted (newest first). */
    order: DecisionOrder.optional(),
    deadlineMissed: z.boolean().optional(),
    text: lineText(100).optional(),
  })
  .strict();
export type RecordedExportFilter = z.infer<typeof RecordedExportFilter>;

export const DecisionExportsQuery = z
  .object({
    /** Only this supervisor's exports. */
    exportedBy: Username.optional(),
    cursor: lineText(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type DecisionExportsQuery = z.infer<typeof DecisionExportsQuery>;

/** One export of the decision log, as the service recorded it (also one that broke off: `complete` false). */
export const DecisionExportRecord = z
  .object({
    id: lineText(20).regex(/^\d+$/),
    exportedBy: Username,
    exportedByName: lineText(200),
    startedAt: Instant,
    finishedAt: Instant,
    filter: RecordedExportFilter,
    /** Decisions sent (up to where it broke off). */
    rows: z.number().int().nonnegative(),
    complete: z.boolean(),
  })
  .strict();
export type DecisionExportRecord = z.infer<typeof DecisionExportRecord>;

export const DecisionExportsResponse = z
  .object({
    /** Newest first. */
    exports: z.array(DecisionExportRecord),
    nextCursor: lineText(200).nullable(),
  })
  .strict();
export type DecisionExportsResponse = z.infer<typeof DecisionExportsResponse>;

// ── supervision mutations: quality review, four-eyes, reassignment, the QA policy ───────────────────
/** The quality-review and four-eyes policy, one per central service, changed by a supervisor's policy mutation. */
export const QualityPolicy = z
  .object({
    /** Share of each reviewer's decisions per ISO week (UTC) sampled for quality review, chosen reproducibly at random. */
    samplePercent: z.number().min(0).max(100),
    /** Sample every approval that overrode a blocking flag. */
    sampleOverriddenApprovals: z.boolean(),
    /** Sample every rejection for `suspected_tampering`. */
    sampleTamperingRejections: z.boolean(),
    /** Four-eyes: hold approvals that override a blocking flag until a second person agrees. */
    fourEyesOverriddenApprovals: z.boolean(),
    /** Four-eyes: hold rejections for `suspected_tampering` until a second person agrees. */
    fourEyesTamperingRejections: z.boolean(),
  })
  .strict();
export type QualityPolicy = z.infer<typeof QualityPolicy>;
export const defaultQualityPolicy: QualityPolicy = {
  samplePercent: 5,
  sampleOverriddenApprovals: true,
  sampleTamperingRejections: true,
  fourEyesOverriddenApprovals: true,
  fourEyesTamperingRejections: true,
};

const SupervisionMutationBase = {
  id: MutationId,
  /** The device clock when the person acted (audit only; the server orders by its own clock). */
  madeAt: Instant,
  /** Who acted: applied only under that person's own session (else `wrong_author`). */
  madeBy: Username,
  offline: z.boolean(),
};
/** A verdict on a decision: a second review of one held by four-eyes, or a quality review of one in effect. */
export const ReviewMutation = z
  .object({
    ...SupervisionMutationBase,
    type: z.literal('review'),
    decisionId: MutationId,
    verdict: ReviewVerdict,
    /** Required to overturn; may be empty to agree. */
    reason: multilineText(2000).trim(),
  })
  .strict();
export type ReviewMutation = z.infer<typeof ReviewMutation>;
/** Hands open applications to another reviewer (their next sync shows them). */
export const ReassignMutation = z
  .object({
    ...SupervisionMutationBase,
    type: z.literal('reassign'),
    applicationIds: z.array(lineText(64).min(1)).min(1).max(200),
    reviewer: Username,
  })
  .strict();
export type ReassignMutation = z.infer<typeof ReassignMutation>;
export const PolicyMutation = z
  .object({ ...SupervisionMutationBase, type: z.literal('policy'), policy: QualityPolicy })
  .strict();
export type PolicyMutation = z.infer<typeof PolicyMutation>;
export const SupervisionMutation = z.discriminatedUnion('type', [ReviewMutation, ReassignMutation, PolicyMutation]);
export type SupervisionMutation = z.infer<typeof SupervisionMutation>;

export const SupervisionBatchRequest = z
  .object({
    deviceId: lineText(64).min(1),
    centralId: CentralId.optional(),
    mutations: z.array(SupervisionMutation).min(1).max(maxMutationsPerBatch),
  })
  .strict();
export type SupervisionBatchRequest = z.infer<typeof SupervisionBatchRequest>;

/**
 * Why a supervision mutation was refused; each is final. `same_person`: the second review of a four-eyes decision by
 * the person who made it. `superseded`: the application was decided again since. `already_reviewed`: this person
 * already gave a verdict at this stage. `forbidden`: the role may not do this (a reviewer may only second-review).
 */
export const supervisionRejectionReasons = [
  'not_found',
  'already_reviewed',
  'same_person',
  'superseded',
  'unknown_reviewer',
  'already_decided',
  'withdrawn',
  'wrong_author',
  'forbidden',
  'invalid',
  'cannot_apply',
] as const;
export const SupervisionRejectionReason = z.enum(supervisionRejectionReasons);
export type SupervisionRejectionReason = z.infer<typeof SupervisionRejectionReason>;
/** An application a reassignment left where it was, and why (`not_found`, `withdrawn`, `already_decided`). */
export const ReassignRefusal = z
  .object({ applicationId: lineText(64).min(1), reason: SupervisionRejectionReason, message: lineText(2000) })
  .strict();
export type ReassignRefusal = z.infer<typeof ReassignRefusal>;
export const SupervisionResult = z.discriminatedUnion('status', [
  z
    .object({
      id: MutationId,
      status: z.literal('applied'),
      /** A reassignment: the applications it could not move (the others moved); absent or empty when all moved. */
      refused: z.array(ReassignRefusal).optional(),
    })
    .strict(),
  z.object({ id: MutationId, status: z.literal('rejected'), reason: SupervisionRejectionReason, message: lineText(2000) }).strict(),
]);
export type SupervisionResult = z.infer<typeof SupervisionResult>;
export const SupervisionBatchResponse = z.object({ centralId: CentralId, results: z.array(SupervisionResult) }).strict();
export type SupervisionBatchResponse = z.infer<typeof SupervisionBatchResponse>;

export const QualityPolicyResponse = z
  .object({ policy: QualityPolicy, updatedBy: Username.nullable(), updatedAt: Instant.nullable() })
  .strict();
export type QualityPolicyResponse = z.infer<typeof QualityPolicyResponse>;

/** Why the policy put a decision in the QA queue. */
export const qualitySampleReasons = ['random', 'overridden_approval', 'tampering_rejection'] as const;
export const QualitySampleReason = z.enum(qualitySampleReasons);
export type QualitySampleReason = z.infer<typeof QualitySampleReason>;

export const QualityQueueQuery = z
  .object({
    /** `quality`: sampled decisions in effect not yet reviewed; `second_review`: decisions held by four-eyes. */
    stage: ReviewStage,
    reviewer: Username.optional(),
    cursor: lineText(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export const QualityQueueItem = z
  .object({ decision: DecisionRecord, sampledFor: z.array(QualitySampleReason) })
  .strict();
export type QualityQueueItem = z.infer<typeof QualityQueueItem>;
export const QualityQueueResponse = z
  .object({ items: z.array(QualityQueueItem), nextCursor: lineText(200).nullable() })
  .strict();
export type QualityQueueResponse = z.infer<typeof QualityQueueResponse>;

// ── device audit trails ──────────────────────────────────────────────────────────────────────────
/** Entries per POST /v1/audit:batch. */
export const maxAuditEntriesPerBatch = 500;
const DeviceId = lineText(64).min(1);
/** An audit action as the device named it (newer workstations add actions; the central service stores what it gets). */
const AuditActionName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'an audit action: lower-case letters, digits and _');
const isJsonObjectText = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};
/**
 * One entry of a device's hash chain as the device wrote it (shared/auditChain.ts ChainedEntry): the fields its hash
 * covers, exactly (`details` is the JSON text hashed, `at` the device clock in ms), and the hash the device gave it.
 */
export const AuditChainEntry = z
  .object({
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    /** Unix ms, within what a Date can hold. */
    at: z.number().int().nonnegative().max(8_640_000_000_000_000),
    action: AuditActionName,
    applicationId: lineText(64).min(1).nullable(),
    actorId: Username.nullable(),
    actorName: lineText(200).nullable(),
    deviceId: DeviceId,
    online: z.boolean(),
    details: lineText(16_000).refine(isJsonObjectText, 'the JSON text of an object'),
    prevHash: Sha256Hex,
    hash: Sha256Hex,
  })
  .strict();
export type AuditChainEntry = z.infer<typeof AuditChainEntry>;

/**
 * A page of one device's audit trail, in seq order from the entry after the last one the central service acknowledged.
 * Every entry's person must be the session's person or one who has worked at this device before (pushed its trail or
 * sent mutations from it); entries without a person are the device's own. Entries of anyone else are held (see
 * AuditBatchResponse.held) until that person signs in there: a device's trail is pushed in order, never with holes.
 */
export const AuditBatchRequest = z
  .object({
    deviceId: DeviceId,
    centralId: CentralId.optional(),
    entries: z.array(AuditChainEntry).min(1).max(maxAuditEntriesPerBatch),
  })
  .strict()
  .superRefine((body, ctx) => {
    body.entries.forEach((entry, i) => {
      if (entry.deviceId !== body.deviceId) ctx.addIssue({ code: 'custom', path: ['entries', i, 'deviceId'], message: 'not the device of the batch' });
      const before = body.entries[i - 1];
      if (before && entry.seq <= before.seq) ctx.addIssue({ code: 'custom', path: ['entries', i, 'seq'], message: 'entries go in ascending seq order' });
    });
  });
export type AuditBatchRequest = z.infer<typeof AuditBatchRequest>;

/**
 * What the central service found wrong with a device's chain. `gap`: entries missing before this one (seq names the
 * first missing); `broken_link`: its prevHash is not the hash of the device's entry before it; `hash_mismatch`: its
 * hash is not the SHA-256 of its content (changed after it was written); `conflict`: another entry is already stored
 * at this seq (the one received is kept aside). Entries are stored as received all the same, marked.
 */
export const auditProblemKinds = ['gap', 'broken_link', 'hash_mismatch', 'conflict'] as const;
export const AuditProblemKind = z.enum(auditProblemKinds);
export type AuditProblemKind = z.infer<typeof AuditProblemKind>;
export const AuditProblem = z.object({ seq: z.number().int().positive(), kind: AuditProblemKind, message: lineText(2000) }).strict();
export type AuditProblem = z.infer<typeof AuditProblem>;

export const AuditBatchResponse = z
  .object({
    centralId: CentralId,
    /** The last entry of the page the service now holds (stored, resent or in conflict): send the next page after it. Null: none. */
    acknowledgedSeq: z.number().int().positive().nullable(),
    stored: z.number().int().nonnegative(),
    /** Entries already stored exactly so (a resend). */
    duplicates: z.number().int().nonnegative(),
    /** Problems found in this page (the device's integrity names the first ever found). */
    problems: z.array(AuditProblem),
    /** The first entry not taken: its person may push it only from their own session. Null when the whole page was taken. */
    held: z.object({ seq: z.number().int().positive(), actorId: Username, message: lineText(2000) }).strict().nullable(),
  })
  .strict();
export type AuditBatchResponse = z.infer<typeof AuditBatchResponse>;

const PersonSeen = z.object({ username: Username, displayName: lineText(200) }).strict();
export const AuditIntegrity = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }).strict(),
  z
    .object({
      ok: z.literal(false),
      /** The first bad entry in seq order, and why. */
      firstBadSeq: z.number().int().positive(),
      kind: AuditProblemKind,
      message: lineText(2000),
      detectedAt: Instant,
      /** Problems recorded for this device in all. */
      problems: z.number().int().positive(),
    })
    .strict(),
]);
export type AuditIntegrity = z.infer<typeof AuditIntegrity>;
export const AuditDevice = z
  .object({
    deviceId: DeviceId,
    lastSeq: z.number().int().nonnegative(),
    entries: z.number().int().nonnegative(),
    lastReceivedAt: Instant,
    /** The people its entries name and the people who pushed them. */
    people: z.array(PersonSeen),
    integrity: AuditIntegrity,
  })
  .strict();
export type AuditDevice = z.infer<typeof AuditDevice>;
export const AuditDevicesResponse = z.object({ devices: z.array(AuditDevice) }).strict();
export type AuditDevicesResponse = z.infer<typeof AuditDevicesResponse>;

export const AuditEntriesQuery = z
  .object({
    applicationId: lineText(64).min(1).optional(),
    deviceId: DeviceId.optional(),
    /** The entry's person (username). */
    person: Username.optional(),
    action: AuditActionName.optional(),
    cursor: lineText(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type AuditEntriesQuery = z.input<typeof AuditEntriesQuery>;
export const StoredAuditEntry = z
  .object({
    deviceId: DeviceId,
    seq: z.number().int().positive(),
    /** The device clock. */
    at: Instant,
    action: lineText(64),
    applicationId: lineText(64).nullable(),
    actor: PersonSeen.nullable(),
    online: z.boolean(),
    /** The JSON text the device hashed, as it arrived (a newer workstation's details keep their own shape). */
    details: lineText(16_000),
    hash: Sha256Hex,
    /** Set when the entry did not check out on receipt. */
    problem: AuditProblemKind.nullable(),
    receivedAt: Instant,
    pushedBy: Username,
  })
  .strict();
export type StoredAuditEntry = z.infer<typeof StoredAuditEntry>;
export const AuditEntriesResponse = z
  .object({
    /** Newest first (device clock), then by device and seq. */
    entries: z.array(StoredAuditEntry),
    nextCursor: lineText(200).nullable(),
    /** With applicationId, on the first page: the applicant notifications of its decisions and where each stands. */
    notifications: z.array(NotificationDelivery).optional(),
  })
  .strict();
export type AuditEntriesResponse = z.infer<typeof AuditEntriesResponse>;

// ── live oversight ───────────────────────────────────────────────────────────────────────────────
/**
 * Which open applications a count or list takes (R7, in the business calendar's time zone): `open` all of them;
 * `due_today` due after now and by the end of today; `escalated` past the escalation time (day two) but not yet
 * due; `overdue` past the due time. `due_today` and `escalated` may both hold an application.
 */
export const oversightBuckets = ['open', 'due_today', 'escalated', 'overdue'] as const;
export const OversightBucket = z.enum(oversightBuckets);
export type OversightBucket = z.infer<typeof OversightBucket>;

const OversightCount = z.number().int().nonnegative();
export const OversightRow = z
  .object({
    /** The reviewer's username; null for the pool of open applications nobody holds. */
    reviewer: Username.nullable(),
    displayName: lineText(200).nullable(),
    open: OversightCount,
    dueToday: OversightCount,
    escalated: OversightCount,
    overdue: OversightCount,
  })
  .strict();
export type OversightRow = z.infer<typeof OversightRow>;
export const OversightSummary = z
  .object({
    /** The server's clock when counted. */
    asOf: Instant,
    /** The business calendar's date at asOf (YYYY-MM-DD) and its time zone: what "today" means. */
    today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    timeZone: lineText(64).min(1),
    /** Every active reviewer (those holding nothing too), then the unassigned pool. */
    rows: z.array(OversightRow),
    /**
     * Years without official holiday data in which open applications fall due (counted with weekends only), and how
     * many; absent from central services older than the business calendar.
     */
    holidayDataMissing: z.array(z.object({ year: z.number().int(), open: z.number().int().nonnegative() }).strict()).optional(),
  })
  .strict();
export type OversightSummary = z.infer<typeof OversightSummary>;

export const OversightQuery = z
  .object({
    /** One reviewer's applications; absent for everyone's (or, with `unassigned=true`, the pool's). */
    reviewer: Username.optional(),
    /** `true`: the applications nobody holds. */
    unassigned: queryBoolean.optional(),
    bucket: OversightBucket.default('open'),
    cursor: lineText(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => !(q.reviewer !== undefined && q.unassigned === true), { message: 'give either reviewer or unassigned=true, not both', path: ['unassigned'] });
export type OversightQuery = z.input<typeof OversightQuery>;
export const OversightApplication = z
  .object({
    id: lineText(64).min(1),
    accountId: lineText(64).min(1),
    kind: ApplicationKind,
    /** The individual's or the enterprise's name. */
    applicantName: lineText(300),
    assignee: Username.nullable(),
    submittedAt: Instant,
    dueAt: Instant,
    escalateAt: Instant,
  })
  .strict();
export type OversightApplication = z.infer<typeof OversightApplication>;
export const OversightApplicationsResponse = z
  .object({
    /** Due first (then by id); pass nextCursor back for the next page, null at the end. */
    applications: z.array(OversightApplication),
    nextCursor: lineText(200).nullable(),
    asOf: Instant,
  })
  .strict();
export type OversightApplicationsResponse = z.infer<typeof OversightApplicationsResponse>;

// ── the route table ──────────────────────────────────────────────────────────────────────────────
export interface CentralRoute {
  readonly method: 'get' | 'post' | 'put';
  /** OpenAPI path, with `{param}` placeholders. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** null: no token needed. */
  readonly roles: readonly CentralRole[] | null;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Status → schema of the JSON body; 'binary' for raw bytes; `lines` for JSON lines, each one of the schemas, in order. */
  readonly responses: Readonly<Record<number, z.ZodType | 'binary' | { readonly lines: readonly z.ZodType[] } | null>>;
  /** Error codes this route may answer beyond the common ones. */
  readonly errors: readonly string[];
}

export const centralRoutes = [
  {
    method: 'post',
    path: '/v1/session',
    operationId: 'createSession',
    summary: 'Sign in with username and password',
    roles: null,
    body: SessionRequest,
    responses: { 200: SessionResponse },
    errors: ['bad_credentials', 'rate_limited'],
  },
  {
    method: 'post',
    path: '/v1/session/refresh',
    operationId: 'refreshSession',
    summary: 'Trade a refresh token for a new access and refresh token',
    roles: null,
    body: RefreshRequest,
    responses: { 200: SessionResponse },
    errors: ['bad_refresh_token'],
  },
  {
    method: 'post',
    path: '/v1/applications',
    operationId: 'submitApplication',
    summary: 'Intake: submit an application with its document images',
    roles: ['intake'],
    body: IntakeRequest,
    responses: { 201: ApplicationEnvelope },
    errors: ['invalid_image', 'id_card_back_missing', 'account_not_verified', 'account_already_verified', 'application_pending'],
  },
  {
    method: 'post',
    path: '/v1/applications/{id}/withdraw',
    operationId: 'withdrawApplication',
    summary: 'Intake: the applicant withdraws before a decision',
    roles: ['intake'],
    body: WithdrawRequest,
    responses: { 200: ApplicationEnvelope },
    errors: ['invalid_ticket_ref', 'not_found', 'already_decided'],
  },
  {
    method: 'post',
    path: '/v1/applications/{id}/assign',
    operationId: 'assignApplication',
    summary: 'Supervisor: assign an open application to a reviewer',
    roles: ['supervisor'],
    body: AssignRequest,
    responses: { 200: ApplicationEnvelope },
    errors: ['not_found', 'unknown_reviewer', 'already_decided', 'withdrawn'],
  },
  {
    method: 'get',
    path: '/v1/changes',
    operationId: 'listChanges',
    summary: "Reviewer: the caller's changes since the cursor; renews the caller's leases",
    roles: ['reviewer'],
    query: ChangesQuery,
    responses: { 200: ChangesResponse },
    errors: ['invalid_cursor', 'wrong_central'],
  },
  {
    method: 'get',
    path: '/v1/documents/{id}/content',
    operationId: 'getDocumentContent',
    summary: 'The image bytes (ETag is the SHA-256; Range and If-None-Match supported)',
    roles: ['reviewer', 'supervisor'],
    responses: { 200: 'binary', 206: 'binary', 304: null, 416: null },
    errors: ['not_found', 'not_assigned'],
  },
  {
    method: 'post',
    path: '/v1/mutations:batch',
    operationId: 'applyMutations',
    summary: "Reviewer: apply decisions and notes, each in its own transaction; renews the caller's leases",
    roles: ['reviewer'],
    body: MutationBatchRequest,
    responses: { 200: MutationBatchResponse },
    errors: ['wrong_central'],
  },
  {
    method: 'get',
    path: '/v1/decisions',
    operationId: 'listDecisions',
    summary: "Supervisor: all reviewers' decisions, newest first, keyset-paged",
    roles: ['supervisor'],
    query: DecisionsQuery,
    responses: { 200: DecisionsResponse },
    errors: ['invalid_cursor'],
  },
  {
    method: 'get',
    path: '/v1/decisions/counts',
    operationId: 'countDecisions',
    summary: "Supervisor: the counts beside the decision log's filters (each filter's choices with the others applied)",
    roles: ['supervisor'],
    query: DecisionCountsQuery,
    responses: { 200: DecisionCountsResponse },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/decisions/export',
    operationId: 'exportDecisions',
    summary:
      "Supervisor: every decision the log's filter matches, newest first, as JSON lines from one cursor (head, one line per decision with the CSV's fields, end); recorded as an export",
    roles: ['supervisor'],
    query: DecisionsExportQuery,
    responses: { 200: { lines: [DecisionsExportHead, ExportedDecisionRow, DecisionsExportEnd] } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/decisions/exports',
    operationId: 'listDecisionExports',
    summary: 'Supervisor: the exports of the decision log on record (who, when, which filter, how many rows, finished or broken off), newest first',
    roles: ['supervisor'],
    query: DecisionExportsQuery,
    responses: { 200: DecisionExportsResponse },
    errors: ['invalid_cursor'],
  },
  {
    method: 'get',
    path: '/v1/withdrawals',
    operationId: 'listWithdrawals',
    summary: 'Supervisor: the withdrawals on record (ticket, intake account, time), newest first, with the counts beside their filters',
    roles: ['supervisor'],
    query: WithdrawalsQuery,
    responses: { 200: WithdrawalsResponse },
    errors: ['invalid_cursor'],
  },
  {
    method: 'post',
    path: '/v1/supervision:batch',
    operationId: 'applySupervision',
    summary:
      'Supervisor (reviewer: second reviews only): review verdicts, reassignments and policy changes, each applied exactly once per id, in one transaction',
    roles: ['supervisor', 'reviewer'],
    body: SupervisionBatchRequest,
    responses: { 200: SupervisionBatchResponse },
    errors: ['wrong_central'],
  },
  {
    method: 'get',
    path: '/v1/quality/policy',
    operationId: 'getQualityPolicy',
    summary: 'The quality-review and four-eyes policy in force, and who changed it when',
    roles: ['supervisor', 'reviewer'],
    responses: { 200: QualityPolicyResponse },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/quality/queue',
    operationId: 'listQualityQueue',
    summary:
      "Decisions waiting for a review, newest first, keyset-paged: sampled ones in effect (stage quality, supervisor) or held by four-eyes (stage second_review; never the caller's own)",
    roles: ['supervisor', 'reviewer'],
    query: QualityQueueQuery,
    responses: { 200: QualityQueueResponse },
    errors: ['invalid_cursor'],
  },
  {
    method: 'get',
    path: '/v1/reports/decisions',
    operationId: 'getDecisionReport',
    summary: 'Supervisor: decisions per reviewer per day, handling time, deadline compliance, outcomes, reasons, overrides, QA agreement',
    roles: ['supervisor'],
    query: DecisionReportFilter,
    responses: { 200: DecisionReport },
    errors: [],
  },
  {
    method: 'post',
    path: '/v1/audit:batch',
    operationId: 'pushAuditEntries',
    summary: "A workstation pushes its device's audit trail in seq order; each entry is checked against the hash chain and stored append-only",
    roles: ['reviewer', 'supervisor'],
    body: AuditBatchRequest,
    responses: { 200: AuditBatchResponse },
    errors: ['wrong_central'],
  },
  {
    method: 'get',
    path: '/v1/audit/devices',
    operationId: 'listAuditDevices',
    summary: "Supervisor: every device whose trail reached the central service, with its people and its chain's integrity",
    roles: ['supervisor'],
    responses: { 200: AuditDevicesResponse },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/applications/{id}',
    operationId: 'getApplication',
    summary: "Supervisor: one application with its documents, whatever its state (a decision's case, read-only)",
    roles: ['supervisor'],
    responses: { 200: ApplicationEnvelope },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/v1/oversight',
    operationId: 'getOversight',
    summary: "Supervisor: each reviewer's (and the unassigned pool's) open, due today, escalated and overdue applications",
    roles: ['supervisor'],
    responses: { 200: OversightSummary },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/audit/entries',
    operationId: 'listAuditEntries',
    summary: 'Supervisor: audit entries of all devices (by application, device, person, action), newest first, keyset-paged',
    roles: ['supervisor'],
    query: AuditEntriesQuery,
    responses: { 200: AuditEntriesResponse },
    errors: ['invalid_cursor'],
  },
  {
    method: 'get',
    path: '/v1/accounts/{id}/messages',
    operationId: 'listAccountMessages',
    summary: "Customer console: the account's message centre, the applicant's notifications of decisions, newest first, keyset-paged",
    roles: ['intake'],
    query: AccountMessagesQuery,
    responses: { 200: AccountMessagesResponse },
    errors: ['invalid_cursor'],
  },
  {
    method: 'get',
    path: '/v1/applications/{id}/notifications',
    operationId: 'listApplicationNotifications',
    summary: 'Supervisor, or a reviewer who holds, decided or second-reviewed the application: where its applicant notifications stand',
    roles: ['supervisor', 'reviewer'],
    responses: { 200: ApplicationNotificationsResponse },
    errors: ['not_found', 'not_assigned'],
  },
  {
    method: 'get',
    path: '/v1/oversight/applications',
    operationId: 'listOversightApplications',
    summary: 'Supervisor: the open applications behind an oversight count, due first, keyset-paged',
    roles: ['supervisor'],
    query: OversightQuery,
    responses: { 200: OversightApplicationsResponse },
    errors: ['invalid_cursor'],
  },
  // ── people administration and operations (server/people.ts, server/operations.ts) ──
  {
    method: 'post',
    path: '/v1/session/password',
    operationId: 'changePassword',
    summary: 'Change the signed-in person\'s own password (the only route open while a change is required); answers a new session',
    roles: centralRoles,
    body: ChangePasswordRequest,
    responses: { 200: SessionResponse },
    errors: ['bad_credentials', 'weak_password', 'rate_limited'],
  },
  {
    method: 'get',
    path: '/v1/people',
    operationId: 'listPeople',
    summary: 'Admin: every person with role and state, active first, by username',
    roles: ['admin'],
    responses: { 200: PeopleResponse },
    errors: [],
  },
  {
    method: 'post',
    path: '/v1/people',
    operationId: 'createPerson',
    summary: 'Admin: create a person with a first password they must change at the first sign-in',
    roles: ['admin'],
    body: CreatePersonRequest,
    responses: { 201: PersonRecord },
    errors: ['person_exists', 'weak_password'],
  },
  {
    method: 'post',
    path: '/v1/people/{username}/role',
    operationId: 'setPersonRole',
    summary: "Admin: set a person's role (reviewer, supervisor, intake, admin); their sessions end",
    roles: ['admin'],
    body: SetRoleRequest,
    responses: { 200: PersonRecord },
    errors: ['not_found', 'person_inactive', 'last_admin'],
  },
  {
    method: 'post',
    path: '/v1/people/{username}/password',
    operationId: 'resetPassword',
    summary: "Admin: reset a person's password; their sessions end and they must change it at the next sign-in",
    roles: ['admin'],
    body: ResetPasswordRequest,
    responses: { 200: PersonRecord },
    errors: ['not_found', 'person_inactive', 'weak_password'],
  },
  {
    method: 'post',
    path: '/v1/people/{username}/deactivate',
    operationId: 'deactivatePerson',
    summary: 'Admin: deactivate a person: sign-in refused, tokens revoked and open applications released to the pool at once',
    roles: ['admin'],
    body: DeactivateRequest,
    responses: { 200: DeactivateResponse },
    errors: ['not_found', 'person_inactive', 'last_admin'],
  },
  {
    method: 'get',
    path: '/v1/people/{username}/changes',
    operationId: 'listPersonChanges',
    summary: 'Admin: the audited changes to one person, oldest first (who, when, what)',
    roles: ['admin'],
    responses: { 200: PersonChangesResponse },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'The process answers (no database call); for liveness probes',
    roles: null,
    responses: { 200: HealthResponse },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: "The database answers and its schema is this server's; 503 otherwise or while shutting down; for load balancers",
    roles: null,
    responses: { 200: ReadyResponse, 503: ReadyResponse },
    errors: [],
  },
  // ── business calendar (server/calendar.ts) ──
  {
    method: 'get',
    path: '/v1/calendar',
    operationId: 'getCalendar',
    summary: 'The business calendar (days off, make-up working days, official years) at its current version',
    roles: ['reviewer', 'supervisor'],
    responses: { 200: PublishedCalendar },
    errors: [],
  },
  {
    method: 'put',
    path: '/v1/calendar/years/{year}',
    operationId: 'replaceCalendarYear',
    summary: "Supervisor: replace one year's days off and make-up working days (audited); recomputes open deadlines it touches",
    roles: ['supervisor'],
    body: CalendarYearRequest,
    responses: { 200: CalendarYearResponse },
    errors: ['invalid_calendar_day'],
  },
  {
    method: 'get',
    path: '/v1/calendar/changes',
    operationId: 'listCalendarChanges',
    summary: "Supervisor: the calendar's change history (who, when, what, why), newest first",
    roles: ['supervisor'],
    query: CalendarChangesQuery,
    responses: { 200: CalendarChangesResponse },
    errors: [],
  },
  // ── sign-out, here or everywhere (issue 25) ──
  {
    method: 'post',
    path: '/v1/session/sign-out',
    operationId: 'signOut',
    summary: "End this session (the access token presented and the refresh token given) or, with everywhere, every session of the caller on every device",
    roles: centralRoles,
    body: SignOutRequest,
    responses: { 200: SignOutResponse },
    errors: [],
  },
  // ── linked accounts behind R2/R3 (server/linked.ts) ──
  {
    method: 'get',
    path: '/v1/applications/{id}/linked-accounts',
    operationId: 'listLinkedAccounts',
    summary:
      'Supervisor, or a reviewer who holds, decided or second-reviewed the application: the other verified accounts R2 (same document) and R3 (same enterprise) count, as much as the rule needs; each call is audited',
    roles: ['supervisor', 'reviewer'],
    responses: { 200: LinkedAccountsResponse },
    errors: ['not_found', 'not_assigned'],
  },
  // ── retention of workstations' applicant data (issue 25) ──
  {
    method: 'put',
    path: '/v1/retention',
    operationId: 'setRetention',
    summary: "Admin: how many days workstations keep decided and synced cases' images and applicant fields",
    roles: ['admin'],
    body: RetentionRequest,
    responses: { 200: RetentionPolicy },
    errors: [],
  },
] as const satisfies readonly CentralRoute[];

/** Answered by any route: bad body (400), token (401), role (403), size (413), login throttle (429). */
export const commonCentralErrors = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'internal',
] as const;
