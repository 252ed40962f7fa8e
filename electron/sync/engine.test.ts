// The sync engine against the real central server (in-memory PGlite) over real HTTP on 127.0.0.1, with a real
// store file and the real image pipeline. One server and one workstation for the file; each test brings its own
// applications through intake. The engine reaches the server through a proxy that injects no faults here: it sees
// the document downloads too, which the imaging process makes (not the engine's transport).
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import type { ForensicSummary, QualitySignals } from '../../shared/domain';
import type { ImageFailure } from '../../shared/contract/cases';
import { createSyncEngine, cursorKey, type SyncEngineOptions, type SyncProgress, type SyncStatus, type SyncStore } from './engine';
import { backoffDelay, parseRetryAfter } from './backoff';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import { startFaultProxy, type FaultProxy } from '../../tests/support/faultProxy';
import { openInspection } from '../../tests/support/store';
import { engineOptions as sharedEngineOptions, instantSleep, openWorkstationSide, rejectLocally, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';

let central: CentralFixture;
let local: Workstation;
let proxy: FaultProxy;

beforeAll(async () => {
  central = await startCentral();
  proxy = await startFaultProxy(central.server.url);
  local = openWorkstationSide();
}, 60_000);

afterAll(async () => {
  await local?.close();
  await proxy?.close();
  await central?.close();
});

interface Counted {
  transport: HttpTransport;
  calls: { method: string; path: string }[];
  count(method: string, path: RegExp): number;
}

/** The engine's own transport, counting what the engine asks for. */
function countingTransport(inner: HttpTransport = nodeHttpTransport): Counted {
  const calls: Counted['calls'] = [];
  return {
    calls,
    transport: (url, request) => {
      calls.push({ method: request.method, path: new URL(url).pathname });
      return inner(url, request);
    },
    count: (method, path) => calls.filter((c) => c.method === method && path.test(c.path)).length,
  };
}

const engineOptions = (extra: Partial<SyncEngineOptions> = {}): SyncEngineOptions => sharedEngineOptions(local, proxy.url, extra);

/** Document downloads the central service was asked for since the proxy was last cleared. */
const downloads = (): number => proxy.seen.filter((s) => s.method === 'GET' && /\/content$/.test(s.path)).length;

describe('backoff', () => {
  it('grows exponentially with full jitter, caps at five minutes, and honours Retry-After', () => {
    expect(backoffDelay(0, () => 0.999)).toBeLessThan(1_000);
    expect(backoffDelay(3, () => 0.5)).toBe(4_000);
    expect(backoffDelay(40, () => 0.999)).toBeLessThan(5 * 60_000);
    expect(backoffDelay(40, () => 0.999)).toBeGreaterThan(4 * 60_000);
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.1, undefined, 7_000)).toBe(7_000);
    expect(backoffDelay(0, () => 0.1, undefined, 10 * 3_600_000)).toBe(3_600_000);
    const now = new Date('2026-11-24T02:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 02:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('a full round trip', () => {
  it('pulls assigned applications with their images, pushes local decisions, and the server applies each exactly once', async () => {
    const envelopes = await central.submit(6);
    const ids = envelopes.map((e) => e.application.id);
    const counted = countingTransport();
    proxy.clear();
    const progress: SyncProgress[] = [];
    const statuses: SyncStatus['state'][] = [];
    const engine = createSyncEngine(engineOptions({ transport: counted.transport, onProgress: (p) => progress.push(p), onStatus: (s) => statuses.push(s.state) }));

    const first = await engine.syncNow();
    expect(first.error).toBeNull();
    expect(first.ok).toBe(true);
    expect(first.pulled.inserted).toBeGreaterThanOrEqual(6);
    for (const envelope of envelopes) {
      const detail = local.store.getCase(envelope.application.id);
      expect(detail.application.assignee).toBe('reviewer1');
      expect(detail.documents.map((d) => d.sha256)).toEqual(envelope.documents.map((d) => d.sha256));
      expect(detail.documents[0]?.width).toBeGreaterThan(0);
    }
    // Each distinct image once; the cursor is stored.
    const distinct = new Set(envelopes.map((e) => e.documents[0]?.sha256)).size;
    expect(downloads()).toBe(distinct);
    expect(first.images.downloaded).toBe(distinct);
    expect(local.store.getSyncState(cursorKey('reviewer1'))).toMatch(/.+/);
    expect(progress.some((p) => p.phase === 'images' && p.done === p.total)).toBe(true);
    expect(statuses).toContain('syncing');
    expect(engine.status()).toMatchObject({ state: 'idle', pending: 0, lastError: null });

    // Decide two cases locally, offline.
    const m1 = await rejectLocally(local.store, ids[0] as string);
    const m2 = await rejectLocally(local.store, ids[1] as string);
    expect(engine.status().pending).toBe(2);

    counted.calls.length = 0;
    proxy.clear();
    const second = await engine.syncNow();
    expect(second.ok).toBe(true);
    expect(second.pushed).toMatchObject({ applied: 2, rejected: 0, batches: 1 });
    const onServer = await central.decisionsFor(ids);
    expect(onServer.map((d) => d.id).sort()).toEqual([m1, m2].sort());
    expect(local.store.getCase(ids[0] as string).decisions[0]).toMatchObject({ sync: 'applied', mutationId: m1 });
    expect(engine.status().pending).toBe(0);
    // The decided cases came back as updated; their images were not fetched again.
    expect(downloads()).toBe(0);
    expect(local.store.getCase(ids[0] as string).application.status).toBe('rejected');

    counted.calls.length = 0;
    const third = await engine.syncNow();
    expect(third.ok).toBe(true);
    expect(counted.count('POST', /mutations:batch$/)).toBe(0);
    expect(await central.decisionsFor(ids)).toHaveLength(2);
  });
});

describe('images once', () => {
  it('a new case showing an image some stored case has is not fetched again, when the store can say so', async () => {
    await central.submit(1, 3);
    expect((await createSyncEngine(engineOptions()).syncNow()).ok).toBe(true);
    const [envelope] = await central.submit(1, 3);
    const s = local.store;
    const inspection = openInspection(s.path, local.keyProvider);
    const lookup = inspection.prepare<[string], { sha256: string; format: string; width: number; height: number; forensic: string | null; quality: string | null; image_failure: string | null }>(
      'SELECT sha256, format, width, height, forensic, quality, image_failure FROM documents WHERE sha256 = ? LIMIT 1',
    );
    // What the store's imageBySha256 would answer (see the report); the rest is the store itself.
    const store: SyncStore = {
      decisionLogNewest: () => s.decisionLogNewest(),
      businessCalendar: () => s.businessCalendar(),
      storeCalendar: (calendar) => s.storeCalendar(calendar),
      auditAfter: (seq, limit) => s.auditAfter(seq, limit),
      storeDecisionLog: (entries, syncedAt) => s.storeDecisionLog(entries, syncedAt),
      withdrawalLogNewest: () => s.withdrawalLogNewest(),
      storeWithdrawalLog: (records, syncedAt) => s.storeWithdrawalLog(records, syncedAt),
      pendingSupervision: (limit, madeBy) => s.pendingSupervision(limit, madeBy),
      settleSupervision: (answers) => s.settleSupervision(answers),
      storeQualityQueue: (stage, records, syncedAt) => s.storeQualityQueue(stage, records, syncedAt),
      storeQualityPolicy: (policy, syncedAt) => s.storeQualityPolicy(policy, syncedAt),
      upsertApplications: (records) => s.upsertApplications(records),
      settleMutations: (answers) => s.settleMutations(answers),
      markMutationRejected: (id, reason, current) => s.markMutationRejected(id, reason, current),
      setSyncState: (key, value) => s.setSyncState(key, value),
      pendingMutations: (limit, decidedBy) => s.pendingMutations(limit, decidedBy),
      pendingByPerson: () => s.pendingByPerson(),
      outboxCounts: () => s.outboxCounts(),
      getSyncState: (key) => s.getSyncState(key),
      getCase: (id) => s.getCase(id),
      imageBySha256: (sha256) => {
        const row = lookup.get(sha256);
        if (!row) return null;
        const { image_failure: failure, ...image } = row;
        return {
          ...image,
          forensic: row.forensic ? (JSON.parse(row.forensic) as ForensicSummary) : null,
          quality: row.quality ? (JSON.parse(row.quality) as QualitySignals) : null,
          imageFailure: failure ? (JSON.parse(failure) as ImageFailure) : null,
        };
      },
    };
    proxy.clear();
    const report = await createSyncEngine(engineOptions({ store })).syncNow();
    expect(report.ok).toBe(true);
    expect(downloads()).toBe(0);
    expect(proxy.seen.some((s) => /\/changes$/.test(s.path))).toBe(true);
    const detail = local.store.getCase(envelope?.application.id as string);
    expect(detail.documents.map((d) => d.sha256)).toEqual(envelope?.documents.map((d) => d.sha256));
    inspection.close();
  });
});

describe('rejections', () => {
  it('a decision on a case withdrawn meanwhile ends rejected with the reason, shows the withdrawal, and is never resent', async () => {
    const [envelope] = await central.submit(1);
    const id = envelope?.application.id as string;
    const counted = countingTransport();
    const engine = createSyncEngine(engineOptions({ transport: counted.transport }));
    expect((await engine.syncNow()).ok).toBe(true);

    await central.withdraw(id);
    const mutationId = await rejectLocally(local.store, id);
    const report = await engine.syncNow();
    expect(report.ok).toBe(true);
    expect(report.pushed).toMatchObject({ applied: 0, rejected: 1 });
    const detail = local.store.getCase(id);
    expect(detail.decisions[0]).toMatchObject({ mutationId, sync: 'rejected', rejectedReason: 'withdrawn' });
    expect(detail.application.status).toBe('withdrawn');
    expect(engine.status().rejected).toBeGreaterThanOrEqual(1);
    expect(await central.decisionsFor([id])).toHaveLength(0);

    counted.calls.length = 0;
    expect((await engine.syncNow()).ok).toBe(true);
    expect(counted.count('POST', /mutations:batch$/)).toBe(0);
  });

  it('a case reassigned to another reviewer ends so in the store', async () => {
    const [envelope] = await central.submit(1);
    const id = envelope?.application.id as string;
    const engine = createSyncEngine(engineOptions());
    expect((await engine.syncNow()).ok).toBe(true);
    expect(local.store.getCase(id).application.assignee).toBe('reviewer1');

    await central.assign(id, 'reviewer2');
    const report = await engine.syncNow();
    expect(report.ok).toBe(true);
    const detail = local.store.getCase(id);
    expect(detail.application.assignee).toBe('reviewer2');
    expect(detail.documents.map((d) => d.role)).toEqual(['front', 'back']);
    expect(detail.conflict).toBeNull();
  });

  it('a case withdrawn with no local decision ends withdrawn in the store', async () => {
    const [envelope] = await central.submit(1);
    const id = envelope?.application.id as string;
    const engine = createSyncEngine(engineOptions());
    expect((await engine.syncNow()).ok).toBe(true);
    await central.withdraw(id);
    expect((await engine.syncNow()).ok).toBe(true);
    expect(local.store.getCase(id).application.status).toBe('withdrawn');
  });
});

describe('a lost response', () => {
  it('resends the batch, and the server answers the stored outcome: applied once', async () => {
    const [envelope] = await central.submit(1);
    const id = envelope?.application.id as string;
    expect((await createSyncEngine(engineOptions()).syncNow()).ok).toBe(true);
    const mutationId = await rejectLocally(local.store, id);

    let lost = 0;
    const counted = countingTransport(async (url, request) => {
      const response = await nodeHttpTransport(url, request);
      if (new URL(url).pathname.endsWith('mutations:batch') && lost === 0) {
        lost += 1;
        await response.json(); // the server applied it; the answer never arrives
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return response;
    });
    const sleeper = instantSleep();
    const engine = createSyncEngine(engineOptions({ transport: counted.transport, sleep: sleeper.sleep }));
    const report = await engine.syncNow();
    expect(report.ok).toBe(true);
    expect(report.retries).toBe(1);
    expect(sleeper.waits).toEqual([500]); // random 0.5 × base 1 s
    expect(counted.count('POST', /mutations:batch$/)).toBe(2);
    expect(await central.decisionsFor([id])).toEqual([{ id: mutationId, application_id: id, reviewer: 'reviewer1', offline: true }]);
    expect(local.store.getCase(id).decisions[0]?.sync).toBe('applied');
  });
});

describe('a push of several batches', () => {
  it('sends the next batch while storing the answers of the last, never two at once, and settles every one', async () => {
    const envelopes = await central.submit(5);
    const ids = envelopes.map((e) => e.application.id);
    expect((await createSyncEngine(engineOptions()).syncNow()).ok).toBe(true);
    const mutationIds = await Promise.all(ids.map((id) => rejectLocally(local.store, id)));

    let inFlight = 0;
    let most = 0;
    const sent: string[][] = [];
    const counted = countingTransport(async (url, request) => {
      if (!new URL(url).pathname.endsWith('mutations:batch')) return nodeHttpTransport(url, request);
      sent.push((JSON.parse(String(request.body)) as { mutations: { id: string }[] }).mutations.map((m) => m.id));
      most = Math.max(most, (inFlight += 1));
      try {
        return await nodeHttpTransport(url, request);
      } finally {
        inFlight -= 1;
      }
    });
    const report = await createSyncEngine(engineOptions({ transport: counted.transport, batchSize: 2 })).syncNow();
    expect(report.ok).toBe(true);
    expect(report.pushed).toMatchObject({ applied: 5, rejected: 0, batches: 3 });
    expect(most).toBe(1);
    // Oldest first, each mutation sent once.
    expect(sent.flat()).toEqual(mutationIds);
    expect((await central.decisionsFor(ids)).map((d) => d.id).sort()).toEqual([...mutationIds].sort());
    for (const id of ids) expect(local.store.getCase(id).decisions[0]?.sync).toBe('applied');
  });
});

describe('sessions', () => {
  it('refreshes once on 401; when the refresh is refused too, it stops as signed_out until someone signs in', async () => {
    const counted = countingTransport();
    const tokens: (string | null)[] = [];
    const engine = createSyncEngine(
      engineOptions({ transport: counted.transport, vault: { load: () => null, save: (t) => tokens.push(t?.accessToken ?? null) } }),
    );
    expect((await engine.syncNow()).ok).toBe(true);
    expect(counted.count('POST', /\/v1\/session$/)).toBe(1);
    expect(tokens).toHaveLength(1);

    // The 15-minute access token runs out: one refresh, and the sync goes on.
    central.server.clock.advance(16 * 60_000);
    const same = await engine.syncNow();
    expect(same.ok).toBe(true);
    expect(counted.count('POST', /\/v1\/session\/refresh$/)).toBe(1);
    expect(counted.count('POST', /\/v1\/session$/)).toBe(1); // the password was not kept for this
    expect(tokens).toHaveLength(2);

    // Eight days on, the refresh token is gone too.
    central.server.clock.advance(8 * 24 * 3_600_000);
    const out = await engine.syncNow();
    expect(out.ok).toBe(false);
    expect(out.state).toBe('signed_out');
    expect(engine.status()).toMatchObject({ state: 'signed_out', lastError: { code: 'signed_out' } });
    expect(tokens.at(-1)).toBeNull(); // the vault forgets the dead session

    const back = await engine.signIn({ username: 'reviewer1', password: 'verity-demo' });
    expect(back.ok).toBe(true);
    expect(engine.status().state).toBe('idle');
  });

  it('a session kept in a vault is used by the next engine without the password; a damaged one is ignored', async () => {
    let kept: unknown = null;
    const vault = { load: () => kept as never, save: (t: unknown) => void (kept = t) };
    expect((await createSyncEngine(engineOptions({ vault })).syncNow()).ok).toBe(true);
    expect(kept).toMatchObject({ username: 'reviewer1', role: 'reviewer' });
    const { credentials: _omit, ...withoutPassword } = engineOptions({ vault });
    const counted = countingTransport();
    const next = createSyncEngine({ ...withoutPassword, transport: counted.transport });
    expect(next.status().state).toBe('idle');
    expect((await next.syncNow()).ok).toBe(true);
    expect(counted.count('POST', /\/v1\/session$/)).toBe(0);
    kept = { accessToken: 42 };
    expect(createSyncEngine({ ...withoutPassword, vault }).status().state).toBe('signed_out');
  });

  it('a wrong password ends as signed_out without retrying', async () => {
    const sleeper = instantSleep();
    const engine = createSyncEngine(engineOptions({ credentials: { username: 'reviewer1', password: 'not-the-password' }, sleep: sleeper.sleep }));
    const report = await engine.syncNow();
    expect(report).toMatchObject({ ok: false, state: 'signed_out', error: { code: 'bad_credentials' } });
    expect(sleeper.waits).toEqual([]);
  });

  it('without credentials or tokens it starts signed out', () => {
    const { credentials: _omit, ...rest } = engineOptions();
    expect(createSyncEngine(rest).status().state).toBe('signed_out');
  });
});

describe('offline', () => {
  it('a refused connection means offline at once, without spinning; decisions stay pending', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const [envelope] = await central.submit(1);
    expect((await createSyncEngine(engineOptions()).syncNow()).ok).toBe(true);
    await rejectLocally(local.store, envelope?.application.id as string);

    const sleeper = instantSleep();
    const engine = createSyncEngine(engineOptions({ centralUrl: `http://127.0.0.1:${port}`, sleep: sleeper.sleep }));
    const report = await engine.syncNow();
    expect(report).toMatchObject({ ok: false, state: 'offline', error: { code: 'offline' } });
    expect(sleeper.waits).toEqual([]);
    expect(engine.status()).toMatchObject({ state: 'offline', pending: 1 });

    // Back online: the pending decision goes through.
    const online = await createSyncEngine(engineOptions()).syncNow();
    expect(online.pushed.applied).toBe(1);
  });
});

describe('another central service', () => {
  it('is refused: nothing is pushed to it or pulled from it, decisions stay pending, and the way on is said', async () => {
    const [envelope] = await central.submit(1);
    const id = envelope?.application.id as string;
    expect((await createSyncEngine(engineOptions()).syncNow()).ok).toBe(true);
    const bound = local.store.getSyncState('central_id');
    expect(bound).toMatch(/^[0-9a-f-]{36}$/);
    const cursor = local.store.getSyncState(cursorKey('reviewer1'));
    const mutationId = await rejectLocally(local.store, id);

    // Another central service (its own database) with an application for the same reviewer.
    const other = await startCentral();
    try {
      const [theirs] = await other.submit(1);
      const engine = createSyncEngine(sharedEngineOptions(local, other.server.url));
      const report = await engine.syncNow();
      expect(report).toMatchObject({ ok: false, state: 'error', error: { code: 'wrong_central' }, pushed: { applied: 0, rejected: 0 } });
      expect(report.error?.message).toContain(other.server.url);
      expect(report.error?.message).toMatch(/The decision not yet sent stays on this workstation\..*--central/);
      expect(engine.status()).toMatchObject({ state: 'error', pending: 1 });
      expect(await other.server.db.query(`SELECT id FROM mutations`)).toEqual([]);
      expect(() => local.store.getCase(theirs?.application.id as string)).toThrow(DomainError);
      expect(local.store.getSyncState(cursorKey('reviewer1'))).toBe(cursor);
      expect(local.store.getSyncState('central_id')).toBe(bound);
    } finally {
      await other.close();
    }

    // Back at its own central service, the decision goes through once.
    expect((await createSyncEngine(engineOptions()).syncNow()).pushed.applied).toBe(1);
    expect((await central.decisionsFor([id])).map((d) => d.id)).toEqual([mutationId]);
  });
});

describe('a changes page outside the contract', () => {
  it('is refused whole, naming the change at fault: nothing of it is stored and the cursor stays', async () => {
    const envelopes = await central.submit(3);
    const cursorBefore = local.store.getSyncState(cursorKey('reviewer1'));
    const counted = countingTransport(async (url, request) => {
      const response = await nodeHttpTransport(url, request);
      if (!new URL(url).pathname.endsWith('/v1/changes')) return response;
      const page = (await response.json()) as { changes: { type: string }[] };
      if (page.changes[1]) page.changes[1].type = 'teleported';
      return { status: response.status, ok: response.ok, headers: response.headers, body: (async function* () {})(), json: async () => page, discard: () => undefined };
    });
    const report = await createSyncEngine(engineOptions({ transport: counted.transport })).syncNow();
    expect(report).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    expect(report.error?.message).toContain('changes.1.type');
    expect(local.store.getSyncState(cursorKey('reviewer1'))).toBe(cursorBefore);
    for (const envelope of envelopes) expect(() => local.store.getCase(envelope.application.id)).toThrow(DomainError);
    // The same page as sent is taken whole.
    expect((await createSyncEngine(engineOptions()).syncNow()).ok).toBe(true);
    for (const envelope of envelopes) expect(local.store.getCase(envelope.application.id).application.id).toBe(envelope.application.id);
  });
});

describe('the timer', () => {
  it('start() syncs at once and stop() leaves nothing running', async () => {
    const engine = createSyncEngine(engineOptions({ intervalMs: 3_600_000 }));
    const done = new Promise<SyncStatus>((resolve) => {
      const poll = setInterval(() => {
        const s = engine.status();
        if (s.lastSyncAt !== null) {
          clearInterval(poll);
          resolve(s);
        }
      }, 20);
    });
    engine.start();
    const status = await done;
    expect(status.state).toBe('idle');
    await engine.stop();
    expect(engine.status().state).toBe('idle');
  });
});
