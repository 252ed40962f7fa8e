// Store migration 10: open cases stored before R9 and R10 get those flags when the store opens again, so the queue's
// flag filter and counts know them without waiting for the central service to send each case anew.
import { afterEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../../../tests/support/store';

let t: TempStore | null = null;
afterEach(() => t?.cleanup());

describe('store migration 10', () => {
  it('stores the R9 and R10 flags of open cases a version 9 store lacks, once, when it opens', async () => {
    t = await tempStore(300, 11);
    const before = await t.store.queueCounts();
    expect(before.byFlag.R9).toBeGreaterThan(0);
    expect(before.byFlag.R10).toBeGreaterThan(0);
    const stored = () => t!.db.prepare(`SELECT application_id, rule, reason, facts FROM flags WHERE rule IN ('R9', 'R10') ORDER BY application_id, position`).all();
    const expected = stored();

    // The store as Verity left it before the document checks: schema 9, flags evaluated by R1–R8 only.
    t.db.exec(`DELETE FROM flags WHERE rule IN ('R9', 'R10')`);
    t.db.exec('DROP INDEX applications_flags_stale');
    t.db.exec('ALTER TABLE applications DROP COLUMN flags_stale');
    // And without what later migrations added (11–14), which the reopening adds again.
    t.db.exec('ALTER TABLE documents DROP COLUMN previous');
    t.db.exec('DROP TABLE linked_accounts');
    t.db.exec('ALTER TABLE documents DROP COLUMN mrz');
    t.db.exec('ALTER TABLE applications DROP COLUMN purged_at');
    t.db.exec('DROP TABLE withdrawal_log');
    t.db.pragma('user_version = 9');
    expect(stored()).toEqual([]);

    t.reopen();
    // Open cases' flags as evaluated now; decided ones keep what they were judged on (none recorded by the seed).
    const open = new Set(t.db.prepare('SELECT id FROM applications WHERE open = 1').pluck().all() as string[]);
    expect(stored()).toEqual((expected as { application_id: string }[]).filter((f) => open.has(f.application_id)));
    expect((await t.store.queueCounts()).byFlag).toEqual(before.byFlag);
    expect(t.db.prepare('SELECT count(*) FROM applications WHERE flags_stale = 1').pluck().get()).toBe(0);
  });
});
