// better-sqlite3 is a V8 addon, so Electron needs a build for its own ABI. That build lives apart
// from node_modules (which keeps the Node build the tests use): scripts/electron-natives.mjs writes
// it to .electron-natives/<electron version>/, and packaging copies it to resources/native/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function sqliteBindingPath(options: { packaged: boolean; resourcesPath: string; appPath: string; electronVersion: string }): string {
  const path = options.packaged
    ? join(options.resourcesPath, 'native', 'better_sqlite3.node')
    : join(options.appPath, '.electron-natives', options.electronVersion, 'better_sqlite3.node');
  if (!existsSync(path)) {
    throw new Error(`The SQLite module built for Electron ${options.electronVersion} is missing at ${path}. Run \`npm start\` (it builds it) or \`node scripts/electron-natives.mjs\`.`);
  }
  return path;
}
