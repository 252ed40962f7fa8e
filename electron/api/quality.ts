// The supervisor's actions and quality review: an action is recorded here (id, time, author, online or not) and
// queued; sync sends it and stores the answer. The QA queue and the policy are read from the workstation's copy.
// dispatch has already refused anyone but a supervisor, or on the channels of the four-eyes second review (S4) anyone
// but a reviewer or supervisor: a reviewer sees and acts on the second-review stage only, and only their own actions.
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import type { CallContext, Handler } from './registry';

export interface QualityHandlers {
  'supervision.act': Handler<'supervision.act'>;
  'supervision.outbox': Handler<'supervision.outbox'>;
  'supervision.dismiss': Handler<'supervision.dismiss'>;
  'supervision.verdicts': Handler<'supervision.verdicts'>;
  'quality.queue': Handler<'quality.queue'>;
  'quality.policy': Handler<'quality.policy'>;
}

export interface QualityOptions {
  /** Whether sync reaches the central service now (the action says whether it was made offline). */
  isOnline(): boolean;
  /** An action was queued: sync soon. */
  onActed(): void;
}

/** A reviewer lists and dismisses their own actions only; a supervisor, every action made on this workstation. */
const ownOnly = (ctx: CallContext): string | undefined => (ctx.person?.role === 'supervisor' ? undefined : ctx.person?.id);

export function createQualityHandlers(store: CaseStore, options: QualityOptions): QualityHandlers {
  return {
    'supervision.act': async (request, ctx) => {
      if (!ctx.person) throw new DomainError('unauthorized', 'Sign in to act as a supervisor.');
      const action = await store.recordSupervision(request, ctx.person, ctx.deviceId, options.isOnline());
      options.onActed();
      return action;
    },
    'supervision.outbox': (_request, ctx) => ({ items: store.supervisionOutbox(ownOnly(ctx)) }),
    'supervision.dismiss': ({ id }, ctx) => store.dismissSupervision(id, ownOnly(ctx)),
    'supervision.verdicts': ({ decisionIds }) => ({ items: [...store.supervisionVerdicts(decisionIds)].map(([decisionId, action]) => ({ decisionId, action })) }),
    'quality.queue': (request, ctx) => {
      if (ctx.person?.role !== 'supervisor' && request.stage !== 'second_review') {
        throw new DomainError('forbidden', 'Only supervisors see the QA queue; reviewers see the second reviews.');
      }
      return store.qualityQueue(request, ctx.person?.id);
    },
    'quality.policy': () => store.qualityPolicy(),
  };
}
