// SMS: the length limits of the message's encoding and the provider call. A text that uses only the GSM 03.38 alphabet
// goes as GSM-7 (160 septets alone, 153 per part of a concatenated message, an extension-table character costs two
// septets and is never split); anything else, Chinese included, as UCS-2 (70 UTF-16 units alone, 67 per part, a
// surrogate pair is never split).
import type { Channel, Delivery, Sent } from './channel';
import { deliveryFailure } from './channel';

const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsmExtension = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'gsm7' | 'ucs2';
export const smsLimits = { gsm7: { single: 160, part: 153 }, ucs2: { single: 70, part: 67 } } as const;

/** What one character costs: septets in GSM-7, UTF-16 units in UCS-2. */
const costOf = (encoding: SmsEncoding, char: string): number => (encoding === 'gsm7' ? (gsmExtension.has(char) ? 2 : 1) : char.length);

export function smsEncoding(text: string): SmsEncoding {
  for (const char of text) if (!gsmBasic.has(char) && !gsmExtension.has(char)) return 'ucs2';
  return 'gsm7';
}

export const smsLength = (text: string, encoding: SmsEncoding = smsEncoding(text)): number => [...text].reduce((n, c) => n + costOf(encoding, c), 0);

/** The parts the text is sent in: one when it fits a single message, else as few parts as fill each to its limit. */
export function splitSms(text: string): { encoding: SmsEncoding; parts: string[] } {
  const encoding = smsEncoding(text);
  const limits = smsLimits[encoding];
  if (smsLength(text, encoding) <= limits.single) return { encoding, parts: [text] };
  const parts: string[] = [];
  let part = '';
  let used = 0;
  for (const char of text) {
    const cost = costOf(encoding, char);
    if (used + cost > limits.part) {
      parts.push(part);
      part = '';
      used = 0;
    }
    part += char;
    used += cost;
  }
  if (part !== '') parts.push(part);
  return { encoding, parts };
}

export interface SmsProviderConfig {
  /** The provider's endpoint: POST JSON { to, text, encoding, parts } with an Idempotency-Key header; 2xx JSON { id }. */
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string | undefined;
  timeoutMs: number;
}

export function smsChannel(config: SmsProviderConfig): Channel {
  return {
    async send(delivery: Delivery, signal: AbortSignal): Promise<Sent> {
      const { encoding, parts } = splitSms(delivery.body);
      let response: Response;
      try {
        response = await fetch(config.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': delivery.idempotencyKey,
            ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
          },
          body: JSON.stringify({ to: delivery.recipient, text: delivery.body, encoding, parts }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
        });
      } catch (error) {
        throw deliveryFailure('transient', `the SMS provider could not be reached: ${error instanceof Error ? error.message : String(error)}`);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) {
        // 408, 425, 429 and 5xx may pass; any other refusal will be refused again.
        const transient = response.status >= 500 || [408, 425, 429].includes(response.status);
        throw deliveryFailure(transient ? 'transient' : 'permanent', `the SMS provider answered ${response.status}: ${text.slice(0, 200)}`);
      }
      let id: unknown = null;
      try {
        id = (JSON.parse(text) as { id?: unknown }).id;
      } catch {
        // An answer without a JSON id still accepted the message; the key names it.
      }
      return { providerId: typeof id === 'string' && id !== '' ? id.slice(0, 200) : delivery.idempotencyKey };
    },
    close: async () => undefined,
  };
}
