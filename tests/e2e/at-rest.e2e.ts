// Data at rest and in the logs, end to end (issue 25 items 1, 2 and 4): applications carrying unique marker names,
// document numbers and a marker image are submitted to the built-in central service, synced, opened in Chromium
// (whose profile lives in the data folder, as Electron's does), decided and synced back; then, with everything
// closed, every byte under the data folder and every line the host logged is searched for the markers. A second
// start without the folder's key is refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import sharp from 'sharp';
import type { ApplicationEnvelope } from '../../shared/contract/central';
import type { DecisionLogPage, SupervisionAction } from '../../shared/contract/supervision';
import type { SyncStatus } from '../../shared/contract/sync';
import type { WithdrawalLogPage } from '../../shared/contract/withdrawals';
import { startServer } from '../../server/app';
import { filesContaining, markersIn } from '../support/atRest';
import { specimenIdNumber } from '../support/specimenNumbers';
import { expect, firstLine, stopHost, test, type Host } from './fixtures';
import { imagesPainted, openBySearch } from './review-support';
import { startNetSwitch } from './netSwitch';
import { call, centralSession, decideAtCentral } from './supervisor-support';

const root = resolve(import.meta.dirname, '../..');
test.describe.configure({ timeout: 420_000 });

/** Noise no other image shares: any 48 bytes from the middle of its JPEG are found nowhere else. */
async function markerImage(): Promise<Buffer> {
  const width = 720;
  const height = 460;
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

/** Windows of an image's bytes to look for (a copy anywhere, whole or in part, holds one of them). */
const windowsOf = (bytes: Buffer): Buffer[] => [0.3, 0.5, 0.7].map((at) => bytes.subarray(Math.floor(bytes.length * at), Math.floor(bytes.length * at) + 48));

/** An application of `person` with the marker image as both sides (intake refuses an ID card with one side), given to reviewer1. */
async function submitToReviewer1(centralUrl: string, person: { fullName: string; documentNumber: string }, image: Buffer): Promise<ApplicationEnvelope> {
  const intake = await centralSession(centralUrl, 'intake');
  const submitted = await intake.post<ApplicationEnvelope>('/v1/applications', {
    accountId: `acct-${randomUUID().slice(0, 8)}`,
    kind: 'individual',
    registrationLocation: 'CN',
    identity: { kind: 'individual', ...person, documentType: 'id_card', issuingLocation: 'CN' },
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
    documents: [
      { role: 'front', contentBase64: image.toString('base64') },
      { role: 'back', contentBase64: image.toString('base64') },
    ],
  });
  const supervisor = await centralSession(centralUrl, 'supervisor1');
  return supervisor.post<ApplicationEnvelope>(`/v1/applications/${submitted.application.id}/assign`, { reviewer: 'reviewer1' });
}

/** The host's HTTP form of the channels, as scripts call them. */
function hostOf(started: { url: string; token: string; openUrl: string }, dataDir: string): Host {
  return {
    ...started,
    dataDir,
    call: async (channel: string, body: unknown) => {
      const res = await fetch(`${started.url}api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${started.token}` }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as unknown };
    },
  };
}

function startCli(args: string[]): { child: ChildProcess; log: () => string } {
  // Not quiet: every info line is written, and scanned.
  const env = { ...process.env };
  delete env.VERITY_QUIET;
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { child, log: () => text };
}

