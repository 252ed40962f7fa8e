// Between the case store's records and the central API's: DecisionRecord → DecisionMutation, Change → UpsertRecord.
// The only reshaping of a decision between the reviewer's screen and the wire.
import { DecisionMutation, type Change, type DecisionRecord as CentralDecision, type DocumentRef, type ExportedDecisionRow } from '../../shared/contract/central';
import type { Flag } from '../../shared/domain';
import type { DecisionLogEntry } from '../../shared/contract/supervision';
import { verifiedName } from '../../shared/rules';
import type { DecisionRecord, DocumentRecord } from '../../shared/contract/cases';
import { describeIssues } from '../../shared/errors';
import type { UpsertRecord } from '../store/types';

export type MappedMutation = { ok: true; mutation: DecisionMutation } | { ok: false; reason: string };

/** A pending decision as the central API's mutation; one the contract refuses is reported, never sent. */
export function toCentralMutation(d: DecisionRecord): MappedMutation {
  const candidate: DecisionMutation = {
    id: d.mutationId,
    type: 'decision',
    applicationId: d.applicationId,
    baseVersion: d.baseVersion,
    madeAt: d.decidedAt,
    madeBy: d.decidedBy.id,
    offline: !d.online,
    outcome: d.outcome,
    reasonCodes: d.reasonCodes,
    applicantMessage: d.applicantMessage,
    internalNote: d.internalNote,
    overrideNote: d.overrideNote,
    overriddenRules: d.overriddenRules,
    judgedOn: d.judgedOn,
    openedAt: d.openedAt,
  };
  const parsed = DecisionMutation.safeParse(candidate);
  return parsed.success ? { ok: true, mutation: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
}

/** What the ingest of one image tells the store about it. */
export type ImageFacts = Pick<DocumentRecord, 'sha256' | 'format' | 'width' | 'height' | 'forensic' | 'quality' | 'imageFailure'>;

export function documentRecord(ref: DocumentRef, image: ImageFacts): DocumentRecord {
  return {
    id: ref.id,
    role: ref.role,
    sha256: ref.sha256,
    format: image.format,
    width: image.width,
    height: image.height,
    forensic: image.forensic,
    quality: image.quality,
    imageFailure: image.imageFailure,
  };
}

export function upsertRecord(change: Change, documents: DocumentRecord[], previousDocuments: DocumentRecord[] = []): UpsertRecord {
  return {
    application: change.application,
    documents,
    ...(previousDocuments.length > 0 ? { previousDocuments } : {}),
    facts: change.facts,
    returned: change.returned ?? null,
    decided: change.decided ?? null,
  };
}

/** A decision as the central service reports it, as the supervisor's decision log holds it. */
export function decisionLogEntry(d: CentralDecision): DecisionLogEntry {
  return {
    ...loggedDecision(d),
    applicationId: d.application.id,
    kind: d.application.kind,
    applicantName: verifiedName(d.application.identity),
    reviewerName: d.reviewerName,
    flags: d.judgedOn?.flags ?? null,
  };
}

/** A decision as the CSV export writes it: the log's entry with the flags' rule and reason only (what the export route sends). */
export type ExportedLogEntry = Omit<DecisionLogEntry, 'reviewerName' | 'flags'> & { flags: readonly Pick<Flag, 'rule' | 'reason'>[] | null };

/** A line of the central service's decision export, as the CSV writes it. */
export function exportedLogEntry(d: ExportedDecisionRow): ExportedLogEntry {
  return { ...loggedDecision(d), applicationId: d.applicationId, kind: d.kind, applicantName: d.applicantName, flags: d.flags };
}

/** The fields a decision record and an export line carry alike (they differ in the application and the flags). */
type LoggedDecision = Omit<ExportedLogEntry, 'applicationId' | 'kind' | 'applicantName' | 'flags'>;

function loggedDecision(d: CentralDecision | ExportedDecisionRow): LoggedDecision {
  return {
    id: d.id,
    reviewer: d.reviewer,
    outcome: d.outcome,
    reasonCodes: d.reasonCodes,
    overriddenRules: d.overriddenRules,
    overrideNote: d.overrideNote,
    // The central service says decidedAt for when it applied a decision, madeAt for when the reviewer made it.
    decidedAt: d.madeAt,
    appliedAt: d.decidedAt,
    offline: d.offline,
    deviceId: d.deviceId,
    openedAt: d.openedAt,
    dueAt: d.dueAt,
    ...timing(d),
    effect: d.effect,
    reviews: d.reviews.map(reviewOf),
  };
}

/** Handling time (case opened → decided, on the device's clock) and whether the decision met its deadline. */
function timing(d: { madeAt: string; openedAt: string | null; dueAt: string }): Pick<DecisionLogEntry, 'handlingMs' | 'withinDeadline'> {
  return {
    handlingMs: d.openedAt === null ? null : Math.max(0, Date.parse(d.madeAt) - Date.parse(d.openedAt)),
    withinDeadline: Date.parse(d.madeAt) <= Date.parse(d.dueAt),
  };
}

const reviewOf = (r: Pick<CentralDecision['reviews'][number], 'reviewedBy' | 'stage' | 'verdict' | 'reason' | 'reviewedAt'>): DecisionLogEntry['reviews'][number] => ({
  supervisor: r.reviewedBy,
  stage: r.stage,
  verdict: r.verdict,
  reason: r.reason,
  reviewedAt: r.reviewedAt,
});
