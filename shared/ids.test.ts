import { describe, expect, it } from 'vitest';
import { uuidv7, uuidv7Pattern, uuidv7Time } from './ids';

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10, the timestamp in the first 48 bits', () => {
    const t = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
    const id = uuidv7(t + 10_000_000); // a later time than any earlier call in this file
    expect(id).toMatch(uuidv7Pattern);
    expect(uuidv7Time(id)).toBe(t + 10_000_000);
  });

  it('is strictly increasing within one millisecond, also past the 12-bit counter', () => {
    const t = Date.now() + 20_000_000;
    const ids = Array.from({ length: 10_000 }, () => uuidv7(t));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidv7Time(ids[0]!)).toBe(t);
  });

  it('never goes backwards when the clock steps back', () => {
    const t = Date.now() + 30_000_000;
    const a = uuidv7(t);
    const b = uuidv7(t - 5_000);
    expect(b > a).toBe(true);
  });

  it('gives random bits: two ids of the same millisecond differ beyond the counter', () => {
    const t = Date.now() + 40_000_000;
    const a = uuidv7(t);
    const b = uuidv7(t);
    expect(a.slice(19)).not.toBe(b.slice(19));
  });
});
