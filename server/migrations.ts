// Numbered migrations, each run in one transaction with its version row; the runner refuses a database
// written by a newer server. Migrations only ever add: an older server keeps working on a newer schema
// until the refusal, never half-way.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from './db';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(tx: Queryable): Promise<void>;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    async up(tx) {
      await tx.query(`
        CREATE TABLE people (
          username      text PRIMARY KEY,
          display_name  text NOT NULL,
          role          text NOT NULL CHECK (role IN ('reviewer', 'supervisor', 'intake')),
          -- scrypt$N$r$p$salt$hash, base64url parts
          password_hash text NOT NULL,
          active        boolean NOT NULL DEFAULT true
        )`);
      await tx.query(`
        CREATE TABLE tokens (
          -- SHA-256 of the token: a stolen database does not yield working tokens
          token_hash text PRIMARY KEY,
          kind       text NOT NULL CHECK (kind IN ('access', 'refresh')),
          username   text NOT NULL REFERENCES people (username),
          expires_at timestamptz NOT NULL,
          revoked_at timestamptz
        )`);
      await tx.query(`
        CREATE TABLE accounts (
          id                    text PRIMARY KEY,
          registration_location text NOT NULL,
          -- the identity verified now (null: never verified) and when
          verified_identity     jsonb,
          verified_at           timestamptz,
          -- normalised keys of verified_identity for R2/R3 facts
          doc_key               text,
          ent_name_key          text,
          ent_reg_key           text
        )`);
      await tx.query(`CREATE INDEX accounts_doc_key ON accounts (doc_key) WHERE doc_key IS NOT NULL`);
      await tx.query(`CREATE INDEX accounts_ent_name_key ON accounts (ent_name_key) WHERE ent_name_key IS NOT NULL`);
      await tx.query(`CREATE INDEX accounts_ent_reg_key ON accounts (ent_reg_key) WHERE ent_reg_key IS NOT NULL`);
      await tx.query(`
        CREATE TABLE verifications (
          id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          account_id     text NOT NULL REFERENCES accounts (id),
          identity       jsonb NOT NULL,
          verified_at    timestamptz NOT NULL,
          application_id text
        )`);
      await tx.query(`
        CREATE TABLE blobs (
          sha256     text PRIMARY KEY,
          media_type text NOT NULL,
          byte_size  integer NOT NULL,
          bytes      bytea NOT NULL
        )`);
      await tx.query(`
        CREATE TABLE applications (
          id                    text PRIMARY KEY,
          account_id            text NOT NULL REFERENCES accounts (id),
          kind                  text NOT NULL,
          registration_location text NOT NULL,
          submitted_at          timestamptz NOT NULL,
          status                text NOT NULL,
          version               integer NOT NULL,
          assignee              text REFERENCES people (username),
          -- the assignment is a lease; the reviewer's syncs renew it
          lease_expires_at      timestamptz,
          identity              jsonb NOT NULL,
          current_identity      jsonb,
          change_direction      text,
          icp                   jsonb NOT NULL,
          applicant_language    text NOT NULL,
          due_at                timestamptz NOT NULL,
          escalate_at           timestamptz NOT NULL,
          -- normalised keys of identity, to find pending applications whose facts change
          doc_key               text,
          ent_name_key          text,
          ent_reg_key           text
        )`);
      await tx.query(`CREATE INDEX applications_unassigned ON applications (due_at, id) WHERE assignee IS NULL AND status = 'queued'`);
      await tx.query(`CREATE INDEX applications_assignee ON applications (assignee) WHERE status = 'queued'`);
      await tx.query(`CREATE INDEX applications_account ON applications (account_id)`);
      await tx.query(`
        CREATE TABLE documents (
          id             text PRIMARY KEY,
          application_id text NOT NULL REFERENCES applications (id),
          position       integer NOT NULL,
          role           text NOT NULL,
          sha256         text NOT NULL REFERENCES blobs (sha256)
        )`);
      await tx.query(`CREATE INDEX documents_application ON documents (application_id, position)`);
      await tx.query(`
        CREATE TABLE changes (
          -- written only under the changes lock, so commit order is seq order and no cursor skips a row
          seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          reviewer       text NOT NULL REFERENCES people (username),
          application_id text NOT NULL REFERENCES applications (id),
          type           text NOT NULL,
          created_at     timestamptz NOT NULL
        )`);
      await tx.query(`CREATE INDEX changes_reviewer ON changes (reviewer, seq)`);
      await tx.query(`
        CREATE TABLE mutations (
          id             uuid PRIMARY KEY,
          username       text NOT NULL,
          device_id      text NOT NULL,
          application_id text NOT NULL,
          received_at    timestamptz NOT NULL,
          -- the answer given, returned again for a repeated id
          result         jsonb
        )`);
      await tx.query(`
        CREATE TABLE decisions (
          id                uuid PRIMARY KEY,
          application_id    text NOT NULL UNIQUE REFERENCES applications (id),
          kind              text NOT NULL,
          reviewer          text NOT NULL REFERENCES people (username),
          device_id         text NOT NULL,
          outcome           text NOT NULL,
          reason_codes      jsonb NOT NULL,
          applicant_message text NOT NULL,
          internal_note     text NOT NULL,
          override_note     text,
          decided_at        timestamptz NOT NULL,
          made_at           timestamptz NOT NULL,
          offline           boolean NOT NULL
        )`);
      await tx.query(`CREATE INDEX decisions_keyset ON decisions (decided_at DESC, id DESC)`);
      await tx.query(`
        CREATE TABLE notes (
          id             uuid PRIMARY KEY,
          application_id text NOT NULL REFERENCES applications (id),
          author         text NOT NULL REFERENCES people (username),
          text           text NOT NULL,
          made_at        timestamptz NOT NULL,
          received_at    timestamptz NOT NULL
        )`);
      await tx.query(`
        CREATE TABLE reviews (
          id          text PRIMARY KEY,
          decision_id uuid NOT NULL REFERENCES decisions (id),
          supervisor  text NOT NULL REFERENCES people (username),
          verdict     text NOT NULL CHECK (verdict IN ('agree', 'overturn')),
          reason      text NOT NULL,
          reviewed_at timestamptz NOT NULL,
          UNIQUE (decision_id, supervisor)
        )`);
    },
  },
  {
    version: 2,
    name: 'central identity',
    async up(tx) {
      // Which central service this database is, made once: workstations bind their cases and outbox to it, so a
      // workstation pointed at another service refuses to sync instead of sending decisions where they do not belong.
      await tx.query(`
        CREATE TABLE central_identity (
          id         uuid PRIMARY KEY,
          created_at timestamptz NOT NULL,
          only_row   boolean NOT NULL DEFAULT true UNIQUE CHECK (only_row)
        )`);
      await tx.query(`INSERT INTO central_identity (id, created_at) VALUES ($1, $2)`, [randomUUID(), new Date()]);
    },
  },
  {
    version: 3,
    name: 'decision evidence',
    async up(tx) {
      // What the reviewer's workstation judged on, for the supervisor: the rules overridden with the note, and the
      // flags and last verification as they stood. Decisions applied before this have none ([] and null).
      await tx.query(`ALTER TABLE decisions ADD COLUMN overridden_rules jsonb NOT NULL DEFAULT '[]'`);
      await tx.query(`ALTER TABLE decisions ADD COLUMN judged_on jsonb`);
    },
  },
  {
    version: 5,
    name: 'handling time and deadline evidence',
    async up(tx) {
      // When the reviewer first opened the case on the device (null from workstations that do not send it) and the
      // application's deadline as it stood when decided (an overturn may give the application a new one later).
      await tx.query(`ALTER TABLE decisions ADD COLUMN opened_at timestamptz`);
      await tx.query(`ALTER TABLE decisions ADD COLUMN due_at timestamptz`);
      await tx.query(`UPDATE decisions d SET due_at = a.due_at FROM applications a WHERE a.id = d.application_id`);
      await tx.query(`ALTER TABLE decisions ALTER COLUMN due_at SET NOT NULL`);
      // Reports filter by when the reviewer decided (the device clock); a range then reads only its part of the table.
      await tx.query(`CREATE INDEX decisions_made_at ON decisions (made_at)`);
    },
  },
];

export const latestSchemaVersion = Math.max(...migrations.map((m) => m.version));

export class SchemaTooNewError extends Error {
  constructor(found: number, supported: number = latestSchemaVersion) {
    super(`The database has schema version ${found}, newer than this server's ${supported}; update the server.`);
    this.name = 'SchemaTooNewError';
  }
}

export async function migrate(db: Database, list: readonly Migration[] = migrations): Promise<{ from: number; to: number }> {
  const latest = Math.max(0, ...list.map((m) => m.version));
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
  const [row] = await db.query<{ v: number | null }>(`SELECT max(version) AS v FROM schema_migrations`);
  const from = row?.v ?? 0;
  if (from > latest) throw new SchemaTooNewError(from, latest);
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (migration.version <= from) continue;
    await db.transaction(async (tx) => {
      await migration.up(tx);
      await tx.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        new Date(),
      ]);
    });
  }
  return { from, to: Math.max(from, latest) };
}
