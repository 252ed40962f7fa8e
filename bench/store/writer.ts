// Sync's writes on the main connection or on the store writer's thread (electron/store/storeWriter.ts), on a quiet
// disk and while another process writes heavily: what the main thread's event loop sees.
//   node --import tsx bench/store/writer.ts [--transactions 400] [--size 10]
// A store of 1,000 applications; then a stream of upserts of --size new applications each, one after another with a
// yield between (as a pull stores its pages), through `store.writes`: inline (the main connection) or on the
// writer's thread. Four runs: each way, on a quiet disk and while `dd` rewrites 256 MB with an fsync in a loop.
// Reports the event loop's delay (monitorEventLoopDelay: its longest stall and p99) and the stream's wall time.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateApplications } from '../../electron/store/seed';
import { tempStore } from '../../tests/support/store';
import { argValue, machine } from '../common';

process.env.VERITY_QUIET = '1';
const transactions = Number(argValue('--transactions') ?? 400);
const size = Number(argValue('--size') ?? 10);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Row {
  writer: boolean;
  pressure: boolean;
  wallS: number;
  maxStallMs: number;
  p99StallMs: number;
  longestWriteMs: number;
}

async function run(writer: boolean, pressure: boolean): Promise<Row> {
  const t = tempStore(1000, 1, writer ? { writer: {} } : {});
  const records = generateApplications(transactions * size, 2);
  while (t.store.checkpointer?.stats().state !== 'running') await sleep(20);
  if (writer) while (t.store.writer?.where !== 'running') await sleep(20);
  let ballast: ChildProcess | null = null;
  if (pressure) {
    const file = join(t.dir, 'ballast');
    ballast = spawn('bash', ['-c', `while true; do dd if=/dev/zero of='${file}' bs=1M count=256 conv=fsync status=none; rm -f '${file}'; done`], { stdio: 'ignore' });
    await sleep(1000);
  }
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let longestWriteMs = 0;
  const started = performance.now();
  histogram.enable();
  try {
    for (let i = 0; i < transactions; i++) {
      const began = performance.now();
      await t.store.writes.upsertApplications(records.slice(i * size, (i + 1) * size));
      longestWriteMs = Math.max(longestWriteMs, performance.now() - began);
      await turn();
    }
  } finally {
    histogram.disable();
    ballast?.kill('SIGKILL');
  }
  const wallS = (performance.now() - started) / 1000;
  const where = t.store.writer?.where ?? 'inline';
  t.cleanup();
  if (writer && where !== 'running') throw new Error(`the store writer was not running (${where})`);
  return { writer, pressure, wallS, maxStallMs: histogram.max / 1e6, p99StallMs: histogram.percentile(99) / 1e6, longestWriteMs };
}

const rows: Row[] = [];
for (const pressure of [false, true]) for (const writer of [false, true]) rows.push(await run(writer, pressure));
console.log(`${machine()}\n${new Date().toISOString()}\n${transactions} upserts of ${size} new applications, one after another, per run\n`);
console.log('| disk | writes run on | wall s | longest event-loop stall ms | p99 stall ms | longest write (call → answer) ms |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const disk = r.pressure ? 'dd rewriting 256 MB + fsync, in a loop' : 'quiet';
  console.log(`| ${disk} | ${r.writer ? "the store writer's thread" : 'the main connection'} | ${r.wallS.toFixed(1)} | ${r.maxStallMs.toFixed(1)} | ${r.p99StallMs.toFixed(1)} | ${r.longestWriteMs.toFixed(1)} |`);
}
