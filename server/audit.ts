// Device audit trails at the central service: every workstation pushes its hash-chained audit log here, page by page in
// seq order. Each entry is checked on receipt against the device's chain as stored (its hash recomputed from the same
// bytes the device hashed, shared/auditChain.ts, and its link to the device's previous entry) and stored append-only as
// received; what does not check out is recorded as the device's integrity problem, naming the device and the entry.
import { createHash } from 'node:crypto';
import { chainedBytes, chainProblems, GENESIS_HASH, type ChainedFields } from '../shared/auditChain';
import type {
  AuditBatchResponse,
  AuditChainEntry,
  AuditDevice,
  AuditDevicesResponse,
  AuditEntriesResponse,
  AuditProblem,
  AuditProblemKind,
  StoredAuditEntry,
} from '../shared/contract/central';
import { DomainError } from '../shared/errors';
import { isLineText } from '../shared/text';
import type { Caller } from './auth';
import type { Queryable } from './db';
import type { CentralService } from './service';

/** The SHA-256 of an entry's chained bytes, as the workstation's store computes it (electron/store/sqlite/audit.ts). */
export function auditEntryHash(entry: ChainedFields): string {
  return createHash('sha256').update(chainedBytes(entry), 'utf8').digest('hex');
}

type EntryRow = {
  device_id: string;
  seq: number;
  at_ms: number;
  action: string;
  application_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  online: boolean;
  details: string;
  prev_hash: string;
  hash: string;
  problem: Exclude<AuditProblemKind, 'conflict'> | null;
  pushed_by: string;
  received_at: Date;
};

/** Whether a stored row is exactly this entry (a resend), field by field. */
function sameEntry(row: EntryRow, e: AuditChainEntry): boolean {
  return (
    row.at_ms === e.at &&
    row.action === e.action &&
    row.application_id === e.applicationId &&
    row.actor_id === e.actorId &&
    row.actor_name === e.actorName &&
    row.online === e.online &&
    row.details === e.details &&
    row.prev_hash === e.prevHash &&
    row.hash === e.hash
  );
}

type Received = Omit<AuditBatchResponse, 'centralId'>;

export class AuditTrails {
  constructor(private readonly service: CentralService) {}

