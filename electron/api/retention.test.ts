// Retention end to end on real parts: the central service (PGlite, real HTTP) sets the period, the changes feed
// delivers it, and a real store file with real encrypted blobs loses the applicant fields and images of the cases
// decided and synced longer ago, while open cases, decisions not yet synced and the audit trail stay.
import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope } from '../../shared/contract/central';
import { TestClient } from '../../tests/support/central';
import { openInspection } from '../../tests/support/store';
import { openWorkstationSide, rejectLocally, engineOptions, reviewer1, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine } from '../sync/engine';
import { retentionDays } from '../sync/retention';
import { applyRetention } from './retention';
import { createRetirementHandlers } from './retirement';
import type { CallContext } from './registry';

const DAY_MS = 24 * 60 * 60 * 1000;
let central: CentralFixture;
let local: Workstation;

beforeAll(async () => {
  central = await startCentral();
  local = openWorkstationSide();
}, 60_000);

afterAll(async () => {
  await local?.close();
  await central?.close();
});

/** Every blob file of the workstation, by the SHA-256 it is named by. */
function blobHashes(): Set<string> {
  const root = join(local.dir, 'blobs');
  return new Set(
    readdirSync(root, { recursive: true, encoding: 'utf8' })
      .map((name) => /([0-9a-f]{64})\.\w+$/.exec(name)?.[1])
      .filter((h): h is string => h !== undefined),
  );
}

/** Every row of every table of the store, as text: where an applicant's name could still be. */
function storeText(): string {
  const db = openInspection(join(local.dir, 'cases.db'), local.keyProvider);
  try {
    const tables = db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all();
    return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())).join('\n');
  } finally {
    db.close();
  }
}

/** The applicant's name and document number, as a note a reviewer might write would quote them. */
function applicantOf(e: ApplicationEnvelope): { fullName: string; documentNumber: string } {
  const identity = e.application.identity;
  if (identity.kind !== 'individual') throw new Error('individual applications expected');
  return identity;
}

/** A rejection whose notes name the applicant (people write such notes; retention must not keep them). */
async function rejectWithNotes(e: ApplicationEnvelope, notes: { internalNote: string; overrideNote: string | null }): Promise<string> {
  const decision = await local.store.recordDecision(
    { applicationId: e.application.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'Please submit a clearer photo.', ...notes },
    reviewer1,
    'device-test',
    true,
  );
  return decision.mutationId;
}

