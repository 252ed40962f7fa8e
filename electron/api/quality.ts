// The supervisor's actions and quality review: an action is recorded here (id, time, author, online or not) and
// queued; sync sends it and stores the answer. The QA queue and the policy are read from the workstation's copy.
// dispatch has already refused anyone but a supervisor.
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import type { Handler } from './registry';

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

export function createQualityHandlers(store: CaseStore, options: QualityOptions): QualityHandlers {
  return {
    'supervision.act': async (request, ctx) => {
      if (!ctx.person) throw new DomainError('unauthorized', 'Sign in to act as a supervisor.');
      const action = await store.recordSupervision(request, ctx.person, ctx.deviceId, options.isOnline());
      options.onActed();
      return action;
    },
    'supervision.outbox': () => ({ items: store.supervisionOutbox() }),
    'supervision.dismiss': ({ id }) => store.dismissSupervision(id),
    'supervision.verdicts': ({ decisionIds }) => ({ items: [...store.supervisionVerdicts(decisionIds)].map(([decisionId, action]) => ({ decisionId, action })) }),
    'quality.queue': (request) => store.qualityQueue(request),
    'quality.policy': () => store.qualityPolicy(),
  };
}
