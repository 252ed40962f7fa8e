// The domain of DOMAIN.md as zod schemas; the types are inferred so one definition serves validation and typing.
import { z } from 'zod';
import { lineText, multilineText } from './text';
import { applicationKinds, applicationStatuses, reasonCodes, ruleIds } from './vocabulary';

export { applicationKinds, applicationStatuses, reasonCodes, ruleIds };

export const ApplicationKind = z.enum(applicationKinds);
export type ApplicationKind = z.infer<typeof ApplicationKind>;

export const changeDirections = [
  'individual_to_enterprise',
  'individual_to_individual',
  'enterprise_to_individual',
  'enterprise_to_enterprise',
] as const;
export const ChangeDirection = z.enum(changeDirections);
export type ChangeDirection = z.infer<typeof ChangeDirection>;

export const documentTypes = ['id_card', 'passport', 'drivers_license', 'work_permit'] as const;
export const DocumentType = z.enum(documentTypes);
export type DocumentType = z.infer<typeof DocumentType>;

/** ISO 3166-1 alpha-2 or a region code such as CN, HK, MO, TW; upper case. */
export const LocationCode = z.string().regex(/^[A-Z]{2}$/, 'a two-letter location code such as CN');
export type LocationCode = z.infer<typeof LocationCode>;

const text = (max: number) => lineText(max).trim().min(1);

/** A calendar day as printed on a document, YYYY-MM-DD (no time, no zone). */
export const CalendarDate = z.iso.date();
export type CalendarDate = z.infer<typeof CalendarDate>;

/** Sex as an identity document prints it (ICAO 9303): F, M, or X when unspecified. */
export const sexes = ['F', 'M', 'X'] as const;
export const Sex = z.enum(sexes);
export type Sex = z.infer<typeof Sex>;

export const IndividualIdentity = z.object({
  kind: z.literal('individual'),
  fullName: text(200),
  documentType: DocumentType,
  documentNumber: text(64),
  issuingLocation: LocationCode,
  /** As printed on the document; absent on applications taken before the console asked for it. */
  dateOfBirth: CalendarDate.optional(),
  /** The last day the document is valid (R10); absent when not given (older applications). */
  expiryDate: CalendarDate.optional(),
  /** As printed on the document (R11 compares it with a passport's MRZ); absent on older applications. */
  sex: Sex.optional(),
  /**
   * The holder's nationality as a location code (a Hong Kong or Macao passport holder's is CN, as the MRZ writes CHN);
   * R11 compares it with a passport's MRZ. Absent on older applications.
   */
  nationality: LocationCode.optional(),
});
export type IndividualIdentity = z.infer<typeof IndividualIdentity>;

export const EnterpriseIdentity = z.object({
  kind: z.literal('enterprise'),
  enterpriseName: text(300),
  registeredAddress: text(500),
  businessRegistrationNumber: text(64),
  /** The business licence's date of establishment (成立日期); absent on older applications. */
  establishedOn: CalendarDate.optional(),
});
export type EnterpriseIdentity = z.infer<typeof EnterpriseIdentity>;

export const Identity = z.discriminatedUnion('kind', [IndividualIdentity, EnterpriseIdentity]);
export type Identity = z.infer<typeof Identity>;

export const ApplicationStatus = z.enum(applicationStatuses);
export type ApplicationStatus = z.infer<typeof ApplicationStatus>;

export const ApplicantLanguage = z.enum(['en', 'zh-CN']);
export type ApplicantLanguage = z.infer<typeof ApplicantLanguage>;

/** An instant, always as an ISO 8601 string with an offset (UTC 'Z' from our own code). */
export const Instant = z.iso.datetime({ offset: true });
export type Instant = z.infer<typeof Instant>;

export const IcpFacts = z.object({
  /** The account holds resources in Mainland China. */
  mainlandResources: z.boolean(),
  /** The account intends ICP filing (or has one). */
  icpFilingIntended: z.boolean(),
  /** The ICP filing entity's name, when known. */
  icpEntityName: lineText(300).nullable(),
});
export type IcpFacts = z.infer<typeof IcpFacts>;

/**
 * A support ticket reference as the ticket system writes it: 2–8 capital letters, a hyphen, 1–12 digits (e.g.
 * SUP-104233). A withdrawal must carry one (R6: the applicant withdraws through a support ticket).
 */
export const ticketRefPattern = /^[A-Z]{2,8}-[0-9]{1,12}$/;
/** The withdrawal on record: which ticket, when, and which intake account sent it. */
export const Withdrawal = z
  .object({ ticketRef: lineText(21).regex(ticketRefPattern), withdrawnAt: Instant, withdrawnBy: lineText(64).min(1) })
  .strict();
export type Withdrawal = z.infer<typeof Withdrawal>;

