// Applicant notifications end to end against a real database (in-memory PGlite, or VERITY_TEST_DATABASE_URL), a real
// SMTP server and a real HTTP SMS provider: written with the decision's effect in its transaction, once per decision
// (four-eyes and overturns included), delivered with retries, never twice after a dispatcher dies between send and mark.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApplicationEnvelope,
  AuditEntriesResponse,
  ChangesResponse,
  DecisionMutation,
  IntakeRequest,
  MutationBatchResponse,
  MutationResult,
  SupervisionBatchResponse,
  SupervisionMutation,
  SupervisionResult,
} from '../../shared/contract/central';
import type { AccountMessagesResponse } from '../../shared/contract/notifications';
import type { Identity } from '../../shared/domain';
import { drawSpecimen } from '../../resources/specimens/draw';
import { changesReader, decisionMutation, startTestServer, TestClient, type TestServer, intakeDocuments, intakeRequest, noIcp } from '../../tests/support/central';
import { startSmsReceiver, startSmtpReceiver, type SmsReceiver, type SmtpReceiver } from '../../tests/support/notificationReceivers';
import { parseNotificationConfig, sendersOf, type NotificationConfig } from './config';
import { NotificationDispatcher, retryDelayMs } from './dispatcher';
import { splitSms } from './sms';
import { specimenIdNumber } from '../../tests/support/specimenNumbers';
import { recording } from '../../tests/support/recordingDb';

let server: TestServer;
let smtp: SmtpReceiver;
let sms: SmsReceiver;
let config: NotificationConfig;
let intake: TestClient;
let r1: TestClient;
let r2: TestClient;
let sup: TestClient;
let jpeg: Buffer;
let accounts = 0;

const nextAccount = () => `NTF-ACC-${(accounts += 1)}`;
const person = (fullName = 'SPECIMEN Person'): Identity => ({
  kind: 'individual',
  fullName,
  documentType: 'id_card',
  documentNumber: specimenIdNumber(`NT${randomUUID()}`),
  issuingLocation: 'CN',
});

type Row = {
  id: string;
  decision_id: string;
  channel: string;
  language: string;
  recipient: string | null;
  idempotency_key: string;
  state: string;
  attempts: number;
  next_attempt_at: Date;
  claimed_by: string | null;
  last_error: string | null;
  provider_id: string | null;
  subject: string;
  body: string;
};
const rowsOf = (applicationId: string) => server.db.query<Row>(`SELECT * FROM notifications WHERE application_id = $1 ORDER BY created_at, channel`, [applicationId]);
const byChannel = async (applicationId: string, channel: string) => (await rowsOf(applicationId)).filter((r) => r.channel === channel);

async function submit(overrides: Partial<IntakeRequest> = {}): Promise<ApplicationEnvelope> {
  const identity = overrides.identity ?? person();
  const answer = await intake.post('/v1/applications', intakeRequest(nextAccount(), identity, jpeg, overrides));
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as ApplicationEnvelope;
}

const pull = changesReader();

async function assigned(client: TestClient, overrides: Partial<IntakeRequest> = {}, submitted?: ApplicationEnvelope): Promise<ApplicationEnvelope> {
  const envelope = submitted ?? (await submit(overrides));
  expect((await sup.post(`/v1/applications/${envelope.application.id}/assign`, { reviewer: client.person?.username })).status).toBe(200);
  const change = (await pull(client)).filter((c) => c.application.id === envelope.application.id).at(-1);
  if (!change) throw new Error(`${envelope.application.id} did not reach ${client.person?.username}`);
  return change;
}

