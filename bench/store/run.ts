// Benchmark of the case store on 100,000 applications with 200,000 documents.
//   node --import tsx bench/store/run.ts [--count 100000] [--keep]
// Builds the store in a child process (so the generator's memory does not count), then measures in a
// fresh process, with the store opened as the app opens it (every write on the store writer's thread): first queue
// page, next page, counts, open case, and recording a decision as the renderer's awaited call (dispatch → handler →
// the writer's thread and back); and the process RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaseHandlers } from '../../electron/api/cases';
import { dispatch, type CallContext, type Handlers } from '../../electron/api/registry';
import { internalsOf, openCaseStore } from '../../electron/store/open';
import { generateApplications, seedEpoch } from '../../electron/store/seed';
import { openInspection, reviewer, testKey } from '../../tests/support/store';
import type { QueueQuery } from '../../shared/contract/cases';
import { argValue, machine } from '../common';

process.env.VERITY_QUIET = '1';
const args = process.argv.slice(2);
const SEED = 1;
const self = fileURLToPath(import.meta.url);

if (args[0] === '--build') {
  const path = args[1]!;
  const count = Number(args[2]);
  const started = performance.now();
  const store = openCaseStore({ path, keyProvider: testKey(), now: seedEpoch });
  const records = generateApplications(count, SEED);
  const generatedMs = performance.now() - started;
  for (let i = 0; i < records.length; i += 5000) await store.upsertApplications(records.slice(i, i + 5000));
  internalsOf(store).db.exec('ANALYZE');
  store.close();
  process.stdout.write(JSON.stringify({ generatedMs, buildMs: performance.now() - started }) + '\n');
  process.exit(0);
}

const count = Number(argValue('--count') ?? 100_000);
// --store PATH reuses a store built earlier by this script (with --keep), skipping the build.
const reuse = argValue('--store');
const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), 'verity-bench-store-'));
const path = reuse ?? join(dir, 'cases.db');
let built: { generatedMs: number; buildMs: number } | null = null;
if (!reuse || !existsSync(reuse)) {
  console.log(`building ${count} applications in ${path} …`);
  const build = spawnSync(process.execPath, ['--import', 'tsx', self, '--build', path, String(count)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (build.status !== 0) throw new Error(`build failed (${build.status})`);
  built = JSON.parse(build.stdout.trim().split('\n').pop()!) as { generatedMs: number; buildMs: number };
  console.log(`built in ${(built.buildMs / 1000).toFixed(1)} s (generating ${(built.generatedMs / 1000).toFixed(1)} s)`);
}

const rssBefore = process.memoryUsage().rss;
// The clock is the generator's "now", so the deadline windows look as they would on a working day.
const store = openCaseStore({ path, keyProvider: testKey(), now: seedEpoch, writer: {} });
while (internalsOf(store).writer.where === 'starting') await new Promise((resolve) => setTimeout(resolve, 20));
if (internalsOf(store).writer.where !== 'running') throw new Error('the store writer did not start');

async function measure(name: string, runs: number, fn: (i: number) => unknown): Promise<{ name: string; runs: number; median: number; p95: number; max: number }> {
  let k = 0; // one running index over warm-up and runs: a decision never repeats an application
  for (let i = 0; i < Math.min(20, runs); i++) await fn(k++); // warm the page cache and statement cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(k++);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, runs, median: at(0.5), p95: at(0.95), max: times[times.length - 1]! };
}

const results: Awaited<ReturnType<typeof measure>>[] = [];
const firstPage = async (name: string, query: QueueQuery) => results.push(await measure(`first queue page: ${name}`, 200, () => store.listQueue({ ...query, limit: 50 })));
await firstPage('open queue', {});
await firstPage('assignee', { assignee: 'reviewer-03' });
await firstPage('kind + overdue', { kind: 'enterprise', due: 'overdue' });
await firstPage('flag R2', { flag: 'R2' });
await firstPage('text (name substring)', { text: 'smith' });
await firstPage('text (id prefix)', { text: 'VA0100012' });

// Next pages: walk the open queue 50 at a time, from a different starting page each run.
const cursors: string[] = [];
{
  let cursor: string | null = null;
  for (let i = 0; i < 300; i++) {
    const page = store.listQueue({ limit: 50, ...(cursor ? { cursor } : {}) });
    if (!page.nextCursor) break;
    cursors.push(page.nextCursor);
    cursor = page.nextCursor;
  }
}
results.push(await measure('next queue page (cursor)', 200, (i) => store.listQueue({ limit: 50, cursor: cursors[i % cursors.length]! })));
results.push(await measure('queue counts', 200, () => store.queueCounts()));
results.push(await measure("queue counts of one reviewer's open cases", 200, () => store.queueCounts('reviewer-03')));

const sample = Array.from({ length: 200 }, (_, i) => `VA01${String((i * 7919) % count).padStart(8, '0')}`);
results.push(await measure('open case (read)', 200, (i) => store.getCase(sample[i % sample.length]!)));
results.push(
  await measure('open case + documents_opened audit entry (writer thread)', 200, (i) => store.openCase(sample[i % sample.length]!, { actor: reviewer, deviceId: 'bench', online: true })),
);

const decidable: string[] = [];
{
  let cursor: string | null = null;
  while (decidable.length < 240) {
    const page = store.listQueue({ status: 'queued', assignee: reviewer.id, limit: 200, ...(cursor ? { cursor } : {}) });
    decidable.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
}
// As the renderer's awaited call: dispatch validates the request, the handler sends it to the writer's thread, which
// commits it (synchronous=FULL) and answers.
const handlers = createCaseHandlers(store, { isOnline: () => true }) as unknown as Handlers;
const ctx: CallContext = { person: reviewer, deviceId: 'bench', transport: 'ipc' };
results.push(
  await measure('record decision, awaited call (synchronous=FULL)', 200, async (i) => {
    const outcome = await dispatch(handlers, 'case.decide', { applicationId: decidable[i]!, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null }, ctx);
    if (!outcome.ok) throw new Error(`decision refused: ${outcome.error.code} ${outcome.error.message}`);
  }),
);
results.push(await measure('verify audit chain (whole log)', 5, () => store.verifyAudit()));

const rss = process.memoryUsage().rss;
const counts = store.queueCounts();
const inspection = openInspection(path);
const docs = (inspection.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
inspection.close();
store.close();
const fileMb = statSync(path).size / 1024 / 1024;

const date = new Date().toISOString();
console.log(`\n${machine()}\n${date}\napplications ${count}, documents ${docs}, file ${fileMb.toFixed(0)} MB, open cases ${counts.byStatus.queued + counts.byStatus.in_review + counts.byStatus.submitted}`);
console.log(`RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MB before opening, ${(rss / 2 ** 20).toFixed(0)} MB after the runs (store + Node + zod)`);
const table = [
  '| operation | runs | median ms | p95 ms | max ms |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.name} | ${r.runs} | ${r.median.toFixed(3)} | ${r.p95.toFixed(3)} | ${r.max.toFixed(3)} |`),
].join('\n');
console.log(table);

const resultsDir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '.results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, 'store.json'),
  JSON.stringify({ date, machine: machine(), count, documents: docs, fileMb, buildMs: built?.buildMs ?? null, rssMb: rss / 2 ** 20, rssBeforeMb: rssBefore / 2 ** 20, results }, null, 2) + '\n',
);
if (!args.includes('--keep') && !reuse) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${path}`);
