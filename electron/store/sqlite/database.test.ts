// Encryption at rest and damage: the files hold no applicant data, a wrong key and a damaged file each get
// their own clear error, and nothing is ever recreated over an existing store.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors';
import { openCaseStore } from '../open';
import { backupDatabase } from './database';
import { ExplicitKeyProvider } from '../../common/keys';
import { latestVersion } from './migrations';
import { tempStore, testKey } from '../../../tests/support/store';
import { generateApplications } from '../seed';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('encryption at rest', () => {
  it('keeps applicant names out of the database file and its WAL', async () => {
    const t = await tempStore();
    try {
      const records = generateApplications(300, 11);
      await t.store.upsertApplications(records);
      // Still open: recent pages sit in the -wal file.
      const wal = `${t.path}-wal`;
      expect(existsSync(wal) && statSync(wal).size > 0).toBe(true);
      const names = records.slice(0, 50).map((r) => (r.application.identity.kind === 'individual' ? r.application.identity.fullName : r.application.identity.enterpriseName));
      const ids = records.slice(0, 50).map((r) => r.application.accountId);
      for (const file of [t.path, wal]) {
        const bytes = readFileSync(file);
        expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
        for (const needle of [...names, ...ids]) expect(bytes.includes(Buffer.from(needle, 'utf8')), `${file} holds "${needle}"`).toBe(false);
      }
      t.store.close();
      const bytes = readFileSync(t.path);
      for (const needle of names) expect(bytes.includes(Buffer.from(needle, 'utf8'))).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('refuses a wrong key with store_key_wrong and leaves the file untouched', async () => {
    const t = await tempStore(20, 2);
    t.store.close();
    try {
      const before = sha(t.path);
      const err = errorOf(() => openCaseStore({ path: t.path, keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 9)) }));
      expect(err.code).toBe('store_key_wrong');
      expect(err.message).toMatch(/cannot be unlocked/);
      expect(sha(t.path)).toBe(before);
      // Without the key-check sidecar the answer is the same code, and says it may be damage.
      rmSync(`${t.path}.keycheck`);
      const again = errorOf(() => openCaseStore({ path: t.path, keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 9)) }));
      expect(again.code).toBe('store_key_wrong');
      expect(openCaseStore({ path: t.path, keyProvider: testKey() }).listQueue({ status: 'all' }).items.length).toBe(20);
    } finally {
      t.cleanup();
    }
  });
});

describe('damage', () => {
  it('detects overwritten pages at open and names the newest backup', async () => {
    const t = await tempStore(400, 3);
    try {
      const backup = backupDatabase(t.db, t.path, latestVersion, new Date('2026-11-20T10:00:00Z'));
      const newer = backupDatabase(t.db, t.path, latestVersion, new Date('2026-11-25T10:00:00Z'));
      expect(backup).not.toBe(newer);
      t.cleanup();
      const size = statSync(t.path).size;
      const fd = openSync(t.path, 'r+');
      writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, Math.floor(size / 2 / 4096) * 4096);
      closeSync(fd);
      const before = sha(t.path);
      const err = errorOf(() => openCaseStore({ path: t.path, keyProvider: testKey() }));
      expect(err.code).toBe('store_corrupt');
      expect(err.message).toContain(newer);
      expect(sha(t.path)).toBe(before);
      // The backup itself opens and holds the cases.
      rmSync(t.path);
      rmSync(`${t.path}.keycheck`);
      const restored = openCaseStore({ path: newer, keyProvider: testKey() });
      expect(restored.queueCounts().byStatus.queued).toBeGreaterThan(0);
      restored.close();
    } finally {
      t.cleanup();
    }
  });

  it('detects a truncated file', async () => {
    const t = await tempStore(400, 4);
    t.store.close();
    try {
      truncateSync(t.path, Math.floor(statSync(t.path).size / 3));
      const err = errorOf(() => openCaseStore({ path: t.path, keyProvider: testKey() }));
      expect(err.code).toBe('store_corrupt');
      expect(err.message).toMatch(/no backup/);
    } finally {
      t.cleanup();
    }
  });

  it('never recreates a store whose file was emptied or removed', async () => {
    const t = await tempStore(10, 5);
    t.store.close();
    try {
      truncateSync(t.path, 0);
      expect(errorOf(() => openCaseStore({ path: t.path, keyProvider: testKey() })).code).toBe('store_corrupt');
      rmSync(t.path);
      expect(errorOf(() => openCaseStore({ path: t.path, keyProvider: testKey() })).code).toBe('store_corrupt');
      expect(existsSync(t.path)).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});
