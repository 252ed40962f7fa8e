// Numbered schema migrations. Each is a function over the database, plus the SQL it runs, so a test can
// read that SQL and prove the schema only ever grows (no DROP, no RENAME, new NOT NULL columns have a DEFAULT):
// an older Verity reading a newer store's backup, and rollbacks of the app, keep working.
import type { Db } from './database';
import { DomainError } from '../../../shared/errors';
import { openStatuses as lifecycleOpen } from '../../../shared/lifecycle';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The DDL this migration runs, one statement each. */
  readonly statements: readonly string[];
  /** Data work after the DDL (backfills); runs in the same transaction. */
  readonly after?: (db: Db) => void;
}

/** The generated `open` column's list, from the lifecycle (a test proves stored rows agree with it). */
const openStatuses = `(${lifecycleOpen.map((s) => `'${s}'`).join(',')})`;

const v1: Migration = {
  version: 1,
  name: 'case store',
  statements: [
    `CREATE TABLE applications (
      rid INTEGER PRIMARY KEY,            -- stable row id: the search index refers to it (VACUUM keeps it)
      id TEXT NOT NULL UNIQUE,            -- the central service's application id
      account_id TEXT NOT NULL,           -- the cloud account the identity is for
      kind TEXT NOT NULL,                 -- individual | enterprise | change
      change_direction TEXT,              -- for a change: individual_to_enterprise etc.; NULL otherwise
      registration_location TEXT NOT NULL, -- the account's registration location (R1)
      submitted_at INTEGER NOT NULL,      -- submission instant, Unix ms
      due_at INTEGER NOT NULL,            -- R7 due time (3 business days), Unix ms, computed at upsert with businessDays
      escalate_at INTEGER NOT NULL,       -- R7 escalation time (business day 2), Unix ms, computed at upsert
      status TEXT NOT NULL,               -- ApplicationStatus; a local decision moves it to approved/rejected at once
      open INTEGER GENERATED ALWAYS AS (status IN ${openStatuses}) VIRTUAL, -- 1 while waiting for a decision
      version INTEGER NOT NULL,           -- the central service's version; a decision carries it as baseVersion
      assignee TEXT,                      -- the reviewer the case is assigned to
      display_name TEXT NOT NULL,         -- requested identity's full name or enterprise name, as the queue shows it
      search_name TEXT NOT NULL,          -- display_name, NFKC and lower-cased: prefix and trigram search
      conflict TEXT,                      -- JSON {reason, serverVersion, serverStatus, at} while a conflict is unresolved
      updated_at INTEGER NOT NULL         -- last local write, Unix ms
    ) STRICT`,
    // The queue reads pages in (due_at, submitted_at, id) order; one index per leading filter.
    `CREATE INDEX applications_queue_all ON applications (due_at, submitted_at, id)`,
    `CREATE INDEX applications_queue_open ON applications (open, due_at, submitted_at, id)`,
    `CREATE INDEX applications_queue_status ON applications (status, due_at, submitted_at, id)`,
    `CREATE INDEX applications_queue_kind ON applications (kind, open, due_at, submitted_at, id)`,
    `CREATE INDEX applications_queue_assignee ON applications (assignee, open, due_at, submitted_at, id)`,
    `CREATE INDEX applications_escalation ON applications (open, escalate_at, due_at)`,
    `CREATE INDEX applications_account ON applications (account_id)`,
    `CREATE INDEX applications_search_name ON applications (search_name)`,
    `CREATE INDEX applications_conflict ON applications (id) WHERE conflict IS NOT NULL`,

    // The full records live apart from the queue's columns, so queue rows stay narrow (about 20 to a page)
    // and the queue's working set stays in the page cache.
    `CREATE TABLE application_bodies (
      application_id TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE, -- one row per application
      body TEXT NOT NULL,                 -- the whole Application as JSON (identities, ICP facts, language)
      server_body TEXT                    -- during a conflict: the central service's newer Application JSON, kept aside
    ) STRICT`,

    `CREATE TABLE documents (
      id TEXT PRIMARY KEY,                -- the central service's document id
      application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE, -- the application it belongs to
      position INTEGER NOT NULL,          -- order within the application, as the central service lists them
      role TEXT NOT NULL,                 -- front | back | page | licence | selfie
      sha256 TEXT NOT NULL,               -- SHA-256 hex of the original image bytes (the blob store's key)
      format TEXT NOT NULL,               -- image format of the original, e.g. jpeg
      width INTEGER NOT NULL,             -- upright pixel width of the original
      height INTEGER NOT NULL,            -- upright pixel height of the original
      forensic TEXT,                      -- ForensicSummary JSON, NULL until imaging has read the file
      quality TEXT                        -- QualitySignals JSON (R8 inputs), NULL until imaging has measured it
    ) STRICT`,
    `CREATE INDEX documents_application ON documents (application_id, position)`,
    // The image protocol asks whether any local case shows an image before serving it.
    `CREATE INDEX documents_sha256 ON documents (sha256)`,

    `CREATE TABLE facts (
      application_id TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE, -- one row per application
      body TEXT NOT NULL,                 -- RuleFacts JSON from the central service (R2, R3, R4 inputs)
      updated_at INTEGER NOT NULL         -- when these facts were stored, Unix ms
    ) STRICT`,

    `CREATE TABLE flags (
      application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE, -- the flagged application
      position INTEGER NOT NULL,          -- order as evaluateRules returned them
      rule TEXT NOT NULL,                 -- R1..R8 (R7 is never stored: it is computed at read time)
      severity TEXT NOT NULL,             -- blocking | warning | info
      reason TEXT NOT NULL,               -- machine-readable reason, e.g. document_used_elsewhere
      overridable INTEGER NOT NULL,       -- 1 when a note may override this blocking flag (R1)
      facts TEXT NOT NULL,                -- JSON of the numbers behind the flag
      first_of_rule INTEGER NOT NULL,     -- 1 on one flag per (application, rule): the queue filter and counts read only those
      open INTEGER NOT NULL,              -- copy of applications.open when the flags were computed
      due_at INTEGER NOT NULL,            -- copy of applications.due_at: the flag filter pages in queue order
      submitted_at INTEGER NOT NULL,      -- copy of applications.submitted_at, same reason
      PRIMARY KEY (application_id, position)
    ) STRICT`,
    `CREATE INDEX flags_queue ON flags (rule, due_at, submitted_at, application_id) WHERE first_of_rule = 1`,
    // Covers the queue's per-row flag summary, so listing a page never reads the wide flag rows.
    `CREATE INDEX flags_summary ON flags (application_id, rule, severity)`,

    `CREATE TABLE decisions (
      id TEXT PRIMARY KEY,                -- UUIDv7 made here
      application_id TEXT NOT NULL REFERENCES applications (id), -- the decided application (never cascades: decisions stay)
      outcome TEXT NOT NULL,              -- approve | reject
      reason_codes TEXT NOT NULL,         -- JSON array of ReasonCode
      applicant_message TEXT NOT NULL,    -- the message the central service sends the applicant
      internal_note TEXT NOT NULL,        -- for reviewers and supervisors only
      override_note TEXT,                 -- why an overridable blocking flag (R1) was overridden
      overridden_rules TEXT NOT NULL,     -- JSON array of the rules the override note covered
      decided_by TEXT NOT NULL,           -- person id
      decided_by_name TEXT NOT NULL,      -- person display name at decision time
      decided_at INTEGER NOT NULL,        -- Unix ms
      device_id TEXT NOT NULL,            -- the workstation that recorded it
      online INTEGER NOT NULL,            -- 1 when recorded while connected to the central service
      base_version INTEGER NOT NULL,      -- applications.version the decision was made on
      prior_status TEXT NOT NULL,         -- the status before the decision, restored if the central service rejects it
      mutation_id TEXT NOT NULL UNIQUE    -- the outbox mutation carrying it
    ) STRICT`,
    `CREATE INDEX decisions_application ON decisions (application_id, decided_at)`,

    `CREATE TABLE outbox (
      id TEXT PRIMARY KEY,                -- mutation id, UUIDv7: sorts in creation order; the server dedupes on it
      application_id TEXT NOT NULL REFERENCES applications (id), -- the application the mutation changes
      kind TEXT NOT NULL,                 -- 'decision'
      base_version INTEGER NOT NULL,      -- the application's version the mutation was made on
      payload TEXT NOT NULL,              -- JSON body as sent in POST /v1/mutations:batch
      state TEXT NOT NULL DEFAULT 'pending', -- pending | applied | rejected
      created_at INTEGER NOT NULL,        -- Unix ms
      settled_at INTEGER,                 -- when applied or rejected, Unix ms
      server_version INTEGER,             -- the application's version after the server applied it
      rejected_reason TEXT,               -- why the server refused it (withdrawn, already_decided, reassigned, stale)
      rejected_current TEXT               -- JSON of the server's current application when it refused
    ) STRICT`,
    `CREATE INDEX outbox_state ON outbox (state, id)`,
    `CREATE INDEX outbox_application ON outbox (application_id, state)`,

    `CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,            -- 1, 2, 3…: the chain order; never reused (no deletes)
      at INTEGER NOT NULL,                -- Unix ms
      action TEXT NOT NULL,               -- decision_recorded | documents_opened
      application_id TEXT,                -- the case it concerns
      actor_id TEXT,                      -- person id; NULL for the system
      actor_name TEXT,                    -- person display name at that time
      device_id TEXT NOT NULL,            -- the workstation
      online INTEGER NOT NULL,            -- 1 when connected to the central service
      details TEXT NOT NULL,              -- canonical JSON: ids, outcome, reason codes, rule ids; no applicant data
      prev_hash TEXT NOT NULL,            -- hash of entry seq-1 (64 zeros for the first)
      hash TEXT NOT NULL                  -- SHA-256 hex of prev_hash and this entry's canonical encoding
    ) STRICT`,
    `CREATE INDEX audit_log_application ON audit_log (application_id, seq)`,
    `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
    `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,

    `CREATE TABLE sync_state (
      key TEXT PRIMARY KEY,               -- e.g. 'cursor', 'last_pull_at'
      value TEXT NOT NULL                 -- opaque to the store
    ) STRICT`,

    // Counts per status and per flag, kept by triggers so queue.counts reads a handful of rows, not 100,000.
    `CREATE TABLE counters (
      name TEXT PRIMARY KEY,              -- 'status:<status>' or 'flag:<rule>' (open cases only)
      n INTEGER NOT NULL                  -- current count
    ) STRICT`,
    `CREATE TRIGGER applications_count_insert AFTER INSERT ON applications BEGIN
      INSERT INTO counters (name, n) VALUES ('status:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    END`,
    `CREATE TRIGGER applications_count_update AFTER UPDATE OF status ON applications WHEN old.status IS NOT new.status BEGIN
      UPDATE counters SET n = n - 1 WHERE name = 'status:' || old.status;
      INSERT INTO counters (name, n) VALUES ('status:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    END`,
    `CREATE TRIGGER applications_count_delete AFTER DELETE ON applications BEGIN
      UPDATE counters SET n = n - 1 WHERE name = 'status:' || old.status;
    END`,
    `CREATE TRIGGER flags_count_insert AFTER INSERT ON flags WHEN new.first_of_rule = 1 AND new.open = 1 BEGIN
      INSERT INTO counters (name, n) VALUES ('flag:' || new.rule, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    END`,
    `CREATE TRIGGER flags_count_delete AFTER DELETE ON flags WHEN old.first_of_rule = 1 AND old.open = 1 BEGIN
      UPDATE counters SET n = n - 1 WHERE name = 'flag:' || old.rule;
    END`,
  ],
};

