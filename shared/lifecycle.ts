// The lifecycle of an application (DOMAIN.md) as an explicit state machine over ApplicationStatus.
//   submitted ─queue→ queued ─open→ in_review
//   queued | in_review ─approve→ approved, ─reject→ rejected
//   submitted | queued | in_review ─withdraw→ withdrawn (only before a decision, R6)
import type { ApplicationStatus } from './domain';
import { DomainError } from './errors';
import { applicationStatuses } from './vocabulary';

export const lifecycleEvents = ['queue', 'open', 'approve', 'reject', 'withdraw'] as const;
export type LifecycleEvent = (typeof lifecycleEvents)[number];

/** The legal transitions; anything missing is illegal. */
const transitions: Readonly<Record<ApplicationStatus, Partial<Record<LifecycleEvent, ApplicationStatus>>>> = {
  submitted: { queue: 'queued', withdraw: 'withdrawn' },
  queued: { open: 'in_review', approve: 'approved', reject: 'rejected', withdraw: 'withdrawn' },
  in_review: { approve: 'approved', reject: 'rejected', withdraw: 'withdrawn' },
  approved: {},
  rejected: {},
  withdrawn: {},
};

const decided: ReadonlySet<ApplicationStatus> = new Set<ApplicationStatus>(['approved', 'rejected']);

/**
 * The statuses still waiting for a decision: those the applicant may still withdraw from (submitted, queued, in
 * review). The one list the queue, the store's `open` column, the rules and sync all use.
 */
export const openStatuses: readonly ApplicationStatus[] = applicationStatuses.filter((s) => transitions[s].withdraw !== undefined);

/** The statuses a reviewer may approve or reject in (queued, in review): a submitted one is not queued yet. */
export const decidableStatuses: readonly ApplicationStatus[] = applicationStatuses.filter((s) => canDecide(s));

/** Still waiting for a decision (see openStatuses). */
export function isOpen(status: ApplicationStatus): boolean {
  return transitions[status].withdraw !== undefined;
}

/** The application has been approved or rejected. */
export function isDecided(status: ApplicationStatus): boolean {
  return decided.has(status);
}

/** A reviewer may approve or reject an application in this status. */
export function canDecide(status: ApplicationStatus): boolean {
  return transitions[status].approve !== undefined && transitions[status].reject !== undefined;
}

/** The status after the event, or a DomainError explaining why the event cannot happen now. */
export function nextStatus(status: ApplicationStatus, event: LifecycleEvent): ApplicationStatus {
  const next = transitions[status][event];
  if (next !== undefined) return next;

  const deciding = event === 'approve' || event === 'reject';
  if (deciding && status === 'withdrawn') {
    throw new DomainError(
      'application_withdrawn',
      'The applicant withdrew this application, so it can no longer be approved or rejected; the previously verified identity stays unchanged.',
    );
  }
  if ((deciding || event === 'withdraw') && isDecided(status)) {
    throw new DomainError(
      'already_decided',
      deciding
        ? `This application was already ${status}; a decision cannot be made twice.`
        : `This application was already ${status}, so it can no longer be withdrawn.`,
    );
  }
  throw new DomainError('illegal_transition', illegalMessage(status, event));
}

function illegalMessage(status: ApplicationStatus, event: LifecycleEvent): string {
  switch (event) {
    case 'queue':
      return `Only a submitted application can be queued; this one is ${describe(status)}.`;
    case 'open':
      return `Only a queued application can be opened for review; this one is ${describe(status)}.`;
    case 'approve':
    case 'reject':
      return `An application can be ${event === 'approve' ? 'approved' : 'rejected'} only once it is queued or in review; this one is ${describe(status)}.`;
    case 'withdraw':
      return `Only an application not yet decided can be withdrawn; this one is ${describe(status)}.`;
  }
}

function describe(status: ApplicationStatus): string {
  return status === 'in_review' ? 'in review' : status;
}
