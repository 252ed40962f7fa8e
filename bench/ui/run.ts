// UI benchmark (a script, not a test): drives the real renderer in Chromium through the browser host on a data
// folder seeded with N generated applications (bench/ui/seed.ts) and measures launch → interactive queue, rows
// in the DOM while scrolling, case switch (keypress → the next case's images painted; median and p95) and the
// JS heap; the same case switch while an imaging process reads passport MRZs in the background (issue 24: no effect
// on the case-switch time), as a ratio in this run; then, with two images side by side (issue 23), the compare toggle
// and the case switch until both previews are painted. Writes bench/ui/README.md.
// Usage: npm run bench ui   (or: node --import tsx bench/ui/run.ts [count=100000] [switches=40] [dwellMs=300] [--data DIR] [--no-record] [--baseline ROOT])
//   --data DIR seeds DIR once and reuses it on later runs (seeding 100,000 cases takes a few minutes).
//   --baseline ROOT: another checkout, built (e.g. `git archive main`), whose single-image case switch is measured in
//   the same run, on a folder it seeds itself, so the ratio of the two is taken under the same load.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { createImagePipeline } from '../../electron/imaging';
import { chromiumLaunchOptions } from '../../tests/e2e/browser';
import { startHost, stopHost } from '../common';
import { seedDataFolder, seededWith, seedKey, type SeedInfo } from './seed';

const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const dataArg = args.indexOf('--data');
const reuseDir = dataArg >= 0 ? resolve(args[dataArg + 1] ?? '') : null;
const baselineArg = args.indexOf('--baseline');
const baselineRoot = baselineArg >= 0 ? resolve(args[baselineArg + 1] ?? '') : null;
// --no-record prints the results without appending a row to bench/ui/README.md (for trying changes).
const record = !args.includes('--no-record');
const positional = args.filter(
  (a, i) => a !== '--no-record' && (dataArg < 0 || (i !== dataArg && i !== dataArg + 1)) && (baselineArg < 0 || (i !== baselineArg && i !== baselineArg + 1)),
);
const count = Number(positional[0] ?? 100_000);
const switches = Number(positional[1] ?? 40);

