// Commits on the main thread while another process writes to the same disk: what the WAL checkpointer's priming
// (electron/store/checkpointWorker.ts, `prime`) is for.
//   node --import tsx bench/store/pressure.ts [--commits 150] [--every-ms 200]
// A store of 1,000 applications; one small commit (5 applications upserted, as a pull page writes them) every
// --every-ms, which leaves the checkpointer time to copy the WAL between commits, as between pull pages. Four runs:
// the worker priming or not (the main connection then starts each WAL over itself and fsyncs its header), each on
// a quiet disk and while `dd` rewrites 256 MB with an fsync in a loop. Reports commit times on the main thread.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { generateApplications } from '../../electron/store/seed';
import { tempStore } from '../../tests/support/store';
import { argValue, machine } from '../common';

process.env.VERITY_QUIET = '1';
const commits = Number(argValue('--commits') ?? 150);
const everyMs = Number(argValue('--every-ms') ?? 200);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Row {
  prime: boolean;
  pressure: boolean;
  median: number;
  p90: number;
  p99: number;
  max: number;
  over20: number;
  primes: number;
}

async function run(prime: boolean, pressure: boolean): Promise<Row> {
  const t = tempStore(1000, 1, { checkpointer: { prime } });
  const records = generateApplications(commits * 5, 2);
  while (t.store.checkpointer?.stats().state !== 'running') await sleep(20);
  let ballast: ChildProcess | null = null;
  if (pressure) {
    const file = join(t.dir, 'ballast');
    ballast = spawn('bash', ['-c', `while true; do dd if=/dev/zero of='${file}' bs=1M count=256 conv=fsync status=none; rm -f '${file}'; done`], { stdio: 'ignore' });
    await sleep(1000);
  }
  const times: number[] = [];
  try {
    for (let i = 0; i < commits; i++) {
      await sleep(everyMs);
      const started = performance.now();
      t.store.upsertApplications(records.slice(i * 5, i * 5 + 5));
      times.push(performance.now() - started);
    }
  } finally {
    ballast?.kill('SIGKILL');
  }
  const primes = t.store.checkpointer?.stats().primes ?? 0;
  t.cleanup();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { prime, pressure, median: at(0.5), p90: at(0.9), p99: at(0.99), max: times.at(-1)!, over20: times.filter((ms) => ms > 20).length, primes };
}

const rows: Row[] = [];
for (const pressure of [false, true]) for (const prime of [false, true]) rows.push(await run(prime, pressure));
console.log(`${machine()}\n${new Date().toISOString()}\n${commits} commits of 5 applications, one every ${everyMs} ms, per run\n`);
console.log('| disk | worker primes the WAL | median ms | p90 ms | p99 ms | max ms | commits > 20 ms | primes |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.pressure ? 'dd rewriting 256 MB + fsync, in a loop' : 'quiet'} | ${r.prime ? 'yes' : 'no'} | ${r.median.toFixed(2)} | ${r.p90.toFixed(2)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.over20} | ${r.primes} |`);
}
