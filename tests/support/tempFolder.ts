// Temporary folders for tests. The vitest setup file tempFolder.setup.ts removes them once each test file has run,
// passed or failed, so no test keeps its own cleanup for them. No vitest import here: the store benchmark imports
// store.ts, which uses this.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/**
 * A new empty folder in the system temp folder, named `prefix` plus random characters, removed after the test file.
 * Call it from a test or hook, not at collection time: vitest runs no hooks for a file whose tests are all skipped.
 */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tempFolder has made in this process (the setup file's afterAll). */
export function removeTempFolders(): void {
  for (const dir of made) {
    rmSync(dir, { recursive: true, force: true });
    made.delete(dir);
  }
}