test('after a worked session nothing under the data folder or in the logs holds an applicant marker; the folder needs its key @host', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-e2e-rest-'));
  const keyFile = join(mkdtempSync(join(tmpdir(), 'verity-e2e-restkey-')), 'data.key');
  const tag = randomBytes(4).toString('hex');
  const people = [0, 1, 2].map((i) => ({ fullName: `Quorvex Marker${tag}${i}`, documentNumber: specimenIdNumber(`rest-${tag}-${i}`) }));
  const textMarkers = people.flatMap((p) => [p.fullName, p.documentNumber]);
  const image = await markerImage();
  const imageMarkers: Buffer[] = windowsOf(image);

  const { child, log } = startCli(['--json', '--data', dataDir, '--key-file', keyFile, '--demo-count', '2']);
  try {
    const started = JSON.parse(await firstLine(child)) as { url: string; token: string; openUrl: string };
    const host = hostOf(started, dataDir);
    const status = await call<SyncStatus>(host, 'sync.status', {});
    expect(status.embedded).toBe(true);
    const centralUrl = status.centralUrl!;

    // Submitted at the central service, and given to the reviewer signed in at this workstation.
    const ids: string[] = [];
    for (const person of people) ids.push((await submitToReviewer1(centralUrl, person, image)).application.id);
    await call(host, 'sync.now', {});

    // Chromium's own storage for the app's pages in the data folder, as Electron keeps it in userData.
    const browser = await chromium.launchPersistentContext(join(dataDir, 'chromium'), { viewport: { width: 1600, height: 1000 } });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      // Every rendition the page was served is a marker too (re-encoded, not the original's bytes). Read from the
      // responses: the page's CSP does not let a script fetch its own blob: URLs.
      const served: Buffer[] = [];
      const reads: Promise<void>[] = [];
      page.on('response', (response) => {
        if (!(response.headers()['content-type'] ?? '').startsWith('image/')) return;
        // An empty answer (a cache revalidation) holds nothing to look for.
        reads.push(response.body().then((bytes) => void (bytes.length >= 1024 && served.push(bytes)), () => undefined));
      });
      await page.goto(started.openUrl);
      await expect(page.getByTestId('signed-in-person')).toContainText('Reviewer One');
      for (const id of ids) {
        await expect.poll(async () => ((await host.call('case.get', { applicationId: id, open: false })).json as { ok: boolean }).ok, { timeout: 120_000 }).toBe(true);
        await openBySearch(page, id);
        await imagesPainted(page);
        await expect.poll(() => served.length).toBeGreaterThan(0);
        await page.keyboard.press('Escape');
        const decided = await host.call('case.decide', {
          applicationId: id,
          outcome: 'reject',
          reasonCodes: ['document_unreadable'],
          applicantMessage: 'The photo of your document cannot be read. Please upload a sharper photo.',
          internalNote: 'at-rest scenario',
          overrideNote: null,
        });
        expect(decided.json).toMatchObject({ ok: true });
      }
      await Promise.all(reads);
      for (const bytes of served) imageMarkers.push(...windowsOf(bytes));
      await call(host, 'sync.now', {});
      await expect.poll(async () => (await call<SyncStatus>(host, 'sync.status', {})).pendingDecisions, { timeout: 60_000 }).toBe(0);
    } finally {
      await browser.close();
    }
  } finally {
    await stopHost(child);
  }

  try {
    // Closed: the case store, WAL, blobs, the built-in service's snapshot, Chromium's profile, every other file.
    expect(filesContaining(dataDir, [...textMarkers, ...imageMarkers])).toEqual([]);
    // The host's whole log (stdout and stderr, info lines included) names no applicant.
    expect(log()).toContain('"level":"info"');
    expect(markersIn(log(), textMarkers)).toEqual([]);

    // The same folder without its key: refused before anything is written, saying what is missing.
    const again = startCli(['--json', '--data', dataDir]);
    const code = await new Promise<number | null>((done) => again.child.once('exit', done));
    expect(code).toBe(2);
    expect(again.log()).toContain('holds data');
    expect(again.log()).toContain('not its key');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(keyFile, '..'), { recursive: true, force: true });
  }
});

