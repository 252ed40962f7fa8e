import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Images are decoded in imaging processes; the app's own process loads libvips (32 MB of RSS) only to draw a
// demo or to start the built-in central service. A static `import sharp` creeping back would undo that.
describe('the app process and libvips', () => {
  // /proc/self/maps tells which shared libraries a process has mapped: Linux only.
  it.runIf(process.platform === 'linux')('loads the composition root and the sync engine without loading sharp', () => {
    const sync = ['engine', 'client', 'errors', 'backoff', 'derivedQuality'].map((m) => `../sync/${m}.ts`);
    const modules = ['./workstation.ts', ...sync, '../imaging/index.ts'].map((m) => new URL(m, import.meta.url).href);
    const script = `for (const m of ${JSON.stringify(modules)}) await import(m);
const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
console.log(JSON.stringify({ libvipsMapped: /libvips/.test(maps) }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      env: { ...process.env, VERITY_QUIET: '1' },
    });
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ libvipsMapped: false });
  });
});
