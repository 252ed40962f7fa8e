// The demo data: every kind, change direction and rule situation, specimen images, deterministic content.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawSpecimen } from '../resources/specimens/draw';
import { createCalendar } from '../shared/businessDays';
import { AuditDevicesResponse, type Change, type ChangesResponse, type DecisionRecord, type DecisionsResponse, type QualityQueueResponse } from '../shared/contract/central';
import { evaluateRules } from '../shared/rules';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';
import { planHistory } from './demoHistory';
import { demoTamperedDevice } from './demoAudit';

let server: TestServer;
let supervisor: TestClient;
let changes: Change[] = [];
const calendar = createCalendar();
/** SQL: an application of the open demo data, not of the decision history (alias a). */
const notHistory = `NOT EXISTS (SELECT 1 FROM decisions h WHERE h.application_id = a.id AND h.reviewer IN ('reviewer3', 'reviewer4'))`;

/** Every decision the supervisor's log lists for this query, page by page. */
async function allDecisions(query: string): Promise<DecisionRecord[]> {
  const out: DecisionRecord[] = [];
  let cursor: string | null = null;
  do {
    const answer = await supervisor.get(`/v1/decisions?limit=200${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page = answer.body as DecisionsResponse;
    out.push(...page.decisions);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  server = await startTestServer({ demo: { count: 40 } });
  const r1 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  const answer = await r1.get('/v1/changes?limit=500');
  expect(answer.status).toBe(200);
  changes = (answer.body as { changes: Change[] }).changes;
  supervisor = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
});

afterAll(async () => {
  await server?.close();
});

describe('demo data', () => {
  it('covers every kind and change direction, withdrawn and decided cases', async () => {
    const statuses = await server.db.query<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM applications a WHERE ${notHistory} GROUP BY status`);
    const byStatus = Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]));
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(40);
    expect(byStatus.withdrawn).toBeGreaterThan(0);
    expect(byStatus.approved).toBeGreaterThan(0);
    expect(byStatus.rejected).toBeGreaterThan(0);
    const kinds = new Set(changes.map((c) => c.application.kind));
    expect([...kinds].sort()).toEqual(['change', 'enterprise', 'individual']);
    const directions = new Set(changes.map((c) => c.application.changeDirection).filter(Boolean));
    expect(directions.size).toBe(4);
  });

  it('raises every rule situation the reviewers must learn to handle', () => {
    const reasons = new Map<string, number>();
    for (const change of changes) {
      for (const flag of evaluateRules({ application: change.application, facts: change.facts, quality: [], now: server.clock.now, calendar })) {
        reasons.set(`${flag.rule}:${flag.reason}`, (reasons.get(`${flag.rule}:${flag.reason}`) ?? 0) + 1);
      }
    }
    for (const expected of ['R1:issuing_location_mismatch', 'R2:document_used_elsewhere', 'R3:enterprise_limit_reached', 'R4:change_too_soon', 'R5:icp_name_mismatch']) {
      expect(reasons.has(expected), `${expected} in ${[...reasons.keys()].join(', ')}`).toBe(true);
    }
    // The fifth account of an enterprise is allowed; the sixth is not.
    const enterpriseCounts = new Set(changes.filter((c) => c.application.identity.kind === 'enterprise').map((c) => c.facts.enterpriseAccountsVerified));
    expect(enterpriseCounts.has(4)).toBe(true);
    expect(enterpriseCounts.has(5)).toBe(true);
  });

  it('carries specimen JPEG images, each distinct image stored once', async () => {
    const [{ docs, blobs }] = (await server.db.query<{ docs: number; blobs: number }>(
      `SELECT (SELECT count(*) FROM documents) AS docs, (SELECT count(DISTINCT sha256) FROM documents) AS blobs`,
    )) as [{ docs: number; blobs: number }];
    expect(Number(blobs)).toBeLessThan(Number(docs));
    const doc = changes[0]?.documents[0];
    if (!doc) throw new Error('no document');
    const sup = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
    const image = await sup.get(`/v1/documents/${doc.id}/content`);
    expect(image.status).toBe(200);
    const meta = await sharp(image.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeGreaterThanOrEqual(800);
  });

  it('prints the entered data on specimens (a font for SVG text is installed: fonts-dejavu-core)', async () => {
    const base = { kind: 'id_card', side: 'front', documentNumber: 'N1', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2030-01-01' } as const;
    const region = { left: 520, top: 200, width: 1000, height: 120 }; // the name line, at the 2× drawing scale
    const nameArea = async (fullName: string) =>
      sharp(await drawSpecimen({ ...base, fullName })).extract(region).greyscale().raw().toBuffer();
    const [a, b] = await Promise.all([nameArea('AAAA'), nameArea('WWWWWWWW')]);
    const differing = a.reduce((n, value, i) => n + (Math.abs(value - (b[i] ?? 0)) > 64 ? 1 : 0), 0);
    expect(differing).toBeGreaterThan(500);
  });

  it('gives the supervisor decisions of every reviewer', async () => {
    const decisions = await allDecisions('');
    expect(new Set(decisions.map((d) => d.reviewer))).toEqual(new Set(['reviewer1', 'reviewer2', 'reviewer3', 'reviewer4']));
  });

  it('is deterministic: the same applications and identities every time, and the same history whatever the count', async () => {
    // A smaller seeding makes the same first applications.
    const again = await startTestServer({ demo: { count: 20 } });
    try {
      const query = (where: string) => `SELECT id, account_id, identity, submitted_at FROM applications a WHERE ${where} ORDER BY id`;
      const small = await again.db.query<{ id: string }>(query(notHistory));
      const large = new Map((await server.db.query<{ id: string }>(query(notHistory))).map((r) => [r.id, r]));
      expect(small).toHaveLength(20);
      for (const row of small) expect(large.get(row.id)).toEqual(row);
      const history = await server.db.query(query(`NOT (${notHistory})`));
      expect(history.length).toBeGreaterThan(0);
      expect(await again.db.query(query(`NOT (${notHistory})`))).toEqual(history);
    } finally {
      await again.close();
    }
  });
});

