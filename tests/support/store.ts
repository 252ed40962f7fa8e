// Helpers for the store's tests and benchmark: a temporary folder, a fixed key, a seeded store.
import { join } from 'node:path';
import type { Person } from '../../shared/domain';
import { openCaseStore, type CaseStore, type OpenCaseStoreOptions } from '../../electron/store/caseStore';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { generateApplications, seedEpoch } from '../../electron/store/seed';
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
  reopen(options?: Partial<OpenCaseStoreOptions>): CaseStore;
  /** Closes the store; its folder goes with the test file (tempFolder). */
  cleanup(): void;
}

/** A fresh store in its own temp folder, with `count` generated applications; the clock is fixed at seedEpoch. */
export function tempStore(count = 0, seed = 1, options: Partial<OpenCaseStoreOptions> = {}): TempStore {
  const dir = tempFolder('verity-store-');
  const path = join(dir, 'cases.db');
  const base: OpenCaseStoreOptions = { path, keyProvider: testKey(), now: () => seedEpoch, ...options };
  const store = openCaseStore(base);
  if (count > 0) store.upsertApplications(generateApplications(count, seed));
  const t: TempStore = {
    dir,
    path,
    store,
    reopen(more = {}) {
      if (t.store.db.open) t.store.close();
      t.store = openCaseStore({ ...base, ...more });
      return t.store;
    },
    cleanup() {
      if (t.store.db.open) t.store.close();
    },
  };
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
