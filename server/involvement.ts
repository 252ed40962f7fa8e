// Who may read an application's side matters (its notifications, its linked accounts): a supervisor, or a reviewer
// who holds it, decided it or second-reviewed it. One query for every route that asks.
import { DomainError } from '../shared/errors';
import type { Caller } from './auth';
import type { Queryable } from './db';

/** Throws not_found for an unknown application, not_assigned (with `refusal`) for a reviewer not involved in it. */
export async function assertInvolved(q: Queryable, applicationId: string, caller: Caller, refusal: string): Promise<void> {
  const [row] = await q.query<{ involved: boolean }>(
    `SELECT a.assignee = $2
         OR EXISTS (SELECT 1 FROM decisions d WHERE d.application_id = a.id AND d.reviewer = $2)
         OR EXISTS (SELECT 1 FROM decisions d JOIN reviews r ON r.decision_id = d.id WHERE d.application_id = a.id AND r.reviewed_by = $2) AS involved
       FROM applications a WHERE a.id = $1`,
    [applicationId, caller.username],
  );
  if (!row) throw new DomainError('not_found', 'No application with this id');
  if (caller.role !== 'supervisor' && !row.involved) throw new DomainError('not_assigned', refusal);
}
