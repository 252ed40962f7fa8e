import { describe, expect, it } from 'vitest';
import { DecisionInput } from './domain';

describe('DecisionInput', () => {
  const base = { applicationId: 'A-1', applicantMessage: '', internalNote: '', overrideNote: null };
  it('refuses a rejection without a reason code', () => {
    const r = DecisionInput.safeParse({ ...base, outcome: 'reject', reasonCodes: [] });
    expect(r.success).toBe(false);
  });
  it('accepts a rejection with reason codes and an approval without', () => {
    expect(DecisionInput.safeParse({ ...base, outcome: 'reject', reasonCodes: ['name_mismatch'] }).success).toBe(true);
    expect(DecisionInput.safeParse({ ...base, outcome: 'approve', reasonCodes: [] }).success).toBe(true);
  });
  it('refuses an approval that carries reason codes', () => {
    expect(DecisionInput.safeParse({ ...base, outcome: 'approve', reasonCodes: ['other'] }).success).toBe(false);
  });
});
