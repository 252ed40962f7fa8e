// The built-in central service starts on a worker thread with demo data, keeps it across restarts, and closes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../../tests/support/tempFolder';
import { startEmbeddedCentral } from './embeddedCentral';

let dir: string;
beforeAll(() => {
  dir = tempFolder('verity-embedded-');
});

async function demoApplications(url: string): Promise<number> {
  const session = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reviewer1', password: 'verity-demo' }) });
  expect(session.status).toBe(200);
  const { accessToken } = (await session.json()) as { accessToken: string };
  const changes = await fetch(`${url}/v1/changes?limit=100`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(changes.status).toBe(200);
  return ((await changes.json()) as { changes: unknown[] }).changes.length;
}

describe('built-in central service', () => {
  it('serves the demo people and applications, and keeps them in its data folder across restarts', async () => {
    const first = await startEmbeddedCentral({ dataDir: join(dir, 'central'), demoCount: 6 });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const assigned = await demoApplications(first.url);
    expect(assigned).toBeGreaterThan(0);
    await first.close();
    await expect(fetch(`${first.url}/v1/changes`)).rejects.toThrow();

    const again = await startEmbeddedCentral({ dataDir: join(dir, 'central'), demoCount: 6 });
    try {
      // Seeded once: a second start serves the same applications, not a second set.
      expect(await demoApplications(again.url)).toBe(assigned);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('reports a start failure with a code instead of hanging', async () => {
    // A data folder path that is a file cannot hold a database.
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(startEmbeddedCentral({ dataDir: join(file, 'central'), demoCount: 0 })).rejects.toMatchObject({ code: 'central_failed' });
  }, 60_000);
});
