import { describe, expect, it } from 'vitest';
import { Application, changeDirections } from '../../shared/domain';
import { DocumentRecord } from '../../shared/contract/cases';
import { createCalendar } from '../../shared/businessDays';
import { evaluateRules } from '../../shared/rules';
import { generateApplications, hostileNames, seedEpoch } from './seed';

describe('generateApplications', () => {
  const records = generateApplications(2000, 17);

  it('is deterministic for a seed and differs between seeds', async () => {
    expect(generateApplications(50, 17)).toEqual(records.slice(0, 50));
    expect(generateApplications(50, 18)[10]).not.toEqual(records[10]);
  });

  it('makes valid applications and documents, two documents each', async () => {
    for (const r of records) {
      expect(Application.safeParse(r.application).success).toBe(true);
      expect(r.documents).toHaveLength(2);
      for (const d of r.documents) expect(DocumentRecord.safeParse(d).success).toBe(true);
    }
    expect(new Set(records.map((r) => r.application.id)).size).toBe(records.length);
  });

  it('covers every kind, change direction, status, Chinese and Latin names, and the hostile strings', async () => {
    const kinds = new Set(records.map((r) => r.application.kind));
    expect([...kinds].sort()).toEqual(['change', 'enterprise', 'individual']);
    const directions = new Set(records.map((r) => r.application.changeDirection).filter(Boolean));
    expect([...directions].sort()).toEqual([...changeDirections].sort());
    expect(new Set(records.map((r) => r.application.status)).size).toBe(6);
    const names = records.map((r) => (r.application.identity.kind === 'individual' ? r.application.identity.fullName : r.application.identity.enterpriseName));
    expect(names.some((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
    expect(names.some((n) => /^[A-Z][a-zé]+ /.test(n))).toBe(true);
    for (const hostile of hostileNames) expect(names).toContain(hostile);
  });

  it('raises every rule situation', async () => {
    const calendar = createCalendar();
    const reasons = new Set<string>();
    for (const r of records) {
      for (const f of evaluateRules({ application: r.application, facts: r.facts, quality: r.documents.flatMap((d) => (d.quality ? [d.quality] : [])), now: seedEpoch, calendar })) {
        reasons.add(`${f.rule}:${f.reason}`);
      }
    }
    for (const expected of [
      'R1:issuing_location_mismatch',
      'R2:document_used_elsewhere',
      'R3:enterprise_limit_reached',
      'R4:change_too_soon',
      'R4:last_verification_unknown',
      'R5:icp_name_mismatch',
      'R5:icp_entity_unknown',
      'R6:withdrawn',
      'R7:due_soon',
      'R7:overdue',
      'R8:low_resolution',
      'R8:blurry',
      'R8:under_exposed',
      'R8:over_exposed',
      'R8:glare',
    ]) {
      expect(reasons, expected).toContain(expected);
    }
  });
});
