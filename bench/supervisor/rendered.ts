// The supervisor benchmark's rendered step (issue 21: "server → workstation → rendered rows"): the app itself, through
// the browser host signed in as supervisor1 and synced with the benchmark's central service, in Chromium. Times, on
// the page's own clock as bench/ui does (a requestAnimationFrame loop, then one more frame): a cold launch until the
// decision log's first page is painted, a filter chosen until its page is painted, and "Reset filters" until the first
// page is painted again. A page counts as painted when the rows in the DOM are exactly the decisions the workstation's
// own channel answers for that query (fetched untimed beforehand), so an older page still on screen never counts.
// A script of its own (run.ts starts it once the central service is seeded), so neither Playwright nor the page's
// types come into the workstation's process that run.ts measures. Prints its result as one JSON line on stdout.
// Usage: node --import tsx bench/supervisor/rendered.ts --central URL [--runs 20]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import type { DecisionLogPage, DecisionLogQuery } from '../../shared/contract/supervision';
import type { SyncStatus } from '../../shared/contract/sync';
import { chromiumLaunchOptions } from '../../tests/e2e/browser';
import { argValue, startHost, stopHost, type BenchHost } from '../common';
import type { RenderedResult } from './renderedResult';

/** Every wait has a limit and names what it waited for (as bench/ui's). */
const FIRST_SYNC_LIMIT_MS = 10 * 60_000;
const STEP_LIMIT_MS = 60_000;
const LAUNCHES = 5;
/** A supervisor looks at the page before choosing again. */
const DWELL_MS = 300;

