// The append-only audit log: every entry is hash-chained to the one before it, so an edit, a deletion or
// a reordering made behind the store's back (the triggers stop the ordinary ones) shows up in verifyAudit.
import { createHash } from 'node:crypto';
import { canonicalJson, chainedBytes, chainProblems, GENESIS_HASH, type ChainedEntry, type ChainedFields } from '../../../shared/auditChain';
import type { AuditAction, AuditEntry, AuditVerification } from '../../../shared/contract/cases';
import type { Db } from './database';

/** The audit trail of one case (the case view reads it on every open). */
export const auditForApplicationSql = 'SELECT * FROM audit_log WHERE application_id = ? ORDER BY seq';

export type AuditDetails = AuditEntry['details'];

export interface AuditRow {
  seq: number;
  at: number;
  action: string;
  application_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  device_id: string;
  online: number;
  details: string;
  prev_hash: string;
  hash: string;
}

/** A row as the chain encodes it (shared/auditChain.ts): what the workstation hashes and the central service checks. */
export function chainedFields(row: Omit<AuditRow, 'hash'>): ChainedFields {
  return {
    seq: row.seq,
    at: row.at,
    action: row.action,
    applicationId: row.application_id,
    actorId: row.actor_id,
    actorName: row.actor_name,
    deviceId: row.device_id,
    online: row.online === 1,
    details: row.details,
    prevHash: row.prev_hash,
  };
}

/** The SHA-256 of the entry's chained bytes: every column but the hash itself, the previous hash included. */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256').update(chainedBytes(chainedFields(row)), 'utf8').digest('hex');
}

export interface NewAuditEntry {
  at: number;
  action: AuditAction;
  applicationId: string | null;
  actor: { id: string; displayName: string } | null;
  deviceId: string;
  online: boolean;
  details: AuditDetails;
}

export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;
  private readonly allStmt;
  private readonly forApplicationStmt;
  private readonly afterStmt;

  constructor(db: Db) {
    this.lastStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare<[AuditRow]>(
      `INSERT INTO audit_log (seq, at, action, application_id, actor_id, actor_name, device_id, online, details, prev_hash, hash)
       VALUES (@seq, @at, @action, @application_id, @actor_id, @actor_name, @device_id, @online, @details, @prev_hash, @hash)`,
    );
    this.allStmt = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
    this.forApplicationStmt = db.prepare<[string], AuditRow>(auditForApplicationSql);
    this.afterStmt = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /** Appends one entry; call inside the transaction of the change it records. */
  append(entry: NewAuditEntry): AuditRow {
    const last = this.lastStmt.get();
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at: entry.at,
      action: entry.action,
      application_id: entry.applicationId,
      actor_id: entry.actor?.id ?? null,
      actor_name: entry.actor?.displayName ?? null,
      device_id: entry.deviceId,
      online: entry.online ? 1 : 0,
      details: canonicalJson(entry.details),
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const row: AuditRow = { ...base, hash: entryHash(base) };
    this.insertStmt.run(row);
    return row;
  }

  forApplication(applicationId: string): AuditEntry[] {
    return this.forApplicationStmt.all(applicationId).map(toAuditEntry);
  }

  /** The entries after `seq`, in order, as stored (hashes included): what sync pushes to the central service. */
  after(seq: number, limit: number): ChainedEntry[] {
    return this.afterStmt.all(seq, limit).map((row) => ({ ...chainedFields(row), hash: row.hash }));
  }

  /** Walks the whole chain; names the first entry whose sequence, link or content does not check out. */
  verify(): AuditVerification {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for (const row of this.allStmt.iterate()) {
      const broken = (reason: string): AuditVerification => ({ ok: false, count, firstBrokenSeq: row.seq, reason });
      if (row.seq !== expectedSeq) return { ok: false, count, firstBrokenSeq: expectedSeq, reason: `${chainProblems.gap(expectedSeq, row.seq - 1)} (next is ${row.seq})` };
      if (row.prev_hash !== prevHash) return broken(chainProblems.brokenLink);
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash) return broken(chainProblems.hashMismatch);
      prevHash = hash;
      expectedSeq += 1;
      count += 1;
    }
    return { ok: true, count };
  }
}

function parseDetails(text: string): AuditDetails {
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as AuditDetails) : {};
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    action: row.action as AuditAction,
    applicationId: row.application_id,
    actor: row.actor_id === null ? null : { id: row.actor_id, displayName: row.actor_name ?? '' },
    deviceId: row.device_id,
    online: row.online === 1,
    details: parseDetails(row.details),
    hash: row.hash,
  };
}
