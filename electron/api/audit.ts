// The audit channels: the devices' integrity from the copy the last sync brought (so it shows offline, with its time),
// an application's trail across devices, and where its applicant notifications stand, both asked of the central
// service now. dispatch has already refused anyone but a supervisor for the first two; the notifications are a
// reviewer's too, and the central service answers them only for an application the caller holds or decided.
import { ApplicationNotificationsResponse } from '../../shared/contract/notifications';
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import { cachedAuditDevices } from '../sync/audit';
import { SyncError } from '../sync/errors';
import type { CentralLink } from './central';
import type { Handler } from './registry';

export interface AuditHandlers {
  'audit.devices': Handler<'audit.devices'>;
  'audit.trail': Handler<'audit.trail'>;
  'audit.notifications': Handler<'audit.notifications'>;
}

/** Asks the central service now, answering the codes the renderer tells apart: not configured, unreachable, refused. */
async function askCentral<C, T>(central: C | null, what: string, ask: (central: C) => Promise<T>): Promise<T> {
  if (!central) throw new DomainError('sync_not_configured', `No central service is configured, so ${what} is not known on this workstation.`);
  try {
    return await ask(central);
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    if (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'aborted') {
      throw new DomainError('central_unreachable', `The central service cannot be reached now: ${what} shows once it can.`);
    }
    throw new DomainError('central_refused', `The central service did not give ${what}: ${error.message}`);
  }
}

export function createAuditHandlers(store: CaseStore, central: Pick<CentralLink, 'auditTrail' | 'getJson'> | null): AuditHandlers {
  return {
    'audit.devices': () => cachedAuditDevices(store),
    'audit.trail': (query) => askCentral(central, 'the trail across devices', (c) => c.auditTrail(query)),
    'audit.notifications': ({ applicationId }) =>
      askCentral(central, 'where the applicant notifications stand', (c) =>
        c.getJson(`/v1/applications/${encodeURIComponent(applicationId)}/notifications`, ApplicationNotificationsResponse),
      ),
  };
}
