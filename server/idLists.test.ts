// Look-ups of a list of ids when decisions, their mutations and their notifications have piled up (bench/central after
// a run: thousands of each, and a backlog of notifications still to send). Every statement of a fetch, a batch with an
// approval, the same batch sent again and a dispatcher's claim is run again under EXPLAIN ANALYZE: none may read more
// rows of a table than a look-up does. A list passed as `IN (SELECT jsonb_array_elements_text($1::jsonb))` is planned
// as 100 ids whatever it holds. Runs on PGlite, and on real PostgreSQL when VERITY_TEST_DATABASE_URL is set.
import { afterEach, describe, expect, it } from 'vitest';
import { seedDecisions } from './decisionsSeed';
import { checkImage } from './images';
import { parseNotificationConfig, sendersOf } from './notifications/config';
import { NotificationDispatcher } from './notifications/dispatcher';
import { CentralService } from './service';
import { decisionMutation, sampleImage, startTestServer, submitIndividualAt, type TestServer } from '../tests/support/central';
import { heavyStatements, recording } from '../tests/support/queryCost';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Decisions already made (each with its mutation and three notifications), as after a bench/central run. */
const piled = 3_000;
/** Notifications due and not yet sent: what a dispatcher claims a batch of. */
const backlog = 600;

describe('look-ups of a list of ids', () => {
  it('a fetch, a batch, its replay and a dispatcher claim probe indexes, not every decision, mutation or notification', async () => {
    // The server's own dispatcher delivers no email or SMS (none configured): the claim below is the test's.
    server = await startTestServer({ assignmentCap: 5 });
    const db = server.db;
    const now = server.clock.now;
    const bytes = await sampleImage('jpeg');
    const image = { role: 'front' as const, bytes, ...(await checkImage(bytes, 'image')) };
    for (let i = 1; i <= 2; i++) await submitIndividualAt(server.service, image, new Date(now.getTime() - i * 60_000), 'reviewer1');
    // The piled-up history, written by the database: decisions, the mutations that made them, their notifications
    // (sent, and the newest still due by email and SMS).
    await seedDecisions(db, 1, piled, new Date(now.getTime() - 3_600_000));
    await db.query(
      `INSERT INTO mutations (id, username, device_id, application_id, received_at, result, kind)
       SELECT d.id, d.reviewer, d.device_id, d.application_id, d.decided_at, jsonb_build_object('id', d.id, 'status', 'applied'), 'case' FROM decisions d`,
    );
    await db.query(
      `INSERT INTO notifications (id, application_id, account_id, decision_id, channel, language, recipient, idempotency_key, state, attempts,
         next_attempt_at, sent_at, subject, body, created_at)
       SELECT gen_random_uuid(), d.application_id, a.account_id, d.id, c.channel, 'en', CASE c.channel WHEN 'email' THEN 'a@example.com' WHEN 'sms' THEN '+8613900000000' END,
              d.id || ':' || c.channel, CASE WHEN c.channel <> 'message_centre' AND d.rank <= $1::int / 2 THEN 'queued' ELSE 'sent' END, 0,
              d.decided_at, d.decided_at, 'Your application', 'Decided.', d.decided_at
         FROM (SELECT d.*, row_number() OVER (ORDER BY d.decided_at DESC) AS rank FROM decisions d) d
         JOIN applications a ON a.id = d.application_id
         CROSS JOIN (VALUES ('message_centre'), ('email'), ('sms')) AS c(channel)`,
      [backlog],
    );
    await db.query(`ANALYZE`);
    const [due] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE state = 'queued'`);
    expect(due?.n).toBe(backlog);

    const recorded = recording(db);
    const service = new CentralService(recorded.db, server.service.options);
    const fetched = await service.changes('reviewer1', undefined, 100);
    expect(fetched.changes).toHaveLength(2);
    // A rejection in effect: its writes, its answer stored and its notifications queued.
    const mutation = decisionMutation(fetched.changes[0]!, 'reviewer1', now, { outcome: 'reject', reasonCodes: ['document_unreadable'] });
    const [result] = await service.applyMutations('reviewer1', 'device-1', [mutation]);
    expect(result).toMatchObject({ status: 'applied' });
    // The same batch again (a workstation that did not hear the answer): the stored answer, not a second decision.
    const [again] = await service.applyMutations('reviewer1', 'device-1', [mutation]);
    expect(again).toEqual(result);
    // A dispatcher of the email and SMS channels claims a batch of the backlog (no provider is called by a claim); a
    // batch of 20 is read three times over by the claim's plan (pick, lock, update): 60 rows, a look-up.
    const config = parseNotificationConfig({ email: { url: 'smtp://127.0.0.1:9', from: 'Verity <no-reply@example.com>' }, sms: { url: 'http://127.0.0.1:9/sms' }, batchSize: 20 });
    const dispatcher = new NotificationDispatcher(recorded.db, { senders: sendersOf(config), policy: config, now: () => server!.clock.now, log: () => undefined });
    expect(await dispatcher.claim()).toHaveLength(config.batchSize);

    expect(recorded.statements.some((s) => /FROM mutations WHERE id/.test(s.sql))).toBe(true);
    expect(await heavyStatements(db, recorded.statements)).toEqual([]);
  }, 240_000);
});
