// Channels of the case store: the queue, one case, recording a decision, and checking the audit chain.
import { z } from 'zod';
import {
  Application,
  ApplicationKind,
  ApplicationStatus,
  ChangeDirection,
  DecisionInput,
  DecisionOutcome,
  DocumentRole,
  Flag,
  FlagSeverity,
  ForensicSummary,
  Instant,
  QualitySignals,
  ReasonCode,
  RuleId,
  applicationStatuses,
} from '../domain';
import { MrzComparison } from '../mrzReading';
import { lineText } from '../text';
import { defineChannel, defineEvent } from './channel';

/**
 * Why this workstation could not decode a stored document image (so no preview, 1:1 view or quality checks): the
 * imaging pipeline's image_* code and its message. The original stays sealed as it arrived.
 */
export const ImageFailure = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  message: z.string().min(1).max(500),
});
export type ImageFailure = z.infer<typeof ImageFailure>;

/** One document of an application as the store keeps it; the image bytes live in the blob store, keyed by sha256. */
export const DocumentRecord = z.object({
  id: lineText(64).min(1),
  role: DocumentRole,
  /** SHA-256 (lower-case hex) of the original image bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  format: lineText(16).min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  forensic: ForensicSummary.nullable(),
  quality: QualitySignals.nullable(),
  /** Set when the image failed to decode here; quality then stays null. */
  imageFailure: ImageFailure.nullable(),
});
export type DocumentRecord = z.infer<typeof DocumentRecord>;

/** 'open' is submitted, queued or in review: the cases still waiting for a decision. */
export const QueueStatusFilter = z.enum(['open', 'all', ...applicationStatuses]);
export type QueueStatusFilter = z.infer<typeof QueueStatusFilter>;

/**
 * Deadline windows of open cases (R7): `overdue` past the due time; `escalated` past the escalation
 * time but not yet due; `due_today` due between now and the end of today (reviewer's calendar).
 */
export const DueWindow = z.enum(['all', 'overdue', 'due_today', 'escalated']);
export type DueWindow = z.infer<typeof DueWindow>;

export const DeadlineState = z.enum(['on_time', 'escalated', 'overdue', 'closed']);
export type DeadlineState = z.infer<typeof DeadlineState>;

export const QueueQuery = z
  .object({
    status: QueueStatusFilter.default('open'),
    kind: ApplicationKind.optional(),
    /** Only cases carrying a flag of this rule (R7 means escalated or overdue). */
    flag: RuleId.optional(),
    assignee: lineText(64).min(1).optional(),
    due: DueWindow.default('all'),
    /** Prefix of an application id, account id or name; or any 3+ characters of a name. */
    text: lineText(100).trim().optional(),
    limit: z.number().int().min(1).max(200).default(50),
    /** The `nextCursor` of the previous page, as given; opaque. */
    cursor: lineText(400).min(1).optional(),
  })
  .strict();
export type QueueQuery = z.input<typeof QueueQuery>;

export const FlagSummary = z.object({ rule: RuleId, severity: FlagSeverity });

/**
 * Why a case the reviewer decided is back in their queue: a supervisor's quality review or a four-eyes second review
 * overturned the decision (the central contract's ReturnedForReview, as the workstation shows it; defined apart because
 * central.ts imports this file).
 */
export const CaseReturned = z.object({
  /** The overturned decision's mutation id. */
  decisionId: z.string(),
  outcome: DecisionOutcome,
  stage: z.enum(['second_review', 'quality']),
  reviewedBy: z.string(),
  reason: z.string(),
  reviewedAt: Instant,
});
export type CaseReturned = z.infer<typeof CaseReturned>;

/** Where a decision stands at the central service (the central contract's DecisionEffect); null until it answered. */
export const DecisionStanding = z.enum(['in_effect', 'pending_second_review', 'overturned']);
export type DecisionStanding = z.infer<typeof DecisionStanding>;