const v2: Migration = {
  version: 2,
  name: 'name search (FTS5 trigram)',
  statements: [
    // Substring search on names, 3 characters or more; shorter text uses the prefix index.
    `CREATE VIRTUAL TABLE application_search USING fts5 (search_name, content = 'applications', content_rowid = 'rid', tokenize = 'trigram')`,
    `CREATE TRIGGER application_search_insert AFTER INSERT ON applications BEGIN
      INSERT INTO application_search (rowid, search_name) VALUES (new.rid, new.search_name);
    END`,
    `CREATE TRIGGER application_search_delete AFTER DELETE ON applications BEGIN
      INSERT INTO application_search (application_search, rowid, search_name) VALUES ('delete', old.rid, old.search_name);
    END`,
    `CREATE TRIGGER application_search_update AFTER UPDATE OF search_name ON applications BEGIN
      INSERT INTO application_search (application_search, rowid, search_name) VALUES ('delete', old.rid, old.search_name);
      INSERT INTO application_search (rowid, search_name) VALUES (new.rid, new.search_name);
    END`,
  ],
  after: (db) => {
    db.prepare(`INSERT INTO application_search (application_search) VALUES ('rebuild')`).run();
  },
};

const v3: Migration = {
  version: 3,
  name: 'documents still without quality signals',
  statements: [
    // What background derivation still has to do, read at every start: only those rows, not all documents.
    `CREATE INDEX documents_quality_pending ON documents (sha256) WHERE quality IS NULL`,
  ],
};

