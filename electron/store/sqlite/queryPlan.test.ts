// EXPLAIN QUERY PLAN for every queue filter, the counts and the case view: each must read through an index;
// a plain `SCAN applications` (or flags, documents…) would grow with the store and break the latency goals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueQuery } from '../../../shared/contract/cases';
import { seedEpoch } from '../seed';
import { auditForApplicationSql } from './audit';
import { buildQueueQuery } from './queue';
import { caseSql, decisionSql, outboxSql, queueSql } from './statements';
import { tempStore, type TempStore } from '../../../tests/support/store';

interface PlanRow {
  detail: string;
}

function plan(t: TempStore, sql: string, params: unknown[] | Record<string, unknown>): string[] {
  const stmt = t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (Array.isArray(params) ? stmt.all(...params) : stmt.all(params)) as PlanRow[];
  return rows.map((r) => r.detail);
}

/** A full scan of a table: "SCAN a" / "SCAN applications" without an index (virtual FTS tables excepted). */
function fullScans(details: string[]): string[] {
  return details.filter((d) => /^SCAN \w+( AS \w+)?$/.test(d) || (/^SCAN /.test(d) && !/USING (COVERING )?INDEX|VIRTUAL TABLE|CONSTANT ROW/.test(d)));
}

const queueCases: [string, QueueQuery][] = [
  ['open queue', {}],
  ['all statuses', { status: 'all' }],
  ['one status', { status: 'queued' }],
  ['kind', { kind: 'enterprise' }],
  ['assignee', { assignee: 'reviewer-02' }],
  ['flag R2', { flag: 'R2' }],
  ['flag R8, all statuses', { flag: 'R8', status: 'all' }],
  ['flag R7', { flag: 'R7' }],
  ['overdue', { due: 'overdue' }],
  ['due today', { due: 'due_today' }],
  ['escalated', { due: 'escalated' }],
  ['kind + assignee + overdue', { kind: 'change', assignee: 'reviewer-01', due: 'overdue' }],
  ['flag + kind', { flag: 'R1', kind: 'individual' }],
  ['text, short', { text: '王' }],
  ['text, id prefix', { text: 'VA01' }],
  ['text, trigram', { text: 'smith', status: 'all' }],
];

describe('query plans', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore(3000, 1);
  });
  afterAll(() => t.cleanup());

  for (const analyzed of [false, true]) {
    describe(analyzed ? 'after ANALYZE' : 'before ANALYZE', () => {
      beforeAll(async () => {
        if (analyzed) t.db.exec('ANALYZE');
      });

      for (const [name, query] of queueCases) {
        it(`queue: ${name} reads through an index and sorts by it`, async () => {
          const first = t.store.listQueue({ ...query, limit: 2 });
          for (const q of first.nextCursor ? [query, { ...query, cursor: first.nextCursor }] : [query]) {
            // The same SQL listQueue runs (the end of the day only bounds the due-today window).
            const { sql, params } = buildQueueQuery(q, seedEpoch, seedEpoch.getTime() + 8 * 3_600_000);
            const details = plan(t, sql, params);
            expect(fullScans(details), details.join('\n')).toEqual([]);
            // Without text the order comes from the index: no sorting of the whole match set.
            if (!query.text) expect(details.some((d) => d.includes('TEMP B-TREE FOR ORDER BY')), details.join('\n')).toBe(false);
            // A skip-scan (ANY(column)) reads most of an index and the table behind it: not an access path.
            expect(details.some((d) => d.includes('ANY(')), details.join('\n')).toBe(false);
          }
        });
      }

      it('counts, case view and outbox read through indexes', async () => {
        const checks: [string, unknown[]][] = [
          [queueSql.counters, []],
          [queueSql.countOverdue, [0]],
          [queueSql.countDueBetween, [0, 1]],
          [queueSql.countEscalated, [0, 0]],
          [queueSql.countConflicts, []],
          [queueSql.openByStatusOf, ['reviewer-01']],
          [queueSql.openFlagsOf, ['reviewer-01']],
          [queueSql.countOverdueOf, ['reviewer-01', 0]],
          [queueSql.countDueBetweenOf, ['reviewer-01', 0, 1]],
          [queueSql.countEscalatedOf, ['reviewer-01', 0, 0]],
          [caseSql.app, ['VA0100000001']],
          [caseSql.appState, ['VA0100000001']],
          [caseSql.docs, ['VA0100000001']],
          [caseSql.documentsOfImage, ['a'.repeat(64)]],
          [caseSql.quality, ['VA0100000001']],
          [caseSql.facts, ['VA0100000001']],
          [decisionSql.ofApplication, ['VA0100000001']],
          [decisionSql.deciding, ['VA0100000001']],
          [decisionSql.byMutation, ['0'.repeat(36)]],
          [auditForApplicationSql, ['VA0100000001']],
          [outboxSql.pending, ['reviewer-01', 10]],
          [outboxSql.pendingByPerson, []],
          [outboxSql.row, ['0'.repeat(36)]],
          [caseSql.hasDocument, ['0'.repeat(64)]],
          [caseSql.hasAssignedDocument, ['0'.repeat(64), 'reviewer-01']],
          [caseSql.imageBySha256, ['0'.repeat(64)]],
          [caseSql.referencedImages, []],
          [outboxSql.counts, []],
          [caseSql.lackingQuality, []],
        ];
        for (const [sql, params] of checks) {
          const details = plan(t, sql, params);
          const scans = fullScans(details).filter((d) => !/^SCAN counters$/.test(d)); // a handful of rows by design
          expect(scans, `${sql}\n${details.join('\n')}`).toEqual([]);
          expect(details.some((d) => d.includes('ANY(')), `${sql}\n${details.join('\n')}`).toBe(false);
        }
      });

      it('finds the images still to derive through the partial index, not by reading every document', async () => {
        const details = plan(t, caseSql.lackingQuality, []);
        expect(details.join('\n'), details.join('\n')).toMatch(/USING (COVERING )?INDEX documents_quality_pending\b/);
      });
    });
  }
});
