// The one text schema every boundary uses for free text and identifiers: what PostgreSQL's `text` and a person's
// screen can hold. PostgreSQL refuses NUL (a decision carrying one stopped every later push with a 500); control
// characters and unpaired UTF-16 surrogates cannot be shown; an unbounded string is a denial of service.
import { z } from 'zod';

/** C0 controls (U+0000–U+001F), DEL and the C1 controls (U+007F–U+009F): nothing a person can read; NUL breaks PostgreSQL. */
const isControl = (unit: number): boolean => unit < 0x20 || (unit >= 0x7f && unit <= 0x9f);

function hasControl(s: string, multiline: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (isControl(unit) && !(multiline && (unit === 0x09 || unit === 0x0a))) return true;
  }
  return false;
}

/** In `u` mode a well-formed surrogate pair is one code point, so only an unpaired surrogate matches. */
const unpairedSurrogate = /\p{Cs}/u;

function bounded(max: number, multiline: boolean): z.ZodString {
  return z
    .string()
    .max(max)
    .refine(
      (s) => !hasControl(s, multiline),
      multiline
        ? 'contains a control character other than tab or line feed, which cannot be stored or shown'
        : 'contains a control character or line break, which cannot be stored or shown',
    )
    .refine((s) => !unpairedSurrogate.test(s), 'contains broken text (an unpaired UTF-16 surrogate)');
}

/** One line of text (a name, an id, a code): no control characters at all, at most `max` UTF-16 units. */
export function lineText(max: number): z.ZodString {
  return bounded(max, false);
}

/** Multi-line text (a note, a message): tab and line feed allowed, no other control character. */
export function multilineText(max: number): z.ZodString {
  return bounded(max, true);
}

/** Whether `value` would pass lineText: for text that reaches a boundary outside a schema (a URL path, a header). */
export function isLineText(value: string, max: number): boolean {
  return value.length <= max && !hasControl(value, false) && !unpairedSurrogate.test(value);
}

/**
 * Makes text read from a file (an EXIF tag, XMP) fit lineText(max): control characters dropped, unpaired surrogates
 * replaced with U+FFFD, trimmed, and cut at a code point, never inside a surrogate pair.
 */
export function toLineText(value: string, max: number): string {
  let kept = '';
  for (const ch of value.replace(/\p{Cs}/gu, '\uFFFD')) if (!isControl(ch.charCodeAt(0))) kept += ch;
  let out = '';
  for (const ch of kept.trim()) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