  /**
   * Takes a page of one device's trail. Entries whose person is neither the caller nor someone who pushed this device's
   * trail before are held (from the first such entry on: a trail goes in order). The rest are checked and stored in one
   * transaction, the device's row locked so two pushes of one device never interleave.
   */
  async receive(caller: Caller, deviceId: string, entries: readonly AuditChainEntry[]): Promise<Received> {
    const now = this.service.options.now();
    return this.service.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO audit_devices (device_id, last_received_at) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING`, [deviceId, now]);
      await tx.query(`SELECT device_id FROM audit_devices WHERE device_id = $1 FOR UPDATE`, [deviceId]);

      const others = [...new Set(entries.map((e) => e.actorId).filter((a): a is string => a !== null && a !== caller.username))];
      const earlier = new Set(
        others.length === 0
          ? []
          : (await tx.query<{ username: string }>(`SELECT username FROM audit_device_people WHERE device_id = $1 AND pushed AND username = ANY($2)`, [deviceId, others])).map(
              (r) => r.username,
            ),
      );
      const heldAt = entries.findIndex((e) => e.actorId !== null && e.actorId !== caller.username && !earlier.has(e.actorId));
      const taken = heldAt === -1 ? entries : entries.slice(0, heldAt);
      const heldEntry = heldAt === -1 ? undefined : entries[heldAt];
      const held: Received['held'] =
        heldEntry && heldEntry.actorId !== null
          ? {
              seq: heldEntry.seq,
              actorId: heldEntry.actorId,
              message: `Entry ${heldEntry.seq} on this device is ${heldEntry.actorId}'s, who has not pushed this device's trail before: it and the entries after it wait until ${heldEntry.actorId} syncs from this device.`,
            }
          : null;

      const checked = await this.check(tx, deviceId, taken);
      const last = taken[taken.length - 1];
      await this.store(tx, caller, deviceId, checked, last !== undefined, now);
      return {
        acknowledgedSeq: last?.seq ?? null,
        stored: checked.fresh.length,
        duplicates: checked.duplicates,
        problems: checked.problems.map(({ seq, kind, message }) => ({ seq, kind, message })),
        held,
      };
    });
  }

  /** Sorts a page into new entries (marked with their problem, if any), resends and conflicts with what is stored. */
  private async check(tx: Queryable, deviceId: string, entries: readonly AuditChainEntry[]) {
    const fresh: { entry: AuditChainEntry; problem: Exclude<AuditProblemKind, 'conflict'> | null }[] = [];
    const problems: (AuditProblem & { received: AuditChainEntry | null })[] = [];
    let duplicates = 0;
    if (entries.length === 0) return { fresh, problems, duplicates };
    const stored = new Map(
      (
        await tx.query<EntryRow>(`SELECT * FROM audit_entries WHERE device_id = $1 AND seq = ANY($2::bigint[])`, [
          deviceId,
          entries.map((e) => String(e.seq)),
        ])
      ).map((r) => [r.seq, r]),
    );
    /** The chain as the service will hold it once this page is in: the hash at a seq, by what is stored first. */
    let before: { seq: number; hash: string } | null = null;
    for (const entry of entries) {
      const existing = stored.get(entry.seq);
      if (existing) {
        if (sameEntry(existing, entry)) duplicates += 1;
        else if (!(await this.conflictKnown(tx, deviceId, entry))) {
          problems.push({ seq: entry.seq, kind: 'conflict', message: `another entry is already stored at ${entry.seq} (received ${entry.hash.slice(0, 12)}…, stored ${existing.hash.slice(0, 12)}…)`, received: entry });
        }
        before = { seq: existing.seq, hash: existing.hash };
        continue;
      }
      // The entry stored before this one: the previous of the page when they are neighbours, else the database's.
      if (before === null || before.seq !== entry.seq - 1) {
        const [row] = await tx.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM audit_entries WHERE device_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT 1`, [
          deviceId,
          entry.seq,
        ]);
        // Rows between the page's previous entry and this one may be stored already (a gap filled late).
        if (row && (before === null || row.seq > before.seq)) before = row;
      }
      let problem: Exclude<AuditProblemKind, 'conflict'> | null = null;
      const found = (kind: Exclude<AuditProblemKind, 'conflict'>, seq: number, message: string) => {
        problem ??= kind;
        problems.push({ seq, kind, message, received: null });
      };
      const previousSeq = before?.seq ?? 0;
      if (previousSeq !== entry.seq - 1) found('gap', previousSeq + 1, chainProblems.gap(previousSeq + 1, entry.seq - 1));
      else if (entry.prevHash !== (before?.hash ?? GENESIS_HASH)) found('broken_link', entry.seq, chainProblems.brokenLink);
      if (auditEntryHash(entry) !== entry.hash) found('hash_mismatch', entry.seq, chainProblems.hashMismatch);
      fresh.push({ entry, problem });
      before = { seq: entry.seq, hash: entry.hash };
    }
    return { fresh, problems, duplicates };
  }

  /** A conflicting entry sent again is recorded once. */
  private async conflictKnown(tx: Queryable, deviceId: string, entry: AuditChainEntry): Promise<boolean> {
    const rows = await tx.query(`SELECT 1 FROM audit_problems WHERE device_id = $1 AND seq = $2 AND kind = 'conflict' AND received = $3::jsonb LIMIT 1`, [
      deviceId,
      entry.seq,
      JSON.stringify(entry),
    ]);
    return rows.length > 0;
  }

  private async store(tx: Queryable, caller: Caller, deviceId: string, checked: Awaited<ReturnType<AuditTrails['check']>>, acknowledged: boolean, now: Date): Promise<void> {
    const { fresh, problems } = checked;
    if (fresh.length > 0) {
      const rows = fresh.map(({ entry: e, problem }) => ({
        seq: e.seq,
        at_ms: e.at,
        action: e.action,
        application_id: e.applicationId,
        actor_id: e.actorId,
        actor_name: e.actorName,
        online: e.online,
        details: e.details,
        prev_hash: e.prevHash,
        hash: e.hash,
        problem,
      }));
      // One statement for the page: a row per entry from one JSON parameter.
      await tx.query(
        `INSERT INTO audit_entries (device_id, seq, at_ms, action, application_id, actor_id, actor_name, online, details, prev_hash, hash, problem, pushed_by, received_at)
         SELECT $1, r.seq, r.at_ms, r.action, r.application_id, r.actor_id, r.actor_name, r.online, r.details, r.prev_hash, r.hash, r.problem, $3, $4
           FROM jsonb_to_recordset($2::jsonb) AS r (seq bigint, at_ms bigint, action text, application_id text, actor_id text, actor_name text, online boolean,
                                                    details text, prev_hash text, hash text, problem text)`,
        [deviceId, JSON.stringify(rows), caller.username, now],
      );
    }
    for (const p of problems) {
      await tx.query(`INSERT INTO audit_problems (device_id, seq, kind, message, received, pushed_by, detected_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`, [
        deviceId,
        p.seq,
        p.kind,
        p.message,
        p.received === null ? null : JSON.stringify(p.received),
        caller.username,
        now,
      ]);
    }
    const lastSeq = Math.max(0, ...fresh.map((f) => f.entry.seq));
    await tx.query(`UPDATE audit_devices SET last_seq = greatest(last_seq, $2), entries = entries + $3, last_received_at = $4 WHERE device_id = $1`, [
      deviceId,
      lastSeq,
      fresh.length,
      now,
    ]);
    // The people seen: the pusher (who may push the device's earlier people's entries from now on) and the entries' actors.
    const actors = new Map<string, string>();
    for (const { entry } of fresh) if (entry.actorId !== null) actors.set(entry.actorId, entry.actorName ?? entry.actorId);
    actors.delete(caller.username);
    // A push that held everything from its first entry took nothing: it does not make the caller one of the device's people.
    if (acknowledged) {
      await tx.query(
        `INSERT INTO audit_device_people (device_id, username, display_name, pushed) VALUES ($1, $2, $3, true)
         ON CONFLICT (device_id, username) DO UPDATE SET display_name = EXCLUDED.display_name, pushed = true`,
        [deviceId, caller.username, caller.displayName],
      );
    }
    for (const [username, displayName] of actors) {
      await tx.query(
        `INSERT INTO audit_device_people (device_id, username, display_name) VALUES ($1, $2, $3)
         ON CONFLICT (device_id, username) DO UPDATE SET display_name = EXCLUDED.display_name`,
        [deviceId, username, displayName],
      );
    }
  }

  /** Every device with a trail here: integrity problems first, then by device id. */
  async devices(): Promise<AuditDevicesResponse> {
    const db = this.service.db;
    const devices = await db.query<{ device_id: string; last_seq: number; entries: number; last_received_at: Date }>(
      `SELECT device_id, last_seq, entries, last_received_at FROM audit_devices ORDER BY device_id`,
    );
    const people = await db.query<{ device_id: string; username: string; display_name: string }>(
      `SELECT device_id, username, display_name FROM audit_device_people ORDER BY device_id, username`,
    );
    const firstBad = await db.query<{ device_id: string; seq: number; kind: AuditProblemKind; message: string; detected_at: Date; problems: number }>(
      `SELECT DISTINCT ON (device_id) device_id, seq, kind, message, detected_at, count(*) OVER (PARTITION BY device_id)::int AS problems
         FROM audit_problems ORDER BY device_id, seq, id`,
    );
    const peopleOf = new Map<string, { username: string; displayName: string }[]>();
    for (const p of people) peopleOf.set(p.device_id, [...(peopleOf.get(p.device_id) ?? []), { username: p.username, displayName: p.display_name }]);
    const badOf = new Map(firstBad.map((b) => [b.device_id, b]));
    const list: AuditDevice[] = devices.map((d) => {
      const bad = badOf.get(d.device_id);
      return {
        deviceId: d.device_id,
        lastSeq: d.last_seq,
        entries: d.entries,
        lastReceivedAt: d.last_received_at.toISOString(),
        people: peopleOf.get(d.device_id) ?? [],
        integrity: bad
          ? { ok: false, firstBadSeq: bad.seq, kind: bad.kind, message: bad.message, detectedAt: bad.detected_at.toISOString(), problems: bad.problems }
          : { ok: true },
      };
    });
    list.sort((a, b) => Number(a.integrity.ok) - Number(b.integrity.ok));
    return { devices: list };
  }

  /** Entries of all devices with the filters combined, newest first by the device clock, keyset-paged. */
  async entries(query: { applicationId?: string | undefined; deviceId?: string | undefined; person?: string | undefined; action?: string | undefined; cursor?: string | undefined; limit: number }): Promise<AuditEntriesResponse> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (sql: string, value: string | number) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.applicationId !== undefined) add('application_id = ?', query.applicationId);
    if (query.deviceId !== undefined) add('device_id = ?', query.deviceId);
    if (query.person !== undefined) add('actor_id = ?', query.person);
    if (query.action !== undefined) add('action = ?', query.action);
    if (query.cursor) {
      const [at, seq, device] = decodeAuditCursor(query.cursor);
      params.push(at, device, seq);
      where.push(`(at_ms, device_id, seq) < ($${params.length - 2}, $${params.length - 1}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const rows = await this.service.db.query<EntryRow>(
      `SELECT * FROM audit_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at_ms DESC, device_id DESC, seq DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { entries: page.map(storedEntry), nextCursor: rows.length > query.limit && last ? encodeAuditCursor(last.at_ms, last.seq, last.device_id) : null };
  }
}

function storedEntry(row: EntryRow): StoredAuditEntry {
  return {
    deviceId: row.device_id,
    seq: row.seq,
    at: new Date(row.at_ms).toISOString(),
    action: row.action,
    applicationId: row.application_id,
    actor: row.actor_id === null ? null : { username: row.actor_id, displayName: row.actor_name ?? row.actor_id },
    online: row.online,
    details: row.details,
    hash: row.hash,
    problem: row.problem,
    receivedAt: row.received_at.toISOString(),
    pushedBy: row.pushed_by,
  };
}

function encodeAuditCursor(atMs: number, seq: number, deviceId: string): string {
  return Buffer.from(`a1:${atMs}:${seq}:${deviceId}`).toString('base64url');
}

function decodeAuditCursor(cursor: string): [number, number, string] {
  const match = /^a1:(\d{1,16}):(\d{1,16}):(.{1,64})$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !match[1] || !match[2] || !match[3] || !isLineText(match[3], 64)) throw new DomainError('invalid_cursor', 'cursor: not a cursor this server gave out');
  return [Number(match[1]), Number(match[2]), match[3]];
}
