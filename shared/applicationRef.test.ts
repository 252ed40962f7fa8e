import { describe, expect, it } from 'vitest';
import { shortRef } from './applicationRef';

describe('shortRef', () => {
  it('shortens a UUID to a prefix of it, and leaves a short id whole', () => {
    const id = '3f9c21d0-7b1e-4c55-9a0e-1d2c3b4a5f60';
    expect(shortRef(id)).toBe('3f9c21d0');
    expect(id.startsWith(shortRef(id))).toBe(true);
    expect(shortRef('VA0100000012')).toBe('VA0100000012');
  });
});