async function decide(client: TestClient, envelope: ApplicationEnvelope, overrides: Partial<DecisionMutation> = {}): Promise<MutationResult> {
  const mutation = decisionMutation(envelope, client.person?.username ?? '', server.clock.now, overrides);
  const answer = await client.post('/v1/mutations:batch', { deviceId: 'ntf-device', mutations: [mutation] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as MutationBatchResponse).results[0] as MutationResult;
}

const review = (by: string, decisionId: string, verdict: 'agree' | 'overturn'): SupervisionMutation => ({
  type: 'review',
  id: randomUUID(),
  decisionId,
  madeAt: server.clock.now.toISOString(),
  madeBy: by,
  offline: false,
  verdict,
  reason: verdict === 'agree' ? '' : 'The photo is of a copy, not the original.',
});

async function supervise(client: TestClient, mutation: SupervisionMutation): Promise<SupervisionResult> {
  const answer = await client.post('/v1/supervision:batch', { deviceId: 'ntf-supervisor', mutations: [mutation] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as SupervisionBatchResponse).results[0] as SupervisionResult;
}

const dispatcher = (name: string, random = () => 0.5) =>
  new NotificationDispatcher(server.db, { senders: sendersOf(config), policy: config, now: () => server.clock.now, log: () => undefined, name, random });

/** Runs rounds until nothing is due. */
async function drain(d: NotificationDispatcher): Promise<void> {
  while ((await d.runOnce()) > 0);
}

const contact = () => {
  const n = randomUUID().slice(0, 8);
  return { email: `applicant-${n}@example.com`, phone: `+86138${String(parseInt(n, 16) % 100_000_000).padStart(8, '0')}` };
};

/** Decides `count` applications of accounts that give only a phone (one SMS queued each); answers the phones. */
async function decidedWithSms(count: number): Promise<string[]> {
  const phones: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const c = contact();
    phones.push(c.phone);
    await decide(r1, await assigned(r1, { contact: { phone: c.phone } }));
  }
  return phones;
}

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  sms = await startSmsReceiver();
  const options = {
    email: { url: smtp.url, from: 'Verity <no-reply@verity.example>' },
    sms: { url: sms.url, token: 'sms-secret' },
    // The server's own dispatcher stays idle here: each test runs its dispatchers by hand on the test clock.
    pollMs: 600_000,
    sendTimeoutMs: 2_000,
    baseDelayMs: 1_000,
    capDelayMs: 8_000,
    maxAttempts: 3,
  };
  config = parseNotificationConfig(options);
  server = await startTestServer({ assignmentCap: 500, notifications: options });
  intake = await new TestClient(server.url, () => server.clock.now).signIn('intake');
  r1 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  r2 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer2');
  sup = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
  jpeg = await drawSpecimen({ kind: 'id_card', side: 'front', fullName: 'SPECIMEN Person', documentNumber: 'NT1', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2035-01-01' });
});

afterAll(async () => {
  await server?.close();
  await smtp?.close();
  await sms?.close();
});

describe('writing notifications where a decision takes effect', () => {
  it('writes one per channel in the account’s language: outcome, the reviewer’s message, the ICP warning, the account’s identity', async () => {
    const icp = { mainlandResources: true, icpFilingIntended: true, icpEntityName: '深圳某某科技有限公司' };
    const envelope = await assigned(r1, { applicantLanguage: 'zh-CN', icp, contact: contact(), identity: person('张三') });
    const result = await decide(r1, envelope, { applicantMessage: '您的资料齐全，认证通过。' });
    expect(result.status).toBe('applied');
    const rows = await rowsOf(envelope.application.id);
    expect(rows.map((r) => [r.channel, r.state, r.language, r.decision_id])).toEqual([
      ['email', 'queued', 'zh-CN', result.id],
      ['message_centre', 'sent', 'zh-CN', result.id],
      ['sms', 'queued', 'zh-CN', result.id],
    ]);
    const centre = rows.find((r) => r.channel === 'message_centre');
    expect(centre?.subject).toBe('您的实名认证已通过');
    expect(centre?.body).toContain('您的资料齐全，认证通过。');
    expect(centre?.body).toContain('认证名称必须与 ICP 备案主体名称完全一致');
    expect(centre?.body).toContain('您的账号已认证为“张三”');
    expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(3);
  });

  it('explains each reason in plain words, with the plural, and says a rejected change leaves the previous identity', async () => {
    const first = await assigned(r1, { identity: person('Old Name') });
    expect((await decide(r1, first)).status).toBe('applied');
    const change = await assigned(r1, { accountId: first.application.accountId, kind: 'change', identity: person('New Name'), contact: contact() });
    const result = await decide(r1, change, { outcome: 'reject', reasonCodes: ['document_expired', 'name_mismatch'], applicantMessage: 'Please upload a valid card.' });
    expect(result.status).toBe('applied');
    const [email] = await byChannel(change.application.id, 'email');
    expect(email?.subject).toBe('Your identity verification was not approved');
    expect(email?.body).toContain('Message from our reviewer:\nPlease upload a valid card.');
    expect(email?.body).toContain('The 2 reasons:\n- Your document has expired. Please use a valid document.\n- The name you entered does not match the name on the document.');
    expect(email?.body).toContain('it keeps its verified identity “Old Name”');
    expect(email?.body).not.toContain('ICP');
    // One reason: the singular.
    const one = await assigned(r1, { contact: contact() });
    await decide(r1, one, { outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: '' });
    expect((await byChannel(one.application.id, 'message_centre'))[0]?.body).toContain('The reason:\n- The photo of your document cannot be read clearly.');
  });

  it('writes them in the decision’s transaction: when they cannot be written, the decision is not applied either', async () => {
    await server.db.query(`
      CREATE FUNCTION ntf_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.body LIKE '%REFUSE-NOTIFICATION%' THEN RAISE EXCEPTION 'notification refused'; END IF; RETURN NEW; END $$`);
    await server.db.query(`CREATE TRIGGER ntf_test_refuse BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION ntf_test_refuse()`);
    try {
      const envelope = await assigned(r1);
      const result = await decide(r1, envelope, { applicantMessage: 'REFUSE-NOTIFICATION' });
      expect(result).toMatchObject({ status: 'rejected', reason: 'cannot_apply' });
      expect(await server.db.query(`SELECT 1 FROM decisions WHERE application_id = $1`, [envelope.application.id])).toEqual([]);
      expect(await rowsOf(envelope.application.id)).toEqual([]);
    } finally {
      await server.db.query(`DROP TRIGGER ntf_test_refuse ON notifications`);
    }
  });

  it('notifies a held decision once, when the second person agrees, and never one overturned while held', async () => {
    const envelope = await assigned(r1, { contact: contact() });
    const held = await decide(r1, envelope, { outcome: 'reject', reasonCodes: ['suspected_tampering'], applicantMessage: 'The photo was edited.' });
    expect(held).toMatchObject({ status: 'applied', effect: 'pending_second_review' });
    expect(await rowsOf(envelope.application.id)).toEqual([]);
    const agree = review('reviewer2', held.id, 'agree');
    expect(await supervise(r2, agree)).toEqual({ id: agree.id, status: 'applied' });
    expect((await rowsOf(envelope.application.id)).map((r) => [r.channel, r.decision_id])).toEqual([
      ['email', held.id],
      ['message_centre', held.id],
      ['sms', held.id],
    ]);
    // The same verdict again (a workstation resending) and a late one from someone else write nothing more.
    expect(await supervise(r2, agree)).toEqual({ id: agree.id, status: 'applied' });
    expect(await supervise(sup, review('supervisor1', held.id, 'agree'))).toMatchObject({ status: 'applied' });
    expect(await rowsOf(envelope.application.id)).toHaveLength(3);

    const other = await assigned(r1, { contact: contact() });
    const heldAgain = await decide(r1, other, { outcome: 'reject', reasonCodes: ['suspected_tampering'] });
    expect(await supervise(r2, review('reviewer2', heldAgain.id, 'overturn'))).toMatchObject({ status: 'applied' });
    expect(await rowsOf(other.application.id)).toEqual([]);
  });

  it('after an overturn, the new decision is a new message; the first is not written again', async () => {
    const envelope = await assigned(r1, { contact: contact() });
    const first = await decide(r1, envelope);
    expect(await supervise(sup, review('supervisor1', first.id, 'overturn'))).toMatchObject({ status: 'applied' });
    const returned = (await pull(r1)).filter((c) => c.application.id === envelope.application.id).at(-1) as ApplicationEnvelope;
    server.clock.advance(1_000);
    const second = await decide(r1, returned, { outcome: 'reject', reasonCodes: ['document_unreadable'] });
    expect(second.status).toBe('applied');
    const rows = await rowsOf(envelope.application.id);
    expect(rows.map((r) => r.decision_id)).toEqual([first.id, first.id, first.id, second.id, second.id, second.id]);
    expect(rows.filter((r) => r.channel === 'message_centre').map((r) => r.subject)).toEqual(['Your identity verification is approved', 'Your identity verification was not approved']);
  });

  it('writes none for a withdrawn application, and no email or SMS for an account without those addresses', async () => {
    const withdrawn = await submit({ contact: contact() });
    expect((await intake.post(`/v1/applications/${withdrawn.application.id}/withdraw`, { ticketRef: 'SUP-4711' })).status).toBe(200);
    expect(await rowsOf(withdrawn.application.id)).toEqual([]);
    const plain = await assigned(r1);
    await decide(r1, plain);
    expect((await rowsOf(plain.application.id)).map((r) => r.channel)).toEqual(['message_centre']);
  });
});

describe('the message centre', () => {
  it('pages an account’s messages newest first for the console (intake), and no one else', async () => {
    const envelope = await assigned(r1);
    const first = await decide(r1, envelope);
    await supervise(sup, review('supervisor1', first.id, 'overturn'));
    server.clock.advance(60_000);
    const returned = (await pull(r1)).filter((c) => c.application.id === envelope.application.id).at(-1) as ApplicationEnvelope;
    await decide(r1, returned, { outcome: 'reject', reasonCodes: ['other'] });
    const account = envelope.application.accountId;
    const page1 = (await intake.get(`/v1/accounts/${account}/messages?limit=1`)).body as AccountMessagesResponse;
    expect(page1.messages.map((m) => m.outcome)).toEqual(['reject']);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await intake.get(`/v1/accounts/${account}/messages?limit=1&cursor=${page1.nextCursor ?? ''}`)).body as AccountMessagesResponse;
    expect(page2.messages.map((m) => [m.outcome, m.applicationId, m.language])).toEqual([['approve', envelope.application.id, 'en']]);
    expect(page2.nextCursor).toBeNull();
    expect((await r1.get(`/v1/accounts/${account}/messages`)).status).toBe(403);
    expect((await intake.get(`/v1/accounts/NO-SUCH-ACCOUNT/messages`)).status).toBe(404);
    const bad = await intake.get(`/v1/accounts/${account}/messages?cursor=bm90LWEtY3Vyc29y`);
    expect([bad.status, (bad.body as { error: { code: string } }).error.code]).toEqual([400, 'invalid_cursor']);
  });
});

