// Retention's purge in the case store, for what the end-to-end test (electron/api/retention.test.ts) does not look at:
// the cached R2/R3 lists (they name other applicants), the QA queue's copies of the decision (they carry the
// applicant's name) and the decision's message to the applicant go with the case's applicant data; copies of other
// cases stay, and so do the decision and the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import type { JudgedOn } from '../../../shared/contract/cases';
import type { DecisionLogEntry } from '../../../shared/contract/supervision';
import type { WithdrawalRecord } from '../../../shared/contract/withdrawals';
import type { Application, Person } from '../../../shared/domain';
import { generateApplications, seedEpoch } from '../seed';
import { checkedPerson } from '../../../tests/support/identities';
import { reviewer, tempStore, type TempStore } from '../../../tests/support/store';
import { REMOVED } from './retention';

let t: TempStore | null = null;
afterEach(() => t?.cleanup());

const DAY_MS = 24 * 60 * 60 * 1000;
const MARKER = 'MARKER-7Q2Z';

describe('retention purge: cached copies and the applicant message', () => {
  it('removes the linked-account lists, QA queue copies and applicant message of a purged case, and nothing of another', async () => {
    t = await tempStore(30, 5);
    const [purged] = t.store.listQueue({ assignee: reviewer.id, limit: 1 }).items;
    const kept = t.store.listQueue({ limit: 5 }).items.find((item) => item.id !== purged!.id);
    await t.store.openCase(purged!.id, { actor: reviewer, deviceId: 'device-test', online: true });
    await t.store.recordDecision(
      { applicationId: purged!.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: `Dear ${MARKER}, your photo is blurred.`, internalNote: '', overrideNote: null },
      reviewer,
      'device-test',
      true,
    );
    // Synced: the central service took the decision.
    t.db.prepare(`UPDATE outbox SET state = 'applied', settled_at = ? WHERE application_id = ?`).run(seedEpoch.getTime(), purged!.id);
    const queueCopy = t.db.prepare(`INSERT INTO quality_queue (stage, position, decision_id, reviewer, body) VALUES ('quality', ?, ?, ?, ?)`);
    queueCopy.run(1, 'decision-purged', reviewer.id, JSON.stringify({ decision: { applicationId: purged!.id, applicantName: MARKER }, sampledFor: 'quality' }));
    queueCopy.run(2, 'decision-kept', reviewer.id, JSON.stringify({ decision: { applicationId: kept!.id, applicantName: 'Kept Name' }, sampledFor: 'quality' }));
    const linked = t.db.prepare(`INSERT INTO linked_accounts (application_id, body, stored_at) VALUES (?, ?, ?)`);
    linked.run(purged!.id, JSON.stringify({ applicationId: purged!.id, accounts: [{ displayName: `${MARKER} relative` }] }), seedEpoch.getTime());
    linked.run(kept!.id, JSON.stringify({ applicationId: kept!.id, accounts: [{ displayName: 'Kept relative' }] }), seedEpoch.getTime());
    const auditBefore = t.store.verifyAudit();

    const removed = await t.store.purgeApplicantData({ kind: 'retention', before: seedEpoch.getTime() + 60 * DAY_MS }, { deviceId: 'device-test', online: true });
    expect(removed.applications).toBeGreaterThanOrEqual(1);
    const purgedAt = t.db.prepare('SELECT purged_at FROM applications WHERE id = ?').pluck();
    expect([purgedAt.get(purged!.id) !== null, purgedAt.get(kept!.id)]).toEqual([true, null]);

    expect(t.db.prepare('SELECT application_id FROM linked_accounts ORDER BY application_id').pluck().all()).toEqual([kept!.id]);
    expect(t.db.prepare('SELECT decision_id FROM quality_queue').pluck().all()).toEqual(['decision-kept']);
    expect(t.db.prepare('SELECT applicant_message FROM decisions WHERE application_id = ?').pluck().all(purged!.id)).toEqual([REMOVED]);
    // The decision itself stays, and the audit trail grows by the one entry saying what went.
    expect(t.db.prepare('SELECT outcome FROM decisions WHERE application_id = ?').pluck().all(purged!.id)).toEqual(['reject']);
    const auditAfter = t.store.verifyAudit();
    expect(auditAfter).toEqual({ ok: true, count: auditBefore.count + 1 });
    // The marker is nowhere in the store's rows.
    const tables = t.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    for (const table of tables) expect(JSON.stringify(t.db.prepare(`SELECT * FROM "${table}"`).all())).not.toContain(MARKER);
  });
});