/** Every wait has a limit, so that a page that never gets where the bench expects fails with what it saw instead of hanging. */
const STEP_LIMIT_MS = 60_000;
/** Where the bench is, on stderr (the JSON result stays alone on stdout). */
const step = (text: string) => process.stderr.write(`[bench/ui ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;

const dataDir = reuseDir ?? mkdtempSync(join(tmpdir(), 'verity-bench-ui-'));
let seed = seededWith(dataDir);
if (seed && seed.count !== count) throw new Error(`${dataDir} was seeded with ${seed.count} applications, not ${count}`);
if (!seed) {
  process.env.VERITY_QUIET ??= '1'; // the store's and pipeline's log lines
  console.log(`seeding ${count} applications in ${dataDir} …`);
  seed = await seedDataFolder(dataDir, count);
  console.log(`seeded in ${((seed.drawMs + seed.ingestMs + seed.upsertMs) / 1000).toFixed(0)} s`);
}
step(`starting the host on ${dataDir}`);
// Standalone (no central service, so no sync competes for the two cores while measuring); the folder already has
// people, so the host seeds nothing and opens the store as on any start.
const host = await startHost({ cwd: root, dataDir, central: 'none', keyFile: seed.keyFile, signIn: 'reviewer1' });
step(`host up in ${host.startMs} ms`);
const LAUNCHES = 5;
/** Pause between case switches (a glance at the case); the third argument, 0 for J held down. */
const DWELL_MS = Number(positional[2] ?? 300);
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  // 1. Launch → interactive queue: from navigation until the first queue row is rendered, on the page's own clock.
  // In-page times (since navigation start) split it into document + scripts, the first API answers, first row.
  const measureLaunch = async (context: BrowserContext): Promise<Record<string, number>> => {
    const p = await context.newPage();
    // Thread CPU time (not wall time) of the page's main thread: what the renderer itself spends, whatever the load.
    const launchCdp = await context.newCDPSession(p);
    await launchCdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const t0 = Date.now();
    await p.goto(`${host.url}#token=${host.token}`, { waitUntil: 'commit' });
    const firstRow = await p.waitForFunction(() => (document.querySelector('.queue-body [role="row"]') ? performance.now() : 0), undefined, { polling: 'raf', timeout: 60_000 });
    const wallMs = Date.now() - t0;
    const firstRowMs = (await firstRow.jsonValue()) as number;
    const split = await p.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const list = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/queue.list')) as PerformanceResourceTiming | undefined;
      return { scriptsMs: nav?.domContentLoadedEventEnd ?? Number.NaN, queueListMs: list?.duration ?? Number.NaN, queueListEndMs: list?.responseEnd ?? Number.NaN };
    });
    const cpu = Object.fromEntries((await launchCdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const cpuMs = (name: string) => Math.round((cpu[name] ?? Number.NaN) * 1000);
    return {
      wallMs,
      firstRowMs,
      ...split,
      mainThreadCpuMs: cpuMs('ThreadTime'),
      scriptCpuMs: cpuMs('ScriptDuration'),
      compileCpuMs: cpuMs('V8CompileDuration'),
      styleAndLayoutCpuMs: cpuMs('LayoutDuration') + cpuMs('RecalcStyleDuration'),
    };
  };
  // Each launch in a fresh browser context (empty HTTP and code caches, a new renderer process): a cold start.
  step(`${LAUNCHES} cold launches`);
  const launches: Record<string, number>[] = [];
  for (let i = 0; i < LAUNCHES; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    launches.push(await measureLaunch(context));
    await context.close();
  }
  // The page's own clock, from the start of navigation to the first row: what the person waits for. The wall time
  // seen from Playwright adds its command round trips and is reported next to it.
  const launchMs = Math.round(quantile(launches.map((l) => l.firstRowMs!), 0.5));
  const launchWallMs = quantile(launches.map((l) => l.wallMs!), 0.5);
  const launchCpuMs = quantile(launches.map((l) => l.mainThreadCpuMs!), 0.5);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${host.url}#token=${host.token}`);
  await page.locator('.queue-body [role="row"]').first().waitFor();

  step('scrolling the queue');
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
  step(`${switches} single-image case switches`);
  const single = await measureSwitches(page, switches);
  const { timings, stages } = single;
  const metrics = await cdp.send('Performance.getMetrics');
  const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;

  // 3b. The same switch while passport MRZs are read in the background, right after the one without (same load).
  step(`${switches} single-image case switches with passport OCR in the background`);
  const ocr = await withOcrLoad(dataDir, seed, () => measureSwitches(page, switches));

  // 4. Compare (issue 23): C toggles two panes side by side, and stays on for the next cases; J then lands on a case
  // whose two previews must both be painted. Toggles are measured on a case with two images.
  step('compare toggles, then two-image case switches');
  const toggles = await measureCompareToggles(page, Math.max(10, Math.round(switches / 2)));
  const compared = await measureSwitches(page, switches);
  await page.keyboard.press('c');

  // 5. Today's single-image switch, by the baseline checkout, in this same run.
  let baseline: { medianMs: number; p95Ms: number; runs: number } | null = null;
  if (baselineRoot) {
    const baseDir = mkdtempSync(join(tmpdir(), 'verity-bench-ui-base-'));
    try {
      baseline = await measureBaseline(baselineRoot, baseDir);
    } finally {
      rmSync(baseDir, { recursive: true, force: true });
    }
  }

  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    loadAverage: loadavg().map((n) => Math.round(n * 10) / 10),
    applications: count,
    hostStartMs: host.startMs,
    launchToInteractiveQueueMs: launchMs,
    launchWallMsSeenByPlaywright: launchWallMs,
    launchMainThreadCpuMedianMs: launchCpuMs,
    launches,

    scrollMaxRowsInDom: scroll.maxRows,
    scrollRowsLoaded: scroll.loaded,
    caseSwitch: {
      runs: timings.length,
      dwellMs: DWELL_MS,
      medianMs: quantile(timings, 0.5),
      p95Ms: quantile(timings, 0.95),
      maxMs: Math.max(...timings),
      titleMedianMs: quantile(stages.map((s) => s.titleMs), 0.5),
      titleP95Ms: quantile(stages.map((s) => s.titleMs), 0.95),
      all: timings.map((t) => Math.round(t)),
    },
    singleImageSwitchWithOcr: {
      runs: ocr.result.timings.length,
      medianMs: quantile(ocr.result.timings, 0.5),
      p95Ms: quantile(ocr.result.timings, 0.95),
      ratioToWithout: { median: Math.round((quantile(ocr.result.timings, 0.5) / quantile(timings, 0.5)) * 100) / 100, p95: Math.round((quantile(ocr.result.timings, 0.95) / quantile(timings, 0.95)) * 100) / 100 },
      mrzReads: ocr.reads,
      mrzReadsPerSecond: Math.round((ocr.reads / (ocr.ms / 1000)) * 10) / 10,
    },
    compareToggle: toggles,
    twoImageCaseSwitch: {
      runs: compared.twoImage.length,
      medianMs: quantile(compared.twoImage, 0.5),
      p95Ms: quantile(compared.twoImage, 0.95),
      maxMs: Math.max(...compared.twoImage),
      all: compared.twoImage.map((t) => Math.round(t)),
    },
    singleImageSwitchBaseline: baseline,
    singleImageSwitchRatio: baseline ? { median: Math.round((quantile(timings, 0.5) / baseline.medianMs) * 100) / 100, p95: Math.round((quantile(timings, 0.95) / baseline.p95Ms) * 100) / 100 } : null,
    jsHeapUsedMB: Math.round((heap / 1024 / 1024) * 10) / 10,
  };
  console.log(JSON.stringify(result, null, 2));

  if (record) writeRow(result, scroll);
} finally {
  step('closing the browser and the host');
  await browser.close();
  await stopHost(host.child);
  if (!reuseDir) rmSync(dataDir, { recursive: true, force: true });
}

