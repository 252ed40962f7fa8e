// Signing out of the workstation ends its session at the central service too, and "sign out everywhere" ends the
// person's sessions on every device (issue 25 item 6), against a real central server; offline, everywhere refuses and
// leaves the person signed in; standalone there is nothing elsewhere to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from './registry';
import { openWorkstation, type Workstation } from './workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { startCentral, type CentralFixture } from '../../tests/support/sync';
import { TestClient } from '../../tests/support/central';

let central: CentralFixture;
let workstation: Workstation;
const call = (ws: Workstation, channel: string, body: unknown = {}) => dispatch(ws.handlers, channel, body, ws.context('ipc'));

/** reviewer1's tokens the central service still honours. */
async function liveTokens(): Promise<number> {
  const [row] = await central.server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tokens WHERE username = 'reviewer1' AND revoked_at IS NULL AND expires_at > $1`,
    [central.server.clock.now],
  );
  return row?.n ?? -1;
}

beforeAll(async () => {
  central = await startCentral();
  workstation = await openWorkstation({
    dataDir: tempFolder('verity-signout-'),
    host: 'browser',
    version: 't',
    keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 9)),
    central: { url: central.server.url, embedded: false, intervalMs: 3_600_000 },
  });
}, 120_000);

afterAll(async () => {
  await workstation?.close();
  await central?.close();
});

describe('signing out with a central service', () => {
  it('ends this workstation’s session at the central service on a plain sign-out', async () => {
    expect(await call(workstation, 'session.signIn', { username: 'reviewer1', password: 'verity-demo' })).toMatchObject({ ok: true });
    expect(await call(workstation, 'sync.now')).toMatchObject({ ok: true, value: { ok: true } });
    expect(await liveTokens()).toBe(2);
    expect(await call(workstation, 'session.signOut')).toMatchObject({ ok: true, value: { person: null } });
    await expect.poll(liveTokens, { timeout: 10_000 }).toBe(0);
  });

  it('ends every session of the person on every device with everywhere', async () => {
    const laptop = await new TestClient(central.server.url, () => central.server.clock.now).signIn('reviewer1');
    expect((await laptop.get('/v1/changes', { token: laptop.token })).status).toBe(200);
    expect(await call(workstation, 'session.signIn', { username: 'reviewer1', password: 'verity-demo' })).toMatchObject({ ok: true });
    expect(await call(workstation, 'sync.now')).toMatchObject({ ok: true, value: { ok: true } });
    expect(await call(workstation, 'session.signOut', { everywhere: true })).toMatchObject({ ok: true, value: { person: null } });
    expect(await liveTokens()).toBe(0);
    expect((await laptop.get('/v1/changes', { token: laptop.token })).status).toBe(401);
    expect(await call(workstation, 'sync.status')).toMatchObject({ ok: true, value: { state: 'signed_out' } });
  });

  it('refuses everywhere while the central service is down, and the person stays signed in', async () => {
    expect(await call(workstation, 'session.signIn', { username: 'reviewer1', password: 'verity-demo' })).toMatchObject({ ok: true });
    expect(await call(workstation, 'sync.now')).toMatchObject({ ok: true, value: { ok: true } });
    await central.close();
    const answer = await call(workstation, 'session.signOut', { everywhere: true });
    expect(answer).toMatchObject({ ok: false, error: { code: 'sign_out_everywhere_failed', message: expect.stringContaining('still signed in') } });
    expect(await call(workstation, 'session.current')).toMatchObject({ ok: true, value: { person: { id: 'reviewer1' } } });
  }, 60_000);
});

describe('signing out of a standalone workstation', () => {
  it('has no sessions elsewhere to end', async () => {
    const standalone = await openWorkstation({
      dataDir: tempFolder('verity-signout-alone-'),
      host: 'browser',
      version: 't',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 8)),
      demo: { count: 0 },
      signIn: { username: 'reviewer1', password: 'verity-demo' },
    });
    try {
      expect(await call(standalone, 'session.signOut', { everywhere: true })).toMatchObject({ ok: false, error: { code: 'sign_out_everywhere_unavailable' } });
      expect(await call(standalone, 'session.current')).toMatchObject({ ok: true, value: { person: { id: 'reviewer1' } } });
    } finally {
      await standalone.close();
    }
  });
});
