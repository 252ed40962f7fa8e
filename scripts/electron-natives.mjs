#!/usr/bin/env node
// Builds better-sqlite3(-multiple-ciphers) for Electron's ABI into .electron-natives/<version>/,
// leaving node_modules (the Node build the tests use) untouched. Prebuilt binary first, then a
// source build against Electron's headers. Needs the network the first time; cached afterwards.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const moduleDir = join(root, 'node_modules/better-sqlite3-multiple-ciphers');
const targetDir = join(root, '.electron-natives', electronVersion);
const target = join(targetDir, 'better_sqlite3.node');

// Packaging (electron-builder.yml) takes the binary from a fixed path.
const publish = () => {
  mkdirSync(join(root, '.electron-natives', 'current'), { recursive: true });
  cpSync(target, join(root, '.electron-natives', 'current', 'better_sqlite3.node'));
};
if (existsSync(target)) {
  publish();
  process.exit(0);
}

const work = join(root, '.electron-natives', `build-${electronVersion}`);
rmSync(work, { recursive: true, force: true });
cpSync(moduleDir, work, { recursive: true, filter: (src) => !src.startsWith(join(moduleDir, 'build')) });

const bin = (name) => join(root, 'node_modules/.bin', name);
const run = (command, args) => spawnSync(command, args, { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;

console.log(`Building the SQLite module for Electron ${electronVersion} (once)…`);
const built =
  run(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch]) ||
  run(bin('node-gyp'), ['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers']);
const output = join(work, 'build/Release/better_sqlite3.node');
if (!built || !existsSync(output)) {
  console.error(`\nThe SQLite module for Electron ${electronVersion} could not be built: neither a prebuilt binary nor Electron's headers could be downloaded, or the compiler failed (see above). The Node build used by the tests is unaffected; \`npm run start:browser\` runs the app without Electron.`);
  process.exit(1);
}
mkdirSync(targetDir, { recursive: true });
cpSync(output, target);
rmSync(work, { recursive: true, force: true });
publish();
console.log(`Built ${target}`);