/** The resident set of a process in MB, from /proc (NaN where there is none). */
function rssMb(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Waits until the host's sync has run once and is idle (or fails naming the state it saw). */
async function firstSync(host: BenchHost): Promise<SyncStatus> {
  const started = Date.now();
  for (;;) {
    const status = await host.call<SyncStatus>('sync.status', {});
    if (status.lastSyncAt !== null && status.state === 'idle') return status;
    if (status.state === 'error' || status.state === 'signed_out' || status.state === 'not_configured') {
      throw new Error(`the host's first sync did not succeed: ${status.state}${status.lastError ? ` (${status.lastError.code}: ${status.lastError.message})` : ''}`);
    }
    if (Date.now() - started > FIRST_SYNC_LIMIT_MS) throw new Error(`the host's first sync did not end within ${FIRST_SYNC_LIMIT_MS / 1000} s (state ${status.state})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs `act` in the page (it starts the change: a select's new value, a click), then waits frame by frame until the
 * decision rows are exactly `ids` and paints one more frame: milliseconds on the page's clock.
 */
async function paintedAfter(page: Page, act: { select?: { label: string; value: string }; click?: string }, ids: string[]): Promise<number> {
  const took = await page.evaluate(
    async ({ act, ids, limitMs }) => {
      const start = performance.now();
      if (act.select) {
        const select = document.querySelector<HTMLSelectElement>(`select[aria-label="${act.select.label}"]`);
        if (!select) return `no select labelled ${act.select.label}`;
        // The native setter, so React sees a change as from a person's choice.
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(select, act.select.value);
        select.dispatchEvent(new Event('change', { bubbles: true }));
      } else if (act.click) {
        const button = document.querySelector<HTMLButtonElement>(act.click);
        if (!button) return `no ${act.click}`;
        button.click();
      }
      // A loop, not a named helper: tsx would wrap a named function in __name, which the page lacks.
      let shown: string[] = [];
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        shown = [...document.querySelectorAll<HTMLElement>('[data-testid="decision-row"]')].map((row) => row.dataset.decisionId ?? '');
        if (shown.length === ids.length && shown.every((id, i) => id === ids[i])) break;
        if (performance.now() - start > limitMs) return `${shown.length} rows shown, ${shown.filter((id, i) => id === ids[i]).length} of ${ids.length} the expected ones`;
      }
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - start;
    },
    { act, ids, limitMs: STEP_LIMIT_MS },
  );
  if (typeof took === 'string') throw new Error(`the decision log was not painted within ${STEP_LIMIT_MS / 1000} s: ${took}`);
  return took;
}

/**
 * The rendered step against the central service at `centralUrl` (already seeded). `filtered`: the bench's filtered
 * query (reviewer + reason + online), chosen in the view as a person would (reviewer, reason, then online).
 */
async function measureRendered(options: { root: string; centralUrl: string; runs: number; log?: (line: string) => void }): Promise<RenderedResult> {
  const say = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-supervisor-host-'));
  const started = Date.now();
  const host = await startHost({ cwd: options.root, dataDir, central: options.centralUrl, signIn: 'supervisor1' });
  const hostStartMs = host.startMs;
  let peakRss = rssMb(host.child.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(host.child.pid) || 0)), 100);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    say(`browser host up in ${hostStartMs} ms; waiting for its first sync`);
    await firstSync(host);
    const firstSyncMs = Date.now() - started - hostStartMs;
    const { freshness } = await host.call<DecisionLogPage>('decisions.log', { limit: 1 } satisfies DecisionLogQuery);
    say(`first sync done in ${(firstSyncMs / 1000).toFixed(1)} s (${freshness.cached} decisions copied)`);

    // The rows each state must show, as the workstation's channel answers them (from the central service).
    const partialQuery = { reviewer: 'logrev05', reasonCode: 'document_expired' } as const;
    const idsOf = async (query: Omit<DecisionLogQuery, 'limit'>) => {
      const page = await host.call<DecisionLogPage>('decisions.log', { ...query, limit: 50 });
      if (page.source !== 'central' || page.items.length === 0) throw new Error(`expected rows from the central service for ${JSON.stringify(query)}, got ${page.items.length} from the ${page.source}`);
      return page.items.map((item) => item.id);
    };
    const firstIds = await idsOf({});
    const partialIds = await idsOf(partialQuery);
    const filteredIds = await idsOf({ ...partialQuery, offline: false });
    if (filteredIds.join() === partialIds.join()) throw new Error('the filtered page shows the same rows as the page before its last filter: its painting could not be told apart');

    const coldFirstPage: number[] = [];
    for (let i = 0; i < LAUNCHES; i++) {
      // A fresh context each time: empty HTTP and code caches, a new renderer process, the filters at their defaults.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(host.openUrl, { waitUntil: 'commit' });
      const painted = await page.waitForFunction(
        (ids) => {
          const shown = [...document.querySelectorAll<HTMLElement>('[data-testid="decision-row"]')].map((row) => row.dataset.decisionId ?? '');
          return shown.length === ids.length && shown.every((id, n) => id === ids[n]) ? performance.now() : 0;
        },
        firstIds,
        { polling: 'raf', timeout: STEP_LIMIT_MS },
      );
      coldFirstPage.push((await painted.jsonValue()) as number);
      await context.close();
    }
    say(`cold launch → first page painted: ${coldFirstPage.map((n) => n.toFixed(0)).join(', ')} ms`);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(host.openUrl);
    await page.getByTestId('decision-row').first().waitFor({ timeout: STEP_LIMIT_MS });
    const reviewerIds = await idsOf({ reviewer: partialQuery.reviewer });
    let syncsDuringRuns = 0;
    let lastSync = (await host.call<SyncStatus>('sync.status', {})).lastSyncAt;
    const filteredPage: number[] = [];
    const firstPage: number[] = [];
    for (let i = 0; i < options.runs + 1; i++) {
      // Untimed: reviewer (once the counts have named the reviewers), then reason, each until its page is painted.
      await page.locator(`select[aria-label="Reviewer"] option[value="${partialQuery.reviewer}"]`).waitFor({ state: 'attached', timeout: STEP_LIMIT_MS });
      await paintedAfter(page, { select: { label: 'Reviewer', value: partialQuery.reviewer } }, reviewerIds);
      await paintedAfter(page, { select: { label: 'Reason', value: partialQuery.reasonCode } }, partialIds);
      await page.waitForTimeout(DWELL_MS);
      const filtered = await paintedAfter(page, { select: { label: 'Decided', value: 'no' } }, filteredIds);
      await page.waitForTimeout(DWELL_MS);
      const first = await paintedAfter(page, { click: 'form.log-filters button[type="button"]' }, firstIds);
      await page.waitForTimeout(DWELL_MS);
      // The first round warms up (plans cached, the view's chunks loaded).
      if (i > 0) {
        filteredPage.push(filtered);
        firstPage.push(first);
      }
      const now = (await host.call<SyncStatus>('sync.status', {})).lastSyncAt;
      if (now !== lastSync) syncsDuringRuns += 1;
      lastSync = now;
    }
    const metrics = await cdp.send('Performance.getMetrics');
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
    clearInterval(sampler);
    const endRss = rssMb(host.child.pid);
    return {
      hostStartMs,
      firstSyncMs,
      decisionsCopied: freshness.cached,
      coldFirstPage,
      filteredPage,
      firstPage,
      rowsPerPage: firstIds.length,
      hostRss: { peakMb: Math.max(peakRss, endRss), endMb: endRss },
      jsHeapUsedMb: heap / 2 ** 20,
      syncsDuringRuns,
    };
  } finally {
    clearInterval(sampler);
    await browser.close();
    await stopHost(host.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const centralUrl = argValue('--central');
if (!centralUrl) {
  console.error('usage: node --import tsx bench/supervisor/rendered.ts --central URL [--runs 20]');
  process.exit(2);
}
const result = await measureRendered({
  root: resolve(import.meta.dirname, '../..'),
  centralUrl,
  runs: Number(argValue('--runs') ?? 20),
  log: (line) => process.stderr.write(`  ${line}\n`),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