const v4: Migration = {
  version: 4,
  name: 'what each decision was judged on',
  statements: [
    // A decided case shows the flags it was decided on, not today's re-evaluation (an approved change would show R4
    // "0 days since the last verification", counting its own approval). NULL for decisions recorded before v4.
    `ALTER TABLE decisions ADD COLUMN judged_on TEXT /* JSON {flags, lastVerifiedAt}: R1-R8 and the R4 input when decided */`,
  ],
};

const v5: Migration = {
  version: 5,
  name: 'document images that failed to decode',
  statements: [
    // JSON {code, message}: why background derivation failed for the image (the case view shows it, R8 flags it).
    `ALTER TABLE documents ADD COLUMN image_failure TEXT`,
  ],
};

const v6: Migration = {
  version: 6,
  name: "a reviewer's own counts",
  statements: [
    // A reviewer's queue counts only their own open cases: by status and by flag through covering indexes, not by
    // reading each case's rows (64 ms for 9,000 open cases of one reviewer in bench/store, 2 ms like this).
    `ALTER TABLE flags ADD COLUMN assignee TEXT /* copy of applications.assignee when the flags were stored */`,
    `CREATE INDEX flags_assignee ON flags (assignee, open, rule) WHERE first_of_rule = 1`,
    `CREATE INDEX applications_assignee_status ON applications (assignee, open, status)`,
  ],
  after: (db) => {
    db.prepare('UPDATE flags SET assignee = (SELECT a.assignee FROM applications a WHERE a.id = flags.application_id)').run();
  },
};

