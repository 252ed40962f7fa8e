// The device's audit trail on its way to the central service, one step of every sync whoever is signed in: the entries
// after the last one the service acknowledged, in seq order, a page at a time (the acknowledged seq is kept in
// sync_state). A supervisor's sync also brings the integrity of every device's trail, kept with its time. The step
// never stops a sync: a refused page or a held entry is reported and the rest of the sync goes on; only what ends
// every exchange (offline, signed out, stopped, another central service) ends it.
import type { z } from 'zod';
import { AuditBatchResponse, AuditDevicesResponse, AuditEntriesResponse, maxAuditEntriesPerBatch, type CentralRole } from '../../shared/contract/central';
import { AuditDevicesView, type AuditTrailQuery } from '../../shared/contract/audit';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import type { CaseStore } from '../store/types';
import { SyncError } from './errors';

/** sync_state: the last seq the central service acknowledged, and the device list a supervisor's sync brought. */
export const auditPushedKey = 'audit_pushed';
export const auditDevicesKey = 'audit_devices';

/** Entries per page: ~100 KB of JSON, well under the service's 1 MiB body limit. */
const auditPageSize = Math.min(200, maxAuditEntriesPerBatch);

export interface AuditSyncReport {
  /** Entries the central service acknowledged in this sync. */
  pushed: number;
  pages: number;
  /** Problems the central service found in what was pushed (the supervisor's device list names them). */
  problems: number;
  /** The first entry the service would not take from this session (another person's): it waits for them. */
  held: { seq: number; actorId: string; message: string } | null;
  /** A supervisor's sync: devices listed; null when not fetched. */
  devices: number | null;
  /** Why the step stopped early, when it did; the rest of the sync went on. */
  error: { code: string; message: string } | null;
}

export function emptyAuditReport(): AuditSyncReport {
  return { pushed: 0, pages: 0, problems: 0, held: null, devices: null, error: null };
}

/** What the step needs of the engine: its store, its device, and its authenticated exchanges with retries. */
export interface AuditSyncParts {
  store: Pick<CaseStore, 'auditAfter' | 'getSyncState' | 'setSyncState'>;
  deviceId: string;
  now(): Date;
  json<S extends z.ZodType>(request: { method: 'GET' | 'POST'; path: string; json?: unknown }, schema: S): Promise<z.output<S>>;
  boundCentral(): { centralId?: string };
  bindCentral(centralId: string): Promise<void>;
}

/** Ends the sync: nothing else would get through either. */
function endsTheSync(error: unknown): boolean {
  return error instanceof SyncError && (error.kind === 'offline' || error.kind === 'signed_out' || error.kind === 'aborted' || error.code === 'wrong_central');
}

export async function syncAuditTrail(parts: AuditSyncParts, role: CentralRole, report: AuditSyncReport): Promise<void> {
  try {
    await pushTrail(parts, report);
    if (role === 'supervisor') await pullDevices(parts, report);
  } catch (error) {
    if (endsTheSync(error)) throw error;
    const failure = error instanceof DomainError ? error : new DomainError('internal', 'The audit trail could not be sent; the next sync tries again.');
    if (!(error instanceof DomainError)) log.error('audit trail step failed unexpectedly', { error: error instanceof Error ? error.stack : String(error) });
    report.error = { code: failure.code, message: failure.message };
    log.warn('audit trail step did not complete; the sync goes on', { code: failure.code });
  }
}

async function pushTrail(parts: AuditSyncParts, report: AuditSyncReport): Promise<void> {
  const { store } = parts;
  for (;;) {
    const after = Number(store.getSyncState(auditPushedKey) ?? '0');
    const entries = store.auditAfter(after, auditPageSize);
    if (entries.length === 0) return;
    const answer = await parts.json(
      { method: 'POST', path: '/v1/audit:batch', json: { deviceId: parts.deviceId, ...parts.boundCentral(), entries } },
      AuditBatchResponse,
    );
    await parts.bindCentral(answer.centralId);
    report.pages += 1;
    report.problems += answer.problems.length;
    if (answer.acknowledgedSeq !== null && answer.acknowledgedSeq > after) {
      report.pushed += entries.filter((e) => e.seq <= answer.acknowledgedSeq!).length;
      await store.setSyncState(auditPushedKey, String(answer.acknowledgedSeq));
    }
    if (answer.held) {
      report.held = answer.held;
      log.info('audit entries held for their person', { seq: answer.held.seq, person: answer.held.actorId });
      return;
    }
    // An answer that acknowledges nothing new would send the same page forever.
    if (answer.acknowledgedSeq === null || answer.acknowledgedSeq <= after) {
      throw new SyncError('fatal', 'audit_stalled', 'The central service acknowledged none of the audit entries sent; the next sync tries again.');
    }
    if (entries.length < auditPageSize) return;
  }
}

async function pullDevices(parts: AuditSyncParts, report: AuditSyncReport): Promise<void> {
  const fetchedAt = parts.now().toISOString();
  const answer = await parts.json({ method: 'GET', path: '/v1/audit/devices' }, AuditDevicesResponse);
  report.devices = answer.devices.length;
  await parts.store.setSyncState(auditDevicesKey, JSON.stringify({ devices: answer.devices, fetchedAt } satisfies AuditDevicesView));
}

/** The device list the last supervisor's sync brought, or none; a copy that does not parse counts as none. */
export function cachedAuditDevices(store: Pick<CaseStore, 'getSyncState'>): AuditDevicesView {
  const text = store.getSyncState(auditDevicesKey);
  if (text === null) return { devices: [], fetchedAt: null };
  try {
    const parsed = AuditDevicesView.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Fall through: treated as never fetched, and the next sync writes it anew.
  }
  log.warn('cached audit device list unreadable; showing none until the next sync');
  return { devices: [], fetchedAt: null };
}

/** One page of an application's trail across devices, asked of the central service now. */
export function fetchAuditTrail(parts: Pick<AuditSyncParts, 'json'>, query: AuditTrailQuery): Promise<AuditEntriesResponse> {
  const params = new URLSearchParams({ applicationId: query.applicationId, limit: '100', ...(query.cursor ? { cursor: query.cursor } : {}) });
  return parts.json({ method: 'GET', path: `/v1/audit/entries?${params.toString()}` }, AuditEntriesResponse);
}
