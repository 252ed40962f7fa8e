// UI benchmark (a script, not a test): drives the real renderer in Chromium through the browser host with
// demo data and measures launch → interactive queue, rows in the DOM while scrolling, case switch
// (keypress → the next case's images painted; median and p95) and the JS heap. Writes bench/ui/README.md.
// Usage: npm run bench ui   (or: node --import tsx bench/ui/run.ts [demoCount] [switches])
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../../tests/e2e/browser';

const root = resolve(import.meta.dirname, '../..');
const demoCount = Number(process.argv[2] ?? 200);
const switches = Number(process.argv[3] ?? 30);

async function startHost(dataDir: string): Promise<{ url: string; token: string; child: ChildProcess; seededMs: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', '--json', '--data', dataDir, '--demo', '--demo-count', String(demoCount), '--sign-in', 'reviewer1'], {
    cwd: root,
    env: { ...process.env, VERITY_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`the host exited with ${code}`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return { url, token, child, seededMs: Date.now() - started };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;

const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-ui-'));
const host = await startHost(dataDir);
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');

  // 1. Launch → interactive queue: navigation until the first row is rendered and the grid takes keys.
  const t0 = Date.now();
  await page.goto(`${host.url}#token=${host.token}`);
  await page.locator('.queue-body [role="row"]').first().waitFor();
  const launchMs = Date.now() - t0;

  // 2. Scroll the whole queue (loading further pages by keyset cursor) and record the most rows ever in the DOM.
  await page.getByLabel('Status', { exact: true }).selectOption('all');
  await page.locator('.queue-body [role="row"]').first().waitFor();
  const scroll = await page.evaluate(async () => {
    const body = document.querySelector<HTMLElement>('.queue-grid')!;
    let maxRows = 0;
    for (let i = 0; i < 400; i++) {
      body.scrollTop += body.clientHeight * 0.8;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      maxRows = Math.max(maxRows, body.querySelectorAll('.queue-body [role="row"]').length);
      if (body.scrollTop + body.clientHeight >= body.scrollHeight - 2) {
        await new Promise((r) => setTimeout(r, 300));
        if (body.scrollTop + body.clientHeight >= body.scrollHeight - 2) break;
      }
    }
    return { maxRows, loaded: Math.round(body.scrollHeight / 38) - 1 };
  });

  // 3. Case switch: open the first case, then J to the next one; time from the keypress until the new case's
  // preview and thumbnails are decoded and a frame has been painted.
  await page.getByLabel('Status', { exact: true }).selectOption('open');
  await page.getByRole('grid').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="document-image"]').waitFor();
  const timings: number[] = [];
  for (let i = 0; i < switches; i++) {
    const before = (await page.locator('#case-title').textContent()) ?? '';
    const elapsed = await page.evaluate(async (previous) => {
      const start = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
      // A loop, not a named helper: tsx would wrap a named function in __name, which the page lacks.
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const title = document.querySelector('#case-title')?.textContent ?? '';
        const images = [...document.querySelectorAll<HTMLImageElement>('.viewer img:not(.preload)')];
        if (title !== previous && !title.includes('…') && images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0)) break;
      }
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - start;
    }, before);
    timings.push(elapsed);
  }

  const metrics = await cdp.send('Performance.getMetrics');
  const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;

  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    demoApplications: demoCount,
    hostStartWithSeedMs: host.seededMs,
    launchToInteractiveQueueMs: launchMs,
    scrollMaxRowsInDom: scroll.maxRows,
    scrollRowsLoaded: scroll.loaded,
    caseSwitch: { runs: timings.length, medianMs: quantile(timings, 0.5), p95Ms: quantile(timings, 0.95), maxMs: Math.max(...timings) },
    jsHeapUsedMB: Math.round((heap / 1024 / 1024) * 10) / 10,
  };
  console.log(JSON.stringify(result, null, 2));

  const readme = join(root, 'bench/ui/README.md');
  const previous = (() => {
    try {
      return readFileSync(readme, 'utf8');
    } catch {
      return '';
    }
  })();
  const head = previous.split('\n## Results')[0]!.trim() || '# UI benchmark';
  const row = `| ${result.date.slice(0, 16).replace('T', ' ')} | ${result.machine} | ${demoCount} | ${ms(launchMs)} | ${scroll.maxRows} (of ${scroll.loaded}) | ${ms(result.caseSwitch.medianMs)} | ${ms(result.caseSwitch.p95Ms)} | ${result.jsHeapUsedMB} MB |`;
  const table = previous.includes('\n## Results')
    ? previous.slice(previous.indexOf('\n## Results')).trim() + '\n' + row
    : ['## Results', '', '| when (UTC) | machine | demo cases | launch → interactive queue | max rows in DOM while scrolling | case switch median | case switch p95 | JS heap used |', '| --- | --- | --- | --- | --- | --- | --- | --- |', row].join('\n');
  writeFileSync(readme, `${head}\n\n${table}\n`);
} finally {
  await browser.close();
  host.child.kill('SIGTERM');
  await new Promise((r) => host.child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
