import { describe, expect, it } from 'vitest';
import { applicationStatuses, type ApplicationStatus } from './domain';
import { DomainError } from './errors';
import { canDecide, decidableStatuses, isDecided, isOpen, lifecycleEvents, nextStatus, openStatuses, type LifecycleEvent } from './lifecycle';

/** Every status × event pair: the next status, or the error code. */
const table: Record<ApplicationStatus, Record<LifecycleEvent, ApplicationStatus | `error:${string}`>> = {
  submitted: { queue: 'queued', open: 'error:illegal_transition', approve: 'error:illegal_transition', reject: 'error:illegal_transition', withdraw: 'withdrawn' },
  queued: { queue: 'error:illegal_transition', open: 'in_review', approve: 'approved', reject: 'rejected', withdraw: 'withdrawn' },
  in_review: { queue: 'error:illegal_transition', open: 'error:illegal_transition', approve: 'approved', reject: 'rejected', withdraw: 'withdrawn' },
  approved: { queue: 'error:illegal_transition', open: 'error:illegal_transition', approve: 'error:already_decided', reject: 'error:already_decided', withdraw: 'error:already_decided' },
  rejected: { queue: 'error:illegal_transition', open: 'error:illegal_transition', approve: 'error:already_decided', reject: 'error:already_decided', withdraw: 'error:already_decided' },
  withdrawn: { queue: 'error:illegal_transition', open: 'error:illegal_transition', approve: 'error:application_withdrawn', reject: 'error:application_withdrawn', withdraw: 'error:illegal_transition' },
};

const pairs = applicationStatuses.flatMap((status) => lifecycleEvents.map((event) => [status, event, table[status][event]] as const));

describe('nextStatus', () => {
  it('the table covers every status and event', () => {
    expect(pairs).toHaveLength(applicationStatuses.length * lifecycleEvents.length);
  });

  it.each(pairs)('%s --%s--> %s', (status, event, expected) => {
    if (expected.startsWith('error:')) {
      let error: unknown;
      try {
        nextStatus(status, event);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      const domainError = error as DomainError;
      expect(domainError.code).toBe(expected.slice('error:'.length));
      expect(domainError.message.length).toBeGreaterThan(20);
    } else {
      expect(nextStatus(status, event)).toBe(expected);
    }
  });

  it('messages say what happened', () => {
    expect(() => nextStatus('approved', 'reject')).toThrow(/already approved/);
    expect(() => nextStatus('rejected', 'withdraw')).toThrow(/no longer be withdrawn/);
    expect(() => nextStatus('withdrawn', 'approve')).toThrow(/withdrew/);
    expect(() => nextStatus('in_review', 'queue')).toThrow(/in review/);
  });
});

describe('status predicates', () => {
  it.each([
    ['submitted', false, false],
    ['queued', true, false],
    ['in_review', true, false],
    ['approved', false, true],
    ['rejected', false, true],
    ['withdrawn', false, false],
  ] as const)('%s: canDecide %s, isDecided %s', (status, decide, decided) => {
    expect(canDecide(status)).toBe(decide);
    expect(isDecided(status)).toBe(decided);
  });
});

describe('the lists every layer derives from the lifecycle', () => {
  it('open: still waiting for a decision (withdrawable); decidable: queued or in review, never submitted', () => {
    expect(openStatuses).toEqual(['submitted', 'queued', 'in_review']);
    expect(decidableStatuses).toEqual(['queued', 'in_review']);
    for (const status of openStatuses) expect(isOpen(status)).toBe(true);
    expect(isOpen('approved') || isOpen('rejected') || isOpen('withdrawn')).toBe(false);
    // Whatever is decidable is open; a submitted application is open but cannot be decided yet.
    expect(decidableStatuses.every((s) => isOpen(s))).toBe(true);
    expect(() => nextStatus('submitted', 'approve')).toThrow(/once it is queued or in review/);
  });
});