describe("the supervisor's decision history", () => {
  const day = 24 * 3_600_000;
  const historyOnly = (decisions: DecisionRecord[]) => decisions.filter((d) => d.reviewer === 'reviewer3' || d.reviewer === 'reviewer4');

  it('is about 150 decisions of the last 28 days by reviewer3 and reviewer4, each recorded as the service records one', async () => {
    const now = server.clock.now.getTime();
    const plan = planHistory(20261126 + 1, server.clock.now, calendar.timeZone, (d) => calendar.isWorkingDay(d));
    const byReviewer = async (reviewer: string) => (await allDecisions(`reviewer=${reviewer}`)).length;
    expect(plan.decisions.length).toBeGreaterThanOrEqual(140);
    expect(plan.decisions.length).toBeLessThanOrEqual(160);
    for (const reviewer of ['reviewer3', 'reviewer4']) {
      const planned = plan.decisions.filter((d) => d.reviewer === reviewer).length;
      expect(planned).toBeGreaterThan(40);
      expect(await byReviewer(reviewer), reviewer).toBe(planned);
    }
    // reviewer1's and reviewer2's are only the few decided applications of the open demo data.
    const [{ decided }] = (await server.db.query<{ decided: number }>(
      `SELECT count(*) AS decided FROM applications a WHERE status IN ('approved', 'rejected') AND ${notHistory}`,
    )) as [{ decided: number }];
    expect(Number(decided)).toBeGreaterThan(0);
    expect((await byReviewer('reviewer1')) + (await byReviewer('reviewer2'))).toBe(Number(decided));

    const history = historyOnly(await allDecisions(''));
    expect(history).toHaveLength(plan.decisions.length);
    const days = new Set<number>();
    for (const d of history) {
      const decidedAt = Date.parse(d.decidedAt);
      expect(decidedAt).toBeGreaterThan(now - 28 * day - day);
      expect(decidedAt).toBeLessThan(now);
      days.add(Math.floor((now - decidedAt) / day));
      expect(Date.parse(d.madeAt)).toBeLessThanOrEqual(decidedAt);
      expect(Date.parse(d.application.submittedAt)).toBeLessThan(Date.parse(d.madeAt));
      // Submitted (version 1), assigned (2), decided (3), as the service does it; an overturn returned it (4).
      if (d.effect === 'overturned') expect(d.application).toMatchObject({ status: 'queued', version: 4, assignee: d.reviewer });
      else expect(d.application).toMatchObject({ status: d.outcome === 'approve' ? 'approved' : 'rejected', version: 3, assignee: d.reviewer });
      expect(d.judgedOn).not.toBeNull();
    }
    expect(days.size).toBeGreaterThan(12);
    // The reviewers' changes feeds hold each decided application's assignment, its decision, its return when it was
    // overturned and its standing when a second look agreed (no open application shares a history identity, so no
    // other fact changes reach them).
    const feed = await server.db.query<{ reviewer: string; type: string; n: number }>(
      `SELECT reviewer, type, count(*) AS n FROM changes WHERE reviewer IN ('reviewer3', 'reviewer4') GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const count = (reviewer: string, effect?: string) => history.filter((d) => d.reviewer === reviewer && (!effect || d.effect === effect)).length;
    // A held decision a second person agreed to tells its decider again: it stands now.
    const agreedOnSecondLook = (reviewer: string) =>
      history.filter((d) => d.reviewer === reviewer && d.reviews.some((r) => r.stage === 'second_review' && r.verdict === 'agree')).length;
    expect(feed.map((r) => [r.reviewer, r.type, Number(r.n)])).toEqual(
      ['reviewer3', 'reviewer4'].flatMap((reviewer) => [
        [reviewer, 'assigned', count(reviewer)],
        ...(count(reviewer, 'overturned') > 0 ? [[reviewer, 'returned', count(reviewer, 'overturned')]] : []),
        [reviewer, 'updated', count(reviewer) + agreedOnSecondLook(reviewer)],
      ]),
    );
    // Each approval verified its account when it took effect: at once, or when the second look agreed; an overturned
    // one's verification is kept, revoked; one still held verified nothing.
    const verifications = await server.db.query<{ decision_id: string; verified_at: Date; revoked_at: Date | null }>(
      `SELECT v.decision_id::text AS decision_id, v.verified_at, v.revoked_at FROM verifications v JOIN decisions d ON d.id = v.decision_id WHERE d.reviewer IN ('reviewer3', 'reviewer4')`,
    );
    const verifiedBy = new Map(verifications.map((v) => [v.decision_id, v]));
    expect(verifications).toHaveLength(verifiedBy.size);
    for (const d of history.filter((h) => h.outcome === 'approve')) {
      const v = verifiedBy.get(d.id);
      if (d.effect === 'pending_second_review') {
        expect(v, d.id).toBeUndefined();
        continue;
      }
      const second = d.reviews.find((r) => r.stage === 'second_review');
      expect(v?.verified_at.toISOString(), d.id).toBe(second ? second.reviewedAt : d.decidedAt);
      expect(v?.revoked_at === null, d.id).toBe(d.effect === 'in_effect');
    }
  });

  it('has approvals past an overridden flag, offline decisions, refusals the rules called for, and supervisor reviews with overturns', async () => {
    const overridden = await allDecisions('overridden=true');
    expect(overridden.length).toBeGreaterThan(0);
    for (const d of overridden) {
      expect(d).toMatchObject({ outcome: 'approve', overriddenRules: ['R1'] });
      expect(['reviewer3', 'reviewer4']).toContain(d.reviewer);
      expect(d.overrideNote).toMatch(/ticket SUP-\d+/);
      expect(d.judgedOn?.flags).toContainEqual(expect.objectContaining({ rule: 'R1', severity: 'blocking', overridable: true }));
    }

    const offline = historyOnly(await allDecisions('offline=true'));
    expect(offline.length).toBeGreaterThan(10);
    for (const d of offline) expect(Date.parse(d.decidedAt) - Date.parse(d.madeAt)).toBeGreaterThanOrEqual(3_600_000);
    expect(new Set(offline.map((d) => d.deviceId))).toContain('demo-laptop-reviewer4');

    const flagged = async (reasonCode: string, rule: string) => {
      const decisions = historyOnly(await allDecisions(`reasonCode=${reasonCode}`));
      expect(decisions.length, reasonCode).toBeGreaterThan(0);
      for (const d of decisions) expect(d.judgedOn?.flags.map((f) => f.rule), reasonCode).toContain(rule);
      return decisions;
    };
    await flagged('document_already_used', 'R2');
    await flagged('enterprise_account_limit', 'R3');
    const tooSoon = await flagged('change_too_soon', 'R4');
    expect(tooSoon.every((d) => d.application.kind === 'change')).toBe(true);
    const tampering = historyOnly(await allDecisions('reasonCode=suspected_tampering'));
    expect(tampering.length).toBeGreaterThanOrEqual(3);
    const history = historyOnly(await allDecisions(''));
    expect(new Set(history.map((d) => d.application.kind))).toEqual(new Set(['individual', 'enterprise', 'change']));
    expect(new Set(history.flatMap((d) => d.reasonCodes)).size).toBeGreaterThanOrEqual(8);

    const reviews = history.flatMap((d) => d.reviews.map((r) => ({ ...r, decidedAt: d.decidedAt })));
    expect(reviews.length).toBeGreaterThan(20);
    for (const r of reviews) {
      expect(r.reviewedBy).toBe('supervisor1');
      expect(Date.parse(r.reviewedAt)).toBeGreaterThan(Date.parse(r.decidedAt));
      expect(Date.parse(r.reviewedAt)).toBeLessThan(server.clock.now.getTime());
    }
    const quality = (d: DecisionRecord) => d.reviews.filter((r) => r.stage === 'quality');
    // Every approval past an overridden flag older than five days was quality-reviewed; newer decisions wait for it.
    const older = (d: DecisionRecord) => Date.parse(d.decidedAt) < server.clock.now.getTime() - 5 * day;
    expect(overridden.filter((d) => older(d) && d.effect !== 'pending_second_review').every((d) => quality(d).length === 1)).toBe(true);
    expect(history.filter((d) => !older(d)).every((d) => quality(d).length === 0)).toBe(true);
  });

  it('has decisions four-eyes held, a few overturned and back with their reviewer, and QA and second-review queues per the default policy', async () => {
    const history = historyOnly(await allDecisions(''));
    // Four-eyes held every approval past an overridden flag and every suspected_tampering rejection: each had supervisor1's
    // second look, or still waits for it.
    const held = history.filter((d) => d.overriddenRules.length > 0 || (d.outcome === 'reject' && d.reasonCodes.includes('suspected_tampering')));
    expect(held.length).toBeGreaterThan(5);
    for (const d of held) expect(d.effect === 'pending_second_review' || d.reviews.some((r) => r.stage === 'second_review'), d.id).toBe(true);
    expect(history.filter((d) => !held.includes(d)).every((d) => d.effect !== 'pending_second_review' && d.reviews.every((r) => r.stage === 'quality'))).toBe(true);

    const overturned = historyOnly(await allDecisions('effect=overturned'));
    expect(overturned.length).toBeGreaterThanOrEqual(3);
    for (const d of overturned) {
      expect(d.reviews.find((r) => r.verdict === 'overturn'), d.id).toMatchObject({ stage: 'quality', reviewedBy: 'supervisor1' });
      // Still leased to its reviewer, who sees it back in their queue with the overturn's reason.
      const [lease] = await server.db.query<{ lease_expires_at: Date }>(`SELECT lease_expires_at FROM applications WHERE id = $1`, [d.application.id]);
      expect(lease?.lease_expires_at.getTime()).toBeGreaterThan(server.clock.now.getTime());
    }
    // (Read from the service, not by signing in as reviewer3: a pull would take open demo applications from the pool.)
    const returned = await server.db.query<{ application_id: string; reviewer: string }>(`SELECT application_id, reviewer FROM changes WHERE type = 'returned'`);
    expect(returned.map((r) => [r.application_id, r.reviewer]).sort()).toEqual(overturned.map((d) => [d.application.id, d.reviewer]).sort());
    const envelopes = await server.service.envelopes(server.db, overturned.map((d) => d.application.id));
    for (const d of overturned) {
      expect(envelopes.get(d.application.id)?.returned).toMatchObject({ decisionId: d.id, outcome: d.outcome, stage: 'quality', reviewedBy: 'supervisor1', reason: expect.stringMatching(/\w/) });
    }

    const queue = async (stage: string) => {
      const answer = await supervisor.get(`/v1/quality/queue?stage=${stage}&limit=200`);
      expect(answer.status).toBe(200);
      return (answer.body as QualityQueueResponse).items;
    };
    const qa = await queue('quality');
    expect(qa.length).toBeGreaterThan(0);
    for (const item of qa) {
      expect(item.decision.effect).toBe('in_effect');
      expect(item.decision.reviews.filter((r) => r.stage === 'quality')).toEqual([]);
      expect(item.sampledFor.length).toBeGreaterThan(0);
      if (item.decision.overriddenRules.length > 0) expect(item.sampledFor).toContain('overridden_approval');
    }
    const pending = await queue('second_review');
    expect(pending.map((i) => i.decision.id).sort()).toEqual(history.filter((d) => d.effect === 'pending_second_review').map((d) => d.id).sort());
    expect(pending.length).toBeGreaterThan(0);
  });

  it("leaves reviewer1's and reviewer2's changes feeds exactly as they are without it", async () => {
    const without = await startTestServer({ demo: { count: 40, history: false } });
    try {
      // Document ids (a change's previous identity's too) are made at intake (random); everything else a reviewer's workstation is sent must be equal. (Not
      // the opaque cursor: the feed's sequence is shared by all reviewers, and the history's rows take their numbers.)
      const feedOf = async (url: string, now: () => Date, reviewer: string) => {
        const client = await new TestClient(url, now).signIn(reviewer);
        const answer = await client.get('/v1/changes?limit=500');
        expect(answer.status).toBe(200);
        const body = answer.body as ChangesResponse;
        expect(body.hasMore).toBe(false);
        const withoutIds = (documents: readonly { id: string }[] | undefined) => documents?.map(({ id: _id, ...rest }) => rest);
        return body.changes.map((c) => ({ ...c, documents: withoutIds(c.documents), previousDocuments: withoutIds(c.previousDocuments) }));
      };
      for (const reviewer of ['reviewer1', 'reviewer2']) {
        const withHistory = await feedOf(server.url, () => server.clock.now, reviewer);
        const plain = await feedOf(without.url, () => without.clock.now, reviewer);
        expect(withHistory.length, reviewer).toBe(plain.length);
        expect(withHistory, reviewer).toEqual(plain);
      }
      expect(await without.db.query(`SELECT 1 FROM decisions WHERE reviewer IN ('reviewer3', 'reviewer4')`)).toEqual([]);
    } finally {
      await without.close();
    }
  });
});

describe("the demo's device audit trails", () => {
  it("are the history's devices' chains as their workstations pushed them: intact, but for the laptop's edited entry, named", async () => {
    const answer = await supervisor.get('/v1/audit/devices');
    expect(answer.status).toBe(200);
    const devices = AuditDevicesResponse.parse(answer.body).devices;
    const decided = await server.db.query<{ device_id: string; n: number }>(
      `SELECT device_id, count(*)::int AS n FROM decisions WHERE reviewer IN ('reviewer3', 'reviewer4') GROUP BY device_id`,
    );
    // Two entries per decision: its documents opened, then the decision recorded.
    expect(devices.map((d) => [d.deviceId, d.lastSeq]).sort()).toEqual(decided.map((d) => [d.device_id, 2 * d.n]).sort());
    const laptop = devices.find((d) => d.deviceId === demoTamperedDevice);
    expect(laptop?.integrity).toMatchObject({ ok: false, kind: 'hash_mismatch', problems: 1 });
    // The first device listed is the broken one; the others are intact.
    expect(devices[0]?.deviceId).toBe(demoTamperedDevice);
    for (const d of devices.slice(1)) expect(d.integrity, d.deviceId).toEqual({ ok: true });
    const bad = laptop?.integrity.ok === false ? laptop.integrity.firstBadSeq : 0;
    const [entry] = await server.db.query<{ action: string; problem: string }>(`SELECT action, problem FROM audit_entries WHERE device_id = $1 AND seq = $2`, [demoTamperedDevice, bad]);
    expect(entry).toEqual({ action: 'decision_recorded', problem: 'hash_mismatch' });
  });
});
