// Several instances of the central service on one real PostgreSQL (PGlite cannot be shared between processes, so
// this file needs VERITY_TEST_DATABASE_URL, as CI's PostgreSQL pass of `npm test` sets it): migrations started
// together on an empty database, and the login throttle counted across instances.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from './app';
import { latestSchemaVersion, migrations } from './migrations';
import { testClock, testDatabaseUrl, TestClient } from '../tests/support/central';

const running: RunningServer[] = [];
let schema = '';

async function instances(count: number, options: StartOptions = {}): Promise<RunningServer[]> {
  const clock = testClock();
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      startServer({ databaseUrl: testDatabaseUrl as string, schema, now: () => clock.now, log: () => undefined, ...options }),
    ),
  );
  running.push(...started);
  return started;
}

afterEach(async () => {
  const [first, ...rest] = running.splice(0);
  await Promise.all(rest.map((s) => s.close()));
  if (first) {
    await first.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await first.close();
  }
});

describe.skipIf(!testDatabaseUrl)('several instances on one PostgreSQL', () => {
  it('start together on an empty database: each migration runs once and both serve', async () => {
    for (let round = 0; round < 3; round++) {
      schema = `verity_test_${randomBytes(6).toString('hex')}`;
      const [a, b, c] = await instances(3);
      const versions = await a!.db.query<{ version: number }>(`SELECT version FROM schema_migrations ORDER BY version`);
      expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version).sort((x, y) => x - y));
      expect(Math.max(...versions.map((v) => v.version))).toBe(latestSchemaVersion);
      for (const server of [a, b, c]) {
        await new TestClient(server!.url).signIn('reviewer1');
      }
      const [first, ...rest] = running.splice(0);
      await Promise.all(rest.map((s) => s.close()));
      await first!.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await first!.close();
    }
  });
});
