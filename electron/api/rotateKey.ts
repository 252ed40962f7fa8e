// "Rotate the data key" from the app (issue 25 item 2). The rotation itself needs the data folder closed
// (electron/api/rekey.ts), so this only saves a new random key beside the old one and asks the host to restart: the
// browser host reopens the workstation in the same process, Electron relaunches; both finish the pending rotation
// (finishInterruptedRekey) before anything opens the folder again. A crash in between changes nothing: the next
// start finishes it the same way.
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../shared/errors';
import type { KeyProvider, KeyStore } from '../common/keys';
import { log } from '../common/log';
import type { CaseStore } from '../store/types';
import { keyRotationRequestKey } from '../store/sqlite/keyRotation';
import type { Handlers } from './registry';

/** Restarts the app once the call asking for it has been answered. */
export type RestartHook = () => void;

const isKeyStore = (keys: KeyProvider): keys is KeyStore => 'saveNextKey' in keys && 'nextKey' in keys;

/** `store` keeps who asked: the rotation's audit entry, written at the restart, names them. */
export function createRotateKeyHandlers(keys: KeyProvider, restart: RestartHook | undefined, store: Pick<CaseStore, 'setSyncState'>): Pick<Handlers, 'device.rotateDataKey'> {
  return {
    'device.rotateDataKey': async (_request, ctx) => {
      if (!ctx.person) throw new DomainError('unauthorized', 'Sign in to rotate the data key of this workstation.');
      if (!isKeyStore(keys)) {
        throw new DomainError('rekey_unavailable', 'This workstation was given its data key from outside (VERITY_DATA_KEY), so Verity cannot replace it. Move the key to a key file (--key-file) and start Verity again to rotate it.');
      }
      if (!restart) {
        throw new DomainError('rekey_unavailable', 'This workstation cannot restart itself, so it cannot rotate its data key while it runs. Close it and start it with --rekey.');
      }
      // A key saved by an earlier request that never restarted is used as it is: the data may already be under it.
      if (!keys.nextKey()) keys.saveNextKey(randomBytes(32));
      await store.setSyncState(keyRotationRequestKey, JSON.stringify({ id: ctx.person.id, displayName: ctx.person.displayName }));
      log.info('data key rotation requested: restarting', { transport: ctx.transport });
      restart();
      return { restarting: true as const };
    },
  };
}
