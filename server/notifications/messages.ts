// What the notifications table shows: the customer console's message centre (an account's messages, newest first,
// keyset-paged) and the delivery state of an application's notifications for its audit trail.
import type { z } from 'zod';
import type { AccountMessagesQuery, AccountMessagesResponse, NotificationChannel, NotificationDelivery, NotificationState } from '../../shared/contract/notifications';
import type { ApplicantLanguage, DecisionOutcome } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import type { Caller } from '../auth';
import type { Queryable } from '../db';
import { assertInvolved } from '../involvement';

const encodeCursor = (at: Date, id: string) => Buffer.from(`m1:${at.getTime()}:${id}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): [Date, string] {
  const match = /^m1:(\d{1,16}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out');
  return [new Date(Number(match[1])), match[2]];
}

export async function accountMessages(q: Queryable, accountId: string, query: z.output<typeof AccountMessagesQuery>): Promise<AccountMessagesResponse> {
  const [account] = await q.query(`SELECT 1 FROM accounts WHERE id = $1`, [accountId]);
  if (!account) throw new DomainError('not_found', 'No account with this id (an account exists once it has submitted an application)');
  const params: (string | number | Date)[] = [accountId, query.limit + 1];
  let after = '';
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    params.push(at, id);
    after = `AND (n.created_at, n.id) < ($3, $4::uuid)`;
  }
  const rows = await q.query<{ id: string; application_id: string; outcome: DecisionOutcome; language: ApplicantLanguage; subject: string; body: string; created_at: Date }>(
    `SELECT n.id, n.application_id, d.outcome, n.language, n.subject, n.body, n.created_at
       FROM notifications n JOIN decisions d ON d.id = n.decision_id
      WHERE n.account_id = $1 AND n.channel = 'message_centre' ${after}
      ORDER BY n.created_at DESC, n.id DESC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    messages: page.map((r) => ({ id: r.id, applicationId: r.application_id, outcome: r.outcome, language: r.language, subject: r.subject, body: r.body, createdAt: r.created_at.toISOString() })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** Every notification of the application's decisions, oldest first, with where its delivery stands. */
export async function notificationDeliveries(q: Queryable, applicationId: string): Promise<NotificationDelivery[]> {
  const rows = await q.query<{
    id: string;
    decision_id: string;
    channel: NotificationChannel;
    language: ApplicantLanguage;
    state: NotificationState;
    attempts: number;
    last_error: string | null;
    next_attempt_at: Date;
    sent_at: Date | null;
    created_at: Date;
  }>(
    `SELECT id, decision_id, channel, language, state, attempts, last_error, next_attempt_at, sent_at, created_at
       FROM notifications WHERE application_id = $1 ORDER BY created_at, channel`,
    [applicationId],
  );
  return rows.map((r) => ({
    id: r.id,
    decisionId: r.decision_id,
    channel: r.channel,
    language: r.language,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.state === 'queued' || r.state === 'sending' ? r.next_attempt_at.toISOString() : null,
    sentAt: r.sent_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }));
}

/** The deliveries of one application for a supervisor, or for a reviewer who holds it, decided it or second-reviewed it. */
export async function applicationNotifications(q: Queryable, applicationId: string, caller: Caller): Promise<NotificationDelivery[]> {
  await assertInvolved(q, applicationId, caller, 'This application is not yours: a reviewer sees the notifications of applications they hold, decided or second-reviewed');
  return notificationDeliveries(q, applicationId);
}
