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

/** A send's outcome as written to its row: sent, or queued again (a retry) or failed for good. */
type Outcome = {
  id: string;
  state: 'sent' | 'queued' | 'failed';
  sent_at: string | null;
  provider_id: string | null;
  /** The retry's time; null leaves the claim's expiry (a sent row is never due again). */
  next_attempt_at: string | null;
  last_error: string | null;
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
  /** Outcomes waiting to be written, and whether a write is running (see mark). */
  private outcomes: { outcome: Outcome; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private marking = false;

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
    // One statement, so its own transaction: no BEGIN and COMMIT round trips around it.
    return this.db.query<Claimed>(
      `UPDATE notifications n SET state = 'sending', attempts = n.attempts + 1, claimed_by = $1, claimed_until = $2, next_attempt_at = $2
        WHERE n.id IN (SELECT id FROM notifications
                        WHERE state IN ('queued', 'sending') AND next_attempt_at <= $3
                          AND channel = ANY($4::text[])
                        ORDER BY next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED)
        RETURNING n.id, n.channel, n.recipient, n.language, n.idempotency_key, n.subject, n.body, n.attempts`,
      [this.name, claimedUntil, now, [...this.channels], this.options.policy.batchSize],
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
      await this.mark({ id: n.id, state: 'sent', sent_at: this.options.now().toISOString(), provider_id: toLineText(sent.providerId, 200), next_attempt_at: null, last_error: null });
    } catch (error) {
      if (signal.aborted) return;
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure('transient', error instanceof Error ? error.message : String(error));
      const final = failure.kind === 'permanent' || n.attempts >= this.options.policy.maxAttempts;
      const retryAt = new Date(this.options.now().getTime() + retryDelayMs(this.options.policy, n.attempts, this.options.random));
      await this.mark({
        id: n.id,
        state: final ? 'failed' : 'queued',
        sent_at: null,
        provider_id: null,
        next_attempt_at: retryAt.toISOString(),
        last_error: toLineText(`${failure.kind}: ${failure.message}`, 500),
      });
      if (final) this.options.log(`notification ${n.id} (${n.channel}) failed after ${n.attempts} attempt(s): ${failure.message}`);
    }
  }

  /**
   * Records a send's outcome, if this dispatcher still holds the claim. Outcomes are written together: one UPDATE takes
   * every outcome that arrived while the previous one ran, so a round of fifty sends costs a few commits (each a WAL
   * flush) rather than fifty. A send is marked as soon as the write in flight, if any, has finished.
   */
  private mark(outcome: Outcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outcomes.push({ outcome, resolve, reject });
      if (!this.marking) void this.writeOutcomes();
    });
  }

  private async writeOutcomes(): Promise<void> {
    this.marking = true;
    try {
      while (this.outcomes.length > 0) {
        const waiting = this.outcomes.splice(0);
        try {
          await this.db.query(
            `UPDATE notifications n SET state = v.state, sent_at = coalesce(v.sent_at, n.sent_at), provider_id = coalesce(v.provider_id, n.provider_id),
                next_attempt_at = coalesce(v.next_attempt_at, n.next_attempt_at), last_error = v.last_error, claimed_by = NULL, claimed_until = NULL
               FROM jsonb_to_recordset($2::jsonb) AS v(id uuid, state text, sent_at timestamptz, provider_id text, next_attempt_at timestamptz, last_error text)
              WHERE n.id = v.id AND n.state = 'sending' AND n.claimed_by = $1`,
            [this.name, JSON.stringify(waiting.map((w) => w.outcome))],
          );
          for (const w of waiting) w.resolve();
        } catch (error) {
          for (const w of waiting) w.reject(error);
        }
      }
    } finally {
      this.marking = false;
    }
  }

  /**
   * Runs rounds until stopped: at once after a full batch (more may be due), else after pollMs. A round that took less
   * than a batch took everything due, so the next one waits too: under a steady trickle, claiming again at once would
   * cost a claim (a statement and a commit) for every few notifications.
   */
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
        if (claimed >= this.options.policy.batchSize || this.abort.signal.aborted) continue;
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
