// Test support: the far ends of applicant notifications, real and in-process. An SMTP server (smtp-server) that keeps
// each message it received, parsed into headers and body; an SMS provider on node:http that, like a real one, answers a
// repeated Idempotency-Key with the message it already accepted instead of sending it again.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: string;
  headers: Map<string, string>;
  subject: string;
  body: string;
  messageId: string;
  to: string[];
}

/** RFC 2047 encoded words (B and Q), as nodemailer writes a non-ASCII subject. */
function decodeWords(value: string): string {
  return value.replace(/\s*=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  ).trim();
}

export function parseMail(raw: string): Omit<ReceivedMail, 'to'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const content = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const body = encoding === 'base64' ? Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8') : content;
  return { raw, headers, subject: decodeWords(headers.get('subject') ?? ''), body: body.replace(/\r\n/g, '\n'), messageId: headers.get('message-id') ?? '' };
}

export interface SmtpReceiver {
  url: string;
  mails: ReceivedMail[];
  /** Runs when a message has arrived in full, before the server answers 250 (a test stops the dispatcher here). */
  beforeAnswer: ((mail: ReceivedMail) => void | Promise<void>) | null;
  /** One message per Message-ID, as a mail system that drops repeats delivers them. */
  delivered(): ReceivedMail[];
  /**
   * Connections that broke mid-message (a sender killed while sending): kept, not thrown. smtp-server emits them as
   * the server's 'error', which without a listener ends the process (bench/central's receivers died so).
   */
  connectionErrors: Error[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const receiver: SmtpReceiver = {
    url: '',
    mails: [],
    beforeAnswer: null,
    delivered: () => [...new Map(receiver.mails.map((m) => [m.messageId, m])).values()],
    connectionErrors: [],
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = { ...parseMail(Buffer.concat(chunks).toString('utf8')), to: session.envelope.rcptTo.map((r) => r.address) };
        receiver.mails.push(mail);
        void Promise.resolve(receiver.beforeAnswer?.(mail)).then(() => callback());
      });
    },
  });
  smtp.on('error', (error: Error) => {
    // smtp-connection gives its errors the peer's address; anything else is the server's own and ends the process.
    if (!('remoteAddress' in error)) throw error;
    receiver.connectionErrors.push(error);
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const { port } = (smtp as unknown as { server: { address(): AddressInfo } }).server.address();
  receiver.url = `smtp://127.0.0.1:${port}`;
  return receiver;
}

export interface SmsRequest {
  key: string;
  authorization: string | undefined;
  body: { to: string; text: string; encoding: string; parts: string[] };
}

export interface SmsReceiver {
  url: string;
  requests: SmsRequest[];
  /** Messages sent to phones: one per idempotency key. */
  sent: Map<string, { id: string; request: SmsRequest }>;
  /** Decides the answer: 'ok', an HTTP status to fail with, or 'drop' (the request arrived; no answer ever comes). */
  answer: (request: SmsRequest) => 'ok' | number | 'drop' | Promise<'ok' | number | 'drop'>;
  close(): Promise<void>;
}

export async function startSmsReceiver(): Promise<SmsReceiver> {
  let next = 0;
  const receiver: SmsReceiver = {
    url: '',
    requests: [],
    sent: new Map(),
    answer: () => 'ok',
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: SmsRequest = {
        key: String(req.headers['idempotency-key'] ?? ''),
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SmsRequest['body'],
      };
      receiver.requests.push(request);
      void Promise.resolve(receiver.answer(request)).then((answer) => {
        if (answer === 'drop') return;
        if (answer !== 'ok') {
          res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `failing with ${answer}` }));
          return;
        }
        // A repeated key is the message already accepted: same id, nothing sent again.
        const known = receiver.sent.get(request.key);
        const id = known?.id ?? `sms-${(next += 1)}`;
        if (!known) receiver.sent.set(request.key, { id, request });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/messages`;
  return receiver;
}
