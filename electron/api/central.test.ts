// The workstation with a real central server: sign-in asks the central service and caches the person for offline
// use, sync fills the queue, decisions reach the server, a refused one is listed under "needs attention".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCentralMode } from './central';
import { CentralClient, memoryVault } from '../sync/client';
import { nodeHttpTransport } from '../common/http';
import { dispatch } from './registry';
import { openWorkstation, type Workstation } from './workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { startCentral, type CentralFixture } from '../../tests/support/sync';

describe('parseCentralMode', () => {
  it('reads the built-in default, none, and http(s) URLs, and refuses anything else with a reason', () => {
    expect(parseCentralMode(undefined)).toEqual({ mode: 'embedded' });
    expect(parseCentralMode('none')).toEqual({ mode: 'standalone' });
    expect(parseCentralMode('https://central.example.com/api')).toEqual({ mode: 'remote', url: 'https://central.example.com/api' });
    for (const bad of ['ftp://x', 'central', 'http://user:pw@host/', 'javascript:alert(1)']) {
      expect(() => parseCentralMode(bad)).toThrow(expect.objectContaining({ code: 'bad_central_url' }));
    }
  });

  it('refuses a plain http: address unless it names this computer, saying why and what to use instead', () => {
    for (const loopback of ['http://127.0.0.1:8080/', 'http://127.1.2.3/api/', 'http://localhost:3000/', 'http://[::1]:4000/', 'http://127.1/']) {
      expect(parseCentralMode(loopback)).toEqual({ mode: 'remote', url: new URL(loopback).toString() });
    }
    for (const remote of ['http://central.example.com/api', 'http://10.0.0.5:8080/', 'http://128.0.0.1/', 'http://localhost.example.com/', 'http://[::2]/', 'http://0.0.0.0:9/']) {
      expect(() => parseCentralMode(remote)).toThrow(
        expect.objectContaining({ code: 'bad_central_url', message: expect.stringMatching(/plain http: .*unencrypted.*Use its https:\/\/ address/) }),
      );
    }
    // The password in a refused address is not repeated back.
    expect(() => parseCentralMode('https://ann:s3cret@central.example.com/')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
  });

  it('the sync client refuses such an address too, whoever configured it', () => {
    const client = () => new CentralClient({ centralUrl: 'http://central.example.com/', transport: nodeHttpTransport, now: () => new Date(), requestTimeoutMs: 1000, vault: memoryVault(), credentials: null });
    expect(client).toThrow(expect.objectContaining({ code: 'bad_central_url' }));
  });
});

describe('workstation synced with a central service', () => {
  let central: CentralFixture;
  let workstation: Workstation;
  const call = async <T>(channel: string, body: unknown = {}): Promise<T> => {
    const outcome = await dispatch(workstation.handlers, channel, body, workstation.context('ipc'));
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    return outcome.value as T;
  };
  const decide = (applicationId: string) =>
    call('case.decide', { applicationId, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please send a sharper photo.', internalNote: '', overrideNote: null });

  beforeAll(async () => {
    central = await startCentral();
    workstation = await openWorkstation({
      dataDir: tempFolder('verity-central-'),
      host: 'browser',
      version: 't',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 7)),
      // No timer ticks during the test: every sync here is asked for.
      central: { url: central.server.url, embedded: false, intervalMs: 3_600_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await workstation.close();
    await central.close();
  });

  it('refuses a password the central service refuses', async () => {
    await expect(call('session.signIn', { username: 'reviewer1', password: 'wrong' })).rejects.toMatchObject({ code: 'sign_in_failed' });
    expect(await call('sync.status')).toMatchObject({ state: 'signed_out', centralUrl: central.server.url, embedded: false });
  });

  it('signs in with the central service, syncs, sends decisions, and lists a refused one', async () => {
    const [a, b, c] = await central.submit(3);
    const session = await call<{ person: { id: string; displayName: string } }>('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
    expect(session.person).toEqual({ id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' });
    const first = await call<{ ok: boolean; changes: number }>('sync.now');
    expect(first.ok).toBe(true);
    const queue = await call<{ items: { id: string }[] }>('queue.list', { status: 'open', limit: 50 });
    expect(queue.items.map((i) => i.id)).toEqual(expect.arrayContaining([a!.application.id, b!.application.id, c!.application.id]));

    await central.withdraw(b!.application.id);
    await decide(a!.application.id);
    await decide(b!.application.id);
    // Each decision nudges a sync of its own, so "Sync now" may find some of them sent already: the end state counts.
    expect(await call('sync.now')).toMatchObject({ ok: true });
    await expect.poll(() => call('sync.status'), { timeout: 20_000 }).toMatchObject({ state: 'idle', pendingDecisions: 0, rejectedDecisions: 1 });
    expect((await central.decisionsFor([a!.application.id, b!.application.id])).map((d) => d.application_id)).toEqual([a!.application.id]);
    const { items } = await call<{ items: unknown[] }>('sync.attention');
    expect(items).toEqual([
      expect.objectContaining({ applicationId: b!.application.id, outcome: 'reject', reason: 'withdrawn', current: { status: 'withdrawn', assignee: expect.anything() } }),
    ]);
  }, 120_000);

  it('records what happens while the central service answers as online, and the decision reaches it as made online', async () => {
    const [d] = await central.submit(1);
    expect(await call('sync.now')).toMatchObject({ ok: true });
    const opened = await call<{ audit: { action: string; online: boolean }[] }>('case.get', { applicationId: d!.application.id, open: true });
    expect(opened.audit).toEqual([expect.objectContaining({ action: 'documents_opened', online: true })]);
    await decide(d!.application.id);
    const detail = await call<{ decisions: { online: boolean }[]; audit: { action: string; online: boolean }[] }>('case.get', { applicationId: d!.application.id, open: false });
    expect(detail.decisions).toEqual([expect.objectContaining({ online: true })]);
    expect(detail.audit.at(-1)).toMatchObject({ action: 'decision_recorded', online: true });
    expect(await call('sync.now')).toMatchObject({ ok: true, applied: 1 });
    expect(await central.decisionsFor([d!.application.id])).toEqual([expect.objectContaining({ reviewer: 'reviewer1', offline: false })]);
  }, 120_000);

  it('takes a case reassigned to another reviewer out of the open queue: no decision, no images, and it says who has it', async () => {
    const [e] = await central.submit(1);
    expect(await call('sync.now')).toMatchObject({ ok: true });
    const before = await call<{ items: { id: string }[] }>('queue.list', { status: 'open', limit: 200 });
    expect(before.items.map((i) => i.id)).toContain(e!.application.id);
    const { documents } = await call<{ documents: { sha256: string }[] }>('case.get', { applicationId: e!.application.id, open: false });
    const image = { sha256: documents[0]!.sha256, variant: 'thumbnail' };
    await expect(workstation.readImage(image)).resolves.toMatchObject({ contentType: 'image/jpeg' });

    await central.assign(e!.application.id, 'reviewer2');
    expect(await call('sync.now')).toMatchObject({ ok: true });
    const after = await call<{ items: { id: string }[] }>('queue.list', { status: 'open', limit: 200 });
    expect(after.items.map((i) => i.id)).not.toContain(e!.application.id);
    const counts = await call<{ byStatus: Record<string, number> }>('queue.counts');
    expect((counts.byStatus.submitted ?? 0) + (counts.byStatus.queued ?? 0) + (counts.byStatus.in_review ?? 0)).toBe(after.items.length);
    const detail = await call<{ application: { assignee: string | null } }>('case.get', { applicationId: e!.application.id, open: false });
    expect(detail.application.assignee).toBe('reviewer2');
    await expect(decide(e!.application.id)).rejects.toMatchObject({ code: 'not_assigned', message: expect.stringContaining('reviewer2') });
    await expect(workstation.readImage(image)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await call('sync.status')).toMatchObject({ pendingDecisions: 0 });
  }, 120_000);

  it('signs the cached person in while the central service is down, and says it is offline', async () => {
    await call('session.signOut');
    expect(await call('sync.status')).toMatchObject({ state: 'signed_out' });
    await expect(call('sync.attention')).rejects.toMatchObject({ code: 'unauthorized' });
    await central.close();
    const session = await call<{ person: { id: string } }>('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
    expect(session.person.id).toBe('reviewer1');
    await expect(call('session.signIn', { username: 'reviewer1', password: 'not it' })).rejects.toMatchObject({ code: 'sign_in_failed' });
    await expect.poll(async () => (await call<{ state: string }>('sync.status')).state, { timeout: 20_000 }).toBe('offline');
    // Offline now: what the reviewer does is recorded as done offline.
    const { items } = await call<{ items: { id: string }[] }>('queue.list', { status: 'open', limit: 1 });
    const opened = await call<{ audit: { action: string; online: boolean }[] }>('case.get', { applicationId: items[0]!.id, open: true });
    expect(opened.audit.at(-1)).toMatchObject({ action: 'documents_opened', online: false });
  }, 60_000);
});
