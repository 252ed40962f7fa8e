// The composition root of the node side: opens the data folder's services and builds the handler
// registry that both transports bind. Electron's main process and the browser host both call this.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Person } from '../../shared/domain';
import type { KeyProvider } from '../store/keys';
import { loadDeviceId } from './device';
import { EventHub } from './events';
import type { CallContext, Handlers } from './registry';
import { SettingsFile } from './settings';

export interface WorkstationOptions {
  dataDir: string;
  host: 'electron' | 'browser';
  version: string;
  keyProvider: KeyProvider;
  /** The person working at this workstation until central sign-in exists: the local reviewer profile. */
  person: Person;
  /** In Electron: the better-sqlite3 binding built for Electron's ABI (see electron/main/natives.ts). */
  sqliteNativeBinding?: string;
}

export interface Workstation {
  readonly handlers: Handlers;
  readonly events: EventHub;
  readonly deviceId: string;
  context(transport: CallContext['transport']): CallContext;
  close(): Promise<void>;
}

export async function openWorkstation(options: WorkstationOptions): Promise<Workstation> {
  mkdirSync(options.dataDir, { recursive: true });
  const deviceId = loadDeviceId(join(options.dataDir, 'device-id'));
  const settings = new SettingsFile(join(options.dataDir, 'settings.json'));
  const events = new EventHub();

  const handlers: Handlers = {
    'app.info': () => ({ name: 'Verity', version: options.version, host: options.host, platform: process.platform, deviceId }),
    'session.current': () => ({ person: options.person }),
    'settings.get': () => settings.read(),
    'settings.update': (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', next);
      return next;
    },
    // No central API can be configured yet (the sync engine is not built), so there is nothing pending.
    'sync.status': () => ({ state: 'not_configured', pendingDecisions: 0, lastSyncAt: null, centralUrl: null }),
  };

  return {
    handlers,
    events,
    deviceId,
    context: (transport) => ({ person: options.person, deviceId, transport }),
    close: async () => {},
  };
}