const v7: Migration = {
  version: 7,
  name: "the supervisor's decision log",
  statements: [
    // Every reviewer's synced decisions as the central service reports them, for a supervisor's filters and counts
    // offline; the body is the DecisionLogEntry, the columns what the filters read.
    `CREATE TABLE decision_log (
      id TEXT PRIMARY KEY,                -- the decision's id (the reviewer's mutation id)
      decided_at INTEGER NOT NULL,        -- when the reviewer decided (the device's clock), ms since the epoch
      applied_at INTEGER NOT NULL,        -- when the central service applied it (its clock), ms since the epoch
      reviewer TEXT NOT NULL,             -- the reviewer's username
      outcome TEXT NOT NULL,              -- approve | reject
      kind TEXT NOT NULL,                 -- the application's kind
      application_id TEXT NOT NULL,       -- the application decided
      search_name TEXT NOT NULL,          -- the applicant's name, NFKC and lower-cased
      reason_codes TEXT NOT NULL,         -- ' code code ': whole-code matches
      offline INTEGER NOT NULL,           -- 1: decided offline
      overridden INTEGER NOT NULL,        -- 1: overrode at least one blocking rule
      reviewed INTEGER NOT NULL,          -- 1: a supervisor reviewed it
      body TEXT NOT NULL                  -- the DecisionLogEntry, JSON
    ) STRICT`,
    `CREATE INDEX decision_log_newest ON decision_log (decided_at, id)`,
    `CREATE INDEX decision_log_reviewer ON decision_log (reviewer, decided_at, id)`,
    `CREATE INDEX decision_log_applied ON decision_log (applied_at)`,
  ],
};

