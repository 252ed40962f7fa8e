// The rows the store reads, and how each becomes the contract's record.
import type { DecisionRecord, DecisionStanding, DocumentRecord, ImageFailure, JudgedOn, MutationState } from '../../../shared/contract/cases';
import type { ApplicationStatus, DocumentRole, RuleId } from '../../../shared/domain';

export interface ApplicationRow {
  rid: number;
  id: string;
  account_id: string;
  kind: string;
  change_direction: string | null;
  status: ApplicationStatus;
  submitted_at: number;
  due_at: number;
  escalate_at: number;
  version: number;
  assignee: string | null;
  display_name: string;
  body: string;
  server_body: string | null;
  conflict: string | null;
  /** CaseReturned JSON while back in review after an overturn. */
  returned: string | null;
}

export interface DocumentRow {
  id: string;
  role: DocumentRole;
  sha256: string;
  format: string;
  width: number;
  height: number;
  forensic: string | null;
  quality: string | null;
  image_failure: string | null;
}

/** A decision row joined with the state of its outbox mutation. */
export interface DecisionRow {
  id: string;
  application_id: string;
  outcome: 'approve' | 'reject';
  reason_codes: string;
  applicant_message: string;
  internal_note: string;
  override_note: string | null;
  overridden_rules: string;
  decided_by: string;
  decided_by_name: string;
  decided_at: number;
  device_id: string;
  online: number;
  base_version: number;
  prior_status: ApplicationStatus;
  mutation_id: string;
  judged_on: string | null;
  effect: DecisionStanding | null;
  opened_at: number | null;
  state: MutationState;
  rejected_reason: string | null;
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The parameters of caseSql.insertDoc for one document. */
export function documentRow(d: DocumentRecord, applicationId: string, position: number, previous = false): Record<string, unknown> {
  return {
    previous: previous ? 1 : 0,
    id: d.id,
    application_id: applicationId,
    position,
    role: d.role,
    sha256: d.sha256,
    format: d.format,
    width: d.width,
    height: d.height,
    forensic: d.forensic ? JSON.stringify(d.forensic) : null,
    quality: d.quality ? JSON.stringify(d.quality) : null,
    image_failure: d.imageFailure ? JSON.stringify(d.imageFailure) : null,
  };
}

export function toDocumentRecord(r: DocumentRow): DocumentRecord {
  return {
    id: r.id,
    role: r.role,
    sha256: r.sha256,
    format: r.format,
    width: r.width,
    height: r.height,
    forensic: r.forensic ? parseJson<DocumentRecord['forensic']>(r.forensic) : null,
    quality: r.quality ? parseJson<DocumentRecord['quality']>(r.quality) : null,
    imageFailure: r.image_failure ? parseJson<ImageFailure>(r.image_failure) : null,
  };
}

export function toDecisionRecord(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    applicationId: r.application_id,
    outcome: r.outcome,
    reasonCodes: parseJson<DecisionRecord['reasonCodes']>(r.reason_codes),
    applicantMessage: r.applicant_message,
    internalNote: r.internal_note,
    overrideNote: r.override_note,
    overriddenRules: parseJson<RuleId[]>(r.overridden_rules),
    decidedBy: { id: r.decided_by, displayName: r.decided_by_name },
    decidedAt: iso(r.decided_at),
    deviceId: r.device_id,
    online: r.online === 1,
    baseVersion: r.base_version,
    mutationId: r.mutation_id,
    sync: r.state,
    rejectedReason: r.rejected_reason,
    judgedOn: r.judged_on ? parseJson<JudgedOn>(r.judged_on) : null,
    effect: r.effect ?? null,
    openedAt: r.opened_at === null ? null : iso(r.opened_at),
  };
}
