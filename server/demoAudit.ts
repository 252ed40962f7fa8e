// The demo's device audit trails: what the history's reviewers' workstations (server/demoHistory.ts) would have pushed —
// for each decision the opening of the application's documents and the decision itself, hash-chained per device as a
// workstation's store writes them (shared/auditChain.ts) — received through the service's own check. On the laptop,
// one recorded rejection was edited to read as an approval after it was written (someone changing the record on the
// device before it synced): the central service finds it on receipt, as it would any such edit, and the supervisor's Devices
// section shows that chain broken at that entry.
import { createHash } from 'node:crypto';
import { canonicalJson, chainedBytes, GENESIS_HASH, type ChainedFields } from '../shared/auditChain';
import type { AuditChainEntry } from '../shared/contract/central';
import { AuditTrails } from './audit';
import type { HistoryDecision, HistoryPlan } from './demoHistory';
import type { CentralService } from './service';

/** The device whose trail arrives with an edited entry. */
export const demoTamperedDevice = 'demo-laptop-reviewer4';

export async function seedAuditTrails(service: CentralService, plan: HistoryPlan): Promise<{ devices: number; entries: number }> {
  if (plan.decisions.length === 0) return { devices: 0, entries: 0 };
  const documents = await service.db.query<{ application_id: string; id: string }>(
    `SELECT application_id, id FROM documents WHERE application_id = ANY($1) ORDER BY application_id, position`,
    [plan.decisions.map((d) => d.applicationId)],
  );
  const documentsOf = new Map<string, string[]>();
  for (const d of documents) documentsOf.set(d.application_id, [...(documentsOf.get(d.application_id) ?? []), d.id]);
  const people = new Map(
    (await service.db.query<{ username: string; display_name: string }>(`SELECT username, display_name FROM people`)).map((p) => [p.username, p.display_name]),
  );

  const byDevice = new Map<string, HistoryDecision[]>();
  for (const d of [...plan.decisions].sort((a, b) => a.madeAt.getTime() - b.madeAt.getTime())) byDevice.set(d.deviceId, [...(byDevice.get(d.deviceId) ?? []), d]);
  const audit = new AuditTrails(service);
  let total = 0;
  for (const [deviceId, decisions] of byDevice) {
    const entries: AuditChainEntry[] = [];
    const append = (fields: Omit<ChainedFields, 'seq' | 'prevHash' | 'deviceId'>) => {
      const chained: ChainedFields = { ...fields, deviceId, seq: entries.length + 1, prevHash: entries[entries.length - 1]?.hash ?? GENESIS_HASH };
      entries.push({ ...chained, hash: createHash('sha256').update(chainedBytes(chained), 'utf8').digest('hex') });
    };
    for (const d of decisions) {
      const actor = { actorId: d.reviewer, actorName: people.get(d.reviewer) ?? d.reviewer, online: !d.offline, applicationId: d.applicationId };
      const opened = Math.max(d.assignedAt.getTime(), d.madeAt.getTime() - 4 * 60_000);
      append({ ...actor, at: opened, action: 'documents_opened', details: canonicalJson({ documents: documentsOf.get(d.applicationId) ?? [] }) });
      const recorded = { decisionId: d.decisionId, mutationId: d.decisionId, outcome: d.outcome, reasonCodes: d.reasonCodes, overriddenRules: [], baseVersion: 1 };
      append({ ...actor, at: d.madeAt.getTime(), action: 'decision_recorded', details: canonicalJson(recorded) });
    }
    if (deviceId === demoTamperedDevice) {
      // Its first recorded rejection made to read as an approval.
      const edited = entries.find((e) => e.action === 'decision_recorded' && (JSON.parse(e.details) as { outcome: string }).outcome === 'reject');
      if (edited) entries[edited.seq - 1] = { ...edited, details: canonicalJson({ ...(JSON.parse(edited.details) as object), outcome: 'approve', reasonCodes: [] }) };
    }
    const pusher = decisions[0]!.reviewer;
    for (let i = 0; i < entries.length; i += 500) {
      await audit.receive({ username: pusher, displayName: people.get(pusher) ?? pusher, role: 'reviewer' }, deviceId, entries.slice(i, i + 500));
    }
    total += entries.length;
  }
  return { devices: byDevice.size, entries: total };
}
