// Error codes every channel may answer, on top of its own; the renderer translates each code.
import type { z } from 'zod';

export const commonErrorCodes = ['invalid_request', 'unknown_channel', 'unauthorized', 'forbidden', 'internal'] as const;
export type CommonErrorCode = (typeof commonErrorCodes)[number];

/** What a refused call answers: a code (at most 64 characters) and a message a person can act on. */
export interface ErrorBody {
  code: string;
  message: string;
}

/** The one envelope both transports answer with: IPC and the browser host's HTTP. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Thrown by a handler to answer with a code; any other error becomes `internal` and is only logged. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A readable one-line summary of a zod failure, naming the fields, never echoing values. */
export function describeIssues(error: z.ZodError): string {
  // Field names come from the request too (an unknown key, a record's key): each is cut to a readable line and only a
  // few are named, so a body with thousands of odd keys still gets a short message that fits the error schema.
  const name = (key: PropertyKey) => oneLine(String(key), 40) || '?';
  const text = (i: z.core.$ZodIssue) =>
    i.code === 'unrecognized_keys'
      ? `unknown field${i.keys.length === 1 ? '' : 's'} ${i.keys.slice(0, 5).map((k) => `"${name(k)}"`).join(', ')}${i.keys.length > 5 ? ` and ${i.keys.length - 5} more` : ''}`
      : i.message;
  const summary = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(name).join('.') : 'request'}: ${text(i)}`)
    .join('; ');
  return oneLine(summary, 1000);
}

/** Control characters and broken surrogates out, at most `max` units, cut on a code point (text.ts's toLineText without zod, which the renderer's bundle must not pull in through this file). */
function oneLine(value: string, max: number): string {
  let out = '';
  for (const ch of value.replace(/\p{Cs}/gu, '\uFFFD')) {
    const unit = ch.charCodeAt(0);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) continue;
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
