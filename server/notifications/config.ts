// Which channels this central service delivers and how hard the dispatcher tries: from StartOptions, or for
// `server/main.ts` and the workstation's built-in service from the environment (VERITY_SMTP_URL, VERITY_MAIL_FROM,
// VERITY_SMS_URL, VERITY_SMS_TOKEN). Without them only the message centre is used.
import { z } from 'zod';
import type { NotificationChannel } from '../../shared/contract/notifications';
import { lineText } from '../../shared/text';
import type { Channel } from './channel';
import { emailChannel } from './email';
import { smsChannel } from './sms';

const urlWith = (protocols: readonly string[], what: string) =>
  lineText(2000).refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), `${what}: a URL starting ${protocols.map((p) => `${p}//`).join(' or ')}`);

export const NotificationConfig = z
  .object({
    email: z.object({ url: urlWith(['smtp:', 'smtps:'], 'email.url'), from: lineText(300).min(3) }).strict().optional(),
    sms: z.object({ url: urlWith(['http:', 'https:'], 'sms.url'), token: lineText(500).optional() }).strict().optional(),
    /** How often an idle dispatcher looks for due notifications. */
    pollMs: z.number().int().min(10).max(600_000).default(2_000),
    /** One provider call's time limit; a claim lasts twice this, after which another dispatcher may resend. */
    sendTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** Retries: delay = min(capDelayMs, baseDelayMs × 2^(attempt − 1)), jittered to between half and all of it. */
    baseDelayMs: z.number().int().min(1).max(3_600_000).default(30_000),
    capDelayMs: z.number().int().min(1).max(86_400_000).default(3_600_000),
    /** Attempts before a notification is `failed` for good. */
    maxAttempts: z.number().int().min(1).max(100).default(10),
    batchSize: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type NotificationConfig = z.output<typeof NotificationConfig>;
export type NotificationOptions = z.input<typeof NotificationConfig>;

/** The configuration the environment gives; a malformed value is an error naming the variable, not a silent default. */
export function notificationOptionsFromEnv(env: Record<string, string | undefined>): NotificationOptions {
  const options: NotificationOptions = {};
  if (env.VERITY_SMTP_URL) {
    if (!env.VERITY_MAIL_FROM) throw new Error('VERITY_SMTP_URL is set: set VERITY_MAIL_FROM too (the From address, e.g. "Verity <no-reply@example.com>")');
    options.email = { url: env.VERITY_SMTP_URL, from: env.VERITY_MAIL_FROM };
  }
  if (env.VERITY_SMS_URL) options.sms = { url: env.VERITY_SMS_URL, ...(env.VERITY_SMS_TOKEN ? { token: env.VERITY_SMS_TOKEN } : {}) };
  return options;
}

export function parseNotificationConfig(options: NotificationOptions = {}): NotificationConfig {
  const parsed = NotificationConfig.safeParse(options);
  if (!parsed.success) throw new Error(`notifications: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The channels written for each decision: the message centre, and those configured. */
export const channelsOf = (config: NotificationConfig): NotificationChannel[] => [
  'message_centre',
  ...(config.email ? (['email'] as const) : []),
  ...(config.sms ? (['sms'] as const) : []),
];

/** The senders of the configured channels. */
export function sendersOf(config: NotificationConfig): Partial<Record<NotificationChannel, Channel>> {
  return {
    ...(config.email ? { email: emailChannel({ ...config.email, timeoutMs: config.sendTimeoutMs }) } : {}),
    ...(config.sms ? { sms: smsChannel({ ...config.sms, timeoutMs: config.sendTimeoutMs }) } : {}),
  };
}
