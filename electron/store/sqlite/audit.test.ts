// The audit chain against tampering behind the store's back: someone holding the key drops the append-only
// triggers (as a raw connection to the file could) and edits, reorders, deletes or inserts entries. verifyAudit
// must name the first entry that no longer checks out. A careful tamperer also rewrites the hashes of the entries
// they touched and re-links the entry after them: since each hash covers the previous one, only rewriting every
// later entry as well could hide the change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryHash, type AuditRow } from './audit';
import { reviewer, tempStore, type TempStore } from '../../../tests/support/store';

const entries = 6;
let t: TempStore;

beforeEach(async () => {
  t = await tempStore(3);
  const ids = (t.db.prepare('SELECT id FROM applications ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  // Each opening of a case is one entry.
  for (let i = 0; i < entries; i++) await t.store.openCase(ids[i % ids.length]!, { actor: reviewer, deviceId: 'device-audit', online: i % 2 === 0 });
  expect(t.store.verifyAudit()).toEqual({ ok: true, count: entries });
  t.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
});

afterEach(() => t.cleanup());

/** The chain as stored, in seq order. */
const chain = (): AuditRow[] => t.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];

/** Replaces the whole log with `rows`, as they are (nothing recomputed). */
function rewrite(rows: AuditRow[]): void {
  const insert = t.db.prepare(
    `INSERT INTO audit_log (seq, at, action, application_id, actor_id, actor_name, device_id, online, details, prev_hash, hash)
     VALUES (@seq, @at, @action, @application_id, @actor_id, @actor_name, @device_id, @online, @details, @prev_hash, @hash)`,
  );
  t.db.transaction(() => {
    t.db.exec('DELETE FROM audit_log');
    for (const row of rows) insert.run(row);
  })();
}

/** The entry with its hash made right for what it now holds (what a careful tamperer does to what they touch). */
function rehashed(row: AuditRow): AuditRow {
  const { hash: _old, ...rest } = row;
  return { ...row, hash: entryHash(rest) };
}

/** Entry `seq` of `rows` (1-based), which the scenarios index by. */
const at = (rows: AuditRow[], seq: number): AuditRow => rows[seq - 1]!;

const tampering: { name: string; tamper(rows: AuditRow[]): AuditRow[]; firstBrokenSeq: number; reason: RegExp }[] = [
  {
    name: 'the previous hash of entry 4 edited, nothing recomputed',
    tamper: (rows) => rows.map((r) => (r.seq === 4 ? { ...r, prev_hash: 'f'.repeat(64) } : r)),
    firstBrokenSeq: 4,
    reason: /link/,
  },
  {
    name: 'entry 3 edited and its hash recomputed, and entry 4 re-linked to that hash',
    tamper: (rows) => {
      const edited = rehashed({ ...at(rows, 3), actor_id: 'mallory', actor_name: 'Mallory' });
      return rows.map((r) => (r.seq === 3 ? edited : r.seq === 4 ? { ...r, prev_hash: edited.hash } : r));
    },
    // Entry 4's link matches now, but its hash covers the previous hash it had.
    firstBrokenSeq: 4,
    reason: /changed/,
  },
  {
    name: 'entries 3 and 4 swapped, nothing recomputed',
    tamper: (rows) => rows.map((r) => (r.seq === 3 ? { ...r, seq: 4 } : r.seq === 4 ? { ...r, seq: 3 } : r)),
    firstBrokenSeq: 3,
    reason: /link/,
  },
  {
    name: 'entries 3 and 4 swapped, both re-linked and re-hashed in their new places, and entry 5 re-linked to them',
    tamper: (rows) => {
      const third = rehashed({ ...at(rows, 4), seq: 3, prev_hash: at(rows, 2).hash });
      const fourth = rehashed({ ...at(rows, 3), seq: 4, prev_hash: third.hash });
      const fifth = { ...at(rows, 5), prev_hash: fourth.hash };
      return [at(rows, 1), at(rows, 2), third, fourth, fifth, ...rows.slice(5)];
    },
    firstBrokenSeq: 5,
    reason: /changed/,
  },
  {
    name: 'entry 3 deleted',
    tamper: (rows) => rows.filter((r) => r.seq !== 3),
    firstBrokenSeq: 3,
    reason: /missing/,
  },
  {
    name: 'entry 3 deleted and the later entries one seq back, the first of them re-linked to entry 2 and re-hashed',
    tamper: (rows) => {
      const third = rehashed({ ...at(rows, 4), seq: 3, prev_hash: at(rows, 2).hash });
      return [at(rows, 1), at(rows, 2), third, ...rows.slice(4).map((r) => ({ ...r, seq: r.seq - 1 }))];
    },
    firstBrokenSeq: 4,
    reason: /link/,
  },
  {
    name: 'a forged entry inserted after entry 3, linked and hashed right, the later entries one seq on',
    tamper: (rows) => {
      const forged = rehashed({ ...at(rows, 3), seq: 4, at: at(rows, 3).at + 1, details: JSON.stringify({ documents: [] }), prev_hash: at(rows, 3).hash });
      return [...rows.slice(0, 3), forged, ...rows.slice(3).map((r) => ({ ...r, seq: r.seq + 1 }))];
    },
    firstBrokenSeq: 5,
    reason: /link/,
  },
  {
    name: 'a forged entry inserted after entry 3, and the entry after it re-linked to it',
    tamper: (rows) => {
      const forged = rehashed({ ...at(rows, 3), seq: 4, at: at(rows, 3).at + 1, details: JSON.stringify({ documents: [] }), prev_hash: at(rows, 3).hash });
      const moved = rows.slice(3).map((r) => ({ ...r, seq: r.seq + 1 }));
      return [...rows.slice(0, 3), forged, { ...moved[0]!, prev_hash: forged.hash }, ...moved.slice(1)];
    },
    firstBrokenSeq: 5,
    reason: /changed/,
  },
];

describe('audit chain: tampering behind the triggers', () => {
  for (const scenario of tampering) {
    it(`${scenario.name}: names entry ${scenario.firstBrokenSeq}`, async () => {
      rewrite(scenario.tamper(chain()));
      expect(t.store.verifyAudit()).toEqual({
        ok: false,
        count: scenario.firstBrokenSeq - 1,
        firstBrokenSeq: scenario.firstBrokenSeq,
        reason: expect.stringMatching(scenario.reason),
      });
    });
  }

  it('the same log written back untouched still verifies (the tampering above is what breaks it)', async () => {
    rewrite(chain());
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: entries });
  });
});
