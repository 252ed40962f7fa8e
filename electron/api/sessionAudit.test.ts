// Issue 21, "the evidence must reach the supervisor": who signed in, locked, unlocked and signed out of a workstation,
// and every decision the central service refused, are entries of the device's audit chain (a refusal in the
// transaction that settles it, attributed to the decision's maker: nobody need be signed in when the answer comes);
// pushed with the chain, the central service verifies them like any other entry.
import { afterAll, describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain';
import { ExplicitKeyProvider } from '../common/keys';
import { generateApplications } from '../store/seed';
import { dispatch } from './registry';
import { openWorkstation, type Workstation } from './workstation';
import { reviewer, tempStore, type TempStore } from '../../tests/support/store';
import { startCentral, type CentralFixture } from '../../tests/support/sync';
import { tempFolder } from '../../tests/support/tempFolder';

const call = (ws: Workstation, channel: string, body: unknown = {}) => dispatch(ws.handlers, channel, body, ws.context('ipc'));
const signIn = (ws: Workstation, username: string) => call(ws, 'session.signIn', { username, password: 'verity-demo' });
/** The device's chain as sync pushes it: action and who, in order. */
const trail = (ws: Workstation) => ws.store.auditAfter(0, 100).map((e) => ({ action: e.action, actorId: e.actorId, details: JSON.parse(e.details) as unknown }));

const opened: Workstation[] = [];
let t: TempStore | undefined;
let central: CentralFixture | undefined;
afterAll(async () => {
  for (const ws of opened) await ws.close();
  t?.cleanup();
  await central?.close();
});

describe('session events on the audit chain', () => {
  it('records sign-in, lock, unlock, a take-over and sign-out with the person, and the chain verifies', async () => {
    const ws = await openWorkstation({ dataDir: tempFolder('verity-session-audit-'), host: 'browser', version: 't', keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 3)), demo: { count: 0 } });
    opened.push(ws);
    expect(await signIn(ws, 'reviewer1')).toMatchObject({ ok: true });
    expect(await call(ws, 'session.lock')).toMatchObject({ ok: true, value: { locked: true } });
    expect(await signIn(ws, 'reviewer1')).toMatchObject({ ok: true, value: { locked: false } });
    expect(await call(ws, 'session.lock')).toMatchObject({ ok: true });
    // Someone else at the locked workstation signs the first person out by signing in.
    expect(await signIn(ws, 'reviewer2')).toMatchObject({ ok: true, value: { person: { id: 'reviewer2' } } });
    expect(await call(ws, 'session.signOut')).toMatchObject({ ok: true, value: { person: null } });
    // Nobody signed in: nothing to lock or sign out, and nothing recorded.
    expect(await call(ws, 'session.signOut')).toMatchObject({ ok: true });
    expect(await call(ws, 'session.lock')).toMatchObject({ ok: true });
    // A refused password is not a session.
    expect(await call(ws, 'session.signIn', { username: 'reviewer1', password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'sign_in_failed' } });

    expect(trail(ws)).toEqual([
      { action: 'session_signed_in', actorId: 'reviewer1', details: {} },
      { action: 'session_locked', actorId: 'reviewer1', details: {} },
      { action: 'session_unlocked', actorId: 'reviewer1', details: {} },
      { action: 'session_locked', actorId: 'reviewer1', details: {} },
      { action: 'session_signed_in', actorId: 'reviewer2', details: { replaced: 'reviewer1' } },
      { action: 'session_signed_out', actorId: 'reviewer2', details: { everywhere: false } },
    ]);
    expect(ws.store.auditAfter(0, 100).every((e) => e.applicationId === null && e.deviceId === ws.deviceId)).toBe(true);
    expect(ws.store.verifyAudit()).toMatchObject({ ok: true });
  }, 60_000);
});

describe('a refused decision on the audit chain', () => {
  it('is written with the refusal, as the decision maker’s, once however often the answer comes', async () => {
    t = await tempStore();
    const base = generateApplications(2, 7);
    await t.store.upsertApplications(
      base.map((r, i) => ({ ...r, application: { ...r.application, id: `R-${i}`, status: 'queued', version: 3, assignee: reviewer.id }, documents: r.documents.map((d, j) => ({ ...d, id: `R-${i}-${j}` })) })),
    );
    const decide = (applicationId: string) =>
      t!.store.recordDecision({ applicationId, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null }, reviewer, 'device-r', false);
    const first = await decide('R-0');
    const second = await decide('R-1');
    await t.store.markMutationRejected(first.mutationId, 'stale', { ...t.store.getCase('R-0').application, status: 'queued', version: 4 } as Application);
    const answer = { id: second.mutationId, status: 'rejected' as const, reason: 'withdrawn', current: null };
    await t.store.settleMutations([answer]);
    await t.store.settleMutations([answer]); // a repeated answer

    const refusals = t.store.auditAfter(0, 100).filter((e) => e.action === 'sync_refused');
    expect(refusals.map((e) => ({ applicationId: e.applicationId, actorId: e.actorId, actorName: e.actorName, deviceId: e.deviceId, details: JSON.parse(e.details) as unknown }))).toEqual([
      { applicationId: 'R-0', actorId: reviewer.id, actorName: reviewer.displayName, deviceId: 'device-r', details: { mutationId: first.mutationId, decisionId: first.id, refusal: 'stale' } },
      { applicationId: 'R-1', actorId: reviewer.id, actorName: reviewer.displayName, deviceId: 'device-r', details: { mutationId: second.mutationId, decisionId: second.id, refusal: 'withdrawn' } },
    ]);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true });
  }, 60_000);
});

describe('pushed to the central service', () => {
  it('arrive with the chain and verify there', async () => {
    central = await startCentral();
    const ws = await openWorkstation({
      dataDir: tempFolder('verity-session-audit-central-'),
      host: 'browser',
      version: 't',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 4)),
      central: { url: central.server.url, embedded: false, intervalMs: 3_600_000 },
    });
    opened.push(ws);
    expect(await signIn(ws, 'reviewer1')).toMatchObject({ ok: true });
    expect(await call(ws, 'session.lock')).toMatchObject({ ok: true });
    expect(await signIn(ws, 'reviewer1')).toMatchObject({ ok: true });
    // A sync under way since the first sign-in may have taken the chain before the unlock: the next one brings it.
    const pushed = async () => {
      expect(await call(ws, 'sync.now')).toMatchObject({ ok: true, value: { ok: true } });
      return central!.server.db.query<{ action: string; actor_id: string; problem: string | null }>(
        `SELECT action, actor_id, problem FROM audit_entries WHERE device_id = $1 ORDER BY seq`,
        [ws.deviceId],
      );
    };
    await expect
      .poll(pushed, { timeout: 30_000 })
      .toEqual([
        { action: 'session_signed_in', actor_id: 'reviewer1', problem: null },
        { action: 'session_locked', actor_id: 'reviewer1', problem: null },
        { action: 'session_unlocked', actor_id: 'reviewer1', problem: null },
      ]);
  }, 120_000);
});
