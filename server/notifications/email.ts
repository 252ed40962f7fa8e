// Email over SMTP with nodemailer to the configured server. The notification's idempotency key is the Message-ID, so
// a resend after a crash is the same message to every mail system that deduplicates on it (and to the reader's client).
import nodemailer from 'nodemailer';
import type { Channel, Delivery, Sent } from './channel';
import { deliveryFailure } from './channel';

export interface EmailConfig {
  /** smtp://user:pass@host:port or smtps://… (nodemailer's connection URL). */
  url: string;
  /** The From address, e.g. "Verity <no-reply@example.com>"; its domain names the Message-IDs. */
  from: string;
  timeoutMs: number;
}

const domainOf = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'verity.invalid';

export function emailChannel(config: EmailConfig): Channel {
  const url = new URL(config.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  const domain = domainOf(config.from);
  return {
    async send(delivery: Delivery, signal: AbortSignal): Promise<Sent> {
      const messageId = `<${delivery.idempotencyKey}@${domain}>`;
      const sending = transport.sendMail({
        from: config.from,
        to: delivery.recipient,
        subject: delivery.subject,
        text: delivery.body,
        messageId,
        textEncoding: 'base64',
        headers: { 'Content-Language': delivery.language, 'X-Verity-Notification': delivery.idempotencyKey },
      });
      // nodemailer takes no signal: an abort stops waiting for the answer (whether the server took it stays unknown).
      let reject: (error: Error) => void = () => undefined;
      const aborted = new Promise<never>((_, r) => (reject = r));
      const stop = () => reject(deliveryFailure('transient', 'aborted while the SMTP server was answering'));
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      try {
        await Promise.race([sending, aborted]);
      } catch (error) {
        sending.catch(() => undefined);
        if (error instanceof Error && error.name === 'DeliveryFailure') throw error;
        const code = (error as { responseCode?: unknown }).responseCode;
        // 5xx: the server refuses this message or address for good; anything else (4xx, connection) may pass later.
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        throw deliveryFailure(permanent ? 'permanent' : 'transient', `SMTP: ${error instanceof Error ? error.message : String(error)}`.slice(0, 480));
      } finally {
        // The signal is the dispatcher's, alive as long as it runs: a listener left per email would keep every one.
        signal.removeEventListener('abort', stop);
      }
      return { providerId: messageId };
    },
    close: async () => transport.close(),
  };
}