export const QueueItem = z.object({
  id: z.string(),
  accountId: z.string(),
  kind: ApplicationKind,
  changeDirection: ChangeDirection.nullable(),
  status: ApplicationStatus,
  displayName: z.string(),
  submittedAt: Instant,
  dueAt: Instant,
  escalateAt: Instant,
  deadline: DeadlineState,
  assignee: z.string().nullable(),
  flags: z.array(FlagSummary),
  /** The central service changed this case while a local decision was waiting to sync. */
  conflict: z.boolean(),
  /** A local decision waits in the outbox. */
  pendingSync: z.boolean(),
  /** Back in review because the reviewer's decision was overturned; null otherwise. */
  returned: CaseReturned.nullable(),
  /** The decision of this case is held by four-eyes until a second person agrees. */
  heldForSecondReview: z.boolean(),
  /** An open case whose deadline runs through a year without official holidays: that year (only weekends were skipped). */
  holidayDataMissing: z.number().int().nullable().optional(),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const QueuePage = z.object({
  items: z.array(QueueItem),
  nextCursor: z.string().nullable(),
});
export type QueuePage = z.infer<typeof QueuePage>;

export const QueueCounts = z.object({
  byStatus: z.record(ApplicationStatus, z.number().int().nonnegative()),
  /** Open cases carrying each rule's flag; R7 counts escalated and overdue ones. */
  byFlag: z.record(RuleId, z.number().int().nonnegative()),
  byDue: z.object({
    overdue: z.number().int().nonnegative(),
    escalated: z.number().int().nonnegative(),
    dueToday: z.number().int().nonnegative(),
  }),
  conflicts: z.number().int().nonnegative(),
});
export type QueueCounts = z.infer<typeof QueueCounts>;

export const PersonRef = z.object({ id: z.string(), displayName: z.string() });

/** What a decision was judged on: the rules (R1–R8, R7 included) and the account's last verification, at that moment. */
export const JudgedOn = z.object({
  flags: z.array(Flag),
  /** The R4 input then: the account's last successful verification before this decision. */
  lastVerifiedAt: Instant.nullable(),
});
export type JudgedOn = z.infer<typeof JudgedOn>;

export const MutationState = z.enum(['pending', 'applied', 'rejected']);
export type MutationState = z.infer<typeof MutationState>;

export const DecisionRecord = z.object({
  id: z.string(),
  applicationId: z.string(),
  outcome: DecisionOutcome,
  reasonCodes: z.array(ReasonCode),
  applicantMessage: z.string(),
  internalNote: z.string(),
  overrideNote: z.string().nullable(),
  /** Blocking rules the override note was given for. */
  overriddenRules: z.array(RuleId),
  decidedBy: PersonRef,
  decidedAt: Instant,
  deviceId: z.string(),
  online: z.boolean(),
  baseVersion: z.number().int().nonnegative(),
  mutationId: z.string(),
  sync: MutationState,
  /** Why the central service refused it, when it did. */
  rejectedReason: z.string().nullable(),
  /** The flags and facts as they stood when it was decided; null for decisions recorded before they were kept. */
  judgedOn: JudgedOn.nullable(),
  /** Where it stands at the central service once applied (held for a second review, overturned); null before. */
  effect: DecisionStanding.nullable(),
  /** When the decider first opened the case on this device (since its previous decision here), for the handling time; null when not recorded. */
  openedAt: Instant.nullable(),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

/**
 * Which moment a case's flags describe: `now` for a case still waiting for a decision; `decision` for a decided case
 * whose deciding decision was recorded here (the flags it was judged on); `unrecorded` for one decided elsewhere or
 * before flags were kept (no flags to show as decided; today's are in `current`).
 */
export const FlagsAsOf = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('now') }),
  z.object({ kind: z.literal('decision'), decisionId: z.string(), decidedAt: Instant }),
  z.object({ kind: z.literal('unrecorded') }),
]);
export type FlagsAsOf = z.infer<typeof FlagsAsOf>;