/**
 * J pressed `n` times in the open case, each time until the next case's title, its panes' images and thumbnails are
 * decoded and one more frame is painted. `twoImage`: the switches that landed on a case with two panes shown.
 */
async function measureSwitches(page: Page, n: number): Promise<{ timings: number[]; stages: { titleMs: number; imagesMs: number }[]; twoImage: number[] }> {
  const timings: number[] = [];
  const stages: { titleMs: number; imagesMs: number }[] = [];
  const twoImage: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = (await page.locator('#case-title').textContent()) ?? '';
    const elapsed = await page.evaluate(async ({ previous, limitMs }) => {
      const start = performance.now();
      let titleMs = Number.NaN;
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
      // A loop, not a named helper: tsx would wrap a named function in __name, which the page lacks.
      let panes = 0;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const title = document.querySelector('#case-title')?.textContent ?? '';
        const changed = title !== previous && !title.includes('…');
        if (changed && Number.isNaN(titleMs)) titleMs = performance.now() - start;
        const images = [...document.querySelectorAll<HTMLImageElement>('.viewer img:not(.preload)')];
        // Every pane shown has its image (a pane still without a URL has none yet).
        panes = document.querySelectorAll('.viewer-stage').length;
        const shown = document.querySelectorAll('.viewer-image').length;
        if (changed && shown >= panes && images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0)) break;
        if (performance.now() - start > limitMs) {
          const waiting = images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.getAttribute('src') ?? '(no src)');
          const notes = [...document.querySelectorAll('.viewer-note')].map((n) => n.textContent ?? '');
          return { stuck: `title ${JSON.stringify(title)} (before: ${JSON.stringify(previous)}), ${shown} of ${panes} panes with an image, images not decoded: ${waiting.join(', ') || 'none'}${notes.length ? `, viewer says: ${notes.join(' / ')}` : ''}` };
        }
      }
      const imagesMs = performance.now() - start;
      await new Promise((r) => requestAnimationFrame(r));
      return { totalMs: performance.now() - start, titleMs, imagesMs, panes };
    }, { previous: before, limitMs: STEP_LIMIT_MS });
    if ('stuck' in elapsed) throw new Error(`case switch ${i + 1}: the next case was not shown within ${STEP_LIMIT_MS / 1000} s: ${elapsed.stuck}`);
    timings.push(elapsed.totalMs);
    stages.push({ titleMs: elapsed.titleMs, imagesMs: elapsed.imagesMs });
    if (elapsed.panes === 2) twoImage.push(elapsed.totalMs);
    // A reviewer looks at a case before moving on; without any pause this would measure J held down.
    await page.waitForTimeout(DWELL_MS);
  }
  return { timings, stages, twoImage };
}

/**
 * Runs `measure` while an imaging process of its own reads the seed's passport pages' MRZs over and over, through the
 * pipeline's background lane (lowered priority, as R11 runs after a pull: electron/sync/derivedMrz.ts) on the host's
 * blobs; the OCR model is loaded (one page read) before `measure` starts. Returns how many pages were read meanwhile.
 */
async function withOcrLoad<T>(folder: string, info: SeedInfo, measure: () => Promise<T>): Promise<{ result: T; reads: number; ms: number }> {
  const pages = info.passportPages ?? [];
  if (pages.length === 0) throw new Error(`${folder} was seeded without passport pages listed (an older seed or no passport drawn): seed a new folder`);
  const pipeline = createImagePipeline({ blobDir: join(folder, 'blobs'), keyProvider: seedKey(info), workers: { size: 1 } });
  let reads = 0;
  let measuring = false;
  let stopped = false;
  let warm: () => void = () => undefined;
  const warmed = new Promise<void>((r) => (warm = r));
  const off = pipeline.onMrzRead((outcome) => {
    if (measuring) reads++;
    warm();
    // The page goes to the back of the queue again: reading never stops while measuring.
    if (!stopped) pipeline.requestMrz([outcome.sha256]);
  });
  try {
    pipeline.requestMrz(pages);
    await Promise.race([warmed, new Promise((_, fail) => setTimeout(() => fail(new Error(`no passport page was read within ${STEP_LIMIT_MS / 1000} s`)), STEP_LIMIT_MS).unref())]);
    measuring = true;
    const started = performance.now();
    const result = await measure();
    const ms = performance.now() - started;
    measuring = false;
    return { result, reads, ms };
  } finally {
    stopped = true;
    off();
    await pipeline.close();
  }
}

