// The workstation's CSV export of the decision log from a real central service, through a proxy that counts and can
// spoil what passes: one request streams every decision (no page after page), the file holds exactly the log's rows in
// its order; a stream that breaks off before its end, or a line outside the contract, fails the export.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { seededDecision, seedDecisions } from '../../server/decisionsSeed';
import { engineOptions } from '../../tests/support/sync';
import { centralAndSide, exportDecisionsCsv, supervisorCredentials } from '../../tests/support/supervisorSync';
import { ExportShelf } from '../api/exports';
import { createSyncEngine } from './engine';

const n = 2_500;
const newest = new Date('2026-11-23T12:00:00Z');
const fixture = centralAndSide((central) => seedDecisions(central.server.db, 1, n, newest));

/** A proxy to the central service that records the paths asked for and may rewrite the decision export's body. */
async function proxyOf(target: string, spoil: ((body: string) => string) | null = null) {
  const paths: string[] = [];
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      if (spoil === null || !req.url?.startsWith('/v1/decisions/export')) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        return void answer.pipe(res);
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? '' });
        res.end(spoil(Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`,
    decisionReads: () => paths.filter((p) => p.startsWith('/v1/decisions')),
    close: () => new Promise<void>((ok) => proxy.close(() => ok())),
  };
}

describe('the CSV export from the central service', () => {
  it('reads every decision in one streamed request and writes them in the log’s order', async () => {
    const { central, side } = fixture;
    const proxy = await proxyOf(central.server.url);
    const engine = createSyncEngine(engineOptions(side, proxy.url, supervisorCredentials));
    try {
      await engine.authenticate({ username: 'supervisor1', password: 'verity-demo' });
      const shelf = new ExportShelf();
      const { made, progress } = await exportDecisionsCsv(side, engine, {}, { shelf });
      expect(made.rows).toBe(n);
      // One request for all 2,500: the paged export asked GET /v1/decisions three times.
      expect(proxy.decisionReads()).toEqual(['/v1/decisions/export?clock=made']);
      expect(progress.at(0)).toEqual([0, n]);
      expect(progress.at(-1)).toEqual([n, n]);
      const text = shelf.take(made.exportId, 'supervisor1').bytes.toString('utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
      const expected = Array.from({ length: n }, (_, k) => seededDecision(k + 1, newest));
      expect(rows.map((r) => r.Application)).toEqual(expected.map((d) => d.applicationId));
      expect(rows.map((r) => r.Reviewer)).toEqual(expected.map((d) => d.reviewer));
      expect(rows[0]).toMatchObject({ Applicant: expected[0]!.name, Outcome: expected[0]!.outcome === 'approve' ? 'Approved' : 'Rejected', 'Handling time (minutes)': '4.0' });

      // A filter goes to the stream under the log's names, in Chinese too.
      const filtered = await exportDecisionsCsv(side, engine, { reviewer: 'logrev05', outcome: 'reject' }, { language: 'zh-CN' });
      expect(filtered.made.rows).toBe(expected.filter((d) => d.reviewer === 'logrev05' && d.outcome === 'reject').length);
      expect(proxy.decisionReads().at(-1)).toBe('/v1/decisions/export?clock=made&reviewer=logrev05&outcome=reject');
    } finally {
      await engine.stop();
      await proxy.close();
    }
  }, 60_000);

  it.each([
    ['a stream that stops before its end line', (body: string) => body.slice(0, body.lastIndexOf('{"end"')), 'export_cut_short'],
    ['a stream cut in the middle of a line', (body: string) => body.slice(0, Math.floor(body.length / 2)), 'export_cut_short'],
    ['a decision outside the contract', (body: string) => body.replace('"outcome" : "approve"', '"outcome" : "maybe"').replace('"outcome":"approve"', '"outcome":"maybe"'), 'bad_response'],
    ['an end that counts other rows', (body: string) => body.replace(/\{"end":true,"rows":\d+\}/, '{"end":true,"rows":1}'), 'bad_response'],
    ['a line after the end', (body: string) => `${body}{"end":true,"rows":0}\n`, 'bad_response'],
  ])('fails on %s', async (_what, spoil, code) => {
    const { central, side } = fixture;
    const proxy = await proxyOf(central.server.url, spoil);
    const engine = createSyncEngine(engineOptions(side, proxy.url, supervisorCredentials));
    try {
      await engine.authenticate({ username: 'supervisor1', password: 'verity-demo' });
      // The file goes on the shelf only after the stream's end was checked: a refusal leaves nothing to save.
      await expect(exportDecisionsCsv(side, engine, { reviewer: 'logrev02' })).rejects.toMatchObject({ code });
      // Not retried from the copy either: half a log from each would not be the filtered log.
      expect(proxy.decisionReads()).toHaveLength(1);
    } finally {
      await engine.stop();
      await proxy.close();
    }
  }, 60_000);
});