const v8: Migration = {
  version: 8,
  name: "the supervisor's actions, the QA queue, overturned decisions",
  statements: [
    // Every supervisor action (verdict, reassignment, policy change) waits here until the central service answers
    // it; a refusal stays until the supervisor dismisses it. seq is the order they were made and are sent in.
    `CREATE TABLE supervision_outbox (
      seq INTEGER PRIMARY KEY,            -- the order the actions were made in (and are sent in)
      id TEXT NOT NULL UNIQUE,            -- the mutation id (UUIDv7), made once on this device
      type TEXT NOT NULL,                 -- review | reassign | policy
      made_by TEXT NOT NULL,              -- the supervisor's username: only their session sends it
      decision_id TEXT,                   -- review: the decision judged; NULL otherwise
      state TEXT NOT NULL,                -- pending | applied | rejected | dismissed
      body TEXT NOT NULL,                 -- the SupervisionMutation, JSON, as sent
      settled_at INTEGER,                 -- when the answer was stored, Unix ms
      rejected_reason TEXT,               -- the central service's reason code, when refused
      rejected_message TEXT,              -- and its sentence
      not_moved TEXT,                     -- an applied reassignment: the applications it left where they were, JSON
      not_moved_dismissed_at INTEGER      -- when the supervisor set those aside, Unix ms
    ) STRICT`,
    `CREATE INDEX supervision_outbox_pending ON supervision_outbox (made_by, seq) WHERE state = 'pending'`,
    `CREATE INDEX supervision_outbox_decision ON supervision_outbox (decision_id, seq) WHERE decision_id IS NOT NULL`,
    // The QA queue of each stage as the central service last reported it, in its order.
    `CREATE TABLE quality_queue (
      stage TEXT NOT NULL,                -- quality | second_review
      position INTEGER NOT NULL,          -- the central service's order within the stage
      decision_id TEXT NOT NULL,          -- the decision to review
      reviewer TEXT NOT NULL,             -- who made the decision (the filter)
      body TEXT NOT NULL,                 -- {decision: DecisionLogEntry, sampledFor}, JSON
      PRIMARY KEY (stage, position)
    ) STRICT`,
    `CREATE INDEX quality_queue_reviewer ON quality_queue (stage, reviewer, position)`,
    // A case back in review after its decision was overturned: ReturnedForReview JSON, NULL otherwise.
    `ALTER TABLE applications ADD COLUMN returned TEXT`,
    // Where a decision recorded here stands at the central service (in_effect | pending_second_review | overturned).
    `ALTER TABLE decisions ADD COLUMN effect TEXT`,
  ],
};

const v9: Migration = {
  version: 9,
  name: 'handling time and deadline evidence',
  statements: [
    // When the reviewer first opened the case here (the device's clock), sent with the decision for its handling time.
    `ALTER TABLE decisions ADD COLUMN opened_at INTEGER /* ms since the epoch; NULL when the case was never opened here */`,
    // The decision log's evidence columns, for its columns and the "deadline missed" filter; NULL when unknown.
    `ALTER TABLE decision_log ADD COLUMN handling_ms INTEGER /* decided − first opened, ms */`,
    `ALTER TABLE decision_log ADD COLUMN within_deadline INTEGER /* 1: decided (device clock) by the due time; 0: after it */`,
    // The last decision report per filter, for a supervisor offline.
    `CREATE TABLE report_cache (
      filter_key TEXT PRIMARY KEY,        -- the filter, as canonical JSON
      generated_at INTEGER NOT NULL,      -- when the central service made the report, ms since the epoch
      stored_at INTEGER NOT NULL,         -- when this workstation stored it (the newest kept), ms since the epoch
      body TEXT NOT NULL                  -- the DecisionReport, JSON
    ) STRICT`,
  ],
};

const v10: Migration = {
  version: 10,
  name: 'flags stored before the document checks (R9, R10)',
  statements: [
    // An open case's stored flags (the queue's flag filter and counts read them) were evaluated without R9 and R10;
    // the store evaluates them anew when it opens (Cases.storeStaleFlags) and clears the mark. The documents' new
    // data (dates of birth, expiry, establishment) lives in the application's JSON body: no column needed for it.
    `ALTER TABLE applications ADD COLUMN flags_stale INTEGER NOT NULL DEFAULT 0 /* 1: store this case's flags anew at open */`,
    `CREATE INDEX applications_flags_stale ON applications (id) WHERE flags_stale = 1`,
  ],
  after: (db) => {
    db.prepare('UPDATE applications SET flags_stale = 1 WHERE open = 1').run();
  },
};

const v11: Migration = {
  version: 11,
  name: 'the documents of the identity a change replaces',
  statements: [
    // A change application's previous identity's document images (issue 23), shown beside the proposed ones; kept
    // apart from the case's own so the checks, the quality signals and the opening's audit entry stay the proposed ones'.
    `ALTER TABLE documents ADD COLUMN previous INTEGER NOT NULL DEFAULT 0 /* 1: the replaced identity's */`,
  ],
};