/** C on a case with two images, `n` times each way: until both panes' previews (or the one pane's) are painted. */
async function measureCompareToggles(page: Page, n: number): Promise<{ runs: number; onMedianMs: number; onP95Ms: number; offMedianMs: number; offP95Ms: number }> {
  for (let i = 0; i < 200 && (await page.locator('.thumbs .thumb').count()) < 2; i++) await measureSwitches(page, 1);
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < 2 * n; i++) {
    const panes = i % 2 === 0 ? 2 : 1;
    const took = await page.evaluate(async ({ wanted, limitMs }) => {
      const start = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', bubbles: true }));
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const images = [...document.querySelectorAll<HTMLImageElement>('.viewer-image')];
        if (images.length === wanted && images.every((img) => img.complete && img.naturalWidth > 0)) break;
        if (performance.now() - start > limitMs) return `${images.length} of ${wanted} panes with an image, ${images.filter((img) => !img.complete || img.naturalWidth === 0).length} not decoded`;
      }
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - start;
    }, { wanted: panes, limitMs: STEP_LIMIT_MS });
    if (typeof took === 'string') throw new Error(`compare toggle ${i + 1}: not painted within ${STEP_LIMIT_MS / 1000} s: ${took}`);
    (panes === 2 ? on : off).push(took);
    await page.waitForTimeout(DWELL_MS);
  }
  // Left on for the switches that follow.
  await page.keyboard.press('c');
  await page.locator('.viewer-image').nth(1).waitFor();
  return { runs: n, onMedianMs: quantile(on, 0.5), onP95Ms: quantile(on, 0.95), offMedianMs: quantile(off, 0.5), offP95Ms: quantile(off, 0.95) };
}

/** The baseline checkout's single-image case switch: its own seed of the same size, its own host, this browser. */
async function measureBaseline(baseRoot: string, baseDir: string): Promise<{ medianMs: number; p95Ms: number; runs: number }> {
  await new Promise<void>((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ui/seed.ts', baseDir, String(count)], { cwd: baseRoot, env: { ...process.env, VERITY_QUIET: '1' }, stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`the baseline's seeding exited with ${code}`))));
  });
  const info = JSON.parse(readFileSync(join(baseDir, 'bench-seed.json'), 'utf8')) as { keyFile: string };
  const base = await startHost({ cwd: baseRoot, dataDir: baseDir, central: 'none', keyFile: info.keyFile, signIn: 'reviewer1' });
  try {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await p.goto(`${base.url}#token=${base.token}`);
    await p.locator('.queue-body [role="row"]').first().waitFor();
    await p.getByRole('grid').focus();
    await p.keyboard.press('Home');
    await p.keyboard.press('Enter');
    await p.locator('[data-testid="document-image"]').first().waitFor();
    const { timings } = await measureSwitches(p, switches);
    await p.close();
    return { medianMs: quantile(timings, 0.5), p95Ms: quantile(timings, 0.95), runs: timings.length };
  } finally {
    await stopHost(base.child);
  }
}

interface Row {
  date: string;
  machine: string;
  loadAverage: number[];
  launchToInteractiveQueueMs: number;
  caseSwitch: { medianMs: number; p95Ms: number };
  jsHeapUsedMB: number;
}

function writeRow(result: Row, scroll: { maxRows: number; loaded: number }): void {
  const launchMs = result.launchToInteractiveQueueMs;
  const readme = join(root, 'bench/ui/README.md');
  const previous = (() => {
    try {
      return readFileSync(readme, 'utf8');
    } catch {
      return '';
    }
  })();
  const head = previous.split('\n## Results')[0]!.trim() || '# UI benchmark';
  const row = `| ${result.date.slice(0, 16).replace('T', ' ')} | ${result.machine} | ${count.toLocaleString('en')} | ${ms(launchMs)} | ${scroll.maxRows} (of ${scroll.loaded}) | ${ms(result.caseSwitch.medianMs)} | ${ms(result.caseSwitch.p95Ms)} | ${result.jsHeapUsedMB} MB | ${result.loadAverage[0]} |`;
  const table = previous.includes('\n## Results')
    ? previous.slice(previous.indexOf('\n## Results')).trim() + '\n' + row
    : ['## Results', '', '| when (UTC) | machine | cases | launch → interactive queue | max rows in DOM while scrolling | case switch median | case switch p95 | JS heap used | load average (1 min) |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |', row].join('\n');
  writeFileSync(readme, `${head}\n\n${table}\n`);
}
