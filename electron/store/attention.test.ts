// "Needs attention": a refused decision is resolved with what was done (an audit entry of the person), and then
// leaves the list and the count; each resolution is allowed only when it is true of the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import { generateApplications, type SeedRecord } from './seed';
import type { CaseStore } from './types';
import { reviewer, tempStore, type TempStore } from '../../tests/support/store';

const by = { actor: reviewer, deviceId: 'device-1', online: true };

/** A queued case of the reviewer, R-free enough to reject. */
function record(id: string): SeedRecord {
  const base = generateApplications(1, 7)[0]!;
  return { ...base, application: { ...base.application, id, status: 'queued', version: 3, assignee: reviewer.id }, documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}` })) };
}

const reject = (applicationId: string) => ({
  applicationId,
  outcome: 'reject' as const,
  reasonCodes: ['document_unreadable' as const],
  applicantMessage: 'Please upload a sharper photo.',
  internalNote: '',
  overrideNote: null,
});

async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('needs attention: resolving refused decisions', () => {
  let t: TempStore;
  let store: CaseStore;
  beforeAll(async () => {
    t = await tempStore();
    store = t.store;
  });
  afterAll(() => t.cleanup());

  it('resolves a stale refusal as re-decided only once the case was decided again, then clears it from the list and the count', async () => {
    await store.upsertApplications([record('S-1')]);
    const first = await store.recordDecision(reject('S-1'), reviewer, 'device-1', true);
    const server = { ...store.getCase('S-1').application, status: 'queued', version: 4 } as Application;
    await store.markMutationRejected(first.mutationId, 'stale', server);
    expect(store.needsAttention()).toEqual([expect.objectContaining({ mutationId: first.mutationId, reason: 'stale', reDecided: false })]);
    expect(store.outboxCounts().rejected).toBe(1);

    expect(await codeOf(() => store.resolveAttention(first.mutationId, 're_decided', by))).toBe('resolution_not_possible');
    expect(await codeOf(() => store.resolveAttention(first.mutationId, 'withdrawn_acknowledged', by))).toBe('resolution_not_possible');

    await store.recordDecision(reject('S-1'), reviewer, 'device-1', true);
    expect(store.needsAttention()[0]?.reDecided).toBe(true);
    await store.resolveAttention(first.mutationId, 're_decided', by);
    expect(store.needsAttention()).toEqual([]);
    expect(store.outboxCounts().rejected).toBe(0);
    // The decision itself stays refused in the case's history; the resolution is on the record, once.
    expect(store.getCase('S-1').decisions[0]).toMatchObject({ sync: 'rejected' });
    const entries = store.getCase('S-1').audit.filter((a) => a.action === 'attention_resolved');
    expect(entries).toEqual([expect.objectContaining({ actor: { id: reviewer.id, displayName: reviewer.displayName }, details: { mutationId: first.mutationId, resolution: 're_decided', refusal: 'stale' } })]);
    expect(await codeOf(() => store.resolveAttention(first.mutationId, 'handed_to_supervisor', by))).toBe('attention_resolved');
    expect(store.verifyAudit().ok).toBe(true);
  });

  it('acknowledges a withdrawal, hands anything to a supervisor, and refuses an unknown or unrefused mutation', async () => {
    await store.upsertApplications([record('W-1'), record('H-1'), record('P-1')]);
    const withdrawn = await store.recordDecision(reject('W-1'), reviewer, 'device-1', true);
    await store.settleMutations([{ id: withdrawn.mutationId, status: 'rejected', reason: 'withdrawn', current: { ...store.getCase('W-1').application, status: 'withdrawn', version: 5 } as Application }]);
    const handed = await store.recordDecision(reject('H-1'), reviewer, 'device-1', true);
    await store.markMutationRejected(handed.mutationId, 'cannot_apply', null);
    const pending = await store.recordDecision(reject('P-1'), reviewer, 'device-1', true);
    expect(store.outboxCounts().rejected).toBe(2);

    await store.resolveAttention(withdrawn.mutationId, 'withdrawn_acknowledged', by);
    expect(store.needsAttention().map((i) => i.mutationId)).toEqual([handed.mutationId]);
    await store.resolveAttention(handed.mutationId, 'handed_to_supervisor', by);
    expect(store.needsAttention()).toEqual([]);
    expect(store.outboxCounts()).toMatchObject({ rejected: 0, pending: 2 });

    expect(await codeOf(() => store.resolveAttention(pending.mutationId, 'handed_to_supervisor', by))).toBe('mutation_not_found');
    expect(await codeOf(() => store.resolveAttention('no-such-mutation', 'handed_to_supervisor', by))).toBe('mutation_not_found');
  });
});
