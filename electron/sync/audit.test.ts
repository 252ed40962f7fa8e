// The device's audit trail through the sync engine, against the real central service in-process: a reviewer's sync
// pushes the trail from the last acknowledged entry and the service verifies it; another person's entries wait for
// them and a refused page is reported, and neither stops the sync; a supervisor's sync brings the devices' integrity
// (kept with its time) and an application's trail across devices is asked of the service.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import { engineOptions as baseOptions, openWorkstationSide, reviewer1, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { auditPushedKey, cachedAuditDevices } from './audit';
import { createSyncEngine } from './engine';

const reviewer2: Person = { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' };
const supervisor = { credentials: { username: 'supervisor1', password: 'verity-demo' }, deviceId: 'device-supervisor' };

let central: CentralFixture;
let local: Workstation;
/** Each test's workstation is a device of its own: the central service is shared by the file. */
let deviceId = '';
let devices = 0;
beforeAll(async () => {
  central = await startCentral();
});
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  local = openWorkstationSide();
  deviceId = `device-audit-${++devices}`;
});
afterEach(async () => {
  await local?.close();
});

const engineOptions: typeof baseOptions = (side, url, extra = {}) => baseOptions(side, url, { deviceId, ...extra });

/** Records a rejection here, as the decision panel does (an audit entry and an outbox mutation). */
async function rejectLocally(applicationId: string): Promise<string> {
  const input = { applicationId, outcome: 'reject' as const, reasonCodes: ['other' as const], applicantMessage: 'Please submit a clearer photo.', internalNote: '', overrideNote: null };
  return (await local.store.recordDecision(input, reviewer1, deviceId, true)).mutationId;
}

/** The device's entries as the central service holds them, oldest first. */
async function storedAt(deviceId: string): Promise<{ seq: number; hash: string; problem: string | null; pushed_by: string }[]> {
  return central.server.db.query(`SELECT seq, hash, problem, pushed_by FROM audit_entries WHERE device_id = $1 ORDER BY seq`, [deviceId]);
}

/** Pulls `count` new applications to reviewer1 here and opens each (an audit entry apiece). */
async function pullAndOpen(count: number, by: Person = reviewer1): Promise<string[]> {
  const ids = (await central.submit(count, 0)).map((s) => s.application.id);
  const engine = createSyncEngine(engineOptions(local, central.server.url));
  expect((await engine.syncNow()).ok).toBe(true);
  await engine.stop();
  for (const id of ids) await local.store.openCase(id, { actor: by, deviceId, online: true });
  return ids;
}

describe("the device's audit trail in sync", () => {
  it('goes up with every sync from the last entry acknowledged, and verifies at the central service', async () => {
    const ids = await pullAndOpen(2);
    await rejectLocally(ids[0]!);
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    const first = await engine.syncNow();
    expect(first.ok).toBe(true);
    const mine = local.store.auditAfter(0, 100);
    expect(mine.length).toBe(3);
    expect(first.audit).toMatchObject({ pushed: 3, pages: 1, problems: 0, held: null, error: null });
    expect(local.store.getSyncState(auditPushedKey)).toBe('3');
    expect(await storedAt(deviceId)).toEqual(mine.map((e) => ({ seq: e.seq, hash: e.hash, problem: null, pushed_by: 'reviewer1' })));

    // Only what came since goes up next time.
    await local.store.openCase(ids[1]!, { actor: reviewer1, deviceId, online: true });
    const second = await engine.syncNow();
    expect(second.audit).toMatchObject({ pushed: 1, pages: 1 });
    expect((await storedAt(deviceId)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await engine.syncNow()).audit).toMatchObject({ pushed: 0, pages: 0 });
    await engine.stop();
  });

  it("leaves another person's entries for them and reports it, and a refused page does not stop the sync either", async () => {
    // A shared workstation: reviewer2 opened a case here after reviewer1 and has never synced from it.
    const ids = await pullAndOpen(1);
    await local.store.openCase(ids[0]!, { actor: reviewer2, deviceId, online: false });
    const decided = await rejectLocally(ids[0]!);
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    const held = await engine.syncNow();
    expect(held.ok).toBe(true);
    expect(held.pushed.applied).toBe(1);
    expect(held.audit).toMatchObject({ pushed: 1, held: { seq: 2, actorId: 'reviewer2' }, error: null });
    expect((await central.decisionsFor(ids)).map((d) => d.id)).toEqual([decided]);
    await engine.stop();

    // The service refuses the page outright (here: it names another device): reported, the pull still runs.
    const more = (await central.submit(1, 0)).map((s) => s.application.id);
    const refusing: HttpTransport = (url, request) =>
      nodeHttpTransport(url, new URL(url).pathname.endsWith('/v1/audit:batch') ? { ...request, body: request.body?.replace(`"deviceId":"${deviceId}"`, '"deviceId":"elsewhere"') } : request);
    const reviewer2Engine = createSyncEngine(engineOptions(local, central.server.url, { credentials: { username: 'reviewer2', password: 'verity-demo' }, transport: refusing }));
    const refused = await reviewer2Engine.syncNow();
    expect(refused.ok).toBe(true);
    expect(refused.pulled.inserted).toBe(more.length);
    expect(refused.audit.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/deviceId/) });
    expect(local.store.getSyncState(auditPushedKey)).toBe('1');
    await reviewer2Engine.stop();

    // reviewer2's own session, unhindered, takes their entry and everything after it.
    const ownSession = createSyncEngine(engineOptions(local, central.server.url, { credentials: { username: 'reviewer2', password: 'verity-demo' } }));
    const taken = await ownSession.syncNow();
    expect(taken.audit).toMatchObject({ held: null, error: null });
    expect((await storedAt(deviceId)).map((e) => [e.seq, e.pushed_by])).toEqual([
      [1, 'reviewer1'],
      [2, 'reviewer2'],
      [3, 'reviewer2'],
    ]);
    await ownSession.stop();
  });

  it("brings a supervisor the devices' integrity, kept with its time, and an application's trail across devices", async () => {
    const ids = await pullAndOpen(1);
    const reviewerEngine = createSyncEngine(engineOptions(local, central.server.url));
    expect((await reviewerEngine.syncNow()).ok).toBe(true);
    await reviewerEngine.stop();

    const desk = openWorkstationSide();
    try {
      expect(cachedAuditDevices(desk.store)).toEqual({ devices: [], fetchedAt: null });
      const engine = createSyncEngine(engineOptions(desk, central.server.url, supervisor));
      const report = await engine.syncNow();
      expect(report.ok).toBe(true);
      const cached = cachedAuditDevices(desk.store);
      expect(report.audit.devices).toBe(cached.devices.length);
      expect(cached.fetchedAt).not.toBeNull();
      expect(cached.devices.find((d) => d.deviceId === deviceId)).toMatchObject({ integrity: { ok: true }, people: [{ username: 'reviewer1' }] });

      const trail = await engine.auditTrail({ applicationId: ids[0]! });
      expect(trail.entries.map((e) => [e.deviceId, e.action, e.actor?.username])).toEqual([[deviceId, 'documents_opened', 'reviewer1']]);
      await engine.stop();
    } finally {
      await desk.close();
    }
  });
});
