// One decision never stops a workstation's sync, and each decision reaches the central service under the session of
// the person who made it. Against the real central server; the failing decision is made real by a database trigger
// that raises on it, as PostgreSQL does on a value it cannot store.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { createSyncEngine } from './engine';
import { installPoisonTrigger } from '../../tests/support/central';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import { engineOptions, openWorkstationSide, reviewer1, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';

const reviewer2: Person = { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' };

let central: CentralFixture;
let local: Workstation;

beforeAll(async () => {
  central = await startCentral();
  await installPoisonTrigger(central.server.db);
}, 120_000);
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  local = openWorkstationSide();
});
afterEach(async () => {
  await local.close();
});

async function reject(applicationId: string, applicantMessage = 'Please submit a clearer photo.', by: Person = reviewer1): Promise<string> {
  const decision = await local.store.recordDecision({ applicationId, outcome: 'reject', reasonCodes: ['other'], applicantMessage, internalNote: '', overrideNote: null }, by, 'device-test', true);
  return decision.mutationId;
}

const credentials = (username: string) => ({ credentials: { username, password: 'verity-demo' } });

describe('one decision the central service cannot take', () => {
  it('is refused on its own and listed under needs attention; the others and every later sync still go through', async () => {
    const [a, b, c] = await central.submit(3, 1);
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    expect((await engine.syncNow()).ok).toBe(true);
    const poison = await reject(b!.application.id, 'POISON');
    await reject(a!.application.id);
    await reject(c!.application.id);

    const report = await engine.syncNow();
    expect(report).toMatchObject({ ok: true, pushed: { applied: 2, rejected: 1 } });
    expect(local.store.needsAttention()).toEqual([expect.objectContaining({ mutationId: poison, applicationId: b!.application.id, reason: 'cannot_apply' })]);
    // The case is back in the reviewer's open queue as the central service has it.
    expect(local.store.getCase(b!.application.id).application.status).toBe('queued');
    expect((await central.decisionsFor([a!.application.id, b!.application.id, c!.application.id])).map((d) => d.application_id).sort()).toEqual(
      [a!.application.id, c!.application.id].sort(),
    );

    const [d] = await central.submit(1, 1);
    const next = await engine.syncNow();
    expect(next.ok).toBe(true);
    expect(local.store.getCase(d!.application.id).application.id).toBe(d!.application.id);
  }, 120_000);

  it('does not starve the pull when the push keeps failing: new work, withdrawals and reassignments still arrive', async () => {
    const [a, b] = await central.submit(2, 1);
    const engine = createSyncEngine(engineOptions(local, central.server.url, { maxAttempts: 2 }));
    expect((await engine.syncNow()).ok).toBe(true);
    await reject(a!.application.id, 'BUSY');
    await central.withdraw(b!.application.id);
    const [fresh] = await central.submit(1, 1);

    const report = await engine.syncNow();
    expect(report.ok).toBe(false);
    expect(report.error).toMatchObject({ code: 'internal' });
    expect(report.pushed.applied).toBe(0);
    // Pulled all the same: the new case and the withdrawal.
    expect(local.store.getCase(fresh!.application.id).application.status).toBe('queued');
    expect(local.store.getCase(b!.application.id).application.status).toBe('withdrawn');
    // The decision was retried, not given up: still pending, and it goes through once the service can take it.
    expect(local.store.outboxCounts()).toMatchObject({ pending: 1, rejected: 0 });
    await central.server.db.query(`ALTER TABLE decisions DISABLE TRIGGER verity_test_poison`);
    try {
      expect(await engine.syncNow()).toMatchObject({ ok: true, pushed: { applied: 1 } });
    } finally {
      await central.server.db.query(`ALTER TABLE decisions ENABLE TRIGGER verity_test_poison`);
    }
  }, 120_000);

  it('sets aside a decision the service refuses the whole batch for, naming it, and sends the rest again', async () => {
    const [a, b, c] = await central.submit(3, 1);
    // A service stricter than this workstation: it refuses one decision (a NUL put in its note on the way), and with
    // it the whole batch, naming the decision's place in it.
    let refused = '';
    const stricter: HttpTransport = (url, request) => {
      if (!new URL(url).pathname.endsWith('mutations:batch') || request.body === undefined) return nodeHttpTransport(url, request);
      const body = JSON.parse(request.body) as { mutations: { id: string; internalNote: string }[] };
      for (const m of body.mutations) if (m.id === refused) m.internalNote = 'bad\u0000';
      return nodeHttpTransport(url, { ...request, body: JSON.stringify(body) });
    };
    const engine = createSyncEngine(engineOptions(local, central.server.url, { transport: stricter }));
    expect((await engine.syncNow()).ok).toBe(true);
    await reject(a!.application.id);
    refused = await reject(b!.application.id);
    await reject(c!.application.id);

    const report = await engine.syncNow();
    expect(report).toMatchObject({ ok: true, pushed: { applied: 2, rejected: 1 } });
    expect(local.store.needsAttention()).toEqual([expect.objectContaining({ mutationId: refused, reason: 'invalid' })]);
    expect((await central.decisionsFor([a!.application.id, c!.application.id])).length).toBe(2);
  }, 120_000);
});

describe("each person's decisions under their own session", () => {
  it('sends only the signed-in person’s decisions; the others wait for their author and are credited to them', async () => {
    const [mine, theirs] = await central.submit(2, 1);
    await central.assign(mine!.application.id, 'reviewer1');
    await central.assign(theirs!.application.id, 'reviewer2');
    // Two reviewers share this workstation, one after the other; each pulls their own feed into the one store.
    const first = createSyncEngine(engineOptions(local, central.server.url));
    expect((await first.syncNow()).ok).toBe(true);
    const second = createSyncEngine(engineOptions(local, central.server.url, credentials('reviewer2')));
    expect((await second.syncNow()).ok).toBe(true);
    expect(local.store.getCase(theirs!.application.id).application.assignee).toBe('reviewer2');

    await reject(mine!.application.id, 'Please submit a clearer photo.', reviewer1);
    await reject(theirs!.application.id, 'Please submit a clearer photo.', reviewer2);
    const report = await first.syncNow();
    expect(report).toMatchObject({ ok: true, pushed: { applied: 1, rejected: 0 } });
    expect(first.status().waitingFor).toEqual([{ person: { id: 'reviewer2', displayName: 'Reviewer Two' }, decisions: 1 }]);
    expect(await central.decisionsFor([mine!.application.id, theirs!.application.id])).toEqual([
      expect.objectContaining({ application_id: mine!.application.id, reviewer: 'reviewer1' }),
    ]);

    // The same engine, now signed in as reviewer2 (its reviewer1 session must not carry reviewer2's work).
    expect(await first.signIn({ username: 'reviewer2', password: 'verity-demo' })).toMatchObject({ ok: true, pushed: { applied: 1 } });
    expect(first.status().waitingFor).toEqual([]);
    const onServer = await central.decisionsFor([mine!.application.id, theirs!.application.id]);
    expect(onServer.find((d) => d.application_id === theirs!.application.id)).toMatchObject({ reviewer: 'reviewer2' });
    expect(local.store.outboxCounts()).toMatchObject({ pending: 0, rejected: 0 });
  }, 120_000);
});
