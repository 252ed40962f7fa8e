// The handler registry: one function per channel of the contract. Both transports (ipcMain in
// electron/main, HTTP in electron/host) call `dispatch`, so validation and error mapping live once.
import { channels, isChannelName, type ChannelName, type ParsedRequestOf, type ResponseOf } from '../../shared/api';
import { DomainError, describeIssues, type Outcome } from '../../shared/errors';
import type { Person } from '../../shared/domain';
import { log } from '../common/log';

export interface CallContext {
  /** The signed-in person, or null before sign-in. */
  person: Person | null;
  deviceId: string;
  transport: 'ipc' | 'http';
}

export type Handler<C extends ChannelName> = (request: ParsedRequestOf<C>, ctx: CallContext) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type Handlers = { [C in ChannelName]: Handler<C> };

/** Validates the payload with the channel's schema, runs its handler, and answers with the envelope; never throws. */
export async function dispatch(handlers: Handlers, channel: string, payload: unknown, ctx: CallContext): Promise<Outcome<unknown>> {
  if (!isChannelName(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `There is no channel named "${channel.slice(0, 64)}".` } };
  }
  const def = channels[channel];
  const parsed = def.request.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid_request', message: `The request to ${channel} is not valid: ${describeIssues(parsed.error)}` } };
  }
  // A supervisor's channel refuses anyone else before its handler runs (a reviewer's UI never offers it, but a
  // request can be made by hand).
  if ('role' in def && def.role === 'supervisor' && ctx.person?.role !== 'supervisor') {
    return { ok: false, error: { code: ctx.person ? 'forbidden' : 'unauthorized', message: ctx.person ? `Only supervisors may use ${channel}.` : 'Sign in to use the workstation.' } };
  }
  // A reviewer's channel: reviewers and supervisors (who may call everything a reviewer may), nobody signed out.
  if ('role' in def && def.role === 'reviewer' && ctx.person?.role !== 'reviewer' && ctx.person?.role !== 'supervisor') {
    return { ok: false, error: { code: ctx.person ? 'forbidden' : 'unauthorized', message: ctx.person ? `Only reviewers and supervisors may use ${channel}.` : 'Sign in to use the workstation.' } };
  }
  try {
    const handler = handlers[channel] as (request: unknown, ctx: CallContext) => unknown;
    const value = await handler(parsed.data, ctx);
    // The response is checked too, so a handler bug is caught here rather than in the renderer.
    const checked = def.response.safeParse(value);
    if (!checked.success) {
      log.error('handler answered outside its schema', { channel, issues: describeIssues(checked.error) });
      return { ok: false, error: { code: 'internal', message: 'The workstation produced an invalid answer. Please try again; if it persists, report it.' } };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message } };
    log.error('handler failed', { channel, error: err instanceof Error ? err.stack : String(err) });
    return { ok: false, error: { code: 'internal', message: 'Something went wrong in the workstation. Please try again; if it persists, report it.' } };
  }
}