test("a supervisor's device holds no applicant marker in clear: its decision log, withdrawals, a case it read and a verdict queued offline @host", async () => {
  // A central service of its own, behind a link the test cuts: the verdict must still be queued when the app closes.
  const server = await startServer({ demo: { count: 2 }, log: () => undefined });
  const link = await startNetSwitch(server.port);
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-e2e-rest-sup-'));
  const keyFile = join(mkdtempSync(join(tmpdir(), 'verity-e2e-restkey-')), 'data.key');
  const tag = randomBytes(4).toString('hex');
  const people = [0, 1, 2].map((i) => ({ fullName: `Quorvex Overseen${tag}${i}`, documentNumber: specimenIdNumber(`rest-sup-${tag}-${i}`) }));
  const textMarkers = people.flatMap((p) => [p.fullName, p.documentNumber]);
  const image = await markerImage();
  const imageMarkers: Buffer[] = windowsOf(image);

  // Two decided by reviewer1 at the central service (another workstation's work), one withdrawn through a ticket.
  const url = server.url;
  const intake = await centralSession(url, 'intake');
  const envelopes: ApplicationEnvelope[] = [];
  for (const person of people) envelopes.push(await submitToReviewer1(url, person, image));
  const [first, second, withdrawn] = envelopes as [ApplicationEnvelope, ApplicationEnvelope, ApplicationEnvelope];
  const decisionIds: string[] = [];
  for (const e of [first, second]) {
    const result = await decideAtCentral(url, 'reviewer1', e, { outcome: 'reject', reasonCodes: ['document_unreadable'] });
    expect(result.status).toBe('applied');
    decisionIds.push(result.id);
  }
  await intake.post(`/v1/applications/${withdrawn.application.id}/withdraw`, { ticketRef: 'SUP-900777' });

  const { child, log } = startCli(['--json', '--data', dataDir, '--key-file', keyFile, '--central', link.url, '--sign-in', 'supervisor1']);
  try {
    const host = hostOf(JSON.parse(await firstLine(child)) as { url: string; token: string; openUrl: string }, dataDir);
    await call(host, 'sync.now', {});
    await expect.poll(async () => (await call<DecisionLogPage>(host, 'decisions.log', { limit: 1 })).freshness.syncedAt, { timeout: 90_000 }).not.toBeNull();
    // A decision's case read (its images fetched into the blob store for the viewer), the log and the withdrawals shown.
    await call(host, 'decisions.application', { applicationId: first.application.id });
    const browser = await chromium.launchPersistentContext(join(dataDir, 'chromium'), { viewport: { width: 1600, height: 1000 } });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(host.openUrl);
      await expect(page.getByTestId('signed-in-person')).toContainText('Supervisor One');
      await page.getByRole('navigation').getByText('Decision log').click();
      await expect(page.getByText(people[0]!.fullName).first()).toBeVisible({ timeout: 60_000 });
      await page.getByRole('navigation').getByText('Withdrawals').click();
      await expect(page.getByText(people[2]!.fullName).first()).toBeVisible({ timeout: 60_000 });
    } finally {
      await browser.close();
    }

    // Offline: a verdict that names the applicant waits in the queue.
    await link.down();
    const verdict = await call<SupervisionAction>(host, 'supervision.act', { type: 'review', decisionId: decisionIds[0], verdict: 'overturn', reason: `Called ${people[0]!.fullName}: the photo is not theirs.` });
    await call(host, 'sync.now', {}).catch(() => undefined);
    const queued = await call<{ items: SupervisionAction[] }>(host, 'supervision.outbox', {});
    expect(queued.items.map((a) => [a.mutation.id, a.state])).toEqual([[verdict.mutation.id, 'pending']]);
    // The copies hold the markers (answered from the workstation's copy while the service is out of reach).
    const logged = await call<DecisionLogPage>(host, 'decisions.log', { limit: 200 });
    expect(logged.source).toBe('copy');
    expect(logged.items.filter((e) => decisionIds.includes(e.id)).map((e) => e.applicantName).sort()).toEqual([people[0]!.fullName, people[1]!.fullName]);
    const withdrawals = await call<WithdrawalLogPage>(host, 'withdrawals.log', { limit: 50 });
    expect(withdrawals.source).toBe('copy');
    expect(withdrawals.items.map((w) => w.applicantName)).toContain(people[2]!.fullName);
  } finally {
    await stopHost(child);
    await link.close();
    await server.close();
  }

  try {
    expect(filesContaining(dataDir, [...textMarkers, ...imageMarkers])).toEqual([]);
    expect(log()).toContain('"level":"info"');
    expect(markersIn(log(), textMarkers)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(keyFile, '..'), { recursive: true, force: true });
  }
});
