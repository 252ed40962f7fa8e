// The email channel against a real SMTP server (smtp-server, in-process): messages go over a few kept connections,
// and a send leaves nothing behind on the dispatcher's long-lived abort signal.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpReceiver, type SmtpReceiver } from '../../tests/support/notificationReceivers';
import type { Channel } from './channel';
import { emailChannel, smtpConnections } from './email';

let receiver: SmtpReceiver | null = null;
let channel: Channel | null = null;
afterEach(async () => {
  await channel?.close();
  await receiver?.close();
  channel = null;
  receiver = null;
});

const delivery = (n: number) => ({ idempotencyKey: `verity-pool-${n}`, recipient: `applicant-${n}@example.com`, language: 'en' as const, subject: `Result ${n}`, body: `Message ${n}.` });

describe('the email channel', () => {
  it('sends a round of emails over a few kept connections, and the next round over the same ones', async () => {
    const smtp = (receiver = await startSmtpReceiver());
    channel = emailChannel({ url: smtp.url, from: 'Verity <no-reply@verity.example>', timeoutMs: 10_000 });
    const signal = new AbortController().signal;
    // A dispatcher's round: its sends at once.
    await Promise.all(Array.from({ length: 20 }, (_, n) => channel!.send(delivery(n), signal)));
    expect(smtp.mails.map((m) => m.subject).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `Result ${n}`).sort());
    const opened = smtp.connections;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(smtpConnections);
    await Promise.all(Array.from({ length: 5 }, (_, n) => channel!.send(delivery(20 + n), signal)));
    expect(smtp.mails).toHaveLength(25);
    expect(smtp.connections).toBe(opened);
  });

  it('removes its abort listener when a send ends: the dispatcher’s signal lives as long as the dispatcher', async () => {
    const smtp = (receiver = await startSmtpReceiver());
    channel = emailChannel({ url: smtp.url, from: 'Verity <no-reply@verity.example>', timeoutMs: 10_000 });
    const signal = new AbortController().signal;
    for (let n = 0; n < 3; n++) await channel.send(delivery(n), signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
