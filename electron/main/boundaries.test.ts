// Every contract channel fuzzed from its zod schema over both transports (issue 25 item 5): IPC through the real
// handler bindIpc registers (the `electron` module is only a type here; the fake event's frame is the app's own page,
// so the sender check passes), and the browser host's HTTP. Wrong types, missing and extra fields, huge and deeply
// nested values, control characters, lone surrogates, path traversal, SQL metacharacters, prototype-pollution keys:
// each answers invalid_request with a message, the workstation stays up, and nothing is written (audit trail, queue,
// outbox, supervision counts, settings and profiles unchanged). Fixed seed, bounded runs.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, channelNames, type ChannelName } from '../../shared/api';
import type { Outcome } from '../../shared/errors';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { startHost, type RunningHost } from '../host/server';
import { tempFolder } from '../../tests/support/tempFolder';
import { hostileRequests, prototypeNames, skeletonOf } from '../../tests/support/hostile';
import { bindIpc } from './ipc';

const seed = 20261205;
const appFrame = { url: 'app://verity/index.html', parent: null };

/** Where the schema's skeleton is not a valid request, a valid one by hand. */
const validRequests: Partial<Record<ChannelName, unknown>> = {
  'images.import': { applicationId: 'APP-1', role: 'front', bytes: new Uint8Array([0xff, 0xd8, 0xff]) },
};

let dir: string;
let workstation: Workstation;
let host: RunningHost;
const ipc = new Map<string, (event: unknown, payload: unknown) => Promise<Outcome<unknown>>>();

/** What a refused request could have changed, read back from the workstation and its data folder. */
function footprint() {
  const { store } = workstation;
  const data = join(dir, 'data');
  return {
    audit: store.auditAfter(0, 1_000_000).length,
    verification: store.verifyAudit(),
    queue: store.queueCounts(),
    outbox: store.outboxCounts(),
    supervision: store.supervisionCounts(),
    attention: store.needsAttention(1000).length,
    files: readdirSync(data, { recursive: true }).map(String).sort(),
    settings: readFileSync(join(data, 'settings.json'), 'utf8'),
    people: readFileSync(join(data, 'people.json'), 'utf8'),
  };
}

const isRefusal = (outcome: Outcome<unknown>) =>
  !outcome.ok && outcome.error.code === 'invalid_request' && outcome.error.message.length > 10 && !/\n\s+at |\.ts:\d+/.test(outcome.error.message);

beforeAll(async () => {
  dir = tempFolder('verity-fuzz-');
  writeFileSync(join(dir, 'client.js'), 'window.x=1');
  workstation = await openWorkstation({
    dataDir: join(dir, 'data'),
    host: 'browser',
    version: '0.0.0-test',
    keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 7)),
    demo: { count: 3 },
    // A supervisor may call every channel: a refusal is the schema's, not the role's.
    signIn: { username: 'supervisor1', password: 'verity-demo' },
  });
  // settings.json exists once something is saved: save the defaults, so the footprint can compare its bytes.
  await workstation.handlers['settings.update']({}, workstation.context('ipc'));
  bindIpc({ handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<Outcome<unknown>>) => ipc.set(channel, fn) } as never, workstation);
  host = await startHost({ workstation, rendererDir: dir, clientScript: join(dir, 'client.js'), token: 'fuzz-token-fuzz-token-fuzz-token' });
}, 120_000);

afterAll(async () => {
  await host?.close();
  await workstation?.close();
});

describe('every contract channel, fuzzed from its schema', () => {
  let before: ReturnType<typeof footprint>;
  let prototypeBefore: string[];
  let started: number;
  beforeAll(async () => {
    // The demo's images are derived in the background: wait until the store is quiet.
    for (let last = ''; ; ) {
      const now = JSON.stringify(footprint());
      if (now === last) break;
      last = now;
      await new Promise((r) => setTimeout(r, 500));
    }
    before = footprint();
    prototypeBefore = prototypeNames();
    started = performance.now();
  }, 60_000);

  const cases = channelNames.map((name) => [name, validRequests[name] ?? skeletonOf(channels[name].request) ?? {}] as const);

  it.each(cases)('%s over IPC answers invalid_request for what its schema refuses', async (name, valid) => {
    const handler = ipc.get(`verity:${name}`)!;
    await fc.assert(
      fc.asyncProperty(hostileRequests(channels[name].request, valid), async (payload) => {
        const outcome = await handler({ senderFrame: appFrame }, payload);
        expect(isRefusal(outcome), JSON.stringify(outcome).slice(0, 300)).toBe(true);
      }),
      { seed, numRuns: 15 },
    );
  });

  it.each(cases)('%s over the host HTTP answers 400 invalid_request for what its schema refuses', async (name, valid) => {
    const schema = channels[name].request;
    await fc.assert(
      fc.asyncProperty(hostileRequests(schema, valid), async (payload) => {
        const text = JSON.stringify(payload) ?? '';
        // Judged as the host reads it: JSON carries no bytes and no undefined.
        fc.pre(!schema.safeParse(text === '' ? {} : JSON.parse(text)).success);
        const response = await fetch(`${host.url}api/${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
          body: text,
        });
        const outcome = (await response.json()) as Outcome<unknown>;
        expect([response.status, isRefusal(outcome)], `${text.slice(0, 200)} → ${JSON.stringify(outcome).slice(0, 300)}`).toEqual([
          text.length > 1024 * 1024 ? 413 : 400,
          true,
        ]);
      }),
      { seed, numRuns: 15 },
    );
  });

  it('left the workstation as it was and answering; in bounded time', async () => {
    expect(footprint()).toEqual(before);
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const info = await fetch(`${host.url}api/app.info`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` } });
    expect(((await info.json()) as Outcome<{ name: string }>).ok).toBe(true);
    expect(await ipc.get('verity:session.current')!({ senderFrame: appFrame }, {})).toMatchObject({ ok: true, value: { person: { id: 'supervisor1' } } });
    const seconds = (performance.now() - started) / 1000;
    console.info(`workstation fuzz: ${seconds.toFixed(1)} s over ${channelNames.length} channels`);
    expect(seconds).toBeLessThan(120);
  });
});
