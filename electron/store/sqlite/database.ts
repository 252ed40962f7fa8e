// Opening the one SQLite handle of a case store: SQLCipher encryption with a raw derived key, pragmas,
// and telling apart "wrong key", "damaged file" and "disk full" so each reaches the reviewer as a clear error.
import Database from 'better-sqlite3-multiple-ciphers';
import { createHmac } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../../../shared/errors';

export type Db = Database.Database;

/** SQLCipher 4 format, then the raw 256-bit key as a blob literal (no passphrase KDF: the key is random). */
function applyCipherKey(db: Db, key: Uint8Array): void {
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
}

/** Sidecar proving which key made the database: lets a wrong key be told apart from a damaged first page. */
function keyCheckPath(path: string): string {
  return `${path}.keycheck`;
}

function keyCheckValue(key: Buffer): string {
  return createHmac('sha256', key).update('verity/sqlite/keycheck/v1').digest('hex');
}

function readKeyCheck(path: string): string | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(keyCheckPath(path), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'check' in parsed && typeof parsed.check === 'string') return parsed.check;
    return null;
  } catch {
    return null;
  }
}

/** The newest `<file>.bak-v<N>-<timestamp>` next to the database, or null. */
export function newestBackup(path: string): string | null {
  let best: { path: string; stamp: string } | null = null;
  for (const backup of backupsOf(path)) {
    const stamp = backup.slice(backup.lastIndexOf('-') + 1);
    if (!best || stamp > best.stamp) best = { path: backup, stamp };
  }
  return best?.path ?? null;
}

export function corruptError(path: string, detail: string): DomainError {
  const backup = newestBackup(path);
  return new DomainError(
    'store_corrupt',
    `The case store at ${path} is damaged (${detail}); it was not changed. ` +
      (backup
        ? `The newest backup is ${backup}: close Verity, keep the damaged file aside, and restore that backup, or ask support.`
        : 'There is no backup next to it: keep the file aside and ask support; cases can be synced again from the central service.'),
  );
}

interface SqliteErrorLike {
  code: string;
  message: string;
}

function isSqliteError(err: unknown): err is SqliteErrorLike {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** Maps SQLite failures to the store's error codes; anything else is rethrown as is. */
export function translateSqliteError(err: unknown, path: string): unknown {
  if (err instanceof DomainError || !isSqliteError(err)) return err;
  const code = err.code;
  if (code === 'SQLITE_FULL') {
    return new DomainError('store_disk_full', 'The disk holding the case store is full, so nothing was saved. Free some disk space and try again.');
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return new DomainError('store_busy', 'The case store is in use by another Verity window or process. Close it and try again.');
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB') {
    return corruptError(path, err.message);
  }
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) {
    return new DomainError('store_io_error', `The case store at ${path} could not be read or written (${code}). Check the disk and try again.`);
  }
  return err;
}

export interface OpenedDatabase {
  db: Db;
  /** The file did not exist (or was empty with no store made there before): a fresh store. */
  created: boolean;
}

/**
 * Opens and keys the database. Refuses: a wrong key (`store_key_wrong`), a damaged or truncated
 * file (`store_corrupt`, after `PRAGMA quick_check`, skipped with `quickCheck: false` for a second connection to
 * a store this process has just opened and checked); never recreates an existing store.
 */
export function openDatabase(path: string, key: Buffer, nativeBinding?: string, options: { quickCheck?: boolean } = {}): OpenedDatabase {
  if (key.length !== 32) throw new DomainError('bad_key', 'The database key must be 32 bytes.');
  const existed = existsSync(path) && statSync(path).size > 0;
  const expectedCheck = readKeyCheck(path);
  if (!existed && expectedCheck !== null) {
    // A store was made here before and its file is now gone or empty: never start over silently.
    throw corruptError(path, 'the database file is missing or empty');
  }
  let db: Db;
  try {
    db = new Database(path, nativeBinding ? { fileMustExist: existed, nativeBinding } : { fileMustExist: existed });
  } catch (err) {
    throw translateSqliteError(err, path);
  }
  try {
    applyCipherKey(db, key);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      if (isSqliteError(err) && err.code === 'SQLITE_NOTADB') {
        if (expectedCheck !== null && expectedCheck === keyCheckValue(key)) throw corruptError(path, 'the first page cannot be read');
        throw new DomainError(
          'store_key_wrong',
          `The case store at ${path} cannot be unlocked with this user's data key${expectedCheck === null ? ' (or its first page is damaged)' : ''}. ` +
            'Sign in as the user who created it; the file was not changed.',
        );
      }
      throw err;
    }
    if (existed && options.quickCheck !== false) {
      const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
      const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) throw corruptError(path, `quick_check: ${problems.join('; ').slice(0, 300)}`);
    }
    db.pragma('journal_mode = WAL');
    // NORMAL by default; the store switches to FULL around each decision (StoreConnection.write).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    // After a checkpoint resets the WAL, a file grown past this (a burst of writes) is cut back to it.
    db.pragma('journal_size_limit = 16777216');
    db.pragma('cache_size = -16000'); // 16 MB of page cache: keeps RSS bounded on large stores
    db.pragma('temp_store = MEMORY');
    if (!existed) writeFileSync(keyCheckPath(path), JSON.stringify({ v: 1, check: keyCheckValue(key) }) + '\n', { mode: 0o600 });
    return { db, created: !existed };
  } catch (err) {
    db.close();
    throw translateSqliteError(err, path);
  }
}

