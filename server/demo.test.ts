// The demo data: every kind, change direction and rule situation, specimen images, deterministic content.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawSpecimen } from '../resources/specimens/draw';
import { createCalendar } from '../shared/businessDays';
import type { Change, DecisionsResponse } from '../shared/contract/central';
import { evaluateRules } from '../shared/rules';
import { startTestServer, TestClient, type TestServer } from '../tests/support/central';

let server: TestServer;
let changes: Change[] = [];
const calendar = createCalendar();

beforeAll(async () => {
  server = await startTestServer({ demo: { count: 40 } });
  const r1 = await new TestClient(server.url, () => server.clock.now).signIn('reviewer1');
  const answer = await r1.get('/v1/changes?limit=500');
  expect(answer.status).toBe(200);
  changes = (answer.body as { changes: Change[] }).changes;
});

afterAll(async () => {
  await server?.close();
});

describe('demo data', () => {
  it('covers every kind and change direction, withdrawn and decided cases', async () => {
    const statuses = await server.db.query<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM applications GROUP BY status`);
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

  it('gives the supervisor decisions of both reviewers', async () => {
    const sup = await new TestClient(server.url, () => server.clock.now).signIn('supervisor1');
    const decisions = (await sup.get('/v1/decisions?limit=200')).body as DecisionsResponse;
    expect(new Set(decisions.decisions.map((d) => d.reviewer))).toEqual(new Set(['reviewer1', 'reviewer2']));
  });

  it('is deterministic: the same applications and identities every time', async () => {
    // A smaller seeding makes the same first applications.
    const again = await startTestServer({ demo: { count: 20 } });
    try {
      const query = `SELECT id, account_id, identity, submitted_at FROM applications ORDER BY id`;
      const small = await again.db.query<{ id: string }>(query);
      const large = new Map((await server.db.query<{ id: string }>(query)).map((r) => [r.id, r]));
      expect(small).toHaveLength(20);
      for (const row of small) expect(large.get(row.id)).toEqual(row);
    } finally {
      await again.close();
    }
  });
});
