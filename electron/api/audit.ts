// The supervisor's audit channels: the devices' integrity from the copy the last sync brought (so it shows offline,
// with its time), and an application's trail across devices asked of the central service now. dispatch has already
// refused anyone but a supervisor.
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import { cachedAuditDevices } from '../sync/audit';
import { SyncError } from '../sync/errors';
import type { CentralLink } from './central';
import type { Handler } from './registry';

export interface AuditHandlers {
  'audit.devices': Handler<'audit.devices'>;
  'audit.trail': Handler<'audit.trail'>;
}

export function createAuditHandlers(store: CaseStore, central: Pick<CentralLink, 'auditTrail'> | null): AuditHandlers {
  return {
    'audit.devices': () => cachedAuditDevices(store),
    'audit.trail': async (query) => {
      if (!central) throw new DomainError('sync_not_configured', 'No central service is configured, so only this workstation’s own audit trail is known.');
      try {
        return await central.auditTrail(query);
      } catch (error) {
        if (!(error instanceof SyncError)) throw error;
        if (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'aborted') {
          throw new DomainError('central_unreachable', 'The central service cannot be reached now: the trail across devices shows once it can.');
        }
        throw new DomainError('central_refused', `The central service did not give the trail: ${error.message}`);
      }
    },
  };
}
