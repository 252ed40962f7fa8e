// The test SMTP receiver (tests/support/notificationReceivers.ts) outlives a sender that dies mid-message: bench/central
// stops its server instances while their dispatchers may be sending, and its receivers process used to die of it
// ("child ended without a line" when the bench asked for the count).
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { emailChannel } from '../../server/notifications/email';
import { startSmtpReceiver, type SmtpReceiver } from '../support/notificationReceivers';

let receiver: SmtpReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

/** Sends one SMTP line and waits for the answer starting with `code`. */
function say(socket: Socket, line: string | null, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let heard = '';
    const onData = (chunk: Buffer) => {
      heard += chunk.toString('utf8');
      if (new RegExp(`^${code}[ ]`, 'm').test(heard)) {
        socket.off('data', onData);
        resolve();
      } else if (/^[45]\d\d /m.test(heard)) {
        socket.off('data', onData);
        reject(new Error(`SMTP answered ${heard.trim()} to ${line}`));
      }
    };
    socket.on('data', onData);
    if (line !== null) socket.write(`${line}\r\n`);
  });
}

describe('the test SMTP receiver', () => {
  it('keeps serving after a sender’s connection is reset in the middle of a message', async () => {
    receiver = await startSmtpReceiver();
    const { hostname, port } = new URL(receiver.url);
    const socket = connect(Number(port), hostname);
    await say(socket, null, '220');
    await say(socket, 'EHLO dying.example', '250');
    await say(socket, 'MAIL FROM:<no-reply@verity.example>', '250');
    await say(socket, 'RCPT TO:<applicant@example.com>', '250');
    await say(socket, 'DATA', '354');
    // Part of the message reaches the receiver, then the sender's socket is reset (a killed process's is not closed).
    await new Promise((resolve) => socket.write('Subject: cut short\r\n\r\nThe sender dies before the end', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.resetAndDestroy();
    const current = receiver;
    for (let i = 0; i < 200 && current.connectionErrors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(current.connectionErrors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ECONNRESET']);

    const channel = emailChannel({ url: current.url, from: 'Verity <no-reply@verity.example>', timeoutMs: 5_000 });
    try {
      await channel.send({ idempotencyKey: 'verity-after-reset', recipient: 'applicant@example.com', language: 'en', subject: 'Still here', body: 'Sent after the reset.' }, new AbortController().signal);
    } finally {
      await channel.close();
    }
    expect(current.mails.map((m) => m.subject)).toEqual(['Still here']);
  });
});
