// The supervisor's decision log against a real central service: while it answers, the log, its counts and the CSV
// export come from it (every decision, more than the workstation's copy holds, with reviewers' names); when it
// cannot be reached, from the copy, saying so and how fresh the copy is; a page begun at the central service does
// not go on from the copy.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DecisionCountsResponse } from '../../shared/contract/central';
import type { DecisionLogPage } from '../../shared/contract/supervision';
import { seededDecision, seedDecisions, seedReviewerName } from '../../server/decisionsSeed';
import { engineOptions } from '../../tests/support/sync';
import { centralAndSide, exportDecisionsCsv, supervisorCall as ctx, supervisorCredentials } from '../../tests/support/supervisorSync';
import { createSupervisionHandlers } from '../api/supervision';
import { liveReadTimeoutMs } from './decisionLog';
import { createSyncEngine, type SyncEngine } from './engine';

const newest = new Date('2026-11-23T12:00:00Z');
const fixture = centralAndSide((central) => seedDecisions(central.server.db, 1, 60, newest));
const getOf = (engine: SyncEngine) => engine.get.bind(engine);

describe('decisions.log and decisions.counts', () => {
  it('answer from the central service while it answers, and from the copy, saying so, when it does not', async () => {
    const { central, side } = fixture;
    const engine = createSyncEngine(engineOptions(side, central.server.url, supervisorCredentials));
    expect((await engine.syncNow()).error).toBeNull();
    const copyHeld = side.store.decisionLogFreshness();
    expect(copyHeld.cached).toBeGreaterThanOrEqual(60);
    // Older decisions the copy never pulled: only the central service knows them.
    await seedDecisions(central.server.db, 61, 100, newest);
    const handlers = createSupervisionHandlers(side.store, getOf(engine));

    const expected = Array.from({ length: 100 }, (_, k) => seededDecision(k + 1, newest)).filter((d) => d.reviewer === 'logrev02');
    const first: DecisionLogPage = await handlers['decisions.log']({ reviewer: 'logrev02', limit: 5 }, ctx);
    expect(first).toMatchObject({ source: 'central', offlineReason: null, total: expected.length, totalAtLeast: false, freshness: copyHeld });
    expect(first.items[0]).toMatchObject({ applicationId: expected[0]!.applicationId, reviewerName: seedReviewerName('logrev02'), decidedAt: expected[0]!.madeAt.toISOString() });
    // Page by page to the end, from the central service throughout.
    const ids = first.items.map((e) => e.applicationId);
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await handlers['decisions.log']({ reviewer: 'logrev02', limit: 5, cursor }, ctx);
      expect(next.source).toBe('central');
      ids.push(...next.items.map((e) => e.applicationId));
      cursor = next.nextCursor;
    }
    expect(ids).toEqual(expected.map((d) => d.applicationId));
    // Free text and a missed deadline, mapped to the central query in one place.
    const found = await handlers['decisions.log']({ text: expected.at(-1)!.number, limit: 10 }, ctx);
    expect(found.items.map((e) => e.applicationId)).toEqual([expected.at(-1)!.applicationId]);
    const missed = await handlers['decisions.log']({ deadlineMissed: true, limit: 200 }, ctx);
    expect(missed.total).toBe(Math.floor(100 / 7));

    const counts = await handlers['decisions.counts']({ outcome: 'reject' }, ctx);
    const direct = DecisionCountsResponse.parse((await central.supervisor.get('/v1/decisions/counts?clock=made&outcome=reject')).body);
    expect(counts).toEqual({ ...direct, source: 'central' });
    expect(counts.outcome).toEqual({ approve: 75, reject: 25 });

    // The CSV export streams from the central service: all 100, though the copy holds 60, with progress to the end.
    const online = await exportDecisionsCsv(side, engine, {});
    expect(online.made.rows).toBe(100);
    expect(online.progress.at(-1)).toEqual([100, 100]);
    await engine.stop();

    // Out of reach: the copy answers, says why and how fresh it is; a central page does not go on from the copy.
    const away = createSyncEngine(engineOptions(side, 'http://127.0.0.1:9/', supervisorCredentials));
    const offline = createSupervisionHandlers(side.store, getOf(away));
    const copy = await offline['decisions.log']({ reviewer: 'logrev02', limit: 2 }, ctx);
    expect(copy).toMatchObject({ source: 'copy', totalAtLeast: false, freshness: copyHeld, total: expected.filter((d) => Number(d.applicationId.slice(-3)) <= 60).length });
    expect(copy.offlineReason).toMatch(/\S/);
    expect(copy.items[0]?.reviewerName).toBe(seedReviewerName('logrev02'));
    await expect(offline['decisions.log']({ reviewer: 'logrev02', limit: 5, cursor: first.nextCursor! }, ctx)).rejects.toMatchObject({ code: 'bad_cursor' });
    // The copy's own paging goes on from the copy.
    const copyNext = await offline['decisions.log']({ reviewer: 'logrev02', limit: 2, cursor: copy.nextCursor! }, ctx);
    expect(copyNext.source).toBe('copy');
    expect((await offline['decisions.counts']({ outcome: 'reject' }, ctx)).source).toBe('copy');
    expect((await exportDecisionsCsv(side, away, {})).made.rows).toBe(copyHeld.cached);
    // No central service at all: the copy, and it says so.
    expect(await createSupervisionHandlers(side.store, null)['decisions.log']({ limit: 1 }, ctx)).toMatchObject({ source: 'copy', offlineReason: 'No central service is configured.' });
    await away.stop();
  });
});

describe('a central service that hangs', () => {
  /** A proxy to the real central service that never answers the decision log's reads (accepts them and holds them). */
  async function hangingDecisions(target: string): Promise<{ url: string; held: () => number; close(): Promise<void> }> {
    const held: ServerResponse[] = [];
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/v1/decisions')) return void held.push(res);
      const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    return {
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`,
      held: () => held.length,
      close: () => {
        for (const res of held) res.destroy();
        return new Promise((ok) => proxy.close(() => ok()));
      },
    };
  }

  it('lets the copy answer the log and its counts after a short wait, not the engine’s 10 s', async () => {
    const { central, side } = fixture;
    const proxy = await hangingDecisions(central.server.url);
    const engine = createSyncEngine(engineOptions(side, proxy.url, supervisorCredentials));
    try {
      await engine.authenticate({ username: 'supervisor1', password: 'verity-demo' });
      const handlers = createSupervisionHandlers(side.store, getOf(engine));
      const started = performance.now();
      const page = await handlers['decisions.log']({ limit: 5 }, ctx);
      const waited = performance.now() - started;
      expect(page).toMatchObject({ source: 'copy', offlineReason: 'The central service did not answer in time.' });
      expect(proxy.held()).toBe(1);
      expect(waited).toBeGreaterThanOrEqual(liveReadTimeoutMs - 50);
      expect(waited).toBeLessThan(5_000);
      const countsStarted = performance.now();
      expect((await handlers['decisions.counts']({}, ctx)).source).toBe('copy');
      expect(performance.now() - countsStarted).toBeLessThan(5_000);
    } finally {
      await engine.stop();
      await proxy.close();
    }
  }, 30_000);
});