export const auditActions = [
  'decision_recorded',
  'documents_opened',
  'document_added',
  'original_downloaded',
  // A supervisor's verdict, reassignment or policy change, recorded with its outbox mutation.
  'supervision_recorded',
  // A supervisor's export (CSV or PDF) handed over to be saved: what, which filter, how many rows.
  'export_saved',
  // What a reviewer did about a decision the central service refused (the "needs attention" list).
  'attention_resolved',
  // Applicant fields and documents removed here: after the retention period, or with the device leaving service.
  'applicant_data_removed',
  // The device's data key rotated (everything re-encrypted under a new one); the person who asked for it in the app.
  'data_key_rotated',
  // Who used this workstation when (issue 21: the evidence reaches the supervisor): sign-in, lock, unlock, sign-out.
  'session_signed_in',
  'session_locked',
  'session_unlocked',
  'session_signed_out',
  // The central service refused a decision: written with the refusal, attributed to the decision's maker.
  'sync_refused',
] as const;
export const AuditAction = z.enum(auditActions);
export type AuditAction = z.infer<typeof AuditAction>;
export type SessionAuditAction = Extract<AuditAction, `session_${string}`>;

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: Instant,
  action: AuditAction,
  applicationId: z.string().nullable(),
  actor: PersonRef.nullable(),
  deviceId: z.string(),
  online: z.boolean(),
  /** What happened, without applicant data: ids, outcome, reason codes, rule ids. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  /** SHA-256 over the previous entry's hash and this entry's canonical encoding. */
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const CaseConflict = z.object({
  reason: z.string(),
  serverVersion: z.number().int().nonnegative(),
  serverStatus: ApplicationStatus,
  at: Instant,
});
export type CaseConflict = z.infer<typeof CaseConflict>;

export const CaseDetail = z.object({
  application: Application,
  dueAt: Instant,
  escalateAt: Instant,
  deadline: DeadlineState,
  documents: z.array(DocumentRecord),
  /** A change application's: the document images of the identity it replaces (shown beside the proposed ones). */
  previousDocuments: z.array(DocumentRecord).optional(),
  /** R1–R8 as of `flagsAsOf`: now for an open case (R7 computed at read time), as decided for a decided one. */
  flags: z.array(Flag),
  flagsAsOf: FlagsAsOf,
  /** For a decided case: the rules on today's facts, for information only; null for a case still open. */
  current: JudgedOn.nullable(),
  decisions: z.array(DecisionRecord),
  audit: z.array(AuditEntry),
  conflict: CaseConflict.nullable(),
  /** The account's last successful verification (the R4 input) as of `flagsAsOf`, when known. */
  lastVerifiedAt: Instant.nullable(),
  /** Back in review because the reviewer's decision was overturned: by whom, when and why; null otherwise. */
  returned: CaseReturned.nullable(),
  /** R11: a passport's machine-readable zone as read here and compared with the entered data; null until read. */
  mrz: MrzComparison.nullable().optional(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const AuditVerification = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), count: z.number().int().nonnegative() }),
  z.object({ ok: z.literal(false), count: z.number().int().nonnegative(), firstBrokenSeq: z.number().int(), reason: z.string() }),
]);
export type AuditVerification = z.infer<typeof AuditVerification>;

/** What any call that reads or writes the case store may fail with. */
export const storeErrors = ['store_busy', 'store_disk_full', 'store_corrupt'] as const;

export const caseChannels = {
  'queue.list': defineChannel({
    request: QueueQuery,
    response: QueuePage,
    errors: ['bad_cursor', ...storeErrors],
  }),
  'queue.counts': defineChannel({
    request: z.object({}).strict(),
    response: QueueCounts,
    errors: [...storeErrors],
  }),
  'case.get': defineChannel({
    request: z
      .object({
        applicationId: lineText(64).min(1),
        /** true when the reviewer opens the documents: recorded in the audit log in the same call. */
        open: z.boolean(),
      })
      .strict(),
    response: CaseDetail,
    errors: ['case_not_found', ...storeErrors],
  }),
  'case.decide': defineChannel({
    request: DecisionInput.strict(),
    /** The decision as recorded: who, when, where, what it was judged on, and the outbox mutation carrying it. */
    response: DecisionRecord,
    errors: ['case_not_found', 'application_withdrawn', 'already_decided', 'illegal_transition', 'approval_blocked', ...storeErrors],
  }),
  'audit.verify': defineChannel({
    request: z.object({}).strict(),
    response: AuditVerification,
    errors: [...storeErrors],
  }),
} as const;

export const caseEvents = {
  /**
   * Cases changed (sync, a decision, demo data); the renderer refetches what it shows. A sync that names its cases
   * changed only their own rows (none entered or left a list); one that names none may have changed any list.
   */
  'queue.changed': defineEvent(
    z.object({
      reason: z.enum(['sync', 'decision', 'seed', 'document']),
      applicationIds: z.array(z.string()).max(500),
    }),
  ),
} as const;
