// The browser host's restart (the in-app key rotation, electron/api/rotateKey.ts) with real workstations: until the
// next workstation is open, every API and image request is answered 503 `restarting` (static files are still served)
// and the page's event stream ends; afterwards the same address and token reach the next workstation. (That the
// request asking for it is answered first is shown end to end: tests/e2e/device-rekey.e2e.ts.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../shared/errors';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { startHost, type RunningHost } from './server';

const token = 'Zq3-vT8_pL0wXe4sNb7yKc1uHd6jRf2m';

describe('browser host restart', () => {
  let dir: string;
  let host: RunningHost;
  let current: Workstation;
  const open = (name: string) => openWorkstation({ dataDir: join(dir, name), host: 'browser', version: '0.0.0-test', keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 3)) });
  const call = async (channel: string, body: unknown = {}) => {
    const res = await fetch(`${host.url}api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), outcome: (await res.json()) as Outcome<{ deviceId: string }> };
  };

  beforeAll(async () => {
    dir = tempFolder('verity-restart-');
    writeFileSync(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    writeFileSync(join(dir, 'client.js'), 'window.x=1');
    current = await open('first');
    host = await startHost({ workstation: current, rendererDir: dir, clientScript: join(dir, 'client.js'), token });
  });
  afterAll(async () => {
    await host?.close();
    await current?.close();
  });

  it('answers 503 restarting while the next workstation opens, ends the event stream, then answers from the next one', async () => {
    const first = await call('app.info');
    expect(first.status).toBe(200);
    const events = await fetch(`${host.url}api/events`, { headers: { authorization: `Bearer ${token}` } });
    const stream = events.body!.getReader();
    await stream.read(); // ': connected'

    let letOpen!: () => void;
    const gate = new Promise<void>((r) => (letOpen = r));
    let closedOld = false;
    const restarted = host.restartWith(async (old) => {
      await old.close();
      closedOld = true;
      await gate;
      current = await open('second');
      return current;
    });
    // The event stream of the old workstation ends (the page connects again).
    for (;;) if ((await stream.read()).done) break;
    await expect.poll(() => closedOld, { timeout: 30_000 }).toBe(true);
    const during = await call('app.info');
    expect([during.status, during.retryAfter, during.outcome]).toEqual([503, '2', { ok: false, error: { code: 'restarting', message: expect.stringContaining('try again') } }]);
    expect((await fetch(`${host.url}images/${'a'.repeat(64)}/preview`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(503);
    expect((await fetch(host.url)).status).toBe(200);

    letOpen();
    await restarted;
    const after = await call('app.info');
    expect(after.status).toBe(200);
    expect(after.outcome.ok && first.outcome.ok && after.outcome.value.deviceId !== first.outcome.value.deviceId).toBe(true);
  }, 60_000);
});
