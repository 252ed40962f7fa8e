// Handlers of the case channels (shared/contract/cases.ts): the queue, one case, deciding, the audit check.
// They only check who is calling and hand over to the store; validation happened in dispatch.
import type { EventPayload } from '../../shared/api';
import type { Person } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import { isOpen } from '../../shared/lifecycle';
import type { CaseStore } from '../store/types';
import type { CallContext, Handler } from './registry';

export interface CaseHandlerOptions {
  /** Whether the workstation reaches the central service now; recorded with every audit entry and decision. */
  isOnline: () => boolean;
  /** After a decision: the composition root emits 'queue.changed' (EventHub) so every window refetches. */
  onQueueChanged?: (payload: EventPayload<'queue.changed'>) => void;
}

export interface CaseHandlers {
  'queue.list': Handler<'queue.list'>;
  'queue.counts': Handler<'queue.counts'>;
  'case.get': Handler<'case.get'>;
  'case.decide': Handler<'case.decide'>;
  'audit.verify': Handler<'audit.verify'>;
}

function signedIn(ctx: CallContext): Person {
  if (!ctx.person) throw new DomainError('unauthorized', 'Sign in to see and decide cases.');
  return ctx.person;
}

/**
 * Whose open cases a person's queue shows: a reviewer's own (a case reassigned to someone else leaves it); a
 * supervisor, who holds no cases, sees every open case on the workstation.
 */
function queueOwner(person: Person): string | undefined {
  return person.role === 'reviewer' ? person.id : undefined;
}

export function createCaseHandlers(store: CaseStore, options: CaseHandlerOptions): CaseHandlers {
  const online = options.isOnline;
  return {
    'queue.list': (request, ctx) => {
      const owner = queueOwner(signedIn(ctx));
      const open = request.status === 'open' || (request.status !== 'all' && isOpen(request.status));
      return store.listQueue(open && owner !== undefined ? { ...request, assignee: owner } : request);
    },
    'queue.counts': (_request, ctx) => store.queueCounts(queueOwner(signedIn(ctx))),
    'case.get': (request, ctx) => {
      const person = signedIn(ctx);
      return request.open ? store.openCase(request.applicationId, { actor: person, deviceId: ctx.deviceId, online: online() }) : store.getCase(request.applicationId);
    },
    'case.decide': async (request, ctx) => {
      const person = signedIn(ctx);
      // DOMAIN.md: a supervisor audits decisions and never records one (the central service would refuse it too).
      if (person.role !== 'reviewer') throw new DomainError('forbidden', 'Only reviewers decide applications; supervisors review decisions once they are synced.');
      const decision = await store.recordDecision(request, person, ctx.deviceId, online());
      options.onQueueChanged?.({ reason: 'decision', applicationIds: [request.applicationId] });
      return decision;
    },
    'audit.verify': (_request, ctx) => {
      signedIn(ctx);
      return store.verifyAudit();
    },
  };
}
