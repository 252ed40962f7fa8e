// The email channel against a real SMTP server (smtp-server, in-process): a send leaves nothing behind on the
// dispatcher's long-lived abort signal.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpReceiver, type SmtpReceiver } from '../../tests/support/notificationReceivers';
import type { Channel } from './channel';
import { emailChannel } from './email';

let receiver: SmtpReceiver | null = null;
let channel: Channel | null = null;
afterEach(async () => {
  await channel?.close();
  await receiver?.close();
  channel = null;
  receiver = null;
});

const delivery = (n: number) => ({ idempotencyKey: `verity-listener-${n}`, recipient: `applicant-${n}@example.com`, language: 'en' as const, subject: `Result ${n}`, body: `Message ${n}.` });

describe('the email channel', () => {
  it('removes its abort listener when a send ends: the dispatcher’s signal lives as long as the dispatcher', async () => {
    const smtp = (receiver = await startSmtpReceiver());
    channel = emailChannel({ url: smtp.url, from: 'Verity <no-reply@verity.example>', timeoutMs: 10_000 });
    const signal = new AbortController().signal;
    for (let n = 0; n < 3; n++) await channel.send(delivery(n), signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
