// Retention's purge in the case store, for what the end-to-end test (electron/api/retention.test.ts) does not look at:
// the cached R2/R3 lists (they name other applicants), the QA queue's copies of the decision (they carry the
// applicant's name) and the decision's message to the applicant go with the case's applicant data; copies of other
// cases stay, and so do the decision and the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import { seedEpoch } from '../seed';
import { reviewer, tempStore, type TempStore } from '../../../tests/support/store';
import { REMOVED } from './retention';

let t: TempStore | null = null;
afterEach(() => t?.cleanup());

const DAY_MS = 24 * 60 * 60 * 1000;
const MARKER = 'MARKER-7Q2Z';

describe('retention purge: cached copies and the applicant message', () => {
  it('removes the linked-account lists, QA queue copies and applicant message of a purged case, and nothing of another', async () => {
    t = await tempStore(30, 5);
    const [purged] = t.store.listQueue({ assignee: reviewer.id, limit: 1 }).items;
    const kept = t.store.listQueue({ limit: 5 }).items.find((item) => item.id !== purged!.id);
    await t.store.openCase(purged!.id, { actor: reviewer, deviceId: 'device-test', online: true });
    await t.store.recordDecision(
      { applicationId: purged!.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: `Dear ${MARKER}, your photo is blurred.`, internalNote: '', overrideNote: null },
      reviewer,
      'device-test',
      true,
    );
    // Synced: the central service took the decision.
    t.db.prepare(`UPDATE outbox SET state = 'applied', settled_at = ? WHERE application_id = ?`).run(seedEpoch.getTime(), purged!.id);
    const queueCopy = t.db.prepare(`INSERT INTO quality_queue (stage, position, decision_id, reviewer, body) VALUES ('quality', ?, ?, ?, ?)`);
    queueCopy.run(1, 'decision-purged', reviewer.id, JSON.stringify({ decision: { applicationId: purged!.id, applicantName: MARKER }, sampledFor: 'quality' }));
    queueCopy.run(2, 'decision-kept', reviewer.id, JSON.stringify({ decision: { applicationId: kept!.id, applicantName: 'Kept Name' }, sampledFor: 'quality' }));
    const linked = t.db.prepare(`INSERT INTO linked_accounts (application_id, body, stored_at) VALUES (?, ?, ?)`);
    linked.run(purged!.id, JSON.stringify({ applicationId: purged!.id, accounts: [{ displayName: `${MARKER} relative` }] }), seedEpoch.getTime());
    linked.run(kept!.id, JSON.stringify({ applicationId: kept!.id, accounts: [{ displayName: 'Kept relative' }] }), seedEpoch.getTime());
    const auditBefore = t.store.verifyAudit();

    const removed = await t.store.purgeApplicantData({ kind: 'retention', before: seedEpoch.getTime() + 60 * DAY_MS }, { deviceId: 'device-test', online: true });
    expect(removed.applications).toBeGreaterThanOrEqual(1);
    const purgedAt = t.db.prepare('SELECT purged_at FROM applications WHERE id = ?').pluck();
    expect([purgedAt.get(purged!.id) !== null, purgedAt.get(kept!.id)]).toEqual([true, null]);

    expect(t.db.prepare('SELECT application_id FROM linked_accounts ORDER BY application_id').pluck().all()).toEqual([kept!.id]);
    expect(t.db.prepare('SELECT decision_id FROM quality_queue').pluck().all()).toEqual(['decision-kept']);
    expect(t.db.prepare('SELECT applicant_message FROM decisions WHERE application_id = ?').pluck().all(purged!.id)).toEqual([REMOVED]);
    // The decision itself stays, and the audit trail grows by the one entry saying what went.
    expect(t.db.prepare('SELECT outcome FROM decisions WHERE application_id = ?').pluck().all(purged!.id)).toEqual(['reject']);
    const auditAfter = t.store.verifyAudit();
    expect(auditAfter).toEqual({ ok: true, count: auditBefore.count + 1 });
    // The marker is nowhere in the store's rows.
    const tables = t.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    for (const table of tables) expect(JSON.stringify(t.db.prepare(`SELECT * FROM "${table}"`).all())).not.toContain(MARKER);
  });
});