describe('retention', () => {
  it("purges decided and synced cases after the central service's period; keeps open and unsynced ones and the audit trail", async () => {
    const admin = await new TestClient(central.server.url, () => central.server.clock.now).signIn('admin1');
    const set = await admin.request('PUT', '/v1/retention', { json: { days: 10 } });
    expect([set.status, set.body]).toEqual([200, expect.objectContaining({ days: 10, updatedBy: 'admin1' })]);

    const [synced1, synced2, unsynced, open] = (await central.submit(4)) as [ApplicationEnvelope, ApplicationEnvelope, ApplicationEnvelope, ApplicationEnvelope];
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    try {
      await engine.syncNow();
      expect(retentionDays(local.store)).toBe(10);
      const named = applicantOf(synced1);
      await rejectWithNotes(synced1, { internalNote: `Called ${named.fullName} about document ${named.documentNumber}.`, overrideNote: null });
      await rejectLocally(local.store, synced2.application.id, true);
      await engine.syncNow();
      // Decided after the last push: waits in the outbox.
      await rejectLocally(local.store, unsynced.application.id, true);
    } finally {
      await engine.stop();
    }
    const shaOf = (e: ApplicationEnvelope) => e.documents[0]!.sha256;
    const names = (e: ApplicationEnvelope) => [e.application.identity.kind === 'individual' ? e.application.identity.fullName : '', e.application.identity.kind === 'individual' ? e.application.identity.documentNumber : ''];
    for (const e of [synced1, synced2, unsynced, open]) expect(blobHashes().has(shaOf(e))).toBe(true);
    // Previews are derived in the background after a pull. One written after the purge is young, and collection spares
    // files younger than 15 min (the next hourly pass takes it), so this purge starts once they are all written.
    await local.images.whenDerived();
    // The blobs were written when the cases were pulled, long ago by now (collection spares files younger than 15 min).
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of readdirSync(join(local.dir, 'blobs'), { recursive: true, encoding: 'utf8' })) utimesSync(join(local.dir, 'blobs', name), old, old);
    const auditBefore = local.store.verifyAudit();
    const parts = { store: local.store, images: local.images, deviceId: 'device-test', isOnline: () => true };

    // Nine days on: within the period, nothing goes.
    expect(await applyRetention({ ...parts, now: () => new Date(Date.now() + 9 * DAY_MS) })).toEqual({ applications: 0, documents: 0, copies: 0 });

    // Eleven days on: the two decided and synced cases go; the unsynced decision and the open case stay.
    expect(await applyRetention({ ...parts, now: () => new Date(Date.now() + 11 * DAY_MS) })).toEqual({ applications: 2, documents: 4, copies: 0 }); // ID cards: front and back each
    for (const gone of [synced1, synced2]) {
      const detail = local.store.getCase(gone.application.id);
      expect(detail.documents).toEqual([]);
      expect(detail.application.identity).toMatchObject({ kind: 'individual', fullName: '—', documentNumber: '—' });
      expect(blobHashes().has(shaOf(gone))).toBe(false);
    }
    // The decision stays, with its outcome and reasons; a note that was written shows as removed, an empty one stays empty.
    expect(local.store.getCase(synced1.application.id).decisions.map((d) => [d.outcome, d.reasonCodes, d.internalNote, d.overrideNote])).toEqual([['reject', ['other'], '—', null]]);
    expect(local.store.getCase(synced2.application.id).decisions.map((d) => d.internalNote)).toEqual(['']);
    const text = storeText();
    for (const name of [...names(synced1), ...names(synced2)]) expect(text).not.toContain(name);
    for (const kept of [unsynced, open]) {
      expect(local.store.getCase(kept.application.id).documents).toHaveLength(2);
      expect(blobHashes().has(shaOf(kept))).toBe(true);
      for (const name of names(kept)) expect(text).toContain(name);
    }
    // The trail stays whole: every entry before, plus one saying what was removed.
    const auditAfter = local.store.verifyAudit();
    expect(auditBefore.ok && auditAfter.ok).toBe(true);
    expect(auditAfter.count).toBe(auditBefore.count + 1);
    expect(text).toContain('"action":"applicant_data_removed"');
    // A pass again finds nothing more to do.
    expect(await applyRetention({ ...parts, now: () => new Date(Date.now() + 11 * DAY_MS) })).toEqual({ applications: 0, documents: 0, copies: 0 });
  }, 120_000);

  it('"Remove all applicant data" syncs last, names every decision not synced, and removes everything only once each is confirmed', async () => {
    const [decided, open] = (await central.submit(2)) as [ApplicationEnvelope, ApplicationEnvelope];
    const engine = createSyncEngine(engineOptions(local, central.server.url));
    await engine.syncNow();
    await engine.stop();
    const person = applicantOf(decided);
    const mutationId = await rejectWithNotes(decided, { internalNote: '', overrideNote: `${person.fullName} showed the original ${person.documentNumber} by video.` });
    // The last sync cannot reach the central service: the decision stays unsynced.
    const offline = createSyncEngine(engineOptions(local, 'http://127.0.0.1:9'));
    const handlers = createRetirementHandlers({
      store: local.store,
      images: local.images,
      deviceId: 'device-test',
      isOnline: () => false,
      finalSync: async () => (await offline.syncNow()).ok,
    });
    const ctx = { person: { id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' }, deviceId: 'device-test', transport: 'ipc' } as CallContext;
    try {
      const check = await handlers['device.retirementCheck']({}, ctx);
      expect(check.synced).toBe(false);
      const named = check.unsynced.map((d) => d.applicationId);
      expect(named).toContain(decided.application.id);
      expect(check.unsynced.find((d) => d.applicationId === decided.application.id)).toMatchObject({ outcome: 'reject', decidedBy: 'Reviewer One', state: 'pending' });
      expect(mutationId).toBeTruthy();

      // Unconfirmed: refused, naming the application; nothing removed.
      const refused = handlers['device.removeApplicantData']({ confirmUnsynced: named.filter((id) => id !== decided.application.id), confirmVerdicts: [] }, ctx);
      await expect(refused).rejects.toMatchObject({ code: 'unsynced_decisions', message: expect.stringContaining(decided.application.id) });
      expect(local.store.getCase(open.application.id).documents).toHaveLength(2);
      await expect(handlers['device.removeApplicantData']({ confirmUnsynced: named, confirmVerdicts: [] }, { ...ctx, person: null })).rejects.toMatchObject({ code: 'unauthorized' });

      const auditBefore = local.store.verifyAudit();
      const removed = await handlers['device.removeApplicantData']({ confirmUnsynced: named, confirmVerdicts: [] }, ctx);
      expect(removed.applications).toBeGreaterThanOrEqual(2);
      // Every image is gone, every name and number; the trail and the decisions stay.
      expect(blobHashes().size).toBe(0);
      const text = storeText();
      for (const e of [decided, open]) {
        const identity = e.application.identity;
        if (identity.kind !== 'individual') throw new Error('individual applications expected');
        expect(text).not.toContain(identity.fullName);
        expect(text).not.toContain(identity.documentNumber);
      }
      const auditAfter = local.store.verifyAudit();
      expect(auditAfter.ok && auditAfter.count === auditBefore.count + 1).toBe(true);
      expect(local.store.unsyncedDecisions().map((d) => d.applicationId)).toEqual(named);
    } finally {
      await offline.stop();
    }
  }, 120_000);

  it('"Remove all applicant data" names a supervisor\'s queued verdicts too, and removes nothing until each is confirmed', async () => {
    const supervisor = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' } as const;
    const decisionId = '01900000-0000-7000-8000-00000000d001';
    // Made offline: it waits in the supervisor's outbox, and the last sync cannot reach the central service.
    const verdict = await local.store.recordSupervision({ type: 'review', decisionId, verdict: 'overturn', reason: 'Not the applicant in the photo.' }, supervisor, 'device-test', false);
    const handlers = createRetirementHandlers({ store: local.store, images: local.images, deviceId: 'device-test', isOnline: () => false, finalSync: async () => false });
    const ctx = { person: supervisor, deviceId: 'device-test', transport: 'ipc' } as CallContext;
    const check = await handlers['device.retirementCheck']({}, ctx);
    expect(check.unsyncedVerdicts).toEqual([{ id: verdict.mutation.id, decisionId, applicationId: null, applicantName: null, verdict: 'overturn', madeBy: 'supervisor1' }]);
    const confirmUnsynced = check.unsynced.map((d) => d.applicationId);

    const auditBefore = local.store.verifyAudit();
    await expect(handlers['device.removeApplicantData']({ confirmUnsynced, confirmVerdicts: [] }, ctx)).rejects.toMatchObject({ code: 'unsynced_verdicts', message: expect.stringContaining(decisionId) });
    expect(local.store.verifyAudit()).toEqual(auditBefore);
    await handlers['device.removeApplicantData']({ confirmUnsynced, confirmVerdicts: [verdict.mutation.id] }, ctx);
    expect(local.store.verifyAudit().count).toBe(auditBefore.count + 1);
  }, 60_000);
});
