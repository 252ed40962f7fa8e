// Writes the applicant's notifications of decisions that take effect, in the caller's transaction (the decision's own):
// one row per channel the service delivers and the account can be reached on, rendered now in the account's language.
// The unique (decision_id, channel) makes a replayed effect write nothing, and a withdrawn application gets nothing.
import { randomUUID } from 'node:crypto';
import type { IntakeRequest } from '../../shared/contract/central';
import type { NotificationChannel } from '../../shared/contract/notifications';
import type { ApplicantLanguage, DecisionOutcome, Identity, ReasonCode } from '../../shared/domain';
import { ruleR5 } from '../../shared/rules';
import { idsParam, type Queryable } from '../db';
import { applicationOf, jsonOf, selectApplications } from '../service';
import { renderFor } from './templates';

const nameOf = (identity: Identity): string => (identity.kind === 'individual' ? identity.fullName : identity.enterpriseName);

/**
 * Called where a decision takes effect: when it is applied in effect (service.ts) and when a second person agrees to a
 * held one (quality.ts). `channels` are the channels this service delivers; the message centre is always one of them.
 */
export async function queueDecisionNotifications(tx: Queryable, decisionIds: readonly string[], now: Date, channels: readonly NotificationChannel[]): Promise<void> {
  if (decisionIds.length === 0) return;
  const decisions = await tx.query<{ id: string; application_id: string; outcome: DecisionOutcome; reason_codes: unknown; applicant_message: string; language: ApplicantLanguage | null; email: string | null; phone: string | null }>(
    `SELECT d.id, d.application_id, d.outcome, d.reason_codes, d.applicant_message, acc.language, acc.email, acc.phone
       FROM decisions d JOIN applications a ON a.id = d.application_id JOIN accounts acc ON acc.id = a.account_id
      WHERE d.id = ANY($1::uuid[]) AND d.effect = 'in_effect' AND a.status <> 'withdrawn'`,
    [idsParam(decisionIds)],
  );
  if (decisions.length === 0) return;
  const applications = await selectApplications(tx, decisions.map((d) => d.application_id));
  const rows: Record<string, unknown>[] = [];
  for (const d of decisions) {
    const row = applications.get(d.application_id);
    if (!row) continue;
    const application = applicationOf(row);
    const language = d.language ?? application.applicantLanguage;
    const facts = {
      outcome: d.outcome,
      kind: application.kind,
      name: nameOf(application.identity),
      previousName: application.currentIdentity ? nameOf(application.currentIdentity) : null,
      applicantMessage: d.applicant_message,
      reasonCodes: jsonOf(d.reason_codes) as ReasonCode[],
      icpWarning: ruleR5(application) !== null,
      applicationId: application.id,
    };
    const recipients: Record<NotificationChannel, string | null | undefined> = { message_centre: null, email: d.email, sms: d.phone };
    for (const channel of channels) {
      const recipient = recipients[channel];
      if (channel !== 'message_centre' && !recipient) continue;
      const id = randomUUID();
      rows.push({
        id,
        application_id: application.id,
        account_id: application.accountId,
        decision_id: d.id,
        channel,
        language,
        recipient: recipient ?? null,
        // The notification's own id: the same on every attempt, so a provider (or mail system) can drop a repeat.
        idempotency_key: `verity-${id}`,
        // The message centre is this database: committed is delivered.
        state: channel === 'message_centre' ? 'sent' : 'queued',
        sent_at: channel === 'message_centre' ? now.toISOString() : null,
        ...renderFor(channel, language, facts),
      });
    }
  }
  await tx.query(
    `INSERT INTO notifications (id, application_id, account_id, decision_id, channel, language, recipient, idempotency_key, state,
       next_attempt_at, sent_at, subject, body, created_at)
     SELECT v.id, v.application_id, v.account_id, v.decision_id, v.channel, v.language, v.recipient, v.idempotency_key, v.state,
       $2, v.sent_at, v.subject, v.body, $2
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, application_id text, account_id text, decision_id uuid, channel text,
         language text, recipient text, idempotency_key text, state text, sent_at timestamptz, subject text, body text)
     ON CONFLICT (decision_id, channel) DO NOTHING`,
    [JSON.stringify(rows), now],
  );
}

/** At intake: the account's language becomes the application's, and a contact given replaces the one on record. */
export async function recordApplicantContact(tx: Queryable, request: Pick<IntakeRequest, 'accountId' | 'applicantLanguage' | 'contact'>): Promise<void> {
  await tx.query(`UPDATE accounts SET language = $2, email = coalesce($3, email), phone = coalesce($4, phone) WHERE id = $1`, [
    request.accountId,
    request.applicantLanguage,
    request.contact?.email ?? null,
    request.contact?.phone ?? null,
  ]);
}
