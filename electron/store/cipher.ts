// Keying a connection to a case store: the one place that knows the SQLCipher settings, shared by the main
// connection (database.ts) and the WAL checkpointer's own connection (checkpoint.worker.ts). Kept free of other
// imports so that the worker thread loads little.
import type Database from 'better-sqlite3-multiple-ciphers';

/** SQLCipher 4 format, then the raw 256-bit key as a blob literal (no passphrase KDF: the key is random). */
export function applyCipherKey(db: Database.Database, key: Uint8Array): void {
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
}
