// Benchmark of the case store on 100,000 applications with 200,000 documents.
//   node --import tsx bench/store/run.ts [--count 100000] [--keep]
// Builds the store in a child process (so the generator's memory does not count), then measures in a
// fresh process: first queue page, next page, counts, open case, record decision; and the process RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCaseStore } from '../../electron/store/caseStore';
import { generateApplications, seedEpoch } from '../../electron/store/seed';
import { reviewer, testKey } from '../../tests/support/store';
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
  const store = openCaseStore({ path, keyProvider: testKey(), now: () => seedEpoch });
  const records = generateApplications(count, SEED);
  const generatedMs = performance.now() - started;
  for (let i = 0; i < records.length; i += 5000) store.upsertApplications(records.slice(i, i + 5000));
  store.db.exec('ANALYZE');
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
const store = openCaseStore({ path, keyProvider: testKey(), now: () => seedEpoch });

function measure(name: string, runs: number, fn: (i: number) => void): { name: string; runs: number; median: number; p95: number; max: number } {
  let k = 0; // one running index over warm-up and runs: a decision never repeats an application
  for (let i = 0; i < Math.min(20, runs); i++) fn(k++); // warm the page cache and statement cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(k++);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, runs, median: at(0.5), p95: at(0.95), max: times[times.length - 1]! };
}

const results: ReturnType<typeof measure>[] = [];
const firstPage = (name: string, query: QueueQuery) => results.push(measure(`first queue page: ${name}`, 200, () => store.listQueue({ ...query, limit: 50 })));
firstPage('open queue', {});
firstPage('assignee', { assignee: 'reviewer-03' });
firstPage('kind + overdue', { kind: 'enterprise', due: 'overdue' });
firstPage('flag R2', { flag: 'R2' });
firstPage('text (name substring)', { text: 'smith' });
firstPage('text (id prefix)', { text: 'VA0100012' });

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
results.push(measure('next queue page (cursor)', 200, (i) => store.listQueue({ limit: 50, cursor: cursors[i % cursors.length]! })));
results.push(measure('queue counts', 200, () => store.queueCounts()));

const sample = Array.from({ length: 200 }, (_, i) => `VA01${String((i * 7919) % count).padStart(8, '0')}`);
results.push(measure('open case (read)', 200, (i) => store.getCase(sample[i % sample.length]!)));
results.push(
  measure('open case + documents_opened audit entry', 200, (i) => store.getCase(sample[i % sample.length]!, { actor: reviewer, deviceId: 'bench', online: true })),
);

const decidable: string[] = [];
{
  let cursor: string | null = null;
  while (decidable.length < 240) {
    const page = store.listQueue({ status: 'queued', limit: 200, ...(cursor ? { cursor } : {}) });
    decidable.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
}
results.push(
  measure('record decision (synchronous=FULL)', 200, (i) =>
    store.recordDecision(
      { applicationId: decidable[i]!, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null },
      reviewer,
      'bench',
      true,
    ),
  ),
);
results.push(measure('verify audit chain (whole log)', 5, () => store.verifyAudit()));

const rss = process.memoryUsage().rss;
const counts = store.queueCounts();
const docs = (store.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
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
