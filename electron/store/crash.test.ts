// Crash durability: a child process records decisions and prints each acknowledged one; we SIGKILL it at
// random moments, reopen, and check that every acknowledged decision survived whole and the audit chain holds.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseStore } from './open';
import { openInspection, tempStore, testKey, testKeyHex, type TempStore } from '../../tests/support/store';

const ROUNDS = 54;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ack {
  decisionId: string;
  mutationId: string;
  applicationId: string;
}

// The child is tests/support/crashChild.ts bundled once into one ESM file (the native addon stays external). Started as
// `node --import tsx crashChild.ts` it costs about 1.5 s of CPU per start (tsx's loader hooks resolve every
// zod module), the bundle about 0.45 s: 54 starts fit the time budget on two busy cores.
// The store writer's thread is bundled next to it (store-writer.mjs, found by the store as the bundled app finds
// out/main/store-writer.js): the decisions commit there, as in the app, and the kills land while it writes.
const bundleDir = join(process.cwd(), 'node_modules', '.cache', 'verity', `crash-${process.pid}`);
const childScript = join(bundleDir, 'crashChild.mjs');

/** Starts the child, kills it `delayMs` after it said ready (or earlier, if it finishes), returns its acks. */
function runAndKill(path: string, delayMs: number): Promise<{ acks: Ack[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, path, testKeyHex], {
      cwd: process.cwd(),
      env: { ...process.env, VERITY_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const parts = line.split(' ');
        if (parts[0] === 'ack' && parts.length === 4) acks.push({ decisionId: parts[1]!, mutationId: parts[2]!, applicationId: parts[3]! });
        if (line.startsWith('ready') && !timer) {
          if (line !== 'ready running') reject(new Error(`the crash child's store writer is not running: ${line}`));
          timer = setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, delayMs);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`crash child exited with ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ acks, killed });
    });
  });
}

/** Opens the store after a kill and checks it; returns the number of decisions in it. */
function checkAfterKill(path: string, acks: readonly Ack[]): number {
  const store = openCaseStore({ path, keyProvider: testKey() });
  const db = openInspection(path);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const decision = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM decisions WHERE id = ? AND mutation_id = ?');
    const audit = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'decision_recorded' AND json_extract(details, '$.decisionId') = ?`,
    );
    const outbox = db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE id = ? AND application_id = ?`);
    const status = db.prepare<[string], { status: string }>('SELECT status FROM applications WHERE id = ?');
    for (const ack of acks) {
      expect(decision.get(ack.decisionId, ack.mutationId)?.n).toBe(1);
      expect(audit.get(ack.decisionId)?.n).toBe(1);
      expect(outbox.get(ack.mutationId, ack.applicationId)?.n).toBe(1);
      expect(status.get(ack.applicationId)?.status).toBe('rejected');
    }
    // Nothing half-written, acknowledged or not: each decision has its outbox row and its audit entry.
    const orphans = db
      .prepare<[], { n: number }>(
        `SELECT (SELECT count(*) FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = d.mutation_id))
              + (SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.mutation_id = o.id))
              + abs((SELECT count(*) FROM decisions) - (SELECT count(*) FROM audit_log WHERE action = 'decision_recorded')) AS n`,
      )
      .get();
    expect(orphans?.n).toBe(0);
    expect(store.verifyAudit().ok).toBe(true);
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM decisions').get()?.n ?? 0;
  } finally {
    db.close();
    store.close();
  }
}

describe('crash durability', () => {
  // Three stores killed in parallel lanes: a child needs about a second to start (tsx), mostly waiting.
  let lanes: TempStore[] = [];
  beforeAll(async () => {
    lanes = await Promise.all([tempStore(800, 7), tempStore(800, 8), tempStore(800, 9)]);
    for (const lane of lanes) lane.cleanup();
    mkdirSync(bundleDir, { recursive: true });
    await build({
      entryPoints: { crashChild: 'tests/support/crashChild.ts', 'store-writer': 'electron/store/writerThread.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outdir: bundleDir,
      outExtension: { '.js': '.mjs' },
      external: ['better-sqlite3-multiple-ciphers'],
      logLevel: 'error',
    });
  });
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  it(`keeps every acknowledged decision whole across ${ROUNDS} SIGKILLs`, async () => {
    const perLane = Math.ceil(ROUNDS / lanes.length);
    const results = await Promise.all(
      lanes.map(async (lane, index) => {
        const rand = prng(20261126 + index);
        const acknowledged: Ack[] = [];
        let kills = 0;
        let total = 0;
        for (let round = 0; round < perLane; round++) {
          // Mostly short delays (kill mid-loop); some at 0 ms (kill while opening or in the first write).
          const delay = rand() < 0.15 ? 0 : Math.floor(rand() * 150);
          const { acks, killed } = await runAndKill(lane.path, delay);
          if (killed) kills += 1;
          acknowledged.push(...acks);
          total = checkAfterKill(lane.path, acks);
        }
        return { acknowledged, kills, total };
      }),
    );
    const kills = results.reduce((n, r) => n + r.kills, 0);
    const acknowledged = results.flatMap((r) => r.acknowledged);
    expect(kills).toBeGreaterThanOrEqual(50);
    expect(new Set(acknowledged.map((a) => a.decisionId)).size).toBe(acknowledged.length);
    for (const r of results) expect(r.total).toBeGreaterThanOrEqual(r.acknowledged.length);
    console.log(`crash test: ${kills} kills, ${acknowledged.length} acknowledged decisions, ${results.reduce((n, r) => n + r.total, 0)} in the stores`);
  }, 180_000);
});