/** Every row of every table of the store, as text. */
function storeText(store: TempStore): string {
  const tables = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  return tables.map((table) => JSON.stringify(store.db.prepare(`SELECT * FROM "${table}"`).all())).join('\n');
}

const supervisor: Person = { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' };
const iso = (ms: number) => new Date(ms).toISOString();

function logEntry(id: string, name: string, at: number): DecisionLogEntry {
  return {
    id,
    applicationId: `VA-${id.slice(0, 8)}`,
    kind: 'individual',
    applicantName: name,
    reviewer: 'reviewer1',
    outcome: 'approve',
    reasonCodes: [],
    overriddenRules: ['R1'],
    overrideNote: `${name} registered before 2020.`,
    flags: [],
    decidedAt: iso(at),
    appliedAt: iso(at + 1000),
    offline: false,
    deviceId: 'device-1',
    openedAt: null,
    dueAt: null,
    handlingMs: null,
    withinDeadline: null,
    effect: 'in_effect',
    reviews: [{ supervisor: 'supervisor2', stage: 'quality', verdict: 'agree', reason: `Checked ${name}'s registration.`, reviewedAt: iso(at + 2000) }],
  };
}

function withdrawal(applicationId: string, name: string, at: number): WithdrawalRecord {
  return { applicationId, kind: 'individual', applicantName: name, reviewer: 'reviewer1', reviewerName: 'Reviewer One', submittedAt: iso(at - DAY_MS), ticketRef: 'SUP-900001', withdrawnAt: iso(at), withdrawnBy: 'intake' };
}

describe("retention purge: a supervisor's copies", () => {
  it('takes applicant text out of the decision log, the withdrawals and the verdicts older than the period; all of it when the device leaves service', async () => {
    // A supervisor's workstation: no cases of its own, copies of everyone's.
    t = await tempStore();
    const before = seedEpoch.getTime() + 60 * DAY_MS;
    const oldAt = seedEpoch.getTime() - DAY_MS;
    const newAt = seedEpoch.getTime() + 70 * DAY_MS;
    const [oldName, newName, oldWithdrawn, newWithdrawn] = ['Old Logged', 'New Logged', 'Old Withdrawn', 'New Withdrawn'].map((n) => `${MARKER} ${n}`) as [string, string, string, string];
    const oldId = '01900000-0000-7000-8000-000000000001';
    const newId = '01900000-0000-7000-8000-000000000002';
    await t.store.storeDecisionLog([logEntry(oldId, oldName, oldAt), logEntry(newId, newName, newAt)], iso(newAt));
    await t.store.storeWithdrawalLog([withdrawal('VA-W-OLD', oldWithdrawn, oldAt), withdrawal('VA-W-NEW', newWithdrawn, newAt)], iso(newAt));
    // A verdict answered long ago (settled at the store's clock, before the cut-off), and one still queued.
    const answered = await t.store.recordSupervision({ type: 'review', decisionId: oldId, verdict: 'overturn', reason: `Spoke to ${oldName}: not their photo.` }, supervisor, 'device-s', true);
    await t.store.settleSupervision([{ id: answered.mutation.id, status: 'applied' }]);
    await t.store.recordSupervision({ type: 'review', decisionId: newId, verdict: 'overturn', reason: `Spoke to ${newName}: not their photo.` }, supervisor, 'device-s', false);
    await t.store.storeQualityQueue('quality', [{ decision: logEntry(newId, newName, newAt), sampledFor: ['random'] }], iso(newAt));
    const auditBefore = t.store.verifyAudit();

    const retained = await t.store.purgeApplicantData({ kind: 'retention', before }, { deviceId: 'device-s', online: true });
    // The old log entry (with the verdict shown in it), the old withdrawal and the answered verdict.
    expect(retained).toMatchObject({ applications: 0, copies: 3 });
    let text = storeText(t);
    for (const gone of [oldName, oldWithdrawn]) expect(text).not.toContain(gone);
    for (const kept of [newName, newWithdrawn]) expect(text).toContain(kept);
    // The rows stay, so the log's filters and counts still hold them; the name is gone from them and from its search.
    const log = t.store.decisionLog({ limit: 50 });
    expect(log.items.map((e) => [e.id, e.applicantName, e.overrideNote, e.reviews.map((r) => r.reason)])).toEqual([
      [newId, newName, `${newName} registered before 2020.`, [`Checked ${newName}'s registration.`]],
      [oldId, REMOVED, REMOVED, [REMOVED, REMOVED]],
    ]);
    expect(t.store.decisionLog({ text: 'old logged', limit: 50 }).total).toBe(0);
    const withdrawals = t.store.withdrawalLog({ limit: 50 });
    expect(withdrawals.items.map((w) => [w.applicationId, w.applicantName])).toEqual([['VA-W-NEW', newWithdrawn], ['VA-W-OLD', REMOVED]]);
    expect(withdrawals.counts.kind.individual).toBe(2);
    expect(t.store.supervisionOutbox().map((a) => a.mutation.type === 'review' && a.mutation.reason)).toEqual([`Spoke to ${newName}: not their photo.`]);
    // One audit entry says what went; a second pass finds nothing more to do and writes nothing.
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: auditBefore.count + 1 });
    expect(await t.store.purgeApplicantData({ kind: 'retention', before }, { deviceId: 'device-s', online: true })).toMatchObject({ applications: 0, copies: 0 });
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: auditBefore.count + 1 });

    // Leaving service: every copy, the queued verdict's reason and the QA queue too.
    await t.store.purgeApplicantData({ kind: 'all' }, { deviceId: 'device-s', online: true });
    text = storeText(t);
    expect(text).not.toContain(MARKER);
    expect(t.store.decisionLog({ limit: 50 }).total).toBe(2);
    expect(t.store.verifyAudit()).toEqual({ ok: true, count: auditBefore.count + 2 });
  });

  it("removes the applicant from a refused decision's copy of the central service's application and from the name search's index when the device leaves service", async () => {
    t = await tempStore(30, 5);
    const [refused] = t.store.listQueue({ assignee: reviewer.id, limit: 1 }).items;
    const application = (await t.store.getCase(refused!.id)).application as Application;
    if (application.identity.kind !== 'individual') throw new Error('an individual application expected');
    const { fullName, documentNumber } = application.identity;
    const decision = await t.store.recordDecision(
      { applicationId: refused!.id, outcome: 'approve', reasonCodes: [], applicantMessage: 'Approved.', internalNote: '', overrideNote: null },
      reviewer,
      'device-test',
      true,
    );
    await t.store.settleMutations([{ id: decision.mutationId, status: 'rejected', reason: 'stale', current: application }]);
    expect(storeText(t)).toContain(fullName);
    // The trigram index's segments, as bytes: a name of three characters (李一诺) is one whole term in them.
    const names = t.db.prepare(`SELECT display_name FROM applications`).pluck().all() as string[];
    const indexed = () => {
      const blocks = Buffer.concat(t!.db.prepare(`SELECT block FROM application_search_data`).pluck().all() as Buffer[]);
      return names.filter((name) => blocks.includes(Buffer.from(name, 'utf8')));
    };
    expect(indexed().length).toBeGreaterThan(0);

    await t.store.purgeApplicantData({ kind: 'all' }, { deviceId: 'device-test', online: true });
    const text = storeText(t);
    expect(text).not.toContain(fullName);
    expect(text).not.toContain(documentNumber);
    expect(indexed()).toEqual([]);
  });
});

