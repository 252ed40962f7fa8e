// The case store's writes on the main connection or on the store writer's thread (electron/store/writer.ts), on a
// quiet disk and while another process writes heavily: what the main thread's event loop sees.
//   node --import tsx bench/store/writer.ts [--decisions 150] [--transactions 400] [--size 10]
// A store of 4,000 applications (opened as the app opens it, or without the thread); then two streams, each write
// awaited before the next: --decisions decisions (synchronous=FULL, each fsynced), and --transactions upserts of
// --size new applications (as a pull stores its pages). Four runs: each way, on a quiet disk and while `dd` rewrites
// 256 MB with an fsync in a loop. Reports the event loop's delay (monitorEventLoopDelay: its longest stall and p99)
// during each stream, the longest write (call → answer) and the stream's wall time.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { internalsOf } from '../../electron/store/open';
import { generateApplications } from '../../electron/store/seed';
import { reviewer, tempStore } from '../../tests/support/store';
import { argValue, machine } from '../common';

process.env.VERITY_QUIET = '1';
const decisions = Number(argValue('--decisions') ?? 150);
const transactions = Number(argValue('--transactions') ?? 400);
const size = Number(argValue('--size') ?? 10);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Stream {
  wallS: number;
  maxStallMs: number;
  p99StallMs: number;
  longestWriteMs: number;
}

interface Row {
  writer: boolean;
  pressure: boolean;
  decisions: Stream;
  upserts: Stream;
}

async function stream(count: number, write: (i: number) => Promise<unknown>): Promise<Stream> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let longestWriteMs = 0;
  const started = performance.now();
  histogram.enable();
  try {
    for (let i = 0; i < count; i++) {
      const began = performance.now();
      await write(i);
      longestWriteMs = Math.max(longestWriteMs, performance.now() - began);
      await turn();
    }
  } finally {
    histogram.disable();
  }
  return { wallS: (performance.now() - started) / 1000, maxStallMs: histogram.max / 1e6, p99StallMs: histogram.percentile(99) / 1e6, longestWriteMs };
}

async function run(writer: boolean, pressure: boolean): Promise<Row> {
  const t = await tempStore(4000, 1, writer ? { writer: {} } : {});
  const records = generateApplications(transactions * size, 2);
  while (internalsOf(t.store).writer.where === 'starting') await sleep(20);
  const where = internalsOf(t.store).writer.where;
  if ((where === 'running') !== writer) throw new Error(`the writes run ${where}, not where this run asked`);
  const decidable = t.store.listQueue({ status: 'queued', assignee: reviewer.id, limit: 200 }).items.map((i) => i.id);
  if (decidable.length < decisions) throw new Error(`only ${decidable.length} decidable cases`);
  let ballast: ChildProcess | null = null;
  if (pressure) {
    const file = join(t.dir, 'ballast');
    ballast = spawn('bash', ['-c', `while true; do dd if=/dev/zero of='${file}' bs=1M count=256 conv=fsync status=none; rm -f '${file}'; done`], { stdio: 'ignore' });
    await sleep(1000);
  }
  try {
    const decided = await stream(decisions, (i) =>
      t.store.recordDecision(
        { applicationId: decidable[i]!, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null },
        reviewer,
        'bench',
        true,
      ),
    );
    const upserted = await stream(transactions, (i) => t.store.upsertApplications(records.slice(i * size, (i + 1) * size)));
    return { writer, pressure, decisions: decided, upserts: upserted };
  } finally {
    ballast?.kill('SIGKILL');
    t.cleanup();
  }
}

const rows: Row[] = [];
for (const pressure of [false, true]) for (const writer of [false, true]) rows.push(await run(writer, pressure));
console.log(`${machine()}\n${new Date().toISOString()}\n${decisions} decisions, then ${transactions} upserts of ${size} new applications, one after another, per run\n`);
console.log('| disk | writes run on | stream | wall s | longest event-loop stall ms | p99 stall ms | longest write (call → answer) ms |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const disk = r.pressure ? 'dd rewriting 256 MB + fsync, in a loop' : 'quiet';
  const on = r.writer ? "the store writer's thread" : 'the main connection';
  for (const [name, s] of [
    ['decisions', r.decisions],
    ['upserts', r.upserts],
  ] as const) {
    console.log(`| ${disk} | ${on} | ${name} | ${s.wallS.toFixed(1)} | ${s.maxStallMs.toFixed(1)} | ${s.p99StallMs.toFixed(1)} | ${s.longestWriteMs.toFixed(1)} |`);
  }
}
