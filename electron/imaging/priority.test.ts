import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { imagingPriority, lowerOwnPriority } from './priority';

describe('lowerOwnPriority', () => {
  it('is niceness 10 (BELOW_NORMAL), and lowers every thread of a fresh process on Linux', () => {
    expect(imagingPriority).toBe(10);
    // In a child, so that this test process keeps its priority. The child's main thread reports its threads' niceness.
    const script = `
      import { lowerOwnPriority } from ${JSON.stringify(new URL('./priority.ts', import.meta.url).href)};
      import { threadNiceness } from ${JSON.stringify(new URL('../../tests/support/imaging.ts', import.meta.url).href)};
      const result = lowerOwnPriority();
      console.log(JSON.stringify({ result, niceness: process.platform === 'linux' ? threadNiceness('self') : [] }));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { result, niceness } = JSON.parse(run.stdout) as { result: { priority: number; threads: number; failed?: string }; niceness: number[] };
    expect(result.failed).toBeUndefined();
    expect(result.priority).toBe(10);
    if (process.platform === 'linux') {
      expect(result.threads).toBe(niceness.length);
      expect(new Set(niceness)).toEqual(new Set([10]));
    }
  });

  it('reports, and does not throw, when it cannot lower the priority', () => {
    const result = lowerOwnPriority(imagingPriority, '/nonexistent/task');
    expect(result.threads).toBe(0);
    expect(result.failed).toMatch(/ENOENT/);
  });
});
