// Test support: a workstation channel whose every call waits until the test answers it, so a test can release the
// answers of a view's questions in any order (a newer question answered before an older one).
import type { Outcome } from '../../shared/errors';

export interface Pending<Req, Res> {
  request: Req;
  answer(value: Res): Promise<void>;
  fail(code: string, message?: string): Promise<void>;
}

/** Lets the continuations of an answer run (the store's `await` and what follows). */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function deferredChannel<Req, Res>() {
  const calls: Pending<Req, Res>[] = [];
  const fn = (request: Req) =>
    new Promise<Outcome<Res>>((resolve) => {
      calls.push({
        request,
        answer: (value) => (resolve({ ok: true, value }), settle()),
        fail: (code, message = code) => (resolve({ ok: false, error: { code, message } } as Outcome<Res>), settle()),
      });
    });
  return { calls, fn };
}
