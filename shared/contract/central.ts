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
import { lineText, multilineText } from '../text';
import { intakeMediaTypes } from '../imagePolicy';

/** Every error answer: `{ error: { code, message } }`; the message names the field, never echoes values. */
export const CentralError = z
  .object({
    error: z.object({ code: lineText(64).min(1), message: lineText(2000) }).strict(),
  })
  .strict();
export type CentralError = z.infer<typeof CentralError>;

export const centralRoles = ['reviewer', 'supervisor', 'intake'] as const;
export const CentralRole = z.enum(centralRoles);
export type CentralRole = z.infer<typeof CentralRole>;

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
export const SessionResponse = z
  .object({
    accessToken: Token,
    /** When the access token stops working (15 minutes after issue); refresh before then. */
    accessTokenExpiresAt: Instant,
    refreshToken: Token,
    refreshTokenExpiresAt: Instant,
    person: z.object({ username: Username, displayName: lineText(200).min(1), role: CentralRole }).strict(),
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

export const ApplicationEnvelope = z
  .object({
    application: Application,
    documents: z.array(DocumentRef),
    facts: CentralFacts,
    /** The review deadline (R7: three business days) and the escalation time (day two). */
    dueAt: Instant,
    escalateAt: Instant,
  })
  .strict();
export type ApplicationEnvelope = z.infer<typeof ApplicationEnvelope>;

export const WithdrawRequest = z.object({ ticketRef: lineText(64).min(1).optional() }).strict();
export const AssignRequest = z.object({ reviewer: Username }).strict();

// ── changes feed ─────────────────────────────────────────────────────────────────────────────────
export const changeTypes = ['assigned', 'updated', 'withdrawn', 'reassigned'] as const;
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
  z.object({ id: MutationId, status: z.literal('applied'), serverVersion: z.number().int().nonnegative() }).strict(),
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
export const reviewVerdicts = ['agree', 'overturn'] as const;
export const ReviewVerdict = z.enum(reviewVerdicts);

export const Review = z
  .object({
    id: lineText(64).min(1),
    decisionId: MutationId,
    supervisor: Username,
    verdict: ReviewVerdict,
    reason: multilineText(2000),
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
    offline: z.boolean(),
    reviews: z.array(Review),
  })
  .strict();
export type DecisionRecord = z.infer<typeof DecisionRecord>;

/** A query-string flag: exactly `true` or `false` (z.coerce.boolean would take any text as true). */
const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

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
    /** decidedAt ≥ from, < to. */
    from: Instant.optional(),
    to: Instant.optional(),
    cursor: lineText(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export const DecisionsResponse = z
  .object({
    decisions: z.array(DecisionRecord),
    /** Pass as `cursor` for the next page (newest first); null at the end. */
    nextCursor: lineText(200).nullable(),
  })
  .strict();
export type DecisionsResponse = z.infer<typeof DecisionsResponse>;

export const ReviewRequest = z
  .object({ decisionId: MutationId, verdict: ReviewVerdict, reason: multilineText(2000).trim().min(1) })
  .strict();

// ── the route table ──────────────────────────────────────────────────────────────────────────────
export interface CentralRoute {
  readonly method: 'get' | 'post';
  /** OpenAPI path, with `{param}` placeholders. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** null: no token needed. */
  readonly roles: readonly CentralRole[] | null;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Status → schema of the JSON body; 'binary' for raw bytes. */
  readonly responses: Readonly<Record<number, z.ZodType | 'binary' | null>>;
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
    errors: ['invalid_image', 'account_not_verified', 'account_already_verified', 'application_pending'],
  },
  {
    method: 'post',
    path: '/v1/applications/{id}/withdraw',
    operationId: 'withdrawApplication',
    summary: 'Intake: the applicant withdraws before a decision',
    roles: ['intake'],
    body: WithdrawRequest,
    responses: { 200: ApplicationEnvelope },
    errors: ['not_found', 'already_decided'],
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
    method: 'post',
    path: '/v1/reviews',
    operationId: 'createReview',
    summary: "Supervisor: agree with or overturn a reviewer's decision",
    roles: ['supervisor'],
    body: ReviewRequest,
    responses: { 201: Review },
    errors: ['not_found', 'already_reviewed'],
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
