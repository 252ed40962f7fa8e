// Each test gets its own browser host with a fresh data folder, started through the real CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { _electron, test as base, expect, type Page } from '@playwright/test';
import { seedDataFolder } from '../../bench/ui/seed';
import { startServer, type RunningServer } from '../../server/app';
import { startNetSwitch, type NetSwitch } from './netSwitch';
import type { Application } from '../../shared/domain';
import { generateApplications } from '../../electron/store/seed';
import { applicantStrings, runLog } from '../support/logScan';

const root = resolve(import.meta.dirname, '../..');

export interface Host {
  /** The base the HTTP API hangs under. */
  url: string;
  token: string;
  /** The URL that opens the app with its token (`url#token=…`). */
  openUrl: string;
  dataDir: string;
  /** Calls a channel over the host's HTTP form, as scripts do. */
  call(channel: string, body: unknown, init?: { token?: string | null }): Promise<{ status: number; json: unknown }>;
}

/** A real central server (PGlite in memory, demo data) that the test's host syncs with through a link it can cut. */
export interface Central {
  server: RunningServer;
  link: NetSwitch;
}

/** A queue longer than the demo draws in time: `count` generated applications sharing `specimens` drawn cases' images. */
export interface Generated {
  count: number;
  specimens: number;
}

/**
 * How the test's host is started: standalone with local demo data, synced with the central server, or standalone on
 * a folder seeded already (its key file given); signed in.
 */
function hostArgs(dataDir: string, demoCount: number, central: Central | null, signInAs: string, keyFile: string | null): string[] {
  const common = ['--import', 'tsx', 'electron/host/cli.ts', '--json', '--data', dataDir];
  if (central) return [...common, '--central', central.link.url, '--sign-in', signInAs];
  if (keyFile) return [...common, '--central', 'none', '--key-file', keyFile, '--sign-in', signInAs];
  return [...common, '--central', 'none', '--demo', '--demo-count', String(demoCount)];
}

