// People administration, shared by the admin routes (http.ts) and the `npm run server -- people` command
// (peopleCli.ts): create, set the role, reset a password (a change is forced at the next sign-in), deactivate (open
// applications go back to the pool at once, sessions end), and the person's own password change. Every change is one
// transaction with its row in people_changes (append-only; who, when, what; never a password).
import type { CentralRole } from '../shared/contract/central';
import { passwordProblem, type CreatePersonRequest, type PersonChange, type PersonRecord } from '../shared/contract/people';
import { DomainError } from '../shared/errors';
import { hashPassword, revokeTokens } from './auth';
import type { Database, Queryable } from './db';
import { appendChange, feedTransaction } from './feed';
import { OPEN } from './service';

interface PersonRow {
  username: string;
  display_name: string;
  role: CentralRole;
  active: boolean;
  must_change_password: boolean;
  deactivated_at: Date | null;
}

const personOf = (row: PersonRow): PersonRecord => ({
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  active: row.active,
  mustChangePassword: row.must_change_password,
  deactivatedAt: row.deactivated_at?.toISOString() ?? null,
});

const PERSON_COLUMNS = 'username, display_name, role, active, must_change_password, deactivated_at';

/** Who makes a change: a signed-in admin, or null for the command on the server's host. */
export type Actor = string | null;

type Detail = Record<string, string | number | boolean | null>;

async function record(tx: Queryable, username: string, action: PersonChange['action'], actor: Actor, now: Date, detail: Detail = {}): Promise<void> {
  await tx.query(`INSERT INTO people_changes (username, action, changed_by, changed_at, detail) VALUES ($1, $2, $3, $4, $5)`, [
    username,
    action,
    actor,
    now,
    JSON.stringify(detail),
  ]);
}

function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new DomainError('weak_password', problem);
}

/** The person, locked for the change; refused when unknown or (for anything but reading) deactivated. */
async function lockedPerson(tx: Queryable, username: string): Promise<PersonRow> {
  const [row] = await tx.query<PersonRow & Record<string, unknown>>(`SELECT ${PERSON_COLUMNS} FROM people WHERE username = $1 FOR UPDATE`, [username]);
  if (!row) throw new DomainError('not_found', `No person with the username ${username}`);
  if (!row.active) throw new DomainError('person_inactive', `${username} is deactivated; create a new person instead`);
  return row;
}

/** Refuses a change that would leave no active admin (nobody could manage people through the API any more). */
async function keepAnAdmin(tx: Queryable, username: string): Promise<void> {
  const admins = await tx.query<{ username: string }>(`SELECT username FROM people WHERE role = 'admin' AND active FOR UPDATE`);
  if (admins.every((a) => a.username === username)) {
    throw new DomainError('last_admin', `${username} is the last active admin; make another person admin first`);
  }
}

/** Open applications of the person go back to the pool now, and their workstations hear it from the feed. */
async function releaseApplications(tx: Queryable, username: string, now: Date): Promise<number> {
  const released = await tx.query<{ id: string }>(
    `UPDATE applications SET assignee = NULL, lease_expires_at = NULL, version = version + 1
      WHERE assignee = $1 AND status = $2 RETURNING id`,
    [username, OPEN],
  );
  for (const { id } of released.sort((a, b) => a.id.localeCompare(b.id))) appendChange(tx, username, id, 'reassigned', now);
  return released.length;
}

export class PeopleAdmin {
  constructor(private readonly db: Database) {}

  async list(): Promise<PersonRecord[]> {
    const rows = await this.db.query<PersonRow & Record<string, unknown>>(`SELECT ${PERSON_COLUMNS} FROM people ORDER BY active DESC, username`);
    return rows.map(personOf);
  }

