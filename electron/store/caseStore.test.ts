import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import { uuidv7Pattern } from '../../shared/ids';
import { applicationStatuses } from '../../shared/vocabulary';
import { isOpen } from '../../shared/lifecycle';
import { internalsOf } from './open';
import type { CaseStore } from './types';
import { generateApplications, hostileNames, seedEpoch, type SeedRecord } from './seed';
import { reviewer, tempStore, type TempStore } from '../../tests/support/store';

const HOUR = 3_600_000;

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'no error';
}

/** A clean, decidable individual application: no flag blocks approving it. */
function cleanRecord(id: string, overrides: Partial<Application> = {}): SeedRecord {
  const base = generateApplications(1, 99)[0]!;
  return {
    application: {
      ...base.application,
      id,
      kind: 'individual',
      status: 'queued',
      version: 3,
      // The case is the test reviewer's: a reviewer decides only the cases assigned to them.
      assignee: reviewer.id,
      registrationLocation: 'CN',
      identity: { kind: 'individual', fullName: '测试 Clean', documentType: 'id_card', documentNumber: '110101199001011237', issuingLocation: 'CN' },
      currentIdentity: null,
      changeDirection: null,
      icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
      submittedAt: new Date(seedEpoch.getTime() - 2 * HOUR).toISOString(),
      ...overrides,
    },
    documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}`, quality: d.quality && { ...d.quality, lowResolution: false, blurry: false, underExposed: false, overExposed: false, glare: false } })),
    facts: { accountsVerifiedWithDocument: 0, enterpriseAccountsVerified: 0, lastVerifiedAt: null },
  };
}

const approve = (applicationId: string, overrideNote: string | null = null) => ({
  applicationId,
  outcome: 'approve' as const,
  reasonCodes: [],
  applicantMessage: 'Your identity is verified.',
  internalNote: '',
  overrideNote,
});
const reject = (applicationId: string) => ({
  applicationId,
  outcome: 'reject' as const,
  reasonCodes: ['document_unreadable' as const],
  applicantMessage: 'Please upload a sharper photo.',
  internalNote: 'blurred',
  overrideNote: null,
});

describe('case store: queue', () => {
  let t: TempStore;
  let store: CaseStore;
  let records: SeedRecord[];
  beforeAll(async () => {
    t = await tempStore();
    store = t.store;
    records = generateApplications(1200, 5);
    await store.upsertApplications(records);
  });
  afterAll(() => t.cleanup());

  it('pages the whole open queue in due order with an opaque cursor, no duplicates, no gaps', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let lastKey = '';
    do {
      const page = store.listQueue({ limit: 97, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        const key = `${item.dueAt}|${item.submittedAt}|${item.id}`;
        expect(key > lastKey).toBe(true);
        lastKey = key;
        seen.push(item.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const open = records.filter((r) => isOpen(r.application.status));
    expect(seen.length).toBe(open.length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a cursor from other filters or a forged one', async () => {
    const page = store.listQueue({ limit: 5 });
    expect(await codeOf(() => store.listQueue({ limit: 5, kind: 'enterprise', cursor: page.nextCursor! }))).toBe('bad_cursor');
    expect(await codeOf(() => store.listQueue({ cursor: 'not-a-cursor' }))).toBe('bad_cursor');
  });

  it('filters by kind, status, assignee, flag and due window, each matching a direct count', async () => {
    const all = (q: Parameters<CaseStore['listQueue']>[0]) => {
      const items = [];
      let cursor: string | undefined;
      do {
        const page = store.listQueue({ ...q, limit: 37, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    const open = (r: SeedRecord) => isOpen(r.application.status);
    expect(all({ kind: 'change' }).length).toBe(records.filter((r) => open(r) && r.application.kind === 'change').length);
    expect(all({ status: 'withdrawn' }).length).toBe(records.filter((r) => r.application.status === 'withdrawn').length);
    expect(all({ status: 'all' }).length).toBe(records.length);
    expect(all({ assignee: 'reviewer-03' }).every((i) => i.assignee === 'reviewer-03')).toBe(true);
    const r2 = all({ flag: 'R2' });
    expect(r2.length).toBeGreaterThan(0);
    expect(r2.every((i) => i.flags.some((f) => f.rule === 'R2'))).toBe(true);
    const counts = store.queueCounts();
    for (const rule of ['R1', 'R2', 'R3', 'R4', 'R5', 'R8'] as const) expect(all({ flag: rule }).length).toBe(counts.byFlag[rule]);
    expect(all({ flag: 'R7' }).length).toBe(counts.byFlag.R7);
    const overdue = all({ due: 'overdue' });
    expect(overdue.length).toBe(counts.byDue.overdue);
    expect(overdue.every((i) => i.deadline === 'overdue')).toBe(true);
    const escalated = all({ due: 'escalated' });
    expect(escalated.length).toBe(counts.byDue.escalated);
    expect(escalated.every((i) => i.deadline === 'escalated')).toBe(true);
    expect(all({ due: 'due_today' }).length).toBe(counts.byDue.dueToday);
    const combined = all({ kind: 'individual', flag: 'R1', due: 'overdue' });
    expect(combined.every((i) => i.kind === 'individual' && i.deadline === 'overdue' && i.flags.some((f) => f.rule === 'R1'))).toBe(true);
  });

  it("marks a case open exactly when the lifecycle says it waits for a decision (the store's generated column)", async () => {
    const rows = t.db.prepare('SELECT status, open FROM applications').all() as { status: (typeof applicationStatuses)[number]; open: number }[];
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(applicationStatuses));
    for (const row of rows) expect(row.open === 1, row.status).toBe(isOpen(row.status));
  });

  it('counts per status match the applications', async () => {
    const counts = store.queueCounts();
    for (const status of applicationStatuses) {
      expect(counts.byStatus[status]).toBe(records.filter((r) => r.application.status === status).length);
    }
    expect(counts.conflicts).toBe(0);
  });

  it('finds cases by application id prefix, account id prefix, name prefix and name substring', async () => {
    const target = records.find((r) => r.application.identity.kind === 'individual' && /^[A-Z]/.test(r.application.identity.fullName))!;
    const name = target.application.identity.kind === 'individual' ? target.application.identity.fullName : '';
    expect(store.listQueue({ status: 'all', text: target.application.id }).items.map((i) => i.id)).toEqual([target.application.id]);
    expect(store.listQueue({ status: 'all', text: target.application.accountId.slice(0, 12) }).items.map((i) => i.id)).toContain(target.application.id);
    expect(store.listQueue({ status: 'all', text: name.slice(0, 2).toLowerCase(), limit: 200 }).items.length).toBeGreaterThan(0);
    const lastName = name.split(' ').slice(1).join(' ');
    const bySurname = store.listQueue({ status: 'all', text: lastName.toUpperCase(), limit: 200 }).items;
    expect(bySurname.every((i) => i.displayName.toLowerCase().includes(lastName.toLowerCase()))).toBe(true);
    expect(bySurname.map((i) => i.id)).toContain(target.application.id);
    const chinese = records.find((r) => r.application.identity.kind === 'enterprise' && r.application.identity.enterpriseName.endsWith('有限公司'))!;
    const company = chinese.application.identity.kind === 'enterprise' ? chinese.application.identity.enterpriseName : '';
    expect(store.listQueue({ status: 'all', text: company.slice(2, 6), limit: 200 }).items.map((i) => i.id)).toContain(chinese.application.id);
    // FTS syntax in the text is searched for, not executed.
    expect(store.listQueue({ status: 'all', text: '" OR * NEAR(' }).items).toEqual([]);
  });

  it('keeps hostile names as plain text', async () => {
    const found = store.listQueue({ status: 'all', text: '<img src=x', limit: 200 }).items;
    expect(found.some((i) => i.displayName === hostileNames[0])).toBe(true);
    const sql = store.listQueue({ status: 'all', text: "robert'); drop", limit: 10 }).items;
    expect(sql.map((i) => i.displayName)).toContain(hostileNames[1]);
    expect(store.queueCounts().byStatus).toBeDefined();
  });
});

describe('case store: decisions, audit and outbox', () => {
  let t: TempStore;
  let store: CaseStore;
  beforeAll(async () => {
    t = await tempStore();
    store = t.store;
  });
  afterAll(() => t.cleanup());

  it('records a decision, its audit entry and its outbox mutation together and moves the status', async () => {
    await store.upsertApplications([cleanRecord('A-1')]);
    const decision = await store.recordDecision(approve('A-1'), reviewer, 'device-1', false);
    expect(decision.id).toMatch(uuidv7Pattern);
    expect(decision.mutationId).toMatch(uuidv7Pattern);
    expect(decision).toMatchObject({ applicationId: 'A-1', outcome: 'approve', baseVersion: 3, sync: 'pending', online: false, deviceId: 'device-1' });
    const c = store.getCase('A-1');
    expect(c.application.status).toBe('approved');
    expect(c.decisions.map((d) => d.id)).toEqual([decision.id]);
    expect(c.audit.map((a) => a.action)).toEqual(['decision_recorded']);
    expect(c.audit[0]).toMatchObject({ actor: { id: reviewer.id }, deviceId: 'device-1', online: false });
    const pending = store.pendingMutations(10, reviewer.id);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toEqual(decision);
    expect(store.outboxCounts()).toEqual({ pending: 1, applied: 0, rejected: 0 });
    expect(store.listQueue({ status: 'approved' }).items[0]).toMatchObject({ id: 'A-1', pendingSync: true });
  });

  it('refuses a second decision, a withdrawn case, an unknown case and a submitted one', async () => {
    expect(await codeOf(() => store.recordDecision(reject('A-1'), reviewer, 'device-1', true))).toBe('already_decided');
    await store.upsertApplications([cleanRecord('A-2', { status: 'withdrawn' }), cleanRecord('A-3', { status: 'submitted' })]);
    expect(await codeOf(() => store.recordDecision(reject('A-2'), reviewer, 'device-1', true))).toBe('application_withdrawn');
    expect(await codeOf(() => store.recordDecision(reject('nope'), reviewer, 'device-1', true))).toBe('case_not_found');
    expect(await codeOf(() => store.recordDecision(approve('A-3'), reviewer, 'device-1', true))).toBe('illegal_transition');
    expect(store.outboxCounts().pending).toBe(1);
  });

  it('blocks approval on a blocking flag, naming the rule; R1 yields to an override note', async () => {
    const r2 = cleanRecord('A-4');
    r2.facts.accountsVerifiedWithDocument = 1;
    const r1 = cleanRecord('A-5', { identity: { kind: 'individual', fullName: 'Ana Silva', documentType: 'passport', documentNumber: 'P1234567', issuingLocation: 'BR' } });
    await store.upsertApplications([r2, r1]);
    let message = '';
    try {
      await store.recordDecision(approve('A-4', 'I checked it'), reviewer, 'device-1', true);
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('approval_blocked');
      message = (err as DomainError).message;
    }
    expect(message).toMatch(/R2/);
    // Rejecting is always possible (short of R6).
    expect((await store.recordDecision(reject('A-4'), reviewer, 'device-1', true)).outcome).toBe('reject');
    expect(await codeOf(() => store.recordDecision(approve('A-5'), reviewer, 'device-1', true))).toBe('approval_blocked');
    expect(await codeOf(() => store.recordDecision(approve('A-5', '   '), reviewer, 'device-1', true))).toBe('approval_blocked');
    const decision = await store.recordDecision(approve('A-5', 'Resident permit seen on video call'), reviewer, 'device-1', true);
    expect(decision.overriddenRules).toEqual(['R1']);
    expect(decision.overrideNote).toBe('Resident permit seen on video call');
  });

  it('records opening a case as an audit entry in the same call', async () => {
    await store.upsertApplications([cleanRecord('A-6')]);
    const opened = await store.openCase('A-6', { actor: reviewer, deviceId: 'device-2', online: true });
    expect(opened.audit.at(-1)).toMatchObject({ action: 'documents_opened', deviceId: 'device-2', online: true, actor: { id: reviewer.id } });
    expect(opened.audit.at(-1)?.details.documents).toEqual(opened.documents.map((d) => d.id));
    expect(store.getCase('A-6').audit).toHaveLength(1);
    expect(await codeOf(() => store.openCase('missing', { actor: reviewer, deviceId: 'd', online: true }))).toBe('case_not_found');
  });

  it('computes R7 at read time from the deadline', async () => {
    await store.upsertApplications([cleanRecord('A-7', { submittedAt: new Date(seedEpoch.getTime() - 9 * 24 * HOUR).toISOString() })]);
    const c = store.getCase('A-7');
    expect(c.deadline).toBe('overdue');
    expect(c.flags.find((f) => f.rule === 'R7')).toMatchObject({ severity: 'warning', reason: 'overdue' });
    expect(t.db.prepare(`SELECT count(*) AS n FROM flags WHERE rule = 'R7'`).get()).toEqual({ n: 0 });
  });

  it('keeps the local decision when the central service changes the case meanwhile, and marks a conflict', async () => {
    await store.upsertApplications([cleanRecord('A-8')]);
    const { mutationId } = await store.recordDecision(approve('A-8'), reviewer, 'device-1', false);
    const withdrawn = cleanRecord('A-8', { status: 'withdrawn', version: 4 });
    const result = await store.upsertApplications([withdrawn]);
    expect(result).toMatchObject({ conflicts: 1, inserted: 0, updated: 0 });
    const c = store.getCase('A-8');
    expect(c.application.status).toBe('approved');
    expect(c.conflict).toMatchObject({ reason: 'withdrawn', serverVersion: 4, serverStatus: 'withdrawn' });
    expect(store.queueCounts().conflicts).toBe(1);
    // The server refuses the decision: its view (the parked withdrawal) replaces the local one.
    await store.markMutationRejected(mutationId, 'withdrawn', null);
    const after = store.getCase('A-8');
    expect(after.application.status).toBe('withdrawn');
    expect(after.conflict).toBeNull();
    expect(after.decisions[0]).toMatchObject({ sync: 'rejected', rejectedReason: 'withdrawn' });
    expect(store.queueCounts().conflicts).toBe(0);
  });

  it('shows a decided case with the flags it was decided on, and today’s facts apart; the queue row too', async () => {
    const before = new Date(seedEpoch.getTime() - 45 * 24 * HOUR).toISOString();
    const change = cleanRecord('A-30', {
      kind: 'change',
      changeDirection: 'individual_to_individual',
      currentIdentity: { kind: 'individual', fullName: '测试 Before', documentType: 'id_card', documentNumber: '110101198001011234', issuingLocation: 'CN' },
    });
    await store.upsertApplications([{ ...change, facts: { ...change.facts, lastVerifiedAt: before } }]);
    expect(store.getCase('A-30').flags.some((f) => f.rule === 'R4')).toBe(false);
    const decision = await store.recordDecision(approve('A-30'), reviewer, 'device-1', true);
    expect(decision.judgedOn).toEqual({ flags: store.getCase('A-30').flags, lastVerifiedAt: before });
    await store.settleMutations([{ id: decision.mutationId, status: 'applied', serverVersion: 4 }]);
    // The central service's record after the approval: the account's last verification is this approval itself.
    const approvedAt = seedEpoch.toISOString();
    await store.upsertApplications([{ ...change, application: { ...change.application, status: 'approved', version: 5 }, facts: { ...change.facts, lastVerifiedAt: approvedAt } }]);

    const c = store.getCase('A-30');
    expect(c.flagsAsOf).toEqual({ kind: 'decision', decisionId: decision.id, decidedAt: decision.decidedAt });
    expect(c.flags.some((f) => f.rule === 'R4')).toBe(false);
    expect(c.lastVerifiedAt).toBe(before);
    // Today's facts, apart and for information: the cooldown counted from the approval itself.
    expect(c.current?.lastVerifiedAt).toBe(approvedAt);
    expect(c.current?.flags).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'R4', severity: 'blocking' })]));
    const row = store.listQueue({ status: 'approved', text: 'A-30' }).items.find((i) => i.id === 'A-30');
    expect(row?.flags.some((f) => f.rule === 'R4')).toBe(false);
    // A case still open is judged now.
    expect(store.getCase('A-1').flagsAsOf).toEqual({ kind: 'decision', decisionId: expect.any(String), decidedAt: expect.any(String) });
    await store.upsertApplications([cleanRecord('A-31')]);
    expect(store.getCase('A-31')).toMatchObject({ flagsAsOf: { kind: 'now' }, current: null });
  });

  it('marks a mutation applied (idempotently) and takes the server version', async () => {
    await store.upsertApplications([cleanRecord('A-9')]);
    const { mutationId } = await store.recordDecision(reject('A-9'), reviewer, 'device-1', true);
    await store.settleMutations([{ id: mutationId, status: 'applied', serverVersion: 4 }]);
    expect(await store.settleMutations([{ id: mutationId, status: 'applied', serverVersion: 4 }])).toEqual({ settled: 1, skipped: [] });
    expect(store.getCase('A-9').application.version).toBe(4);
    expect(store.getCase('A-9').decisions[0]?.sync).toBe('applied');
    expect(await codeOf(() => store.markMutationRejected(mutationId, 'stale', null))).toBe('mutation_settled');
    expect((await store.settleMutations([{ id: 'missing', status: 'applied', serverVersion: 1 }])).skipped).toEqual([{ id: 'missing', code: 'mutation_not_found' }]);
    // A stale record from the server does not roll the case back.
    expect((await store.upsertApplications([cleanRecord('A-9', { version: 2 })])).stale).toBe(1);
    expect(store.getCase('A-9').application.status).toBe('rejected');
  });

  it('settles a batch of answers in one transaction, skipping (and naming) those settled otherwise', async () => {
    await store.upsertApplications([cleanRecord('A-21'), cleanRecord('A-22'), cleanRecord('A-23')]);
    const a = (await store.recordDecision(reject('A-21'), reviewer, 'device-1', false)).mutationId;
    const b = (await store.recordDecision(reject('A-22'), reviewer, 'device-1', false)).mutationId;
    const c = (await store.recordDecision(reject('A-23'), reviewer, 'device-1', false)).mutationId;
    await store.markMutationRejected(c, 'stale', null);
    const result = await store.settleMutations([
      { id: a, status: 'applied', serverVersion: 5 },
      { id: b, status: 'rejected', reason: 'withdrawn', current: null },
      { id: c, status: 'applied', serverVersion: 9 },
      { id: 'missing', status: 'applied', serverVersion: 1 },
    ]);
    expect(result).toEqual({ settled: 2, skipped: [{ id: c, code: 'mutation_settled' }, { id: 'missing', code: 'mutation_not_found' }] });
    expect(store.getCase('A-21').decisions[0]?.sync).toBe('applied');
    expect(store.getCase('A-21').application.version).toBe(5);
    expect(store.getCase('A-22').decisions[0]).toMatchObject({ sync: 'rejected', rejectedReason: 'withdrawn' });
    expect(store.getCase('A-23').decisions[0]).toMatchObject({ sync: 'rejected', rejectedReason: 'stale' });
    expect(store.needsAttention().map((i) => [i.applicationId, i.reason])).toEqual(
      expect.arrayContaining([
        ['A-22', 'withdrawn'],
        ['A-23', 'stale'],
      ]),
    );
  });

  it('restores the prior status when a rejected mutation comes without the server view', async () => {
    await store.upsertApplications([cleanRecord('A-10', { status: 'in_review' })]);
    const { mutationId } = await store.recordDecision(reject('A-10'), reviewer, 'device-1', true);
    await store.markMutationRejected(mutationId, 'reassigned', null);
    expect(store.getCase('A-10').application.status).toBe('in_review');
  });

  it('refuses a batch with an invalid record as a whole, naming the record', async () => {
    const good = cleanRecord('V-1');
    const bad = cleanRecord('V-2');
    bad.documents[0]!.sha256 = 'not-a-hash';
    let message = '';
    try {
      await store.upsertApplications([good, bad]);
    } catch (err) {
      expect((err as DomainError).code).toBe('invalid_application');
      message = (err as DomainError).message;
    }
    expect(message).toMatch(/Record 1 .*documents\.0\.sha256/);
    expect(await codeOf(() => store.getCase('V-1'))).toBe('case_not_found');
  });

  it("gives the case the account's last verification date, the R4 input", async () => {
    const record = cleanRecord('LV-1');
    await store.upsertApplications([{ ...record, facts: { ...record.facts, lastVerifiedAt: '2026-01-02T03:04:05.000Z' } }]);
    expect(store.getCase('LV-1').lastVerifiedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(store.getCase('A-1').lastVerifiedAt).toBeNull();
  });

  it('adds an image the reviewer brought in, with an audit entry, and keeps it through central updates', async () => {
    const record = cleanRecord('LD-1');
    await store.upsertApplications([record]);
    const by = { actor: { id: 'r1', displayName: 'R', role: 'reviewer' as const }, deviceId: 'dev', online: false };
    const { id: _id, ...image } = record.documents[0]!;
    const added = await store.addLocalDocument('LD-1', { ...image, sha256: 'c'.repeat(64), role: 'page' }, by);
    expect(added.id).toMatch(/^local-/);
    const detail = store.getCase('LD-1');
    expect(detail.documents.map((d) => d.id)).toEqual([...record.documents.map((d) => d.id), added.id]);
    expect(detail.audit.at(-1)).toMatchObject({ action: 'document_added', actor: { id: 'r1' } });
    expect(store.hasDocument('c'.repeat(64))).toBe(true);
    // The central service sends the case again (a new version): its own documents are replaced, ours stays.
    await store.upsertApplications([{ ...record, application: { ...record.application, version: 4 } }]);
    expect(store.getCase('LD-1').documents.map((d) => d.id)).toEqual([...record.documents.map((d) => d.id), added.id]);
    expect(store.verifyAudit()).toMatchObject({ ok: true });
    expect(await codeOf(() => store.addLocalDocument('nope', { ...image, role: 'page' }, by))).toBe('case_not_found');
  });

  it('records each download of an original in the audit trail of the case showing it, and refuses an image no case shows', async () => {
    const record = cleanRecord('OD-1');
    const sha256 = '9'.repeat(64);
    await store.upsertApplications([{ ...record, documents: record.documents.slice(0, 1).map((d) => ({ ...d, sha256 })) }]);
    const by = { actor: { id: 'r1', displayName: 'R', role: 'reviewer' as const }, deviceId: 'dev', online: false };
    await store.recordOriginalDownload(sha256, by);
    const entry = store.getCase('OD-1').audit.at(-1);
    expect(entry).toMatchObject({ action: 'original_downloaded', applicationId: 'OD-1', actor: { id: 'r1' }, details: { sha256, documents: [record.documents[0]!.id], applications: ['OD-1'] } });
    expect(await codeOf(() => store.recordOriginalDownload('0'.repeat(64), by))).toBe('forbidden');
    expect(store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('knows which images belong to a local case', async () => {
    const doc = store.getCase('A-1').documents[0]!;
    expect(store.hasDocument(doc.sha256)).toBe(true);
    expect(store.hasDocument('0'.repeat(64))).toBe(false);
    expect(store.hasDocument("' OR 1=1 --")).toBe(false);
    const { id: _id, role: _role, ...image } = doc;
    expect(store.imageBySha256(doc.sha256)).toEqual(image);
    expect(store.imageBySha256('0'.repeat(64))).toBeNull();
    expect(store.referencedImages().has(doc.sha256)).toBe(true);
    expect(store.referencedImages().has('0'.repeat(64))).toBe(false);
  });

  it('keeps sync state', async () => {
    expect(store.getSyncState('cursor')).toBeNull();
    await store.setSyncState('cursor', 'abc');
    await store.setSyncState('cursor', 'def');
    expect(store.getSyncState('cursor')).toBe('def');
  });

  it('refuses to change or delete audit entries, and names the first entry changed behind its back', async () => {
    expect(store.verifyAudit()).toMatchObject({ ok: true });
    expect(() => t.db.prepare(`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 2`).run()).toThrow(/append-only/);
    expect(() => t.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    // Tamper as an attacker with the key would: drop the trigger, edit, restore the trigger.
    t.db.exec('DROP TRIGGER audit_log_no_update');
    t.db.prepare(`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 3`).run();
    const broken = store.verifyAudit();
    expect(broken).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    if (!broken.ok) expect(broken.reason).toMatch(/changed/);
  });
});

describe('case store: quality derived after the images were stored', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore(0);
  });
  afterAll(() => t.cleanup());

  it('stores cases without quality, then records it on every document of that image and stores the flags anew', async () => {
    const store = t.store;
    const a = cleanRecord('DQ-1');
    const b = cleanRecord('DQ-2');
    const measured = a.documents[0]!.quality!;
    const shared = 'd'.repeat(64);
    const other = 'e'.repeat(64);
    // Sync admitted the originals only: quality unmeasured. DQ-1 and DQ-2 show the same front image.
    const unmeasured = (r: SeedRecord, hashes: string[]) => ({ ...r, documents: r.documents.map((d, i) => ({ ...d, sha256: hashes[i] ?? other, quality: null })) });
    await store.upsertApplications([unmeasured(a, [shared]), unmeasured(b, [shared])]);
    expect(store.getCase('DQ-1').documents.every((d) => d.quality === null)).toBe(true);
    expect(store.getCase('DQ-1').flags.some((f) => f.rule === 'R8')).toBe(false);
    expect(store.imagesLackingQuality().sort()).toEqual([shared, ...(a.documents.length > 1 || b.documents.length > 1 ? [other] : [])].sort());

    const blurry = { ...measured, blurry: true, blurVariance: 3.5 };
    const recorded = await store.recordImageQuality([{ sha256: shared, quality: blurry }]);
    expect(recorded.applicationIds.sort()).toEqual(['DQ-1', 'DQ-2']);
    expect(recorded.documents).toBe(2);
    for (const id of ['DQ-1', 'DQ-2']) {
      const detail = store.getCase(id);
      expect(detail.documents[0]!.quality).toEqual(blurry);
      expect(detail.flags.find((f) => f.rule === 'R8')).toMatchObject({ severity: 'warning', facts: { blurVariance: 3.5 } });
    }
    // The stored flags (what the queue filters on) follow too.
    expect(store.listQueue({ flag: 'R8' }).items.map((i) => i.id).sort()).toEqual(['DQ-1', 'DQ-2']);
    expect(store.imagesLackingQuality()).not.toContain(shared);
    // A second result for the same image changes nothing (measured quality is never overwritten).
    expect(await store.recordImageQuality([{ sha256: shared, quality: measured }])).toEqual({ documents: 0, applicationIds: [] });
    expect(store.getCase('DQ-1').documents[0]!.quality).toEqual(blurry);
    expect(await store.recordImageQuality([])).toEqual({ documents: 0, applicationIds: [] });
  });

  it('records an image that failed to decode on every document showing it, flags it (R8), and a later success clears it', async () => {
    const store = t.store;
    const a = cleanRecord('DF-1');
    const measured = a.documents[0]!.quality!;
    const broken = '7'.repeat(64);
    // The broken image is the case's second document; the first is measured.
    const documents = [{ ...a.documents[0]!, quality: measured }, { ...a.documents[0]!, id: 'DF-1-b', sha256: broken, quality: null }];
    await store.upsertApplications([{ ...a, documents }]);
    const failure = { code: 'image_corrupt', message: 'The image is damaged or incomplete and cannot be opened. Ask the applicant to upload it again.' };
    expect(await store.recordImageQuality([{ sha256: broken, failure }])).toEqual({ documents: 1, applicationIds: ['DF-1'] });
    const detail = store.getCase('DF-1');
    expect(detail.documents.map((d) => d.imageFailure)).toEqual([null, failure]);
    expect(detail.flags.filter((f) => f.reason === 'image_unreadable')).toEqual([{ rule: 'R8', severity: 'warning', reason: 'image_unreadable', overridable: false, facts: { image: 1, code: 'image_corrupt' } }]);
    expect(store.imagesLackingQuality()).toContain(broken);
    // A central update of the case keeps what is known of its images.
    await store.upsertApplications([{ ...a, application: { ...a.application, version: a.application.version + 1 }, documents: store.getCase('DF-1').documents }]);
    expect(store.getCase('DF-1').documents[1]!.imageFailure).toEqual(failure);
    // Decoded after all (a newer decoder at the next start): the failure and its flag go.
    await store.recordImageQuality([{ sha256: broken, quality: measured }]);
    expect(store.getCase('DF-1').documents[1]).toMatchObject({ quality: measured, imageFailure: null });
    expect(store.getCase('DF-1').flags.some((f) => f.reason === 'image_unreadable')).toBe(false);
  });

  it('refuses a malformed result without storing any of the batch', async () => {
    const store = t.store;
    const good = { sha256: 'f'.repeat(64), quality: cleanRecord('x').documents[0]!.quality! };
    expect(await codeOf(() => store.recordImageQuality([good, { sha256: 'nope', quality: good.quality }]))).toBe('invalid_quality');
    expect(await codeOf(() => store.recordImageQuality([{ ...good, quality: { ...good.quality, darkShare: 7 } }]))).toBe('invalid_quality');
    expect(await codeOf(() => store.recordImageQuality([good, { sha256: good.sha256, failure: { code: 'Not A Code!', message: 'x' } }]))).toBe('invalid_quality');
  });
});

describe('case store: disk full', () => {
  it('rolls back a decision that does not fit and reports store_disk_full', async () => {
    const t = await tempStore();
    try {
      const { store } = t;
      // Without a writer thread the store writes on this connection: the limit is a connection's.
      const { db } = internalsOf(store);
      await store.upsertApplications([cleanRecord('F-1'), cleanRecord('F-2')]);
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages}`);
      const bigNote = 'x'.repeat(3900);
      let code = '';
      for (let i = 0; i < 2 && code === ''; i++) {
        try {
          await store.recordDecision({ ...reject(`F-${i + 1}`), internalNote: bigNote, applicantMessage: bigNote }, reviewer, 'device-1', true);
        } catch (err) {
          code = err instanceof DomainError ? err.code : String(err);
        }
      }
      expect(code).toBe('store_disk_full');
      db.pragma(`max_page_count = 1073741823`);
      const decided = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM decisions').get()!.n;
      const outbox = store.outboxCounts().pending;
      const audit = store.verifyAudit();
      expect(outbox).toBe(decided);
      expect(audit).toEqual({ ok: true, count: decided });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // After space is freed, the same decision goes through.
      const failedId = `F-${decided + 1}`;
      expect(store.getCase(failedId).application.status).toBe('queued');
      expect((await store.recordDecision(reject(failedId), reviewer, 'device-1', true)).applicationId).toBe(failedId);
    } finally {
      t.cleanup();
    }
  });
});

describe('endOfLocalDay', () => {
  it('is the next local midnight, exact to the millisecond, also across a DST change', async () => {
    const { endOfLocalDay } = await import('./sqlite/queue');
    expect(new Date(endOfLocalDay(new Date('2026-11-26T06:00:00Z'), 'Asia/Shanghai')).toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(new Date(endOfLocalDay(new Date('2026-11-26T15:59:59.999Z'), 'Asia/Shanghai')).toISOString()).toBe('2026-11-26T16:00:00.000Z');
    // Berlin leaves summer time on 2026-10-25: that day has 25 hours.
    expect(new Date(endOfLocalDay(new Date('2026-10-24T22:30:00Z'), 'Europe/Berlin')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });
});