async function startHost(dataDir: string, demoCount: number, central: Central | null, signInAs: string, generated: Generated | null, log: RunLog): Promise<{ host: Host; child: ChildProcess }> {
  // bench/ui's seed, the real store and image pipeline: many cases, few drawings.
  const keyFile = generated ? (await seedDataFolder(dataDir, generated.count, generated.specimens)).keyFile : null;
  // Every host starts on a fresh data folder seeded with demo people and applications (real specimen images).
  // Not quiet: every line it logs, info included, goes to the run's log, which is searched for applicant data.
  const env = { ...process.env };
  delete env.VERITY_QUIET;
  const child = spawn(process.execPath, hostArgs(dataDir, demoCount, central, signInAs, keyFile), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => log.write(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk.toString('utf8')));
  let started: { url: string; token: string; openUrl: string };
  try {
    started = JSON.parse(await firstLine(child)) as typeof started;
  } catch (error) {
    // A host that failed to start must not go on writing into the data folder the fixture removes.
    await stopHost(child);
    throw error;
  }
  const { url, token, openUrl } = started;
  const call: Host['call'] = async (channel, body, init) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const useToken = init?.token === undefined ? token : init.token;
    if (useToken !== null) headers.Authorization = `Bearer ${useToken}`;
    const res = await fetch(`${url}api/${channel}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  return { host: { url, token, openUrl, dataDir, call }, child };
}

/** The first line a starting host prints on stdout: with --json, its `{url, token, openUrl}`. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise<string>((ok, fail) => {
    // Seeding demo data on a loaded two-core machine can take minutes.
    const timer = setTimeout(() => fail(new Error('the browser host did not start within 180 s')), 180_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      ok(line);
    });
    child.once('exit', (code) => fail(new Error(`the browser host exited with ${code}`)));
  });
}

/** Stops the host and waits for it to exit; SIGKILL if SIGTERM has not ended it within 20 s. */
export async function stopHost(child: ChildProcess): Promise<void> {
  // A host that already exited emits no second 'exit': waiting for one would hang the teardown.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const stubborn = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(stubborn);
}

/** `npm run test:electron` runs this suite against the built Electron app instead of the browser host. */
export const target = process.env.VERITY_E2E_TARGET === 'electron' ? 'electron' : 'browser';

type RunLog = ReturnType<typeof runLog>;

/** The applicants a central server held (the demo's and every test's own submissions): what no log may name. */
async function centralApplicants(server: RunningServer): Promise<string[]> {
  const rows = await server.db.query<{ identity: unknown; current_identity: unknown; icp: unknown }>(`SELECT identity, current_identity, icp FROM applications`);
  const parsed = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  return applicantStrings(rows.map((r) => ({ identity: parsed(r.identity), currentIdentity: parsed(r.current_identity), icp: parsed(r.icp) }) as Pick<Application, 'identity' | 'currentIdentity' | 'icp'>));
}

export const test = base.extend<{ demoCount: number; generated: Generated | null; centralDemoCount: number | null; centralSignIn: string; runLog: RunLog; central: Central | null; host: Host; app: Page }>({
  /** This test's log in the run's logs (tests/support/logScan.ts); attached to the test when it fails. */
  // eslint-disable-next-line no-empty-pattern -- Playwright's fixture signature; this one needs no other fixture
  runLog: async ({}, use, testInfo) => {
    const log = runLog(`${testInfo.file.split('/').pop()}-${testInfo.testId}`);
    await use(log);
    if (testInfo.status !== testInfo.expectedStatus && existsSync(log.path)) await testInfo.attach('host and page log', { path: log.path, contentType: 'text/plain' });
  },
  /** How many demo applications the test's host seeds (override with test.use({ demoCount })). */
  demoCount: [12, { option: true }],
  /** Instead of the drawn demo: generated applications sharing a few drawn specimens (a queue past its first page). */
  generated: [null, { option: true }],
  /** With a number: a real central server with that many demo applications, and the host syncs with it. */
  centralDemoCount: [null, { option: true }],
  /** Who the host signs in at start when it syncs with a central server or opens a generated folder. */
  centralSignIn: ['reviewer1', { option: true }],
  central: async ({ centralDemoCount, runLog }, use) => {
    if (centralDemoCount === null) {
      await use(null);
      return;
    }
    const server = await startServer({ demo: { count: centralDemoCount }, log: () => undefined });
    const link = await startNetSwitch(server.port);
    await use({ server, link });
    runLog.markers(await centralApplicants(server), 'central');
    await link.close();
    await server.close();
  },
  host: async ({ demoCount, generated, central, centralSignIn, runLog }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'verity-e2e-'));
    let child: ChildProcess | null = null;
    // A standalone host seeds the demo's applications (electron/api/demo.ts: seed 7, two reviewers); its names are
    // known before it starts. A synced host's applicants are the central server's (written when it stops).
    // bench/ui's generated folder uses the same seed (bench/ui/seed.ts).
    if (!central) runLog.markers(applicantStrings(generateApplications(generated?.count ?? demoCount, 7, { reviewers: 2 }).map((r) => r.application)), 'standalone');
    try {
      const started = await startHost(dataDir, demoCount, central, centralSignIn, generated, runLog);
      child = started.child;
      await use(started.host);
    } finally {
      if (child) await stopHost(child);
      // Also when the host failed to start: the folder holds the host's data key.
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
  app: async ({ page, host, central, runLog }, use) => {
    // The page's console is a log too.
    page.on('console', (message) => runLog.write(`[page ${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => runLog.write(`[page error] ${error.message}\n`));
    if (target === 'electron') {
      const electronApp = await _electron.launch({
        args: [join(root, 'out/main/index.js'), `--data=${host.dataDir}/electron`, `--central=${central ? central.link.url : 'none'}`],
      });
      const window = await electronApp.firstWindow();
      await expect(window.getByTestId('signed-in-person')).toBeVisible();
      await use(window);
      await electronApp.close();
      return;
    }
    await page.goto(host.openUrl);
    await expect(page.getByTestId('signed-in-person')).toBeVisible();
    await use(page);
  },
});

export { expect };
