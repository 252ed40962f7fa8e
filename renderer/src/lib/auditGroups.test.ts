import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/contract/cases';
import { auditLines, SITTING_GAP_MS } from './auditGroups';

let seq = 0;
const entry = (action: AuditEntry['action'], at: string, actor = 'reviewer1', deviceId = 'dev-1'): AuditEntry => ({
  seq: ++seq,
  at,
  action,
  applicationId: 'app-1',
  actor: { id: actor, displayName: actor },
  deviceId,
  online: true,
  details: {},
  hash: 'h',
});

describe('auditLines', () => {
  it('folds the openings of one sitting into one line with a count, and keeps the rest as they are', () => {
    const entries = [
      entry('documents_opened', '2026-12-05T10:00:00Z'),
      entry('documents_opened', '2026-12-05T10:05:00Z'),
      entry('documents_opened', '2026-12-05T10:20:00Z'),
      entry('decision_recorded', '2026-12-05T10:21:00Z'),
      entry('documents_opened', '2026-12-05T10:22:00Z'),
    ];
    const lines = auditLines(entries);
    expect(lines.map((l) => [l.entry.action, l.count])).toEqual([
      ['documents_opened', 3],
      ['decision_recorded', 1],
      ['documents_opened', 1],
    ]);
    expect(lines[0]).toMatchObject({ from: '2026-12-05T10:00:00Z', to: '2026-12-05T10:20:00Z' });
    // Every entry is still accounted for.
    expect(lines.reduce((n, l) => n + l.count, 0)).toBe(entries.length);
  });

  it('starts a new line for another person, another device, or a long pause', () => {
    const t0 = Date.parse('2026-12-05T10:00:00Z');
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const lines = auditLines([
      entry('documents_opened', at(0)),
      entry('documents_opened', at(1000), 'reviewer2'),
      entry('documents_opened', at(2000), 'reviewer2', 'dev-2'),
      entry('documents_opened', at(3000 + SITTING_GAP_MS), 'reviewer2', 'dev-2'),
    ]);
    expect(lines.map((l) => l.count)).toEqual([1, 1, 1, 1]);
  });
});
