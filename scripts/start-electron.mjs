#!/usr/bin/env node
// `npm start`: the Electron app. Electron's binary is not installed by `npm install` (allowScripts
// denies its download script so installs work offline); it is fetched here, on first start.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules/electron');
const node = process.execPath;

function explain(cause) {
  console.error(
    `\nVerity's desktop app cannot start: ${cause}. Electron's binary is downloaded from GitHub on first ` +
      'start, and this machine could not reach it (no network, a proxy, or a firewall). Nothing was changed. ' +
      'To use the same app now, run `npm run start:browser`, which serves it to your browser from this machine; ' +
      'to get the desktop app, run `npm start` again where GitHub is reachable (or set ELECTRON_MIRROR).\n',
  );
  process.exit(1);
}

if (!existsSync(join(electronDir, 'path.txt'))) {
  console.log('Fetching the Electron binary (first start only)…');
  const fetched = spawnSync(node, [join(electronDir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  if (fetched.status !== 0 || !existsSync(join(electronDir, 'path.txt'))) {
    const detail = /ENOTFOUND|EAI_AGAIN|fetch failed|ECONNREFUSED|ETIMEDOUT/.exec(fetched.stderr ?? '')?.[0] ?? `exit code ${fetched.status}`;
    explain(`the Electron binary is missing and could not be downloaded (${detail})`);
  }
}

const step = (args) => spawnSync(node, args, { cwd: root, stdio: 'inherit' }).status === 0;
if (!step([join(root, 'scripts/electron-natives.mjs')])) explain('the SQLite module for Electron could not be built');
// Arguments after `npm start --` (e.g. --central=URL, --data=DIR) are the app's: electron-vite hands what follows
// its own `--` to Electron.
const appArgs = process.argv.slice(2);
if (!step([join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'preview', ...(appArgs.length ? ['--', ...appArgs] : [])])) process.exit(1);
