// Delivers queued notifications (email, SMS) with retries. One sender per notification across instances: a claim is an
// UPDATE of rows picked with FOR UPDATE SKIP LOCKED that sets state `sending`, a claim expiry and attempts + 1 before the
// provider is called, and only the claim holder marks the row afterwards.
//
// The guarantee: every notification is handed to its provider at least once, every attempt with the same idempotency
// key, and no two dispatchers hold it at once. A dispatcher that dies between the provider's acceptance and the mark
// leaves the row `sending`; when the claim expires it is sent again with the same key, so the recipient gets it once
// wherever the provider deduplicates on the key (an SMS provider's Idempotency-Key; for email the Message-ID, which
// mail systems and clients collapse, though SMTP itself promises nothing). It is never sent again after it is marked.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { NotificationChannel } from '../../shared/contract/notifications';
import type { ApplicantLanguage } from '../../shared/domain';
import { toLineText } from '../../shared/text';
import type { Database } from '../db';
import { type Channel, DeliveryFailure } from './channel';
import type { NotificationConfig } from './config';

type RetryPolicy = Pick<NotificationConfig, 'baseDelayMs' | 'capDelayMs' | 'maxAttempts' | 'sendTimeoutMs' | 'batchSize' | 'pollMs'>;

/** The wait before attempt `attempt + 1`: capped exponential, jittered to between half and all of it. */
export function retryDelayMs(policy: Pick<RetryPolicy, 'baseDelayMs' | 'capDelayMs'>, attempt: number, random: () => number = Math.random): number {
  const full = Math.min(policy.capDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

type Claimed = {
  id: string;
  channel: NotificationChannel;
  recipient: string;
  language: ApplicantLanguage;
  idempotency_key: string;
  subject: string;
  body: string;
  attempts: number;
};

export interface DispatcherOptions {
  senders: Partial<Record<NotificationChannel, Channel>>;
  policy: RetryPolicy;
  now: () => Date;
  log: (message: string, error?: unknown) => void;
  random?: () => number;
  /** Names this dispatcher's claims (default: host, process and a random part). */
  name?: string;
}

export class NotificationDispatcher {
  readonly name: string;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: DispatcherOptions,
  ) {
    this.name = options.name ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  private get channels(): NotificationChannel[] {
    return Object.keys(this.options.senders) as NotificationChannel[];
  }

  /** Claims the due notifications of this dispatcher's channels (queued and due, or `sending` with an expired claim). */
  async claim(): Promise<Claimed[]> {
    if (this.channels.length === 0) return [];
    const now = this.options.now();
    const claimedUntil = new Date(now.getTime() + 2 * this.options.policy.sendTimeoutMs);
    return this.db.transaction((tx) =>
      tx.query<Claimed>(
        `UPDATE notifications n SET state = 'sending', attempts = n.attempts + 1, claimed_by = $1, claimed_until = $2, next_attempt_at = $2
          WHERE n.id IN (SELECT id FROM notifications
                          WHERE state IN ('queued', 'sending') AND next_attempt_at <= $3
                            AND channel = ANY($4::text[])
                          ORDER BY next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED)
          RETURNING n.id, n.channel, n.recipient, n.language, n.idempotency_key, n.subject, n.body, n.attempts`,
        [this.name, claimedUntil, now, [...this.channels], this.options.policy.batchSize],
      ),
    );
  }

  /** One round: claims what is due and sends it; answers how many were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((n) => this.deliver(n)));
    return claimed.length;
  }

  private async deliver(n: Claimed): Promise<void> {
    const sender = this.options.senders[n.channel];
    if (!sender) return;
    const signal = this.abort.signal;
    try {
      const sent = await sender.send({ idempotencyKey: n.idempotency_key, recipient: n.recipient, language: n.language, subject: n.subject, body: n.body }, signal);
      // Stopped meanwhile: as after a crash, the row stays `sending` and its claim's expiry brings the resend.
      if (signal.aborted) return;
      await this.db.query(
        `UPDATE notifications SET state = 'sent', sent_at = $3, provider_id = $4, last_error = NULL, claimed_by = NULL, claimed_until = NULL
          WHERE id = $1 AND state = 'sending' AND claimed_by = $2`,
        [n.id, this.name, this.options.now(), toLineText(sent.providerId, 200)],
      );
    } catch (error) {
      if (signal.aborted) return;
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure('transient', error instanceof Error ? error.message : String(error));
      const final = failure.kind === 'permanent' || n.attempts >= this.options.policy.maxAttempts;
      const retryAt = new Date(this.options.now().getTime() + retryDelayMs(this.options.policy, n.attempts, this.options.random));
      await this.db.query(
        `UPDATE notifications SET state = $3, next_attempt_at = $4, last_error = $5, claimed_by = NULL, claimed_until = NULL
          WHERE id = $1 AND state = 'sending' AND claimed_by = $2`,
        [n.id, this.name, final ? 'failed' : 'queued', retryAt, toLineText(`${failure.kind}: ${failure.message}`, 500)],
      );
      if (final) this.options.log(`notification ${n.id} (${n.channel}) failed after ${n.attempts} attempt(s): ${failure.message}`);
    }
  }

  /** Runs rounds until stopped: at once while there is work, else every pollMs. */
  start(): void {
    if (this.channels.length === 0 || this.loop) return;
    this.loop = (async () => {
      while (!this.abort.signal.aborted) {
        let claimed = 0;
        try {
          claimed = await this.runOnce();
        } catch (error) {
          if (!this.abort.signal.aborted) this.options.log('notification dispatch round failed', error);
        }
        if (claimed > 0 || this.abort.signal.aborted) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.policy.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  /** Stops at once: sends in flight are abandoned unmarked (left `sending`, resent with their key after the claim expires). */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await Promise.all(Object.values(this.options.senders).map((s) => s?.close()));
  }
}
