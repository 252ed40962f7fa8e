// Helpers for the store's tests and benchmark: a temporary folder, a fixed key, a seeded store, and a connection of
// the test's own to look into the file (or tamper with it behind the store's back).
import { join } from 'node:path';
import type { Person } from '../../shared/domain';
import { deriveKey, ExplicitKeyProvider, type KeyProvider } from '../../electron/common/keys';
import { openCaseStore, type OpenCaseStoreOptions } from '../../electron/store/open';
import { generateApplications, seedEpoch } from '../../electron/store/seed';
import { openDatabase, type Db } from '../../electron/store/sqlite/database';
import type { CaseStore } from '../../electron/store/types';
import { tempFolder } from './tempFolder';

// Tests make many stores; their migration lines would drown the test output.
process.env.VERITY_QUIET ??= '1';

export const testKeyHex = '5e'.repeat(32);
export const testKey = (): ExplicitKeyProvider => new ExplicitKeyProvider(Buffer.from(testKeyHex, 'hex'));
export const reviewer: Person = { id: 'reviewer-01', displayName: 'Lin Wei', role: 'reviewer' };

export interface TempStore {
  dir: string;
  path: string;
  store: CaseStore;
  /** A connection of the test's own to the store's file (same key), opened on first use: to inspect or tamper. */
  readonly db: Db;
  reopen(options?: Partial<OpenCaseStoreOptions>): CaseStore;
  /** Closes the store (and the test's connection); its folder goes with the test file (tempFolder). */
  cleanup(): void;
}

/** A connection of the caller's own to a case store's file: no checks, no migration. */
export function openInspection(path: string, keyProvider: KeyProvider = testKey()): Db {
  return openDatabase(path, deriveKey(keyProvider, 'sqlite'), undefined, { quickCheck: false }).db;
}

/** A fresh store in its own temp folder, with `count` generated applications; the clock is fixed at seedEpoch. */
export async function tempStore(count = 0, seed = 1, options: Partial<OpenCaseStoreOptions> = {}): Promise<TempStore> {
  const dir = tempFolder('verity-store-');
  const path = join(dir, 'cases.db');
  const base: OpenCaseStoreOptions = { path, keyProvider: testKey(), now: seedEpoch, ...options };
  let inspection: Db | null = null;
  let open = true;
  const closeInspection = () => {
    if (inspection?.open) inspection.close();
    inspection = null;
  };
  const t: TempStore = {
    dir,
    path,
    store: openCaseStore(base),
    get db() {
      inspection ??= openInspection(path, base.keyProvider);
      return inspection;
    },
    reopen(more = {}) {
      closeInspection();
      if (open) t.store.close();
      t.store = openCaseStore({ ...base, ...more });
      open = true;
      return t.store;
    },
    cleanup() {
      closeInspection();
      if (open) t.store.close();
      open = false;
    },
  };
  if (count > 0) await t.store.upsertApplications(generateApplications(count, seed));
  return t;
}

/** Waits (yielding to the event loop) until `cond` holds: worker threads start under tsx here, which takes a moment. */
export async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
