// The browser host's CLI as scripts start it: `--json` prints one line first on stdout, and its openUrl opens the app.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, firstLine, stopHost, test } from './fixtures';

const root = resolve(import.meta.dirname, '../..');

// Seeding demo data is slow on a loaded two-core machine.
test.describe.configure({ timeout: 120_000 });

test('--json prints {url, token, openUrl} as the first and only stdout line, logs on stderr; openUrl opens the app @host', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-e2e-cli-'));
  // Not quiet: the host's log lines are written, and must not reach stdout.
  const env = { ...process.env };
  delete env.VERITY_QUIET;
  const args = ['--import', 'tsx', 'electron/host/cli.ts', '--json', '--central', 'none', '--demo', '--demo-count', '2', '--sign-in', 'reviewer1', '--data', dataDir];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let line = '';
  try {
    line = await firstLine(child);
    const started = JSON.parse(line) as { url: string; token: string; openUrl: string };
    expect(started).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      token: expect.stringMatching(/^[\w-]{32}$/),
      openUrl: `${started.url}#token=${started.token}`,
    });

    // Opening it works: the page finds the token in the address and gets the signed-in reviewer's queue.
    await page.goto(started.openUrl);
    await expect(page.getByTestId('signed-in-person')).toContainText('Signed in as Reviewer One');
    await expect(page.getByRole('grid', { name: 'Applications, sorted by due time' }).getByRole('row').nth(1)).toBeVisible();
  } finally {
    await stopHost(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  // With the host stopped: that line was all of stdout; the log lines (info ones too) went to stderr.
  expect(stdout).toBe(`${line}\n`);
  expect(stderr).toContain('"level":"info","message":"imaging: pool ready"');
});
