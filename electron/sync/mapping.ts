// Between the case store's shapes and the central API's: outbox payload → DecisionMutation, Change → UpsertRecord.
import { DecisionMutation, type Change, type DocumentRef } from '../../shared/contract/central';
import type { DocumentRecord } from '../../shared/contract/cases';
import { describeIssues } from '../../shared/errors';
import type { PendingMutation, UpsertRecord } from '../store/caseStore';

export type MappedMutation = { ok: true; mutation: DecisionMutation } | { ok: false; reason: string };

/** The outbox row as the central API's mutation; a row the contract refuses is reported, never sent. */
export function toCentralMutation(pending: PendingMutation): MappedMutation {
  const p = pending.payload;
  const candidate: DecisionMutation = {
    id: pending.id,
    type: 'decision',
    applicationId: pending.applicationId,
    baseVersion: pending.baseVersion,
    madeAt: p.decidedAt,
    madeBy: p.decidedBy,
    offline: !p.online,
    outcome: p.outcome,
    reasonCodes: p.reasonCodes,
    applicantMessage: p.applicantMessage,
    internalNote: p.internalNote,
    overrideNote: p.overrideNote,
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

export function upsertRecord(change: Change, documents: DocumentRecord[]): UpsertRecord {
  return { application: change.application, documents, facts: change.facts };
}
