// Supervisor benchmark (a script, not a test): 1,000,000 decisions in the central store (server/decisionsSeed.ts,
// written by the database with generate_series, in a child process: bench/supervisor/server.ts), on PGlite and, when
// VERITY_TEST_DATABASE_URL (or --database-url) names one, on PostgreSQL. Then, through the workstation's own
// handlers (electron/api/supervision.ts, exports.ts; a real sync engine signed in as supervisor1): the log's first
// page and filtered pages end to end (server → workstation handler → rows), the counts beside the filters, the
// decision report (server/reports.ts, over every decision), the CSV export of 100,000 rows, and the workstation's
// RSS; then the rendered step (rendered.ts: the app in Chromium through the browser host, rows painted). Medians and
// p95 over runs. Writes bench/supervisor/README.md's results block and bench/.results/supervisor.json.
// Usage: npm run bench supervisor   (or: node --import tsx bench/supervisor/run.ts [--count 1000000] [--only pglite|postgresql] [--no-record] [--no-render])
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { DecisionReport } from '../../shared/contract/reports';
import type { DecisionLogFilter } from '../../shared/contract/supervision';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { createImagePipeline } from '../../electron/imaging';
import { openCaseStore } from '../../electron/store/open';
import { createSyncEngine } from '../../electron/sync/engine';
import { EventHub } from '../../electron/api/events';
import { createExportHandlers, ExportShelf } from '../../electron/api/exports';
import type { CallContext } from '../../electron/api/registry';
import { createSupervisionHandlers, type SupervisionHandlers } from '../../electron/api/supervision';

/** A log query as the handler takes it (parsed: the limit given). */
type DecisionLogQuery = Parameters<SupervisionHandlers['decisions.log']>[0];
import { argValue, bundleEntries, machine } from '../common';
import type { RenderedResult } from './renderedResult';

// The repository: two folders up from this file; a bundle is told where it is.
const root = process.env.VERITY_BENCH_REPO ?? resolve(import.meta.dirname, '../..');

// The workstation measured as shipped (as bench/sync does): started from TypeScript, this file bundles itself and the
// store writer's and imaging's entries with esbuild and runs the bundle, so its RSS is the handlers' process without
// tsx's loader (~37 MB) and compile cache; --sources measures the sources under tsx instead.
if (import.meta.url.endsWith('.ts') && !process.argv.includes('--sources')) {
  const outdir = join(root, 'out/bench-supervisor');
  await bundleEntries(outdir, {
    run: join(root, 'bench/supervisor/run.ts'),
    'imaging-worker': join(root, 'electron/imaging/worker.ts'),
    'imaging-launcher': join(root, 'electron/imaging/launcherThread.ts'),
    'store-writer': join(root, 'electron/store/writerThread.ts'),
  });
  const run = spawnSync(process.execPath, [join(outdir, 'run.mjs'), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, VERITY_BENCH_REPO: root } });
  process.exit(run.status ?? 1);
}
const count = Number(argValue('--count') ?? 1_000_000);
const only = argValue('--only');
const record = !process.argv.includes('--no-record');
const sources = process.argv.includes('--sources');
const databaseUrl = argValue('--database-url') ?? process.env.VERITY_TEST_DATABASE_URL;
// The rendered step (the app in Chromium through the browser host) needs the built app; --no-render leaves it out.
const render = !process.argv.includes('--no-render');
const RENDER_RUNS = 20;
if (render && !existsSync(join(root, 'out/renderer/index.html'))) {
  console.error('bench/supervisor: the rendered step needs the built app (out/renderer): run `npm run build` first, or pass --no-render.');
  process.exit(2);
}
const PAGE_RUNS = 30;
const REPORT_RUNS = 5;
const EXPORT_RUNS = 3;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};
const summary = (values: number[]) => ({ median: quantile(values, 0.5), p95: quantile(values, 0.95), runs: values.length });

interface Child {
  child: ChildProcess;
  lines: Interface;
  next(): Promise<Record<string, unknown>>;
}

function startCentral(url: string | undefined): Promise<Child & { url: string; newest: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/supervisor/server.ts', ...(url ? ['--database-url', url] : [])], {
    cwd: root,
    env: { ...process.env, VERITY_QUIET: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)));
  const next = () =>
    new Promise<Record<string, unknown>>((ok) => {
      const take = (line: string) => ok(JSON.parse(line) as Record<string, unknown>);
      if (queue.length) take(queue.shift()!);
      else waiting.push(take);
    });
  return next().then((hello) => ({ child, lines, next, url: hello.url as string, newest: hello.newest as string }));
}

