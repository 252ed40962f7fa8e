// shared/holidays.data.ts is generated, not pasted: it must be what scripts/calendar-seed.ts writes from the
// installed chinese-days package (shared/ may not read files, so the check lives here).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { seedPath, seedSource } from '../../scripts/calendar-seed';

it('shared/holidays.data.ts is what scripts/calendar-seed.ts generates from the installed package (on failure, run npx tsx scripts/calendar-seed.ts)', () => {
  expect(readFileSync(seedPath, 'utf8')).toBe(seedSource());
});
