import type { z } from 'zod';
import type { CommonErrorCode } from '../errors';

/** One request/response channel of the contract: schemas both ends validate with, and the codes it may fail with. */
export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType, Code extends string = string> {
  readonly request: Req;
  readonly response: Res;
  readonly errors: readonly Code[];
  /** Who may call it; supervisors may call everything a reviewer may. */
  readonly role?: 'reviewer' | 'supervisor';
}

export function defineChannel<Req extends z.ZodType, Res extends z.ZodType, const Code extends string = never>(
  def: ChannelDef<Req, Res, Code>,
): ChannelDef<Req, Res, Code> {
  return def;
}

/** One main→renderer event: a name and the schema of its payload. */
export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
}

export function defineEvent<P extends z.ZodType>(payload: P): EventDef<P> {
  return { payload };
}

export type ErrorCodeOf<D> = D extends ChannelDef<z.ZodType, z.ZodType, infer C> ? C | CommonErrorCode : never;