/** The rendered step in a process of its own (bench/supervisor/rendered.ts): its one JSON line. */
function measureRenderedStep(centralUrl: string): Promise<RenderedResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/supervisor/rendered.ts', '--central', centralUrl, '--runs', String(RENDER_RUNS)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((ok, fail) =>
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) fail(new Error(`the rendered step (bench/supervisor/rendered.ts) exited with ${code}${line ? `: ${line}` : ''}`));
      else ok(JSON.parse(line) as RenderedResult);
    }),
  );
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: plans cached, connections open
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const ctx: CallContext = { person: { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' }, deviceId: 'bench-supervisor', transport: 'http' };

type Summary = ReturnType<typeof summary>;
interface Result {
  backend: string;
  count: number;
  seeded: { seededMs: number; analyzedMs: number; databaseBytes: number };
  pages: Record<string, Summary & { total: number; totalAtLeast: boolean; source: string }>;
  counts: Record<string, Summary>;
  report: Summary & { decisions: number };
  export: Summary & { rows: number; bytes: number };
  rss: { peakMb: number; endMb: number };
  rendered: (RenderedResult & { cold: Summary; filtered: Summary; first: Summary }) | null;
  loadBefore: number[];
  loadAfter: number[];
}

async function measure(backend: 'pglite' | 'postgresql'): Promise<Result> {
  console.log(`\n── ${backend}: ${count.toLocaleString('en')} decisions`);
  const central = await startCentral(backend === 'postgresql' ? databaseUrl : undefined);
  const loadBefore = loadavg();
  central.child.stdin!.write(`seed ${count}\n`);
  const seeded = await central.next();
  console.log(`seeded in ${((seeded.seededMs as number) / 1000).toFixed(0)} s, ANALYZE + VACUUM ${((seeded.analyzedMs as number) / 1000).toFixed(0)} s, database ${((seeded.databaseBytes as number) / 2 ** 20).toFixed(0)} MB`);

  // The workstation: its own encrypted store (the copy, empty: the log answers from the central service) and engine.
  const dir = mkdtempSync(join(tmpdir(), 'verity-bench-supervisor-ws-'));
  const keyProvider = new ExplicitKeyProvider(Buffer.alloc(32, 7));
  const store = openCaseStore({ path: join(dir, 'cases.db'), keyProvider, writer: {} });
  const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1 } });
  const engine = createSyncEngine({ store, images, centralUrl: central.url, credentials: { username: 'supervisor1', password: 'verity-demo' }, deviceId: 'bench-supervisor' });
  await engine.authenticate({ username: 'supervisor1', password: 'verity-demo' });
  const get = engine.get.bind(engine);
  const log = createSupervisionHandlers(store, get);
  const events = new EventHub();
  const shelf = new ExportShelf();
  const exports = createExportHandlers(store, { get, lines: engine.lines.bind(engine) }, shelf, events);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  const page = async (query: DecisionLogQuery) => {
    const answer = await log['decisions.log'](query, ctx);
    // The copy answers when the central service did not in time (liveReadTimeoutMs): recorded as such, not hidden.
    if (answer.source === 'central' && answer.items.length === 0) throw new Error(`expected rows from the central service for ${JSON.stringify(query)}`);
    return answer;
  };
  const newest = Date.parse(central.newest);
  const filters: Record<string, DecisionLogQuery> = {
    'first page (50 rows, no filter)': { limit: 50 },
    'filtered: reviewer + reason + online': { reviewer: 'logrev05', reasonCode: 'document_expired', offline: false, limit: 50 },
    'filtered: kind + missed deadline + not QA-reviewed': { kind: 'enterprise', deadlineMissed: true, reviewed: false, limit: 50 },
    // Thirty days (of the million's 23 months; less of a smaller seed), starting 30 % of the way back.
    'filtered: overridden approvals in a month': {
      overridden: true,
      outcome: 'approve',
      from: new Date(newest - Math.round(0.3 * count + Math.min(43_200, 0.04 * count)) * 60_000).toISOString(),
      to: new Date(newest - Math.round(0.3 * count) * 60_000).toISOString(),
      limit: 50,
    },
    'free text: part of a name': { text: 'maria garcia 12', limit: 50 },
    // An individual's (i divisible by 3) document number, three quarters of the way back.
    'free text: a document number': { text: `D${String(3 * Math.floor(count / 4)).padStart(9, '0')}`, limit: 50 },
    'next page (cursor) of the first': { limit: 50 },
  };
  const pages: Result['pages'] = {};
  for (const [name, query] of Object.entries(filters)) {
    let shown = await page(query);
    const q = name.startsWith('next page') ? { ...query, cursor: shown.nextCursor! } : query;
    const runs = await timed(PAGE_RUNS, async () => (shown = await page(q)));
    pages[name] = { ...summary(runs), total: shown.total, totalAtLeast: shown.totalAtLeast, source: shown.source };
    console.log(`${name}: median ${pages[name].median.toFixed(1)} ms, p95 ${pages[name].p95.toFixed(1)} ms (${shown.totalAtLeast ? '≥ ' : ''}${shown.total} match, from the ${shown.source})`);
  }
  const counts: Record<string, ReturnType<typeof summary>> = {};
  for (const [name, filter] of Object.entries({ 'counts, no filter': {}, 'counts, reviewer + reason + online': { reviewer: 'logrev05', reasonCode: 'document_expired', offline: false } } as Record<string, DecisionLogFilter>)) {
    counts[name] = summary(await timed(5, async () => log['decisions.counts'](filter, ctx)));
    console.log(`${name}: median ${counts[name].median.toFixed(0)} ms, p95 ${counts[name].p95.toFixed(0)} ms`);
  }
  let reportDecisions = 0;
  const report = summary(
    await timed(REPORT_RUNS, async () => {
      const answer = await engine.getJson('/v1/reports/decisions?utcOffsetMinutes=480', DecisionReport, 120_000);
      reportDecisions = answer.decisions;
    }),
  );
  console.log(`decision report over ${reportDecisions} decisions: median ${report.median.toFixed(0)} ms, p95 ${report.p95.toFixed(0)} ms`);
  // Exactly the newest 100,000: decision 100,000 was made 99,999 minutes before the newest.
  const exportFilter: DecisionLogFilter = { from: new Date(newest - 99_999 * 60_000).toISOString() };
  let exportRows = 0;
  let exportBytes = 0;
  const exportRuns = await timed(EXPORT_RUNS, async () => {
    const made = await exports['decisions.exportCsv']({ filter: exportFilter, language: 'en' }, ctx);
    // Saved, as the person's save takes it off the shelf (Workstation.takeExport): the shelf holds up to four files
    // waiting to be saved, which a bench that never saves would count as the workstation's memory.
    const { record } = shelf.take(made.exportId, ctx.person!.id);
    await store.recordExport(record, { actor: ctx.person!, deviceId: ctx.deviceId, online: true });
    exportRows = made.rows;
    exportBytes = made.bytes;
  });
  const exported = summary(exportRuns);
  console.log(`CSV export of ${exportRows} rows (${(exportBytes / 2 ** 20).toFixed(1)} MB): median ${(exported.median / 1000).toFixed(2)} s, p95 ${(exported.p95 / 1000).toFixed(2)} s`);
  clearInterval(sampler);
  // The last sample counts too: it can be the highest one (the sampler runs only between awaits).
  const endRss = process.memoryUsage().rss;
  const rss = { peakMb: Math.max(peakRss, endRss) / 2 ** 20, endMb: endRss / 2 ** 20 };
  console.log(`workstation RSS (${sources ? 'sources under tsx' : 'bundled, as shipped'}): peak ${rss.peakMb.toFixed(0)} MB, at the end ${rss.endMb.toFixed(0)} MB`);

  await engine.stop();
  await images.close?.();
  store.close();
  rmSync(dir, { recursive: true, force: true });

  let rendered: Result['rendered'] = null;
  if (render) {
    console.log('rendered: the app in Chromium through the browser host, signed in as supervisor1');
    const r = await measureRenderedStep(central.url);
    rendered = { ...r, cold: summary(r.coldFirstPage), filtered: summary(r.filteredPage), first: summary(r.firstPage) };
    console.log(`rendered: cold launch → first page painted median ${rendered.cold.median.toFixed(0)} ms, p95 ${rendered.cold.p95.toFixed(0)} ms`);
    console.log(`rendered: filtered page painted median ${rendered.filtered.median.toFixed(1)} ms, p95 ${rendered.filtered.p95.toFixed(1)} ms`);
    console.log(`rendered: first page painted (Reset filters) median ${rendered.first.median.toFixed(1)} ms, p95 ${rendered.first.p95.toFixed(1)} ms`);
    console.log(`rendered: host RSS peak ${r.hostRss.peakMb.toFixed(0)} MB, end ${r.hostRss.endMb.toFixed(0)} MB; page JS heap ${r.jsHeapUsedMb.toFixed(1)} MB; ${r.syncsDuringRuns} syncs during the runs`);
  }
  central.child.stdin!.write('quit\n');
  await new Promise((ok) => central.child.once('exit', ok));
  return { backend, count, seeded: seeded as unknown as Result['seeded'], pages, counts, report: { ...report, decisions: reportDecisions }, export: { ...exported, rows: exportRows, bytes: exportBytes }, rss, rendered, loadBefore, loadAfter: loadavg() };
}

