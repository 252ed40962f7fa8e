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
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`)
    .join('; ');
}
