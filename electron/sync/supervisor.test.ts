// A supervisor's sync against the real central service: it brings every reviewer's decisions into the workstation's
// decision log (and a later one what came since), and never asks for a reviewer's feed or sends mutations.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeHttpTransport, type HttpTransport } from '../common/http';
import { engineOptions, openWorkstationSide, rejectLocally, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine } from './engine';

let central: CentralFixture;
let reviewerSide: Workstation;
let supervisorSide: Workstation;
beforeAll(async () => {
  central = await startCentral();
});
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  reviewerSide = openWorkstationSide();
  supervisorSide = openWorkstationSide();
});
afterEach(async () => {
  await reviewerSide?.close();
  await supervisorSide?.close();
});

function counting(): { transport: HttpTransport; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    transport: (url, request) => {
      paths.push(`${request.method} ${new URL(url).pathname}`);
      return nodeHttpTransport(url, request);
    },
  };
}

/** reviewer1 pulls `count` new applications, rejects each here and syncs: the central service then holds the decisions. */
async function decide(count: number): Promise<string[]> {
  const submitted = await central.submit(count, 0);
  const engine = createSyncEngine(engineOptions(reviewerSide, central.server.url));
  expect((await engine.syncNow()).ok).toBe(true);
  const ids = submitted.map((s) => s.application.id);
  const mutations: string[] = [];
  for (const id of ids) mutations.push(await rejectLocally(reviewerSide.store, id, true));
  const report = await engine.syncNow();
  expect(report.pushed.applied).toBe(count);
  await engine.stop();
  return mutations;
}

describe("a supervisor's sync", () => {
  it('brings every decision into the decision log, then what came since, and touches no reviewer route', async () => {
    const first = await decide(3);
    const counted = counting();
    const engine = createSyncEngine(
      engineOptions(supervisorSide, central.server.url, { credentials: { username: 'supervisor1', password: 'verity-demo' }, transport: counted.transport }),
    );
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    expect(report.decisionLog.decisions).toBeGreaterThanOrEqual(3);
    const page = supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 });
    for (const id of first) {
      const entry = page.items.find((e) => e.id === id);
      expect(entry, id).toMatchObject({ reviewer: 'reviewer1', outcome: 'reject', reasonCodes: ['other'], offline: false, deviceId: 'device-test', reviews: [] });
      expect(entry?.applicantName).toMatch(/^SPECIMEN Person \d+$/);
    }
    expect(page.freshness.syncedAt).not.toBeNull();
    expect(counted.paths.filter((p) => /\/v1\/(changes|mutations)/.test(p))).toEqual([]);

    // A review added since, and new decisions: the next sync brings both.
    const review = { type: 'review', id: randomUUID(), decisionId: first[0], madeAt: new Date().toISOString(), madeBy: 'supervisor1', offline: false, verdict: 'agree', reason: 'Sampled: the photo is unreadable.' };
    const reviewed = await central.supervisor.post('/v1/supervision:batch', { deviceId: 'supervisor-test', mutations: [review] });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ results: [{ id: review.id, status: 'applied' }] });
    const second = await decide(2);
    const before = supervisorSide.store.decisionLog({ limit: 1 }).freshness.syncedAt;
    expect((await engine.syncNow()).ok).toBe(true);
    const after = supervisorSide.store.decisionLog({ reviewer: 'reviewer1', limit: 200 });
    for (const id of second) expect(after.items.map((e) => e.id)).toContain(id);
    expect(after.items.find((e) => e.id === first[0])?.reviews).toMatchObject([{ supervisor: 'supervisor1', verdict: 'agree' }]);
    expect(after.freshness.syncedAt! >= before!).toBe(true);
    expect(supervisorSide.store.decisionLog({ reviewed: true, limit: 10 }).items.map((e) => e.id)).toContain(first[0]);
    await engine.stop();
  });
});
