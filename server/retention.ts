// The retention period workstations purge decided and synced cases after (migration 16): one row, default 30 days,
// changed by an administrator; every page of the changes feed carries it (server/http.ts).
import type { RetentionPolicy } from '../shared/contract/retention';
import type { Queryable } from './db';

export async function retentionPolicy(db: Queryable): Promise<RetentionPolicy> {
  const [row] = await db.query<{ days: number; updated_at: Date | null; updated_by: string | null }>(`SELECT days, updated_at, updated_by FROM retention_policy`);
  if (!row) throw new Error('retention_policy has no row (migration 16 seeds it)');
  return { days: row.days, updatedAt: row.updated_at?.toISOString() ?? null, updatedBy: row.updated_by };
}

export async function setRetentionDays(db: Queryable, days: number, by: string, now: Date): Promise<RetentionPolicy> {
  await db.query(`UPDATE retention_policy SET days = $1, updated_at = $2, updated_by = $3`, [days, now, by]);
  return retentionPolicy(db);
}
