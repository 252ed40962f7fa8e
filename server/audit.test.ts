// Device audit trails at the central service, through real HTTP on a real database: entries a real workstation store
// wrote (and hashed) verify here; entries edited or deleted in the workstation's SQLite behind its triggers are named
// with their device and seq; a resend changes nothing; another entry at a stored seq is a conflict; a person's entries
// wait for that person; the routes refuse the wrong roles; the stored trail is append-only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainedBytes } from '../shared/auditChain';
import {
  AuditBatchResponse,
  AuditDevicesResponse,
  AuditEntriesResponse,
  CentralError,
  type AuditChainEntry,
  type AuditDevice,
} from '../shared/contract/central';
import type { Person } from '../shared/domain';
import { startTestServer, TestClient, type Answer, type TestServer } from '../tests/support/central';
import { tempStore, type TempStore } from '../tests/support/store';
import { auditEntryHash } from './audit';

const reviewerOne: Person = { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' };
const reviewerTwo: Person = { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' };

let server: TestServer;
let r1: TestClient;
let r2: TestClient;
let sup: TestClient;
let intake: TestClient;
const stores: TempStore[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const signedIn = (username: string) => new TestClient(server.url, () => server.clock.now).signIn(username);
  r1 = await signedIn('reviewer1');
  r2 = await signedIn('reviewer2');
  sup = await signedIn('supervisor1');
  intake = await signedIn('intake');
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  for (const t of stores.splice(0)) t.cleanup();
});

let devices = 0;
/** A real workstation store on a device of its own where `people` open cases in turn: one audit entry per opening. */
async function workstation(openings: number, people: readonly Person[] = [reviewerOne]): Promise<{ t: TempStore; deviceId: string }> {
  const t = await tempStore(3);
  stores.push(t);
  const deviceId = `device-audit-${++devices}`;
  const ids = (t.db.prepare('SELECT id FROM applications ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  for (let i = 0; i < openings; i++) {
    await t.store.openCase(ids[i % ids.length]!, { actor: people[i % people.length]!, deviceId, online: i % 2 === 0 });
  }
  return { t, deviceId };
}

/** Edits the workstation's SQLite behind its append-only triggers, as someone holding the key could. */
function behindTheTriggers(t: TempStore, sql: string): void {
  t.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
  t.db.exec(sql);
}

async function push(client: TestClient, deviceId: string, entries: readonly AuditChainEntry[]): Promise<AuditBatchResponse> {
  const answer = await client.post('/v1/audit:batch', { deviceId, entries });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return AuditBatchResponse.parse(answer.body);
}

async function deviceOf(deviceId: string): Promise<AuditDevice | undefined> {
  const answer = await sup.get('/v1/audit/devices');
  expect(answer.status).toBe(200);
  return AuditDevicesResponse.parse(answer.body).devices.find((d) => d.deviceId === deviceId);
}

async function entriesWhere(query: Record<string, string>): Promise<AuditEntriesResponse> {
  const answer = await sup.get(`/v1/audit/entries?${new URLSearchParams(query).toString()}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return AuditEntriesResponse.parse(answer.body);
}

const code = (a: Answer) => CentralError.parse(a.body).error.code;

describe('a device trail pushed from a real workstation store', () => {
  it('is hashed alike on both ends, verifies here, and shows who opened which application on which device', async () => {
    const { t, deviceId } = await workstation(6);
    const entries = t.store.auditAfter(0, 100);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // The same bytes, the same hash: the central service's digest of each entry is the hash the workstation's store wrote.
    for (const e of entries) expect(auditEntryHash(e)).toBe(e.hash);
    expect(chainedBytes(entries[0]!)).toMatch(/^\{"action":"documents_opened","actorId":"reviewer1","actorName":"Reviewer One","applicationId":"[^"]+","at":\d+,"details":"\{.*\}","deviceId":"device-audit-\d+","online":1,"prevHash":"0{64}","seq":1\}$/);

    const answer = await push(r1, deviceId, entries);
    expect(answer).toMatchObject({ acknowledgedSeq: 6, stored: 6, duplicates: 0, problems: [], held: null });
    expect(await deviceOf(deviceId)).toMatchObject({ lastSeq: 6, entries: 6, integrity: { ok: true }, people: [{ username: 'reviewer1', displayName: 'Reviewer One' }] });

    const applicationId = entries[1]!.applicationId!;
    const trail = await entriesWhere({ applicationId });
    expect(trail.entries.map((e) => e.seq).sort()).toEqual(entries.filter((e) => e.applicationId === applicationId).map((e) => e.seq).sort());
    expect(trail.entries[0]).toMatchObject({ deviceId, action: 'documents_opened', applicationId, actor: { username: 'reviewer1' }, problem: null, pushedBy: 'reviewer1' });
  });

  it('names the device and the entry whose details were edited in the workstation file behind its triggers, and stores it marked', async () => {
    const { t, deviceId } = await workstation(6);
    behindTheTriggers(t, `UPDATE audit_log SET details = '{"documents":[]}' WHERE seq = 3`);
    const answer = await push(r1, deviceId, t.store.auditAfter(0, 100));
    expect(answer).toMatchObject({ acknowledgedSeq: 6, stored: 6, problems: [{ seq: 3, kind: 'hash_mismatch', message: expect.stringMatching(/changed/) }] });
    expect((await deviceOf(deviceId))?.integrity).toMatchObject({ ok: false, firstBadSeq: 3, kind: 'hash_mismatch', problems: 1 });
    const stored = await entriesWhere({ deviceId });
    expect(stored.entries.map((e) => [e.seq, e.problem])).toEqual([6, 5, 4, 3, 2, 1].map((seq) => [seq, seq === 3 ? 'hash_mismatch' : null]));
    expect(stored.entries.find((e) => e.seq === 3)?.details).toBe('{"documents":[]}');
  });

  it('names a gap: an entry deleted from the workstation file', async () => {
    const { t, deviceId } = await workstation(6);
    behindTheTriggers(t, `DELETE FROM audit_log WHERE seq IN (3, 4)`);
    const answer = await push(r1, deviceId, t.store.auditAfter(0, 100));
    expect(answer).toMatchObject({ acknowledgedSeq: 6, stored: 4, problems: [{ seq: 3, kind: 'gap', message: 'entries 3 to 4 are missing' }] });
    expect((await deviceOf(deviceId))?.integrity).toMatchObject({ ok: false, firstBadSeq: 3, kind: 'gap' });
  });

  it('names a broken link across pages, checked against the entry stored before', async () => {
    const { t, deviceId } = await workstation(5);
    await push(r1, deviceId, t.store.auditAfter(0, 2));
    // A careful tamperer: entry 3 linked elsewhere and its hash made right for that, so only the link gives it away.
    const relinked = { ...t.store.auditAfter(2, 1)[0]!, prevHash: 'f'.repeat(64) };
    behindTheTriggers(t, `UPDATE audit_log SET prev_hash = '${relinked.prevHash}', hash = '${auditEntryHash(relinked)}' WHERE seq = 3`);
    const answer = await push(r1, deviceId, t.store.auditAfter(2, 100));
    // Entry 4 still links to entry 3 as it was: the changed hash shows there too.
    expect(answer.problems).toEqual([3, 4].map((seq) => ({ seq, kind: 'broken_link', message: expect.stringMatching(/link/) })));
    expect((await deviceOf(deviceId))?.integrity).toMatchObject({ ok: false, firstBadSeq: 3, kind: 'broken_link' });
  });

  it('takes an exact resend as a no-op, and records another entry at a stored seq as a conflict, once', async () => {
    const { t, deviceId } = await workstation(4);
    const entries = t.store.auditAfter(0, 100);
    await push(r1, deviceId, entries);
    expect(await push(r1, deviceId, entries)).toMatchObject({ acknowledgedSeq: 4, stored: 0, duplicates: 4, problems: [] });
    expect(await deviceOf(deviceId)).toMatchObject({ lastSeq: 4, entries: 4, integrity: { ok: true } });

    // A self-consistent entry at seq 2 that is not the one stored: a second history of this device.
    const other = { ...entries[1]!, at: entries[1]!.at + 1 };
    const forged = { ...other, hash: auditEntryHash(other) };
    const conflict = await push(r1, deviceId, [forged]);
    expect(conflict).toMatchObject({ acknowledgedSeq: 2, stored: 0, duplicates: 0, problems: [{ seq: 2, kind: 'conflict' }] });
    expect((await push(r1, deviceId, [forged])).problems).toEqual([]);
    expect(await deviceOf(deviceId)).toMatchObject({ entries: 4, integrity: { ok: false, firstBadSeq: 2, kind: 'conflict', problems: 1 } });
    expect((await entriesWhere({ deviceId })).entries.find((e) => e.seq === 2)?.hash).toBe(entries[1]!.hash);
  });
});

describe('who may push what', () => {
  it("holds another person's entries until that person has pushed this device's trail; after that, anyone who works there may", async () => {
    // A shared workstation: reviewer1 and reviewer2 take turns.
    const { t, deviceId } = await workstation(6, [reviewerOne, reviewerTwo]);
    const entries = t.store.auditAfter(0, 100);
    const first = await push(r2, deviceId, entries);
    expect(first).toMatchObject({ acknowledgedSeq: null, stored: 0, held: { seq: 1, actorId: 'reviewer1', message: expect.stringMatching(/reviewer1/) } });
    // reviewer1 pushes the whole trail: reviewer2's entries are held, as reviewer2 has not pushed this device's trail
    // (the refused attempt above took nothing, so it does not count).
    const second = await push(r1, deviceId, entries);
    expect(second).toMatchObject({ acknowledgedSeq: 1, stored: 1, held: { seq: 2, actorId: 'reviewer2' } });
    expect(await push(r2, deviceId, entries.slice(1))).toMatchObject({ acknowledgedSeq: 6, stored: 5, held: null, problems: [] });
    expect((await deviceOf(deviceId))?.people.map((p) => p.username)).toEqual(['reviewer1', 'reviewer2']);
    // Both have pushed it now: either may push the other's later entries.
    await t.store.openCase(entries[0]!.applicationId!, { actor: reviewerOne, deviceId, online: true });
    expect(await push(r2, deviceId, t.store.auditAfter(6, 100))).toMatchObject({ acknowledgedSeq: 7, stored: 1, held: null });
  });

  it('refuses a batch naming another device or out of order, naming the entry', async () => {
    const { t, deviceId } = await workstation(3);
    const entries = t.store.auditAfter(0, 100);
    const wrongDevice = await r1.post('/v1/audit:batch', { deviceId: 'another-device', entries });
    expect(wrongDevice.status).toBe(400);
    expect(CentralError.parse(wrongDevice.body).error.message).toMatch(/entries\.0\.deviceId/);
    const reversed = await r1.post('/v1/audit:batch', { deviceId, entries: [...entries].reverse() });
    expect(reversed.status).toBe(400);
    expect(CentralError.parse(reversed.body).error.message).toMatch(/entries\.1\.seq/);
  });
});

describe('the audit routes', () => {
  it('answer only the roles they are for', async () => {
    const { t, deviceId } = await workstation(1);
    const body = { deviceId, entries: t.store.auditAfter(0, 10) };
    const anonymous = new TestClient(server.url, () => server.clock.now);
    const table: { client: TestClient; method: 'GET' | 'POST'; path: string; status: number }[] = [
      { client: anonymous, method: 'POST', path: '/v1/audit:batch', status: 401 },
      { client: intake, method: 'POST', path: '/v1/audit:batch', status: 403 },
      { client: r1, method: 'POST', path: '/v1/audit:batch', status: 200 },
      { client: sup, method: 'POST', path: '/v1/audit:batch', status: 200 },
      { client: anonymous, method: 'GET', path: '/v1/audit/devices', status: 401 },
      { client: intake, method: 'GET', path: '/v1/audit/devices', status: 403 },
      { client: r1, method: 'GET', path: '/v1/audit/devices', status: 403 },
      { client: sup, method: 'GET', path: '/v1/audit/devices', status: 200 },
      { client: anonymous, method: 'GET', path: '/v1/audit/entries', status: 401 },
      { client: intake, method: 'GET', path: '/v1/audit/entries', status: 403 },
      { client: r2, method: 'GET', path: '/v1/audit/entries', status: 403 },
      { client: sup, method: 'GET', path: '/v1/audit/entries', status: 200 },
    ];
    for (const row of table) {
      const answer = await row.client.request(row.method, row.path, row.method === 'POST' ? { json: body } : {});
      expect(answer.status, `${row.client.person?.username ?? 'anonymous'} ${row.method} ${row.path}`).toBe(row.status);
      if (row.status === 403) expect(code(answer)).toBe('forbidden');
    }
  });

  it('page the entries newest first with filters that combine, and refuse a cursor they did not give', async () => {
    const { t, deviceId } = await workstation(7);
    await push(r1, deviceId, t.store.auditAfter(0, 100));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditEntriesResponse = await entriesWhere({ deviceId, person: 'reviewer1', action: 'documents_opened', limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect((await entriesWhere({ deviceId, person: 'reviewer2' })).entries).toEqual([]);
    const bad = await sup.get('/v1/audit/entries?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(code(bad)).toBe('invalid_cursor');
  });

  it('keep the stored trail append-only: the database refuses an update or delete', async () => {
    const { t, deviceId } = await workstation(1);
    await push(r1, deviceId, t.store.auditAfter(0, 10));
    await expect(server.db.query(`UPDATE audit_entries SET details = '{}' WHERE device_id = $1`, [deviceId])).rejects.toThrow(/append-only/);
    await expect(server.db.query(`DELETE FROM audit_entries WHERE device_id = $1`, [deviceId])).rejects.toThrow(/append-only/);
    await expect(server.db.query(`DELETE FROM audit_problems`)).rejects.toThrow(/append-only/);
    await expect(server.db.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
  });
});