describe('delivery', () => {
  it('sends email over SMTP in both languages: Message-ID from the idempotency key, language header, subject and body', async () => {
    const en = contact();
    const zh = contact();
    const a = await assigned(r1, { contact: en });
    const b = await assigned(r1, { contact: zh, applicantLanguage: 'zh-CN' });
    await decide(r1, a, { outcome: 'reject', reasonCodes: ['information_incomplete'], applicantMessage: 'Please add the back of the card.' });
    await decide(r1, b, { applicantMessage: '认证通过。' });
    await drain(dispatcher('mail-1'));
    for (const [envelope, address, language] of [[a, en.email, 'en'], [b, zh.email, 'zh-CN']] as const) {
      const [row] = await byChannel(envelope.application.id, 'email');
      const mails = smtp.mails.filter((m) => m.to.includes(address));
      expect(mails).toHaveLength(1);
      const mail = mails[0];
      expect(mail?.messageId).toBe(`<${row?.idempotency_key}@verity.example>`);
      expect(mail?.headers.get('content-language')).toBe(language);
      expect(mail?.headers.get('from')).toBe('Verity <no-reply@verity.example>');
      expect(mail?.subject).toBe(row?.subject);
      expect(mail?.body.trimEnd()).toBe(row?.body);
      expect(row).toMatchObject({ state: 'sent', attempts: 1, provider_id: mail?.messageId, last_error: null });
    }
    expect(smtp.mails.find((m) => m.to.includes(zh.email))?.subject).toBe('您的实名认证已通过');
    expect(smtp.mails.find((m) => m.to.includes(en.email))?.body).toContain('- Some required information or photos are missing.');
  });

  it('sends SMS to the HTTP provider with its idempotency key, split for the language’s encoding', async () => {
    const en = contact();
    const zh = contact();
    const a = await assigned(r1, { contact: en });
    const b = await assigned(r1, { contact: zh, applicantLanguage: 'zh-CN' });
    await decide(r1, a, { outcome: 'reject', reasonCodes: ['document_expired', 'other'] });
    await decide(r1, b);
    await drain(dispatcher('sms-1'));
    for (const [envelope, phone, encoding] of [[a, en.phone, 'gsm7'], [b, zh.phone, 'ucs2']] as const) {
      const [row] = await byChannel(envelope.application.id, 'sms');
      const requests = sms.requests.filter((r) => r.body.to === phone);
      expect(requests.map((r) => r.key)).toEqual([row?.idempotency_key]);
      expect(requests[0]?.authorization).toBe('Bearer sms-secret');
      expect(requests[0]?.body).toEqual({ to: phone, text: row?.body, encoding, parts: splitSms(row?.body ?? '').parts });
      expect(requests[0]?.body.parts).toHaveLength(1);
      expect(row).toMatchObject({ state: 'sent', provider_id: sms.sent.get(row?.idempotency_key ?? '')?.id });
    }
    expect(sms.requests.find((r) => r.body.to === en.phone)?.body.text).toBe(
      'Verity: your identity verification was not approved (2 reasons). Please read the message centre in your console.',
    );
  });

  it('retries with capped, jittered backoff, gives up after the last attempt, and fails at once on a refusal', async () => {
    expect([0, 0.5, 1].map((r) => retryDelayMs(config, 1, () => r))).toEqual([500, 750, 1000]);
    expect(retryDelayMs(config, 3, () => 1)).toBe(4000);
    expect(retryDelayMs(config, 10, () => 1)).toBe(8000);
    const flaky = contact();
    const down = contact();
    const refused = contact();
    const failures = new Map<string, number>();
    sms.answer = (r) => {
      if (r.body.to === down.phone) return 503;
      if (r.body.to === refused.phone) return 400;
      if (r.body.to !== flaky.phone) return 'ok';
      const n = (failures.get(r.key) ?? 0) + 1;
      failures.set(r.key, n);
      return n <= 2 ? 503 : 'ok';
    };
    try {
      const apps = [];
      for (const c of [flaky, down, refused]) {
        const envelope = await assigned(r1, { contact: { phone: c.phone } });
        await decide(r1, envelope);
        apps.push(envelope.application.id);
      }
      const d = dispatcher('retry-1');
      await d.runOnce();
      const [flakyRow, downRow, refusedRow] = (await Promise.all(apps.map(async (id) => (await byChannel(id, 'sms'))[0]))) as [Row, Row, Row];
      expect(flakyRow).toMatchObject({ state: 'queued', attempts: 1, claimed_by: null });
      expect(flakyRow.last_error).toMatch(/^transient: the SMS provider answered 503/);
      expect(flakyRow.next_attempt_at.getTime() - server.clock.now.getTime()).toBe(750);
      expect(refusedRow).toMatchObject({ state: 'failed', attempts: 1 });
      expect(refusedRow.last_error).toMatch(/^permanent: the SMS provider answered 400/);
      expect(downRow).toMatchObject({ state: 'queued', attempts: 1 });
      // Not due yet: nothing is claimed.
      expect(await d.runOnce()).toBe(0);
      server.clock.advance(750);
      await d.runOnce();
      expect((await byChannel(apps[0] as string, 'sms'))[0]).toMatchObject({ state: 'queued', attempts: 2 });
      server.clock.advance(1500);
      await d.runOnce();
      expect((await byChannel(apps[0] as string, 'sms'))[0]).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
      expect((await byChannel(apps[1] as string, 'sms'))[0]).toMatchObject({ state: 'failed', attempts: 3 });
      expect(sms.requests.filter((r) => r.body.to === refused.phone)).toHaveLength(1);

      // Supervisors see it on the application's audit trail.
      const trail = (await sup.get(`/v1/audit/entries?applicationId=${apps[1] as string}`)).body as AuditEntriesResponse;
      expect(trail.notifications?.map((n) => [n.channel, n.state, n.attempts])).toEqual([
        ['message_centre', 'sent', 0],
        ['sms', 'failed', 3],
      ]);
      expect(trail.notifications?.[1]?.lastError).toMatch(/503/);
    } finally {
      sms.answer = () => 'ok';
    }
  });

  it('never sends an SMS twice when the dispatcher dies between the provider’s acceptance and the mark', async () => {
    const phone = contact().phone;
    const envelope = await assigned(r1, { contact: { phone } });
    await decide(r1, envelope);
    const first = dispatcher('dies');
    sms.answer = async (r): Promise<'ok'> => {
      if (r.body.to !== phone) return 'ok';
      // The provider has the message; the dispatcher is stopped before it hears so, then the provider accepts it.
      await first.stop();
      return 'ok';
    };
    try {
      await first.runOnce();
    } finally {
      sms.answer = () => 'ok';
    }
    const [left] = await byChannel(envelope.application.id, 'sms');
    expect(left).toMatchObject({ state: 'sending', attempts: 1, claimed_by: 'dies' });
    // Another dispatcher leaves it alone while the claim lasts, then sends it again with the same key.
    const restarted = dispatcher('restarted');
    expect(await restarted.runOnce()).toBe(0);
    server.clock.advance(2 * config.sendTimeoutMs);
    expect(await restarted.runOnce()).toBe(1);
    const requests = sms.requests.filter((r) => r.body.to === phone);
    expect(requests.map((r) => r.key)).toEqual([left?.idempotency_key, left?.idempotency_key]);
    expect([...sms.sent.values()].filter((s) => s.request.body.to === phone)).toHaveLength(1);
    expect((await byChannel(envelope.application.id, 'sms'))[0]).toMatchObject({ state: 'sent', attempts: 2, provider_id: sms.sent.get(left?.idempotency_key ?? '')?.id });
    expect(await restarted.runOnce()).toBe(0);
  });

  it('never sends an email twice to a reader when the dispatcher dies between the SMTP server’s acceptance and the mark', async () => {
    const email = contact().email;
    const envelope = await assigned(r1, { contact: { email } });
    await decide(r1, envelope);
    const first = dispatcher('mail-dies');
    smtp.beforeAnswer = async (mail) => {
      if (mail.to.includes(email)) await first.stop();
    };
    try {
      await first.runOnce();
    } finally {
      smtp.beforeAnswer = null;
    }
    const [left] = await byChannel(envelope.application.id, 'email');
    expect(left).toMatchObject({ state: 'sending', claimed_by: 'mail-dies' });
    server.clock.advance(2 * config.sendTimeoutMs);
    await drain(dispatcher('mail-restarted'));
    const mails = smtp.mails.filter((m) => m.to.includes(email));
    expect(mails.map((m) => m.messageId)).toEqual([`<${left?.idempotency_key}@verity.example>`, `<${left?.idempotency_key}@verity.example>`]);
    expect(smtp.delivered().filter((m) => m.to.includes(email))).toHaveLength(1);
    expect((await byChannel(envelope.application.id, 'email'))[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('gives each notification to one dispatcher when several run at once (FOR UPDATE SKIP LOCKED)', async () => {
    const phones = await decidedWithSms(12);
    const before = sms.requests.length;
    await Promise.all(['a', 'b', 'c'].map((n) => drain(dispatcher(`parallel-${n}`))));
    const requests = sms.requests.slice(before).filter((r) => phones.includes(r.body.to));
    expect(requests).toHaveLength(12);
    expect(new Set(requests.map((r) => r.key)).size).toBe(12);
  });

  it('writes a round’s outcomes together: the sends that finish while one mark is written share the next', async () => {
    await drain(dispatcher('before-marks'));
    const phones = await decidedWithSms(6);
    // The provider answers all six at once; the first mark written is held back a moment, as a busy database would.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    sms.answer = async (r): Promise<'ok'> => {
      if (phones.includes(r.body.to)) await gate;
      return 'ok';
    };
    // A claim sets `sending`; every other UPDATE of notifications writes an outcome.
    const isMark = (sql: string) => /^\s*UPDATE notifications\b/.test(sql) && !/SET state = 'sending'/.test(sql);
    let held = false;
    const recorded = recording(server.db, async (sql) => {
      if (!isMark(sql) || held) return;
      held = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    const d = new NotificationDispatcher(recorded.db, { senders: sendersOf(config), policy: config, now: () => server.clock.now, log: () => undefined, name: 'marks-together' });
    try {
      const round = d.runOnce();
      while (sms.requests.filter((r) => phones.includes(r.body.to)).length < 6) await new Promise((resolve) => setTimeout(resolve, 10));
      release();
      expect(await round).toBe(6);
    } finally {
      sms.answer = () => 'ok';
    }
    const rows = await server.db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM notifications WHERE recipient = ANY($1::text[]) GROUP BY state`, [phones]);
    expect(rows).toEqual([{ state: 'sent', n: 6 }]);
    // One write per mark was six statements, each its own commit (a WAL flush); now the first and then the other five.
    const marks = recorded.statements.filter((st) => isMark(st.sql)).length;
    expect(marks).toBeGreaterThanOrEqual(1);
    expect(marks).toBeLessThanOrEqual(2);
  });

  it('claims again at once only after a full batch: a round that took everything due waits pollMs', async () => {
    await drain(dispatcher('before-poll'));
    const phones = await decidedWithSms(3);
    const recorded = recording(server.db);
    const isClaim = (sql: string) => /^\s*UPDATE notifications\b/.test(sql) && /SET state = 'sending'/.test(sql);
    const d = new NotificationDispatcher(recorded.db, { senders: sendersOf(config), policy: { ...config, pollMs: 60_000 }, now: () => server.clock.now, log: () => undefined, name: 'trickle' });
    d.start();
    try {
      const sent = () => server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE recipient = ANY($1::text[]) AND state = 'sent'`, [phones]);
      for (let n = 0; n < 500 && (await sent())[0]?.n !== 3; n += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await sent())[0]?.n).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Three claimed of a batch of fifty: nothing more was due, so no second claim until the poll.
      expect(recorded.statements.filter((st) => isClaim(st.sql))).toHaveLength(1);
    } finally {
      await d.stop();
    }
  });
});

describe('the server’s start path', () => {
  it('runs the dispatcher: a decision’s SMS reaches the provider without anyone calling it', async () => {
    const receiver = await startSmsReceiver();
    const own = await startTestServer({ notifications: { sms: { url: receiver.url }, pollMs: 20 } });
    try {
      const i = await new TestClient(own.url, () => own.clock.now).signIn('intake');
      const r = await new TestClient(own.url, () => own.clock.now).signIn('reviewer1');
      const s = await new TestClient(own.url, () => own.clock.now).signIn('supervisor1');
      const submitted = (await i.post('/v1/applications', {
        accountId: 'START-1', kind: 'individual', registrationLocation: 'CN', identity: person(), icp: noIcp, applicantLanguage: 'en',
        documents: intakeDocuments(person(), jpeg), contact: { phone: '+8613900000000' },
      })).body as ApplicationEnvelope;
      await s.post(`/v1/applications/${submitted.application.id}/assign`, { reviewer: 'reviewer1' });
      const envelope = ((await r.get('/v1/changes?limit=10')).body as ChangesResponse).changes.at(-1) as ApplicationEnvelope;
      await r.post('/v1/mutations:batch', { deviceId: 'start-device', mutations: [decisionMutation(envelope, 'reviewer1', own.clock.now)] });
      for (let n = 0; n < 200 && receiver.sent.size === 0; n += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect([...receiver.sent.values()].map((s) => s.request.body.to)).toEqual(['+8613900000000']);
    } finally {
      await own.close();
      await receiver.close();
    }
  });
});