export const Application = z.object({
  id: lineText(64).min(1),
  accountId: lineText(64).min(1),
  kind: ApplicationKind,
  /** The account's registration location; R1 compares the document's issuing location with it. */
  registrationLocation: LocationCode,
  submittedAt: Instant,
  status: ApplicationStatus,
  /** The central service's version; decisions carry it as baseVersion. */
  version: z.number().int().nonnegative(),
  assignee: lineText(64).nullable(),
  /** The identity the applicant asks to be verified with (the new one for a change). */
  identity: Identity,
  /** For a change: the identity verified now. */
  currentIdentity: Identity.nullable(),
  /** For a change: derived from currentIdentity.kind and identity.kind. */
  changeDirection: ChangeDirection.nullable(),
  icp: IcpFacts,
  applicantLanguage: ApplicantLanguage,
  /** Set once the applicant withdrew (absent from central services older than this field). */
  withdrawal: Withdrawal.nullable().optional(),
});
export type Application = z.infer<typeof Application>;

export const documentRoles = ['front', 'back', 'page', 'licence', 'selfie'] as const;
export const DocumentRole = z.enum(documentRoles);
export type DocumentRole = z.infer<typeof DocumentRole>;

export const RuleId = z.enum(ruleIds);
export type RuleId = z.infer<typeof RuleId>;

export const FlagSeverity = z.enum(['blocking', 'warning', 'info']);
export type FlagSeverity = z.infer<typeof FlagSeverity>;

export const Flag = z.object({
  rule: RuleId,
  severity: FlagSeverity,
  /** Machine-readable reason, e.g. 'document_used_elsewhere'; the renderer translates it. */
  reason: lineText(64).min(1),
  /** A blocking flag the reviewer may override with a note (R1, R9 and R11, product choice). */
  overridable: z.boolean(),
  /** The numbers behind the flag, e.g. { accounts: 5, limit: 5 }. */
  facts: z.record(lineText(64), z.union([z.number(), lineText(300), z.boolean(), z.null()])),
});
export type Flag = z.infer<typeof Flag>;

export const ReasonCode = z.enum(reasonCodes);
export type ReasonCode = z.infer<typeof ReasonCode>;

export const DecisionOutcome = z.enum(['approve', 'reject']);
export type DecisionOutcome = z.infer<typeof DecisionOutcome>;

/** What a reviewer submits; the store adds who, when, where. */
export const DecisionInput = z
  .object({
    applicationId: lineText(64).min(1),
    outcome: DecisionOutcome,
    reasonCodes: z.array(ReasonCode).max(reasonCodes.length),
    applicantMessage: multilineText(4000),
    internalNote: multilineText(4000),
    /** Required to approve past an overridable blocking flag (R1). */
    overrideNote: multilineText(4000).trim().nullable(),
  })
  .refine((d) => d.outcome === 'approve' || d.reasonCodes.length > 0, {
    message: 'A rejection carries at least one reason code',
    path: ['reasonCodes'],
  })
  .refine((d) => d.outcome === 'reject' || d.reasonCodes.length === 0, {
    message: 'An approval carries no reason codes',
    path: ['reasonCodes'],
  });
export type DecisionInput = z.infer<typeof DecisionInput>;

export const Role = z.enum(['reviewer', 'supervisor']);
export type Role = z.infer<typeof Role>;

export const Person = z.object({
  id: lineText(64).min(1),
  displayName: lineText(200).min(1),
  role: Role,
});
export type Person = z.infer<typeof Person>;

/** R8 inputs: computed at ingest by electron/imaging, thresholds calibrated there; rules read the booleans. */
export const QualitySignals = z.object({
  /** Upright pixel size of the original. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  lowResolution: z.boolean(),
  /** Variance of the Laplacian on a shrunken grey copy; lower is blurrier. */
  blurVariance: z.number().nonnegative(),
  blurry: z.boolean(),
  /** Shares (0..1) of clipped dark and bright pixels. */
  darkShare: z.number().min(0).max(1),
  brightShare: z.number().min(0).max(1),
  underExposed: z.boolean(),
  overExposed: z.boolean(),
  /** Share (0..1) of saturated low-colour pixels in blobs. */
  glareShare: z.number().min(0).max(1),
  glare: z.boolean(),
});
export type QualitySignals = z.infer<typeof QualitySignals>;

/** What the original image file told us, computed at ingest. GPS coordinates are never kept: only that they were present. */
export const ForensicSummary = z.object({
  format: lineText(16),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  hasExif: z.boolean(),
  hasGps: z.boolean(),
  hasXmp: z.boolean(),
  hasIcc: z.boolean(),
  cameraMake: lineText(100).nullable(),
  cameraModel: lineText(100).nullable(),
  /** The EXIF Software tag; an editor's name is a tampering hint. */
  software: lineText(200).nullable(),
  capturedAt: lineText(40).nullable(),
});
export type ForensicSummary = z.infer<typeof ForensicSummary>;