  /**
   * A new person. Made by an admin, the password is a first one to hand over: it must be changed at the first sign-in.
   * The command's first admin (`mustChangePassword: false`) chose their own password at the server's console.
   */
  async create(input: CreatePersonRequest, actor: Actor, now: Date, mustChangePassword = true): Promise<PersonRecord> {
    checkPassword(input.password, input.username);
    const hash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<PersonRow & Record<string, unknown>>(
        `INSERT INTO people (username, display_name, role, password_hash, must_change_password) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (username) DO NOTHING RETURNING ${PERSON_COLUMNS}`,
        [input.username, input.displayName, input.role, hash, mustChangePassword],
      );
      if (!row) throw new DomainError('person_exists', `The username ${input.username} is taken (deactivated people keep theirs); choose another`);
      await record(tx, input.username, 'created', actor, now, { role: input.role, displayName: input.displayName });
      return personOf(row);
    });
  }

  /** A new role ends the person's sessions (their tokens carried the old one); a reviewer's open work goes back to the pool. */
  async setRole(username: string, role: CentralRole, actor: Actor, now: Date): Promise<PersonRecord> {
    return feedTransaction(this.db, async (tx) => {
      const person = await lockedPerson(tx, username);
      if (person.role === role) return personOf(person);
      if (person.role === 'admin') await keepAnAdmin(tx, username);
      const released = person.role === 'reviewer' ? await releaseApplications(tx, username, now) : 0;
      const revoked = await revokeTokens(tx, username, now);
      const [row] = await tx.query<PersonRow & Record<string, unknown>>(`UPDATE people SET role = $2 WHERE username = $1 RETURNING ${PERSON_COLUMNS}`, [username, role]);
      await record(tx, username, 'role_set', actor, now, { from: person.role, to: role, releasedApplications: released, revokedTokens: revoked });
      return personOf(row as PersonRow);
    });
  }

  /** A temporary password: every session ends and the person must choose a new one at the next sign-in. */
  async resetPassword(username: string, password: string, actor: Actor, now: Date): Promise<PersonRecord> {
    checkPassword(password, username);
    const hash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      await lockedPerson(tx, username);
      const revoked = await revokeTokens(tx, username, now);
      const [row] = await tx.query<PersonRow & Record<string, unknown>>(
        `UPDATE people SET password_hash = $2, must_change_password = true WHERE username = $1 RETURNING ${PERSON_COLUMNS}`,
        [username, hash],
      );
      await record(tx, username, 'password_reset', actor, now, { revokedTokens: revoked });
      return personOf(row as PersonRow);
    });
  }

  async deactivate(username: string, reason: string | undefined, actor: Actor, now: Date): Promise<{ person: PersonRecord; releasedApplications: number; revokedTokens: number }> {
    return feedTransaction(this.db, async (tx) => {
      const person = await lockedPerson(tx, username);
      if (person.role === 'admin') await keepAnAdmin(tx, username);
      const releasedApplications = await releaseApplications(tx, username, now);
      const revokedTokens = await revokeTokens(tx, username, now);
      const [row] = await tx.query<PersonRow & Record<string, unknown>>(
        `UPDATE people SET active = false, deactivated_at = $2 WHERE username = $1 RETURNING ${PERSON_COLUMNS}`,
        [username, now],
      );
      await record(tx, username, 'deactivated', actor, now, { reason: reason ?? null, releasedApplications, revokedTokens });
      return { person: personOf(row as PersonRow), releasedApplications, revokedTokens };
    });
  }

  /** The person's own change (their current password already checked by the caller): the other sessions end. */
  async changePassword(username: string, currentPassword: string, newPassword: string, now: Date): Promise<void> {
    if (newPassword === currentPassword) throw new DomainError('weak_password', 'The new password must differ from the current one');
    checkPassword(newPassword, username);
    const hash = await hashPassword(newPassword);
    await this.db.transaction(async (tx) => {
      await lockedPerson(tx, username);
      const revoked = await revokeTokens(tx, username, now);
      await tx.query(`UPDATE people SET password_hash = $2, must_change_password = false WHERE username = $1`, [username, hash]);
      await record(tx, username, 'password_changed', username, now, { revokedTokens: revoked });
    });
  }

  async changes(username: string): Promise<PersonChange[]> {
    const [person] = await this.db.query(`SELECT 1 FROM people WHERE username = $1`, [username]);
    if (!person) throw new DomainError('not_found', `No person with the username ${username}`);
    const rows = await this.db.query<{ id: number; username: string; action: PersonChange['action']; changed_by: string | null; changed_at: Date; detail: unknown }>(
      `SELECT id, username, action, changed_by, changed_at, detail FROM people_changes WHERE username = $1 ORDER BY id`,
      [username],
    );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      action: r.action,
      changedBy: r.changed_by,
      changedAt: r.changed_at.toISOString(),
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as PersonChange['detail'],
    }));
  }
}