// Linked accounts behind R2/R3 (issue 23), kept for offline use (electron/store/sqlite/linked.ts).
const v12: Migration = {
  version: 12,
  name: 'linked accounts of R2/R3, as last fetched',
  statements: [
    `CREATE TABLE linked_accounts (
      application_id TEXT PRIMARY KEY,    -- the case whose R2/R3 counts these are
      body TEXT NOT NULL,                 -- the central service's LinkedAccountsResponse, JSON
      stored_at INTEGER NOT NULL          -- when stored here, Unix ms
    ) STRICT`,
  ],
};

const v13: Migration = {
  version: 13,
  name: 'passport MRZ readings (R11)',
  statements: [
    // Derived on this workstation (electron/imaging/mrz.ts) and kept with the document like its quality; read in
    // the background after a pull, so every document starts without one.
    `ALTER TABLE documents ADD COLUMN mrz TEXT /* MrzReading JSON (shared/mrzReading.ts); NULL until read */`,
  ],
};

const v14: Migration = {
  version: 14,
  name: 'retention: applicant data removed from decided and synced cases',
  statements: [
    // When this case's applicant fields and documents were removed here (electron/store/sqlite/retention.ts); NULL: kept.
    `ALTER TABLE applications ADD COLUMN purged_at INTEGER /* ms since the epoch */`,
  ],
};

const v15: Migration = {
  version: 15,
  name: "withdrawals on record: the supervisor's copy",
  statements: [
    // One row per withdrawal as GET /v1/withdrawals reported it (electron/store/sqlite/withdrawalLog.ts).
    `CREATE TABLE withdrawal_log (
      application_id TEXT PRIMARY KEY,    -- the withdrawn application
      withdrawn_at INTEGER NOT NULL,      -- ms since the epoch: the order and the date filters
      reviewer TEXT,                      -- who held it when withdrawn; NULL: nobody
      reviewer_name TEXT,                 -- that reviewer's display name, for the filter's counts
      kind TEXT NOT NULL,                 -- individual, enterprise or change
      ticket_ref TEXT NOT NULL,           -- the support ticket the withdrawal came through
      search_text TEXT NOT NULL,          -- the applicant's name, NFKC and lower-cased
      body TEXT NOT NULL                  -- the WithdrawalRecord as JSON
    ) STRICT`,
    `CREATE INDEX withdrawal_log_newest ON withdrawal_log (withdrawn_at, application_id)`,
  ],
};

const v16: Migration = {
  version: 16,
  name: 'R11 flags stored before nationality and sex were compared',
  statements: [],
  // R11 once compared the MRZ's nationality with the issuing location (a resident's permit or a second passport
  // differs from it) and did not compare sex. Open cases with a reading have their flags stored anew at open
  // (Cases.storeStaleFlags, the path of migration 10); decided ones keep the flags they were decided on.
  after: (db) => {
    db.prepare(`UPDATE applications SET flags_stale = 1 WHERE open = 1 AND id IN (SELECT application_id FROM documents WHERE role = 'page' AND mrz IS NOT NULL)`).run();
  },
};

export const migrations: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16];

/** The newest schema this code knows. */
export const latestVersion = Math.max(...migrations.map((m) => m.version));

/** The newest version among `known`. */
export function newestOf(known: readonly Migration[]): number {
  return Math.max(0, ...known.map((m) => m.version));
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a database made by a newer Verity: its schema may hold things this code would damage. */
export function assertNotTooNew(db: Db, path: string, known: readonly Migration[] = migrations): void {
  const version = schemaVersion(db);
  if (version > newestOf(known)) {
    throw new DomainError(
      'store_too_new',
      `The case store at ${path} was written by a newer version of Verity (schema ${version}; this one knows up to ${newestOf(known)}). Update Verity to open it; the file was not changed.`,
    );
  }
}

/** Runs the missing migrations in one transaction; user_version follows. Returns [from, to]. */
export function migrate(db: Db, known: readonly Migration[] = migrations): [number, number] {
  const from = schemaVersion(db);
  const pending = known.filter((m) => m.version > from);
  if (pending.length === 0) return [from, from];
  db.transaction(() => {
    for (const m of pending) {
      for (const sql of m.statements) db.prepare(sql).run();
      m.after?.(db);
      // PRAGMA takes no bound parameters; the version is an integer from this file.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }
  })();
  return [from, pending[pending.length - 1]!.version];
}