/** A consistent, encrypted copy (same key) taken with VACUUM INTO; returns its path. */
export function backupDatabase(db: Db, path: string, version: number, now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const target = `${path}.bak-v${version}-${stamp}`;
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}

/** Whether `key` opens the SQLCipher file at `path` (read only; nothing is written). */
function opensWith(path: string, key: Buffer, nativeBinding?: string): boolean {
  const db = new Database(path, nativeBinding ? { fileMustExist: true, readonly: true, nativeBinding } : { fileMustExist: true, readonly: true });
  try {
    applyCipherKey(db, key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch (err) {
    if (isSqliteError(err) && err.code === 'SQLITE_NOTADB') return false;
    throw translateSqliteError(err, path);
  } finally {
    db.close();
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Re-encrypts a closed store file (the case store or one of its backups) from key `from` to key `to`. Crash-safe by
 * construction: the copy `<path>.rekey` is re-encrypted (SQLCipher's rekey, which needs a rollback journal, not WAL)
 * and flushed, then renamed over the file in one step, so the file opens with exactly one of the two keys at every
 * instant. Idempotent: a file `to` already opens is left as is (an interrupted rotation resumed). `beforeRekey` writes
 * into the copy before it is re-encrypted: what it writes is in the file exactly when the file is under `to`.
 */
export function rekeyDatabase(path: string, from: Buffer, to: Buffer, nativeBinding?: string, beforeRekey?: (db: Db) => void): 'rekeyed' | 'already' | 'absent' {
  const copy = `${path}.rekey`;
  rmSync(copy, { force: true });
  rmSync(`${copy}-journal`, { force: true });
  if (!existsSync(path) || statSync(path).size === 0) return 'absent';
  const hasKeyCheck = existsSync(keyCheckPath(path));
  const writeKeyCheck = () => {
    if (hasKeyCheck) writeFileSync(keyCheckPath(path), JSON.stringify({ v: 1, check: keyCheckValue(to) }) + '\n', { mode: 0o600 });
  };
  if (opensWith(path, to, nativeBinding)) {
    writeKeyCheck();
    return 'already';
  }
  // Everything in the WAL goes into the file first; closing the last connection then removes the WAL.
  const source = new Database(path, nativeBinding ? { fileMustExist: true, nativeBinding } : { fileMustExist: true });
  try {
    applyCipherKey(source, from);
    source.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    throw translateSqliteError(err, path);
  } finally {
    source.close();
  }
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) {
    throw new DomainError('store_busy', `The case store at ${path} is still in use (its write-ahead log is not empty). Close Verity everywhere and rotate the key again.`);
  }
  copyFileSync(path, copy);
  const target = new Database(copy, nativeBinding ? { fileMustExist: true, nativeBinding } : { fileMustExist: true });
  try {
    applyCipherKey(target, from);
    target.pragma('journal_mode = DELETE');
    beforeRekey?.(target);
    target.pragma(`rekey="x'${to.toString('hex')}'"`);
  } catch (err) {
    throw translateSqliteError(err, path);
  } finally {
    target.close();
  }
  fsyncPath(copy);
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  renameSync(copy, path);
  fsyncPath(dirname(path));
  writeKeyCheck();
  return 'rekeyed';
}

/** The migration backups (`<file>.bak-v<N>-<timestamp>`) beside a store, which its key opens as well. */
export function backupsOf(path: string): string[] {
  const prefix = `${basename(path)}.bak-v`;
  try {
    return readdirSync(dirname(path))
      // Not a backup's own journal, WAL or rekey copy.
      .filter((name) => name.startsWith(prefix) && /^\d+-[0-9A-Za-z]+$/.test(name.slice(prefix.length)))
      .map((name) => join(dirname(path), name));
  } catch {
    return [];
  }
}
