#!/usr/bin/env node
// `npm run bench [area…]`: runs bench/<area>/run.ts one after another (never in parallel: the
// machines have two cores and the numbers would interfere). Each writes its own README table.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const all = readdirSync(join(root, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'bench', d.name, 'run.ts')))
  .map((d) => d.name);
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
let failed = 0;
for (const area of chosen) {
  if (!all.includes(area)) {
    console.error(`No benchmark named ${area}; there are: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n━━ bench/${area} ━━`);
  const status = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', area, 'run.ts')], { cwd: root, stdio: 'inherit', env: { ...process.env, VERITY_QUIET: '1' } }).status;
  if (status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
