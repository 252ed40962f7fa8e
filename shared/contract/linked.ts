// Linked accounts behind R2 (one document, one account) and R3 (five accounts per enterprise): the other verified
// accounts the central service counted, as much of each as the rule needs (account, verified name, status, when
// verified, what matched, its applications) and nothing more (no contact data, no documents). The lists ARE the
// counts: R2's count is `document.length`, R3's `enterprise.length`, so a flag and its list cannot disagree.
import { z } from 'zod';
import { ApplicationKind, ApplicationStatus, Instant } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';

export const linkedMatches = ['document', 'enterprise_name', 'registration_number'] as const;
export const linkedAccountStatuses = ['verified', 'change_pending'] as const;

export const LinkedApplication = z
  .object({
    id: lineText(64).min(1),
    kind: ApplicationKind,
    status: ApplicationStatus,
    submittedAt: Instant,
    /** When its last decision was made, or null while undecided. */
    decidedAt: Instant.nullable(),
  })
  .strict();
export type LinkedApplication = z.infer<typeof LinkedApplication>;

export const LinkedAccount = z
  .object({
    accountId: lineText(64).min(1),
    /** The name verified on that account: the person's full name or the enterprise's name. */
    name: lineText(300),
    /** verified; change_pending: verified, with an application of its own still open. */
    status: z.enum(linkedAccountStatuses),
    verifiedAt: Instant,
    /** Why it counts: the same document (R2); the same enterprise name and/or registration number (R3). */
    matchedOn: z.array(z.enum(linkedMatches)).min(1).max(3),
    /** That account's applications, newest first (the latest 10). */
    applications: z.array(LinkedApplication).max(10),
  })
  .strict();
export type LinkedAccount = z.infer<typeof LinkedAccount>;

/** GET /v1/applications/{id}/linked-accounts: the central service's answer, and the workstation's cached copy. */
export const LinkedAccountsResponse = z
  .object({
    applicationId: lineText(64).min(1),
    /** When the central service counted these (one transaction with its audit entry). */
    asOf: Instant,
    /** R2: the other accounts verified with this application's document (type, number and issuing location). */
    document: z.array(LinkedAccount).max(2000),
    /** R3: the other accounts verified by this enterprise (same name or same registration number). */
    enterprise: z.array(LinkedAccount).max(2000),
  })
  .strict();
export type LinkedAccountsResponse = z.infer<typeof LinkedAccountsResponse>;

/** What the case view shows: the lists, fetched now or the copy kept here, and since when. */
export const CaseLinkedAccounts = z
  .object({
    linked: LinkedAccountsResponse,
    /** central: fetched just now; copy: the copy kept here (the central service could not be asked). */
    source: z.enum(['central', 'copy']),
    storedAt: Instant,
  })
  .strict();
export type CaseLinkedAccounts = z.infer<typeof CaseLinkedAccounts>;

export const linkedChannels = {
  'case.linkedAccounts': defineChannel({
    request: z.object({ applicationId: lineText(64).min(1) }).strict(),
    response: CaseLinkedAccounts,
    errors: ['case_not_found', 'central_unreachable', 'sync_not_configured', 'not_assigned', 'not_found'],
    role: 'reviewer',
  }),
} as const;
