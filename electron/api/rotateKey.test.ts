// The in-app key rotation's request (issue 25 item 2): a signed-in person with a rotatable key file and a host that can
// restart gets a new key saved beside the old one and the restart; otherwise a refusal that says what to do, and the
// key files stay as they were.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExplicitKeyProvider, HexKeyFile } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { tempStore, type TempStore } from '../../tests/support/store';
import { keyRotationRequestKey } from '../store/sqlite/keyRotation';
import { dispatch, type CallContext, type Handlers } from './registry';
import { createRotateKeyHandlers } from './rotateKey';

const signedIn: CallContext = { person: { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' }, deviceId: 'device-test', transport: 'http' };

function keyFile(): { path: string; keys: HexKeyFile } {
  const path = join(tempFolder('verity-rotate-'), 'host-dev.key');
  writeFileSync(path, 'ab'.repeat(32) + '\n');
  return { path, keys: new HexKeyFile(path) };
}

const call = (handlers: Pick<Handlers, 'device.rotateDataKey'>, ctx: CallContext = signedIn) => dispatch(handlers as Handlers, 'device.rotateDataKey', {}, ctx);

// The case store keeps who asked, for the rotation's audit entry (electron/api/rekey.test.ts follows it through).
let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(() => t.cleanup());

describe('device.rotateDataKey', () => {
  it('saves a new random key beside the old one, then asks for the restart', async () => {
    const { path, keys } = keyFile();
    let restarts = 0;
    expect(await call(createRotateKeyHandlers(keys, () => restarts++, t.store))).toEqual({ ok: true, value: { restarting: true } });
    expect(restarts).toBe(1);
    expect(readFileSync(path, 'utf8').trim()).toBe('ab'.repeat(32));
    const next = keys.nextKey();
    expect(next?.length).toBe(32);
    expect(next!.equals(keys.masterKey())).toBe(false);
    // Asked again before any restart: the pending key stays (data may already be under it).
    await call(createRotateKeyHandlers(keys, () => restarts++, t.store));
    expect(keys.nextKey()!.equals(next!)).toBe(true);
    expect(t.store.getSyncState(keyRotationRequestKey)).toBe(JSON.stringify({ id: 'reviewer1', displayName: 'Reviewer One' }));
  });

  it('refuses, naming what to do, without a key file, without a way to restart, or signed out; nothing is saved', async () => {
    const { path, keys } = keyFile();
    const explicit = await call(createRotateKeyHandlers(new ExplicitKeyProvider(Buffer.alloc(32, 1)), () => undefined, t.store));
    expect(explicit).toMatchObject({ ok: false, error: { code: 'rekey_unavailable', message: expect.stringContaining('--key-file') } });
    const noRestart = await call(createRotateKeyHandlers(keys, undefined, t.store));
    expect(noRestart).toMatchObject({ ok: false, error: { code: 'rekey_unavailable', message: expect.stringContaining('--rekey') } });
    const anonymous = await call(createRotateKeyHandlers(keys, () => undefined, t.store), { ...signedIn, person: null });
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(existsSync(`${path}.next`)).toBe(false);
    expect(t.store.getSyncState(keyRotationRequestKey)).toBeNull();
  });
});
