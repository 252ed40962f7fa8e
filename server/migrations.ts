// Numbered migrations, each run in one transaction with its version row; the runner refuses a database
// written by a newer server. Migrations add, and change only what a newer rule needs (4: an application may be
// decided again after an overturn); an older server refuses a newer schema rather than work on it half-way.
import { randomUUID } from 'node:crypto';
import { defaultQualityPolicy } from '../shared/contract/central';
import { defaultRetentionDays } from '../shared/contract/retention';
import type { Database, Queryable } from './db';
import { calendarAndWithdrawals } from './calendarSchema';
import { createDecisionTallies } from './decisionTallies';
import { createReportTallies } from './reportTallies';
import { createDecisionChanges } from './decisionChanges';
import { replacedIdentitySchema } from './replacedIdentity';
import { createTextSearchIndex } from './textSearch';
import { createLinkedAccountAccess } from './linked';

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
    version: 4,
    name: 'quality review and four-eyes',
    async up(tx) {
      // The QA and four-eyes policy: every change is a row (who, when, by which mutation), the newest is in force; the
      // first row is the default, changed by nobody.
      await tx.query(`
        CREATE TABLE quality_policies (
          id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          policy      jsonb NOT NULL,
          changed_by  text REFERENCES people (username),
          changed_at  timestamptz NOT NULL,
          mutation_id uuid UNIQUE
        )`);
      await tx.query(`INSERT INTO quality_policies (policy, changed_by, changed_at) VALUES ($1::jsonb, NULL, $2)`, [
        JSON.stringify(defaultQualityPolicy),
        new Date(),
      ]);
      // Where a decision stands, and what the QA sample needs: the ISO week (UTC) it counts in, its rank there
      // (sha256 of the service id and the decision id: random, yet the same on every read), the sample percent in force
      // when it was applied, and why it is sampled. An overturned application is decided again, so an application may
      // have many decisions, of which at most one is not overturned.
      await tx.query(`ALTER TABLE decisions DROP CONSTRAINT decisions_application_id_key`);
      await tx.query(`
        ALTER TABLE decisions
          ADD COLUMN effect text NOT NULL DEFAULT 'in_effect' CHECK (effect IN ('in_effect', 'pending_second_review', 'overturned')),
          ADD COLUMN sample_week date,
          ADD COLUMN sample_rank text,
          ADD COLUMN sample_percent numeric NOT NULL DEFAULT 0,
          ADD COLUMN sample_random boolean NOT NULL DEFAULT false,
          ADD COLUMN sample_overridden boolean NOT NULL DEFAULT false,
          ADD COLUMN sample_tampering boolean NOT NULL DEFAULT false,
          ADD COLUMN quality_reviewed boolean NOT NULL DEFAULT false`);
      await tx.query(`
        UPDATE decisions d SET
          sample_week = date_trunc('week', d.decided_at AT TIME ZONE 'UTC')::date,
          sample_rank = encode(sha256(convert_to(c.id::text || d.id::text, 'UTF8')), 'hex'),
          sample_percent = $1,
          sample_overridden = $2 AND d.outcome = 'approve' AND d.overridden_rules <> '[]'::jsonb,
          sample_tampering = $3 AND d.outcome = 'reject' AND d.reason_codes @> '["suspected_tampering"]'::jsonb,
          quality_reviewed = EXISTS (SELECT 1 FROM reviews r WHERE r.decision_id = d.id)
          FROM central_identity c`,
        [defaultQualityPolicy.samplePercent, defaultQualityPolicy.sampleOverriddenApprovals, defaultQualityPolicy.sampleTamperingRejections],
      );
      await tx.query(`ALTER TABLE decisions ALTER COLUMN sample_week SET NOT NULL, ALTER COLUMN sample_rank SET NOT NULL`);
      // The random sample of each reviewer's week: the ceil(Σ percent / 100) best-ranked (server/quality.ts keeps it).
      await tx.query(`
        UPDATE decisions d SET sample_random = true
          FROM (SELECT id, row_number() OVER w AS n, ceil(sum(sample_percent) OVER w / 100) AS k
                  FROM decisions WHERE sample_percent > 0
                WINDOW w AS (PARTITION BY reviewer, sample_week ORDER BY sample_rank ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) s
         WHERE d.id = s.id AND s.n <= s.k`);
      await tx.query(`CREATE UNIQUE INDEX decisions_standing ON decisions (application_id) WHERE effect <> 'overturned'`);
      await tx.query(`CREATE INDEX decisions_application ON decisions (application_id, decided_at)`);
      await tx.query(`CREATE INDEX decisions_reviewer_week ON decisions (reviewer, sample_week, sample_rank)`);
      await tx.query(`
        CREATE INDEX decisions_quality_queue ON decisions (decided_at DESC, id DESC)
         WHERE effect = 'in_effect' AND NOT quality_reviewed AND (sample_random OR sample_overridden OR sample_tampering)`);
      await tx.query(`CREATE INDEX decisions_second_review ON decisions (decided_at DESC, id DESC) WHERE effect = 'pending_second_review'`);
      // Reviews: the id is the review mutation's; the person may be a reviewer (a four-eyes second review).
      await tx.query(`ALTER TABLE reviews RENAME COLUMN supervisor TO reviewed_by`);
      await tx.query(`ALTER TABLE reviews DROP CONSTRAINT reviews_decision_id_supervisor_key`);
      await tx.query(`ALTER TABLE reviews ADD COLUMN stage text NOT NULL DEFAULT 'quality' CHECK (stage IN ('second_review', 'quality'))`);
      await tx.query(`CREATE UNIQUE INDEX reviews_once ON reviews (decision_id, stage, reviewed_by)`);
      // A verification an overturn revoked stays as history; which approval made it, since one application may now
      // be approved more than once.
      await tx.query(`ALTER TABLE verifications ADD COLUMN decision_id uuid, ADD COLUMN revoked_at timestamptz, ADD COLUMN revoked_by_review text`);
      await tx.query(`
        UPDATE verifications v SET decision_id = d.id FROM decisions d WHERE d.application_id = v.application_id AND d.outcome = 'approve'`);
      await tx.query(`CREATE INDEX verifications_account ON verifications (account_id, id) WHERE revoked_at IS NULL`);
      // Supervision mutations share the table of stored answers (one id, one answer, whatever its kind).
      await tx.query(`ALTER TABLE mutations ALTER COLUMN application_id DROP NOT NULL`);
      await tx.query(`ALTER TABLE mutations ADD COLUMN kind text NOT NULL DEFAULT 'case' CHECK (kind IN ('case', 'supervision'))`);
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
  {
    version: 6,
    name: 'device audit trails',
    async up(tx) {
      // Each workstation's audit log as it pushed it, keyed by (device, seq), append-only like the device's own. `problem`
      // marks an entry that did not check out on receipt (gap | broken_link | hash_mismatch); it is stored all the same.
      await tx.query(`
        CREATE TABLE audit_entries (
          device_id      text NOT NULL,
          seq            bigint NOT NULL,
          at_ms          bigint NOT NULL,
          action         text NOT NULL,
          application_id text,
          actor_id       text,
          actor_name     text,
          online         boolean NOT NULL,
          -- the JSON text the device hashed, byte for byte
          details        text NOT NULL,
          prev_hash      text NOT NULL,
          hash           text NOT NULL,
          problem        text CHECK (problem IN ('gap', 'broken_link', 'hash_mismatch')),
          pushed_by      text NOT NULL REFERENCES people (username),
          received_at    timestamptz NOT NULL,
          PRIMARY KEY (device_id, seq)
        )`);
      await tx.query(`CREATE INDEX audit_entries_newest ON audit_entries (at_ms DESC, device_id DESC, seq DESC)`);
      await tx.query(`CREATE INDEX audit_entries_application ON audit_entries (application_id, at_ms DESC, device_id DESC, seq DESC) WHERE application_id IS NOT NULL`);
      await tx.query(`CREATE INDEX audit_entries_actor ON audit_entries (actor_id, at_ms DESC, device_id DESC, seq DESC) WHERE actor_id IS NOT NULL`);
      await tx.query(`CREATE INDEX audit_entries_device ON audit_entries (device_id, at_ms DESC, seq DESC)`);
      // What did not check out, in the order found; `received` holds an entry that met another at its seq (a conflict).
      await tx.query(`
        CREATE TABLE audit_problems (
          id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          device_id   text NOT NULL,
          seq         bigint NOT NULL,
          kind        text NOT NULL CHECK (kind IN ('gap', 'broken_link', 'hash_mismatch', 'conflict')),
          message     text NOT NULL,
          received    jsonb,
          pushed_by   text NOT NULL REFERENCES people (username),
          detected_at timestamptz NOT NULL
        )`);
      await tx.query(`CREATE INDEX audit_problems_device ON audit_problems (device_id, seq)`);
      for (const table of ['audit_entries', 'audit_problems']) {
        await tx.query(`
          CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION '${table} is append-only'; END $$`);
        await tx.query(`CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`);
        await tx.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_append_only()`);
      }
      // Per device: where its trail stands (a summary, rewritten as pages arrive; the evidence is the two tables above).
      await tx.query(`
        CREATE TABLE audit_devices (
          device_id        text PRIMARY KEY,
          last_seq         bigint NOT NULL DEFAULT 0,
          entries          bigint NOT NULL DEFAULT 0,
          last_received_at timestamptz NOT NULL
        )`);
      // Who worked at a device: named by its entries (actor) or pushed its trail (pushed); a pusher may push entries
      // the device's earlier people made.
      await tx.query(`
        CREATE TABLE audit_device_people (
          device_id    text NOT NULL,
          username     text NOT NULL,
          display_name text NOT NULL,
          pushed       boolean NOT NULL DEFAULT false,
          PRIMARY KEY (device_id, username)
        )`);
    },
  },
  {
    version: 7,
    name: 'live oversight indexes',
    async up(tx) {
      // The supervisor's oversight (server/oversight.ts) over open applications only: the counts per reviewer read this
      // index alone (an index-only scan) and a reviewer's list pages through it due first; the pool's list has
      // applications_unassigned. (20,000 open of 300,000 on PostgreSQL 15: counts 19.9 → 8.9 ms.)
      await tx.query(`CREATE INDEX applications_open_assignee_due ON applications (assignee, due_at, id) INCLUDE (escalate_at) WHERE status = 'queued'`);
    },
  },
  {
    version: 8,
    name: 'decision log indexes',
    async up(tx) {
      // The supervisor's decision log (server/decisions.ts) pages newest first by the device's clock, and by one
      // reviewer's; rarer filters (a reason code, a missed deadline) find their few rows without walking the rest.
      await tx.query(`CREATE INDEX decisions_made_keyset ON decisions (made_at DESC, id DESC)`);
      await tx.query(`CREATE INDEX decisions_reviewer_made ON decisions (reviewer, made_at DESC, id DESC)`);
      await tx.query(`CREATE INDEX decisions_reason_codes ON decisions USING gin (reason_codes jsonb_path_ops)`);
      await tx.query(`CREATE INDEX decisions_deadline_missed ON decisions (made_at DESC, id DESC) WHERE made_at > due_at`);
    },
  },
  {
    version: 9,
    name: 'applicant notifications',
    async up(tx) {
      // How to reach the applicant (server/notifications/): the account's language (the latest application's, set at
      // intake) and its contact addresses (optional in the intake request; without one that channel is not written).
      await tx.query(`
        ALTER TABLE accounts
          ADD COLUMN language text CHECK (language IN ('en', 'zh-CN')),
          ADD COLUMN email    text,
          ADD COLUMN phone    text`);
      // One row per decision effect and channel, written in the transaction that makes the decision take effect; the
      // unique (decision_id, channel) keeps it to one however often the effect is replayed. `sending` with a claim is set
      // before the provider is called, so a crash leaves a row the next claim resends with the same idempotency key.
      await tx.query(`
        CREATE TABLE notifications (
          id              uuid PRIMARY KEY,
          application_id  text NOT NULL REFERENCES applications (id),
          account_id      text NOT NULL REFERENCES accounts (id),
          decision_id     uuid NOT NULL REFERENCES decisions (id),
          channel         text NOT NULL CHECK (channel IN ('message_centre', 'email', 'sms')),
          language        text NOT NULL CHECK (language IN ('en', 'zh-CN')),
          recipient       text,
          idempotency_key text NOT NULL UNIQUE,
          state           text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
          attempts        integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL,
          claimed_by      text,
          claimed_until   timestamptz,
          last_error      text,
          sent_at         timestamptz,
          provider_id     text,
          subject         text NOT NULL,
          body            text NOT NULL,
          created_at      timestamptz NOT NULL,
          UNIQUE (decision_id, channel)
        )`);
      // The dispatcher's claim reads only rows still to deliver; the message centre pages an account's messages.
      await tx.query(`CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state IN ('queued', 'sending')`);
      await tx.query(`CREATE INDEX notifications_message_centre ON notifications (account_id, created_at DESC, id DESC) WHERE channel = 'message_centre'`);
      await tx.query(`CREATE INDEX notifications_application ON notifications (application_id, created_at)`);
    },
  },
  {
    version: 10,
    name: 'business calendar; withdrawals on record',
    async up(tx) {
      await calendarAndWithdrawals(tx);
    },
  },
  // People administration and the login throttle shared by every instance (issue 22).
  {
    version: 11,
    name: 'people administration, audited; login throttle in the database',
    async up(tx) {
      await tx.query(`ALTER TABLE people DROP CONSTRAINT people_role_check`);
      await tx.query(`ALTER TABLE people ADD CONSTRAINT people_role_check CHECK (role IN ('reviewer', 'supervisor', 'intake', 'admin'))`);
      await tx.query(`ALTER TABLE people ADD COLUMN must_change_password boolean NOT NULL DEFAULT false, ADD COLUMN deactivated_at timestamptz`);
      // Every change to a person: who (null: the people command on the server's host), when, what. Never a password.
      await tx.query(`
        CREATE TABLE people_changes (
          id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          username   text NOT NULL REFERENCES people (username),
          action     text NOT NULL CHECK (action IN ('created', 'role_set', 'password_reset', 'password_changed', 'deactivated')),
          changed_by text REFERENCES people (username),
          changed_at timestamptz NOT NULL,
          detail     jsonb NOT NULL DEFAULT '{}'
        )`);
      await tx.query(`CREATE INDEX people_changes_username ON people_changes (username, id)`);
      await tx.query(`
        CREATE FUNCTION people_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'people_changes is append-only'; END $$`);
      await tx.query(`CREATE TRIGGER people_changes_no_change BEFORE UPDATE OR DELETE ON people_changes FOR EACH ROW EXECUTE FUNCTION people_changes_append_only()`);
      await tx.query(`CREATE TRIGGER people_changes_no_truncate BEFORE TRUNCATE ON people_changes FOR EACH STATEMENT EXECUTE FUNCTION people_changes_append_only()`);
      // Failed sign-ins per username and client address (server/throttle.ts), shared by every instance.
      await tx.query(`
        CREATE TABLE login_failures (
          username  text NOT NULL,
          client    text NOT NULL,
          failed_at timestamptz NOT NULL
        )`);
      await tx.query(`CREATE INDEX login_failures_key ON login_failures (username, client, failed_at)`);
      await tx.query(`CREATE INDEX login_failures_failed_at ON login_failures (failed_at)`);
    },
  },
  // The decision log at a million decisions (issue 21): counts from tallies, free text through trigrams.
  {
    version: 12,
    name: 'decision tallies kept by triggers',
    async up(tx) {
      await createDecisionTallies(tx);
    },
  },
  {
    version: 13,
    name: 'trigram index for the decision log free text',
    async up(tx) {
      await createTextSearchIndex(tx);
    },
  },
  {
    version: 14,
    name: 'the identity a change replaces, with the documents its verification was made on',
    async up(tx) {
      await replacedIdentitySchema(tx);
    },
  },
  // Linked accounts behind R2/R3 (issue 23): every look at other accounts is audited (server/linked.ts).
  {
    version: 15,
    name: 'linked-account access audited',
    async up(tx) {
      await createLinkedAccountAccess(tx);
    },
  },
  // How long workstations keep decided and synced cases' images and applicant fields (issue 25): one row.
  {
    version: 16,
    name: 'retention period of workstations',
    async up(tx) {
      await tx.query(`
        CREATE TABLE retention_policy (
          singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
          days       integer NOT NULL CHECK (days BETWEEN 1 AND 3650),
          updated_at timestamptz,
          updated_by text REFERENCES people (username)
        )`);
      await tx.query(`INSERT INTO retention_policy (days) VALUES (${defaultRetentionDays})`);
    },
  },
  // The central service's per-request cost at 100,000 applications (issue 22, bench/central): every fetch looked for
  // expired leases, and every approval for the open applications sharing its identity's keys, by reading all the
  // assigned applications (40,000 at 200 reviewers). Partial indexes over the open ones make each a look-up.
  {
    version: 17,
    name: 'open applications indexed by lease expiry and identity keys',
    async up(tx) {
      await tx.query(`CREATE INDEX applications_open_lease ON applications (lease_expires_at) WHERE status = 'queued' AND assignee IS NOT NULL`);
      for (const key of ['doc_key', 'ent_name_key', 'ent_reg_key']) {
        await tx.query(`CREATE INDEX applications_open_${key} ON applications (${key}) WHERE status = 'queued' AND ${key} IS NOT NULL`);
      }
    },
  },
  {
    version: 18,
    name: 'decision exports on record',
    async up(tx) {
      // One row per export of the decision log (server/decisionExport.ts): who took which decisions out, and when.
      await tx.query(`
        CREATE TABLE decision_exports (
          id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          exported_by text NOT NULL REFERENCES people (username),
          started_at  timestamptz NOT NULL,
          finished_at timestamptz NOT NULL,
          filter      jsonb NOT NULL,
          rows        integer NOT NULL,
          complete    boolean NOT NULL
        )`);
    },
  },
  // The withdrawals on record in the supervisor's log (server/withdrawals.ts), newest first.
  {
    version: 19,
    name: 'withdrawals on record in the decision log',
    async up(tx) {
      await tx.query(`CREATE INDEX applications_withdrawn ON applications (withdrawn_at DESC, id DESC) WHERE withdrawn_at IS NOT NULL`);
    },
  },
  // The decision report at a million decisions (issue 21): exact counts and a handling-time histogram per reviewer,
  // kind and day, kept by triggers.
  {
    version: 20,
    name: 'decision report tallies kept by triggers',
    async up(tx) {
      await createReportTallies(tx);
    },
  },
  // What changed in the decision log since a supervisor's workstation last asked (server/decisionChanges.ts).
  {
    version: 21,
    name: 'decisions changed since a watermark',
    async up(tx) {
      await createDecisionChanges(tx);
    },
  },
  // The lease index of migration 17 was partial on `assignee IS NOT NULL`. Where the statistics were taken before
  // anyone held an application (a bulk import, a new deployment's first day) it looked empty to the planner, which
  // then read it whole for any statement naming an assignee (the lease renewal and held count of every fetch, an
  // approval's look-up for open applications sharing its keys): every assigned application, 10–24 ms a statement at
  // 20,000, until autovacuum analysed the table again (server/bulkImport.test.ts). Over every open application the
  // index is as big as the planner thinks; unheld ones (no lease, NULL sorts last) stay outside the expiry range.
  {
    version: 22,
    name: 'lease index over every open application',
    async up(tx) {
      await tx.query(`DROP INDEX applications_open_lease`);
      await tx.query(`CREATE INDEX applications_open_lease ON applications (lease_expires_at) WHERE status = 'queued'`);
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

/** Held (per transaction) by every step of migrate(): instances started together on one database take turns. */
export const MIGRATION_LOCK = 7_331_002;

async function schemaVersion(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ v: number | null }>(`SELECT max(version) AS v FROM schema_migrations`);
  return row?.v ?? 0;
}

/**
 * Brings the database to the latest version. Each migration is one transaction that first takes MIGRATION_LOCK and
 * reads the version again, so two instances starting on one database never run the same migration twice (the second
 * waits, then finds it done).
 */
export async function migrate(db: Database, list: readonly Migration[] = migrations): Promise<{ from: number; to: number }> {
  const latest = Math.max(0, ...list.map((m) => m.version));
  const from = await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
    return schemaVersion(tx);
  });
  if (from > latest) throw new SchemaTooNewError(from, latest);
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (migration.version <= from) continue;
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      if ((await schemaVersion(tx)) >= migration.version) return;
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

/** The schema version the database is at, or null before the first migration (for /readyz). */
export async function currentSchemaVersion(db: Queryable): Promise<number | null> {
  const [table] = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!table?.t) return null;
  return schemaVersion(db);
}
