// The built-in central service starts on a worker thread with demo data, keeps it across restarts (sealed under the
// data folder's key, never as a clear database folder), and closes.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/app';
import { tempFolder } from '../../tests/support/tempFolder';
import { filesContaining } from '../../tests/support/atRest';
import { centralSnapshotPath, legacyCentralFolder } from './embeddedCentralSnapshot';
import { startEmbeddedCentral } from './embeddedCentral';

let dir: string;
beforeAll(() => {
  dir = tempFolder('verity-embedded-');
});

async function demoApplications(url: string): Promise<{ count: number; names: string[] }> {
  const session = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reviewer1', password: 'verity-demo' }) });
  expect(session.status).toBe(200);
  const { accessToken } = (await session.json()) as { accessToken: string };
  const changes = await fetch(`${url}/v1/changes?limit=100`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(changes.status).toBe(200);
  const text = await changes.text();
  const names = [...text.matchAll(/"(?:fullName|enterpriseName)":"([^"]{4,})"/g)].map((m) => m[1]!);
  return { count: (JSON.parse(text) as { changes: unknown[] }).changes.length, names };
}

describe('built-in central service', () => {
  it('serves the demo people and applications, keeps them sealed in the data folder across restarts, and opens them only with its key', async () => {
    const data = join(dir, 'sealed');
    const key = randomBytes(32);
    const first = await startEmbeddedCentral({ dataDir: data, key, demoCount: 6 });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const assigned = await demoApplications(first.url);
    expect(assigned.count).toBeGreaterThan(0);
    expect(assigned.names.length).toBeGreaterThan(0);
    await first.close();
    await expect(fetch(`${first.url}/v1/changes`)).rejects.toThrow();

    // At rest: one sealed file, no clear PGlite folder, no applicant's name anywhere under the folder.
    expect(existsSync(centralSnapshotPath(data))).toBe(true);
    expect(existsSync(legacyCentralFolder(data))).toBe(false);
    expect(filesContaining(data, assigned.names)).toEqual([]);

    const again = await startEmbeddedCentral({ dataDir: data, key, demoCount: 6 });
    try {
      // Seeded once: a second start serves the same applications, not a second set.
      expect((await demoApplications(again.url)).count).toBe(assigned.count);
    } finally {
      await again.close();
    }
    await expect(startEmbeddedCentral({ dataDir: data, key: randomBytes(32), demoCount: 6 })).rejects.toMatchObject({ code: 'central_failed', message: expect.stringContaining('cannot be opened with this data folder') });
  }, 360_000);

  it('moves the clear database folder of an older data folder into the sealed snapshot and removes it', async () => {
    const data = join(dir, 'legacy');
    mkdirSync(data);
    const old = await startServer({ dataDir: legacyCentralFolder(data), demo: { count: 3, history: false }, log: () => undefined });
    const before = await demoApplications(old.url);
    await old.close();
    // What earlier versions left: every applicant's name in clear in DIR/central.
    expect(filesContaining(data, before.names).length).toBeGreaterThan(0);
    const key = randomBytes(32);
    const central = await startEmbeddedCentral({ dataDir: data, key, demoCount: 3 });
    try {
      const { names } = await demoApplications(central.url);
      expect(names.sort()).toEqual(before.names.sort());
      expect(existsSync(legacyCentralFolder(data))).toBe(false);
      expect(filesContaining(data, names)).toEqual([]);
      expect(readFileSync(centralSnapshotPath(data)).subarray(0, 4).toString()).toBe('VCS1');
    } finally {
      await central.close();
    }
  }, 180_000);

  it('reports a start failure with a code instead of hanging', async () => {
    // A data folder path that is a file cannot hold a database.
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(startEmbeddedCentral({ dataDir: join(file, 'central'), key: randomBytes(32), demoCount: 0 })).rejects.toMatchObject({ code: 'central_failed' });
  }, 60_000);
});
