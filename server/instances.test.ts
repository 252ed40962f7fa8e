// Several instances of the central service on one real PostgreSQL (PGlite cannot be shared between processes, so
// this file needs VERITY_TEST_DATABASE_URL, as CI's PostgreSQL pass of `npm test` sets it): migrations started
// together on an empty database, the login throttle counted across instances, and whole reviewer workflows with each
// workstation's calls alternating between two instances while many workstations work at once.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApplicationEnvelope, Change, ChangesResponse, Mutation, MutationBatchResponse, MutationResult } from '../shared/contract/central';
import { startServer, type RunningServer, type StartOptions } from './app';
import { latestSchemaVersion, migrations } from './migrations';
import { decisionMutation, intakeRequest, sampleImage, testClock, testDatabaseUrl, TestClient, type TestClock } from '../tests/support/central';
import { startSmsReceiver, startSmtpReceiver, type SmsReceiver, type SmtpReceiver } from '../tests/support/notificationReceivers';
import { specimenIdNumber } from '../tests/support/specimenNumbers';

const running: RunningServer[] = [];
let schema = '';

/** `together`: started at the same moment (the migration race); otherwise one after the other. */
async function instances(count: number, options: StartOptions = {}, together = true, clock: TestClock = testClock()): Promise<RunningServer[]> {
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

const receivers: (SmtpReceiver | SmsReceiver)[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
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

/** One workstation of one person, whose every call goes to the next instance in turn (a round-robin balancer). */
class Workstation {
  private turn = 0;
  private readonly clients: TestClient[];
  cursor: string | undefined;
  /** Every change the feed gave, in order. */
  readonly received: Change[] = [];

  constructor(
    readonly username: string,
    urls: readonly string[],
    clock: TestClock,
  ) {
    this.clients = urls.map((url) => new TestClient(url, () => clock.now));
  }

  private next(): TestClient {
    return this.clients[this.turn++ % this.clients.length] as TestClient;
  }

  /** Signs in on one instance; the token then works on every instance. A new person first changes the admin's password. */
  async signIn(password: string, newPassword?: string): Promise<void> {
    const first = this.next();
    await first.signIn(this.username, password);
    if (newPassword) {
      const changed = await first.post('/v1/session/password', { currentPassword: password, newPassword });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      first.token = (changed.body as { accessToken: string }).accessToken;
    }
    for (const c of this.clients) c.token = first.token;
  }

  async pull(): Promise<Change[]> {
    const fresh: Change[] = [];
    for (;;) {
      const answer = await this.next().get(`/v1/changes?limit=7${this.cursor ? `&cursor=${encodeURIComponent(this.cursor)}` : ''}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const body = answer.body as ChangesResponse;
      this.cursor = body.cursor;
      fresh.push(...body.changes);
      if (!body.hasMore) break;
    }
    this.received.push(...fresh);
    return fresh;
  }

  /** Sends a batch to one instance and the very same batch again to the other (a resend after a lost answer). */
  async push(mutations: Mutation[]): Promise<MutationResult[]> {
    const send = async () => {
      const answer = await this.next().post('/v1/mutations:batch', { deviceId: `device-${this.username}`, mutations });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (answer.body as MutationBatchResponse).results;
    };
    const results = await send();
    expect(await send()).toEqual(results);
    return results;
  }
}

describe.skipIf(!testDatabaseUrl)('reviewer workflows across two instances', () => {
  it('skips and repeats no feed row, applies each mutation once and sends each notification once, with calls alternating', async () => {
    schema = `verity_test_${randomBytes(6).toString('hex')}`;
    const smtp = await startSmtpReceiver();
    const sms = await startSmsReceiver();
    receivers.push(smtp, sms);
    const clock = testClock();
    // Both instances' dispatchers poll the same table: each notification must still be handed over once.
    const notifications = { email: { url: smtp.url, from: 'Verity <no-reply@verity.example>' }, sms: { url: sms.url }, pollMs: 20, sendTimeoutMs: 10_000 };
    const servers = await instances(2, { assignmentCap: 4, notifications }, false, clock);
    const urls = servers.map((s) => s.url);
    const db = servers[0]!.db;

    // People come from the admin routes; each new reviewer changes the temporary password at first sign-in.
    const admin = new TestClient(urls[1]!, () => clock.now);
    await admin.signIn('admin1');
    const reviewers = Array.from({ length: 8 }, (_, i) => new Workstation(`wf-reviewer-${i}`, urls, clock));
    for (const w of reviewers) {
      const created = await admin.post('/v1/people', { username: w.username, displayName: `Workflow ${w.username}`, role: 'reviewer', password: 'temporary-Passw0rd' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    await Promise.all(reviewers.map((w) => w.signIn('temporary-Passw0rd', `own-Passw0rd-${w.username.slice(-1)}-long`)));

    const intakes = urls.map((url) => new TestClient(url, () => clock.now));
    for (const c of intakes) await c.signIn('intake');
    const jpeg = await sampleImage('jpeg');
    const submitted: ApplicationEnvelope[] = [];
    for (let i = 0; i < 60; i++) {
      const request = intakeRequest(`WF-ACC-${i}`, { kind: 'individual', fullName: `SPECIMEN Workflow ${i}`, documentType: 'id_card', documentNumber: specimenIdNumber(`wf-${schema}-${i}`), issuingLocation: 'CN' }, jpeg, {
        applicantLanguage: i % 3 === 0 ? 'zh-CN' : 'en',
        contact: { email: `wf-${i}@example.com`, phone: `+861380000${String(i).padStart(4, '0')}` },
      });
      const answer = await intakes[i % 2]!.post('/v1/applications', request);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      submitted.push(answer.body as ApplicationEnvelope);
    }

    // Every workstation at once: pull, decide what it holds (approve; a refused approval becomes a rejection; some with a
    // note first), push, until the pool is empty. Meanwhile the intake withdraws a few applications on either instance.
    const results = new Map<string, MutationResult>();
    const work = async (w: Workstation) => {
      const open = new Map<string, ApplicationEnvelope>();
      for (let round = 0; round < 200; round++) {
        for (const change of await w.pull()) {
          if (change.application.status === 'queued' && change.application.assignee === w.username) open.set(change.application.id, change);
          else open.delete(change.application.id);
        }
        if (open.size === 0) {
          const [pool] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM applications WHERE status = 'queued' AND assignee IS NULL`);
          if (Number(pool?.n) === 0) return;
          continue;
        }
        const mutations: Mutation[] = [...open.values()].flatMap((env, i): Mutation[] => [
          ...(i % 2 === 0 ? [{ type: 'note' as const, id: randomUUID(), applicationId: env.application.id, baseVersion: env.application.version, text: 'Checked the photo.', madeAt: clock.now.toISOString(), madeBy: w.username, offline: false }] : []),
          decisionMutation(env, w.username, clock.now),
        ]);
        const answers = await w.push(mutations);
        const retry: Mutation[] = [];
        for (const [i, r] of answers.entries()) {
          results.set(r.id, r);
          const m = mutations[i]!;
          if (m.type === 'decision' && r.status === 'rejected' && r.reason === 'invalid') {
            retry.push(decisionMutation(open.get(m.applicationId)!, w.username, clock.now, { outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'Please send a clearer photo.' }));
          }
          if (m.type === 'decision') open.delete(m.applicationId);
        }
        if (retry.length > 0) for (const r of await w.push(retry)) results.set(r.id, r);
      }
      throw new Error(`${w.username} did not finish`);
    };
    const withdrawals = async () => {
      for (const [i, env] of submitted.filter((_, i) => i % 11 === 5).entries()) {
        const answer = await intakes[i % 2]!.post(`/v1/applications/${env.application.id}/withdraw`, { ticketRef: `SUP-${1000 + i}` });
        expect([200, 409]).toContain(answer.status);
      }
    };
    await Promise.all([...reviewers.map(work), withdrawals()]);
    for (const w of reviewers) await w.pull();

    // The feed: each workstation received exactly its rows, in order, none twice, none skipped.
    for (const w of reviewers) {
      const rows = await db.query<{ application_id: string; type: string }>(`SELECT application_id, type FROM changes WHERE reviewer = $1 ORDER BY seq`, [w.username]);
      expect(w.received.map((c) => `${c.type} ${c.application.id}`)).toEqual(rows.map((r) => `${r.type} ${r.application_id}`));
    }
    // Every application ends decided or withdrawn, decided at most once, by the reviewer whose feed assigned it.
    const apps = await db.query<{ id: string; status: string }>(`SELECT id, status FROM applications`);
    expect(apps.filter((a) => a.status === 'queued')).toEqual([]);
    const decisions = await db.query<{ id: string; application_id: string; reviewer: string }>(`SELECT id::text AS id, application_id, reviewer FROM decisions`);
    expect(new Set(decisions.map((d) => d.application_id)).size).toBe(decisions.length);
    expect(decisions.length).toBe(apps.filter((a) => a.status === 'approved' || a.status === 'rejected').length);
    for (const d of decisions) {
      const w = reviewers.find((r) => r.username === d.reviewer);
      expect(w?.received.some((c) => c.type === 'assigned' && c.application.id === d.application_id)).toBe(true);
      expect(results.get(d.id)).toMatchObject({ status: 'applied' });
    }
    // Each applied mutation once: the applied decision answers are the decisions stored, the applied notes the notes.
    const applied = [...results.values()].filter((r) => r.status === 'applied');
    const [notes] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM notes`);
    expect(applied.length).toBe(decisions.length + Number(notes?.n));

    // Notifications: one per channel per decision, each handed to its provider exactly once by one of the two dispatchers.
    const expected = decisions.length * 3;
    const deadline = Date.now() + 60_000;
    let states: { channel: string; state: string; n: number }[] = [];
    while (Date.now() < deadline) {
      states = await db.query(`SELECT channel, state, count(*)::int AS n FROM notifications GROUP BY channel, state ORDER BY channel, state`);
      if (states.every((s) => s.state === 'sent') && states.reduce((sum, s) => sum + s.n, 0) === expected) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(states).toEqual([
      { channel: 'email', state: 'sent', n: decisions.length },
      { channel: 'message_centre', state: 'sent', n: decisions.length },
      { channel: 'sms', state: 'sent', n: decisions.length },
    ]);
    expect(smtp.mails).toHaveLength(decisions.length);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(decisions.length);
    expect(sms.requests).toHaveLength(decisions.length);
    expect(new Set(sms.requests.map((r) => r.key)).size).toBe(decisions.length);
  }, 240_000);
});
