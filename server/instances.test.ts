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

/** `together`: started at the same moment (the migration race); otherwise one after the other. */
async function instances(count: number, options: StartOptions = {}, together = true): Promise<RunningServer[]> {
  const clock = testClock();
  const start = () => startServer({ databaseUrl: testDatabaseUrl as string, schema, now: () => clock.now, log: () => undefined, ...options });
  const started: RunningServer[] = [];
  if (together) {
    started.push(...(await Promise.all(Array.from({ length: count }, start))));
  } else {
    for (let i = 0; i < count; i++) started.push(await start());
  }
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
  }, 120_000);

  it('count failed sign-ins across instances, per username and client address from the trusted proxy header', async () => {
    schema = `verity_test_${randomBytes(6).toString('hex')}`;
    const [a, b] = (await instances(2, { trustedProxyHeader: 'x-forwarded-for' }, false)) as [RunningServer, RunningServer];
    const signIn = (s: RunningServer, password: string, from: string) =>
      new TestClient(s.url).post('/v1/session', { username: 'reviewer1', password }, { token: null, headers: { 'x-forwarded-for': from } });
    // The balancer sends the attacker's guesses alternately to both instances: five in all, not five each.
    for (let i = 0; i < 5; i++) expect((await signIn(i % 2 === 0 ? a : b, `guess-${i}`, '203.0.113.5')).status).toBe(401);
    expect((await signIn(a, 'verity-demo', '203.0.113.5')).status).toBe(429);
    expect((await signIn(b, 'verity-demo', '203.0.113.5')).status).toBe(429);
    // The person, from their own address, signs in on either instance.
    expect((await signIn(a, 'verity-demo', '198.51.100.7')).status).toBe(200);
    expect((await signIn(b, 'verity-demo', '198.51.100.7')).status).toBe(200);
    // Parallel guesses on both instances at once: still exactly five password checks for a fresh key.
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => signIn(i % 2 === 0 ? a : b, `parallel-${i}`, '192.0.2.9')));
    expect(answers.filter((x) => x.status === 401)).toHaveLength(5);
    expect(answers.filter((x) => x.status === 429)).toHaveLength(11);
  }, 120_000);

  it('see an admin change made on the other instance at once: a deactivated person is refused everywhere', async () => {
    schema = `verity_test_${randomBytes(6).toString('hex')}`;
    const [a, b] = (await instances(2, {}, false)) as [RunningServer, RunningServer];
    const reviewer = await new TestClient(b.url).signIn('reviewer2');
    expect((await reviewer.get('/v1/changes', { token: reviewer.token })).status).toBe(200);
    const admin = await new TestClient(a.url).signIn('admin1');
    expect((await admin.post('/v1/people/reviewer2/deactivate', {})).status).toBe(200);
    // The same token, not a new sign-in (which would be refused as well).
    expect((await reviewer.get('/v1/changes', { token: reviewer.token })).status).toBe(401);
  }, 120_000);
});
