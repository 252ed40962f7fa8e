// Error codes every channel may answer, on top of its own; the renderer translates each code.
import { z } from 'zod';

export const commonErrorCodes = ['invalid_request', 'unknown_channel', 'unauthorized', 'forbidden', 'internal'] as const;
export type CommonErrorCode = (typeof commonErrorCodes)[number];

export const ErrorBody = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(2000),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

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