const backends = (['postgresql', 'pglite'] as const).filter((b) => (b === 'postgresql' ? databaseUrl !== undefined : true)).filter((b) => !only || only === b);
const results: Result[] = [];
const startedAt = new Date().toISOString();
for (const backend of backends) results.push(await measure(backend));

mkdirSync(join(root, 'bench/.results'), { recursive: true });
writeFileSync(join(root, 'bench/.results/supervisor.json'), JSON.stringify({ startedAt, machine: machine(), results }, null, 2));
if (record) {
  const readme = join(root, 'bench/supervisor/README.md');
  const text = readFileSync(readme, 'utf8');
  const marker = '<!-- results -->';
  const fmt = (s: { median: number; p95: number }, unit: 'ms' | 's' = 'ms') => (unit === 's' ? `${(s.median / 1000).toFixed(2)} / ${(s.p95 / 1000).toFixed(2)} s` : `${s.median.toFixed(1)} / ${s.p95.toFixed(1)} ms`);
  const rows = (r: Result) => [
    ...Object.entries(r.pages).map(([name, s]) => `| ${name} | ${fmt(s)} | ${s.source === 'central' ? `${s.totalAtLeast ? '≥ ' : ''}${s.total.toLocaleString('en')}` : 'central service gave no answer in time: the (empty) copy answered'} |`),
    ...Object.entries(r.counts).map(([name, s]) => `| ${name} | ${fmt(s)} | |`),
    `| decision report, every decision | ${fmt(r.report)} | ${r.report.decisions.toLocaleString('en')} |`,
    `| CSV export | ${fmt(r.export, 's')} | ${r.export.rows.toLocaleString('en')} rows, ${(r.export.bytes / 2 ** 20).toFixed(1)} MB |`,
    `| workstation RSS (${sources ? 'sources under tsx' : 'the handlers’ process, bundled'}), peak / end | ${r.rss.peakMb.toFixed(0)} / ${r.rss.endMb.toFixed(0)} MB | |`,
    ...(r.rendered
      ? [
          `| rendered: cold launch → first page painted (${r.rendered.cold.runs} launches) | ${fmt(r.rendered.cold)} | ${r.rendered.rowsPerPage} rows |`,
          `| rendered: filtered page painted (reviewer + reason, then online) | ${fmt(r.rendered.filtered)} | ${r.rendered.rowsPerPage} rows |`,
          `| rendered: first page painted (Reset filters) | ${fmt(r.rendered.first)} | ${r.rendered.rowsPerPage} rows |`,
          `| rendered: browser host RSS (under tsx), peak / end; page JS heap | ${r.rendered.hostRss.peakMb.toFixed(0)} / ${r.rendered.hostRss.endMb.toFixed(0)} MB; ${r.rendered.jsHeapUsedMb.toFixed(1)} MB | first sync ${(r.rendered.firstSyncMs / 1000).toFixed(1)} s (${r.rendered.decisionsCopied.toLocaleString('en')} copied); ${r.rendered.syncsDuringRuns} syncs during the runs |`,
        ]
      : []),
  ];
  const block = results
    .map((r) =>
      [
        `### ${r.backend}, ${r.count.toLocaleString('en')} decisions (${startedAt.slice(0, 16).replace('T', ' ')} UTC)`,
        '',
        `${machine()}; load average before ${r.loadBefore.map((n) => n.toFixed(1)).join(' ')}, after ${r.loadAfter.map((n) => n.toFixed(1)).join(' ')}. Seeded in ${(r.seeded.seededMs / 1000).toFixed(0)} s (+ ANALYZE, VACUUM ${(r.seeded.analyzedMs / 1000).toFixed(0)} s), database ${(r.seeded.databaseBytes / 2 ** 20).toFixed(0)} MB.`,
        '',
        '| measure (end to end: server → workstation handler → rows) | median / p95 | rows matching |',
        '| --- | ---: | ---: |',
        ...rows(r),
        '',
      ].join('\n'),
    )
    .join('\n');
  // Each backend's section replaces its own earlier one; the other backend's (from a run with --only) stays.
  const head = text.includes(marker) ? text.slice(0, text.indexOf(marker) + marker.length) : `${text}\n${marker}`;
  const kept = (text.includes(marker) ? text.slice(text.indexOf(marker) + marker.length) : '')
    .split(/\n(?=### )/)
    .map((section) => section.trim())
    .filter((section) => section.startsWith('### ') && !results.some((r) => section.startsWith(`### ${r.backend},`)));
  writeFileSync(readme, `${head}\n\n${[...kept, block.trim()].join('\n\n')}\n`);
}
process.exit(0);
