// The renderer's only way to the workstation: window.workstation, provided by the preload (Electron)
// or by the browser host's client script.
import type { WorkstationApi } from '../../shared/api';
import type { Outcome } from '../../shared/errors';

declare global {
  interface Window {
    readonly workstation: WorkstationApi;
  }
}

export const workstation = (): WorkstationApi => window.workstation;

export class WorkstationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Unwraps an answer, throwing a WorkstationError that carries the code for translation. */
export async function unwrap<T>(answer: Promise<Outcome<T>>): Promise<T> {
  const outcome = await answer;
  if (!outcome.ok) throw new WorkstationError(outcome.error.code, outcome.error.message);
  return outcome.value;
}