describe('retention purge: flags that quote the applicant', () => {
  const entered = '1949-12-30';
  const inNumber = '1949-12-31';
  const blanked = { rule: 'R9', severity: 'warning', reason: 'birth_date_differs', facts: { entered: REMOVED, inNumber: REMOVED } };

  it("blanks R9's dates of birth in the stored flags and in what the decision was judged on, keeping the flag", async () => {
    t = await tempStore();
    const base = generateApplications(1, 7)[0]!;
    const id = 'VA-DOB-1';
    // The entered date of birth differs from the one in the ID card's number: R9 warns, quoting both.
    const application = { ...base.application, id, status: 'queued', version: 3, assignee: reviewer.id, identity: { ...checkedPerson, dateOfBirth: entered } } as Application;
    await t.store.upsertApplications([{ ...base, application, documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}` })) }]);
    await t.store.openCase(id, { actor: reviewer, deviceId: 'device-test', online: true });
    const decision = await t.store.recordDecision(
      { applicationId: id, outcome: 'reject', reasonCodes: ['document_unreadable'], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null },
      reviewer,
      'device-test',
      true,
    );
    await t.store.settleMutations([{ id: decision.mutationId, status: 'applied', serverVersion: 4 }]);
    const storedFlags = () => t!.db.prepare(`SELECT rule, reason, facts FROM flags WHERE application_id = ? AND rule = 'R9'`).all(id) as { facts: string }[];
    const judgedFlags = () => (JSON.parse(t!.db.prepare('SELECT judged_on FROM decisions WHERE application_id = ?').pluck().get(id) as string) as JudgedOn).flags.filter((f) => f.rule === 'R9');
    expect(storedFlags().map((f) => JSON.parse(f.facts) as unknown)).toEqual([{ entered, inNumber }]);
    expect(judgedFlags()).toEqual([expect.objectContaining({ reason: 'birth_date_differs', facts: { entered, inNumber } })]);

    await t.store.purgeApplicantData({ kind: 'retention', before: seedEpoch.getTime() + 3650 * DAY_MS }, { deviceId: 'device-test', online: true });
    expect(storedFlags().map((f) => ({ ...f, facts: JSON.parse(f.facts) as unknown }))).toEqual([{ rule: 'R9', reason: 'birth_date_differs', facts: blanked.facts }]);
    expect(judgedFlags()).toEqual([expect.objectContaining(blanked)]);
    const text = storeText(t);
    for (const date of [entered, inNumber, entered.replaceAll('-', ''), inNumber.replaceAll('-', '')]) expect(text).not.toContain(date);
  });

  it("blanks them in a supervisor's decision log copy", async () => {
    t = await tempStore();
    const id = '01900000-0000-7000-8000-000000000003';
    const at = seedEpoch.getTime() - DAY_MS;
    const flag = { rule: 'R9' as const, severity: 'warning' as const, reason: 'birth_date_differs', overridable: false, facts: { entered, inNumber } };
    await t.store.storeDecisionLog([{ ...logEntry(id, 'Dob Person', at), flags: [flag] }], iso(at));
    const before = seedEpoch.getTime() + 60 * DAY_MS;
    expect(await t.store.purgeApplicantData({ kind: 'retention', before }, { deviceId: 'device-s', online: true })).toMatchObject({ copies: 1 });
    expect(t.store.decisionLog({ limit: 50 }).items.map((e) => e.flags)).toEqual([[{ ...flag, facts: blanked.facts }]]);
    expect(storeText(t)).not.toContain(entered);
    // Nothing more to do on a second pass.
    expect(await t.store.purgeApplicantData({ kind: 'retention', before }, { deviceId: 'device-s', online: true })).toMatchObject({ copies: 0 });
  });
});

describe('retention purge: refused decisions', () => {
  it('holds back a case while its refusal needs attention, and purges it once the refusal is resolved and the case decided again', async () => {
    t = await tempStore();
    const base = generateApplications(1, 7)[0]!;
    const id = 'VA-REFUSED-1';
    const application = { ...base.application, id, status: 'queued', version: 3, assignee: reviewer.id } as Application;
    await t.store.upsertApplications([{ ...base, application, documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}` })) }]);
    const by = { actor: reviewer, deviceId: 'device-test', online: true };
    const reject = { applicationId: id, outcome: 'reject' as const, reasonCodes: ['document_unreadable' as const], applicantMessage: 'Please upload a sharper photo.', internalNote: '', overrideNote: null };
    const first = await t.store.recordDecision(reject, reviewer, 'device-test', true);
    // Refused as stale; the central service's copy comes back with the next pull, and the reviewer decides again.
    await t.store.settleMutations([{ id: first.mutationId, status: 'rejected', reason: 'stale', current: { ...application, version: 4 } }]);
    await t.store.upsertApplications([{ ...base, application: { ...application, version: 4 }, documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}` })) }]);
    const second = await t.store.recordDecision(reject, reviewer, 'device-test', true);
    await t.store.settleMutations([{ id: second.mutationId, status: 'applied', serverVersion: 5 }]);
    const retention = { kind: 'retention' as const, before: seedEpoch.getTime() + 3650 * DAY_MS };
    const purged = t.db.prepare('SELECT purged_at IS NOT NULL FROM applications WHERE id = ?').pluck();

    // Unresolved (still in "needs attention"): the reviewer has yet to say what was done about it.
    expect(t.store.needsAttention()).toEqual([expect.objectContaining({ mutationId: first.mutationId, reDecided: true })]);
    expect(await t.store.purgeApplicantData(retention, { deviceId: 'device-test', online: true })).toMatchObject({ applications: 0 });
    expect(purged.get(id)).toBe(0);
    expect(t.store.unsyncedDecisions()).toEqual([expect.objectContaining({ applicationId: id, state: 'rejected' })]);

    // Resolved: the refusal's outbox row stays `rejected`, but it no longer holds the case back.
    await t.store.resolveAttention(first.mutationId, 're_decided', by);
    expect(t.db.prepare('SELECT state FROM outbox WHERE id = ?').pluck().get(first.mutationId)).toBe('rejected');
    expect(await t.store.purgeApplicantData(retention, { deviceId: 'device-test', online: true })).toMatchObject({ applications: 1 });
    expect(purged.get(id)).toBe(1);
    // Nor is it named as a decision "Remove all applicant data" would lose: what was done about it is on the record.
    expect(t.store.unsyncedDecisions()).toEqual([]);
  });
});
