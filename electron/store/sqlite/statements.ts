// Every SQL statement of the case store, by what it is about. The reads are what the query-plan tests EXPLAIN (each
// must go through an index); the parts (cases.ts, queue.ts, decisions.ts, outbox.ts) prepare what they use. The
// queue's own queries are built per filter in queue.ts.

/** Applications, their bodies, documents, facts and stored flags. */
export const caseSql = {
  app: 'SELECT a.*, b.body, b.server_body FROM applications a JOIN application_bodies b ON b.application_id = a.id WHERE a.id = ?',
  appState: `SELECT rid, version, status, assignee, (SELECT count(*) FROM outbox o WHERE o.application_id = a.id AND o.state = 'pending') AS pending FROM applications a WHERE id = ?`,
  docs: 'SELECT id, role, sha256, format, width, height, forensic, quality, image_failure FROM documents WHERE application_id = ? AND previous = 0 ORDER BY position',
  previousDocs: 'SELECT id, role, sha256, format, width, height, forensic, quality, image_failure FROM documents WHERE application_id = ? AND previous = 1 ORDER BY position',
  quality: 'SELECT quality, image_failure FROM documents WHERE application_id = ? AND previous = 0 ORDER BY position',
  facts: 'SELECT body FROM facts WHERE application_id = ?',
  hasDocument: 'SELECT 1 AS found FROM documents WHERE sha256 = ? LIMIT 1',
  hasAssignedDocument: 'SELECT 1 AS found FROM documents d JOIN applications a ON a.id = d.application_id WHERE d.sha256 = ? AND a.assignee = ? LIMIT 1',
  documentsOfImage: 'SELECT id, application_id FROM documents WHERE sha256 = ? ORDER BY application_id, position',
  imageBySha256: 'SELECT id, role, sha256, format, width, height, forensic, quality, image_failure FROM documents WHERE sha256 = ? LIMIT 1',
  referencedImages: 'SELECT DISTINCT sha256 FROM documents',
  lackingQuality: 'SELECT DISTINCT sha256 FROM documents WHERE quality IS NULL',
  nextLocalPosition: "SELECT max(1000, coalesce(max(position) + 1, 0)) AS next FROM documents WHERE application_id = ? AND id LIKE 'local-%'",

  upsertApp: `INSERT INTO applications (id, account_id, kind, change_direction, registration_location, submitted_at, due_at, escalate_at,
      status, version, assignee, display_name, search_name, conflict, updated_at)
    VALUES (@id, @account_id, @kind, @change_direction, @registration_location, @submitted_at, @due_at, @escalate_at,
      @status, @version, @assignee, @display_name, @search_name, NULL, @updated_at)
    ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, kind = excluded.kind, change_direction = excluded.change_direction,
      registration_location = excluded.registration_location, submitted_at = excluded.submitted_at, due_at = excluded.due_at,
      escalate_at = excluded.escalate_at, status = excluded.status, version = excluded.version, assignee = excluded.assignee,
      display_name = excluded.display_name, search_name = excluded.search_name, conflict = NULL, updated_at = excluded.updated_at`,
  upsertBody: `INSERT INTO application_bodies (application_id, body, server_body) VALUES (?, ?, NULL)
    ON CONFLICT (application_id) DO UPDATE SET body = excluded.body, server_body = NULL`,
  setStatus: 'UPDATE applications SET status = ?, updated_at = ? WHERE id = ?',
  setReturned: 'UPDATE applications SET returned = ? WHERE id = ?',
  markConflict: 'UPDATE applications SET conflict = ?, updated_at = ? WHERE id = ?',
  parkServerBody: 'UPDATE application_bodies SET server_body = ? WHERE application_id = ?',
  // Documents a reviewer added on this workstation (ids 'local-…') survive the central service's updates.
  deleteDocs: "DELETE FROM documents WHERE application_id = ? AND id NOT LIKE 'local-%'",
  insertDoc: `INSERT INTO documents (id, application_id, position, role, sha256, format, width, height, forensic, quality, image_failure, previous)
    VALUES (@id, @application_id, @position, @role, @sha256, @format, @width, @height, @forensic, @quality, @image_failure, @previous)
    ON CONFLICT (id) DO UPDATE SET application_id = excluded.application_id, position = excluded.position, role = excluded.role, previous = excluded.previous,
      sha256 = excluded.sha256, format = excluded.format, width = excluded.width, height = excluded.height,
      forensic = excluded.forensic, quality = excluded.quality, image_failure = excluded.image_failure`,
  upsertFacts:
    'INSERT INTO facts (application_id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (application_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
  deleteFlags: 'DELETE FROM flags WHERE application_id = ?',
  insertFlag: `INSERT INTO flags (application_id, position, rule, severity, reason, overridable, facts, first_of_rule, open, due_at, submitted_at, assignee)
    VALUES (@application_id, @position, @rule, @severity, @reason, @overridable, @facts, @first_of_rule, @open, @due_at, @submitted_at, @assignee)`,
  setQuality: 'UPDATE documents SET quality = ?, image_failure = NULL WHERE sha256 = ? AND quality IS NULL RETURNING application_id',
  setImageFailure: 'UPDATE documents SET image_failure = ? WHERE sha256 = ? AND quality IS NULL RETURNING application_id',
} as const;

/** The queue's counts; its pages are built per filter (queue.ts). */
export const queueSql = {
  counters: 'SELECT name, n FROM counters',
  countOverdue: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_open WHERE open = 1 AND due_at <= ?',
  countDueBetween: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_open WHERE open = 1 AND due_at > ? AND due_at <= ?',
  countEscalated: 'SELECT count(*) AS n FROM applications INDEXED BY applications_escalation WHERE open = 1 AND escalate_at <= ? AND due_at > ?',
  countConflicts: 'SELECT count(*) AS n FROM applications WHERE conflict IS NOT NULL',
  openByStatusOf: 'SELECT status, count(*) AS n FROM applications INDEXED BY applications_assignee_status WHERE assignee = ? AND open = 1 GROUP BY status',
  openFlagsOf: 'SELECT rule, count(*) AS n FROM flags INDEXED BY flags_assignee WHERE assignee = ? AND open = 1 AND first_of_rule = 1 GROUP BY rule',
  countOverdueOf: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 AND due_at <= ?',
  countDueBetweenOf: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 AND due_at > ? AND due_at <= ?',
  countEscalatedOf: 'SELECT count(*) AS n FROM applications INDEXED BY applications_queue_assignee WHERE assignee = ? AND open = 1 AND due_at > ? AND escalate_at <= ?',
} as const;

/** Decisions (with the state of their outbox mutation). */
export const decisionSql = {
  ofApplication: `SELECT d.*, o.state, o.rejected_reason FROM decisions d JOIN outbox o ON o.id = d.mutation_id WHERE d.application_id = ? ORDER BY d.decided_at, d.id`,
  /** The decision that decided the case: the latest one the central service did not refuse. */
  deciding: `SELECT d.id, d.decided_at, d.judged_on FROM decisions d JOIN outbox o ON o.id = d.mutation_id
    WHERE d.application_id = ? AND o.state <> 'rejected' ORDER BY d.decided_at DESC, d.id DESC LIMIT 1`,
  byMutation: 'SELECT d.*, o.state, o.rejected_reason FROM decisions d JOIN outbox o ON o.id = d.mutation_id WHERE d.mutation_id = ?',
  setEffect: 'UPDATE decisions SET effect = ? WHERE mutation_id = ?',
  insert: `INSERT INTO decisions (id, application_id, outcome, reason_codes, applicant_message, internal_note, override_note, overridden_rules,
      decided_by, decided_by_name, decided_at, device_id, online, base_version, prior_status, mutation_id, judged_on, opened_at)
    VALUES (@id, @application_id, @outcome, @reason_codes, @applicant_message, @internal_note, @override_note, @overridden_rules,
      @decided_by, @decided_by_name, @decided_at, @device_id, @online, @base_version, @prior_status, @mutation_id, @judged_on, @opened_at)`,
  /** When the person first opened the case's documents here since the case was last decided here (its current round). */
  firstOpened: `SELECT min(at) AS at FROM audit_log WHERE application_id = @application_id AND action = 'documents_opened' AND actor_id = @actor_id
    AND seq > coalesce((SELECT max(seq) FROM audit_log WHERE application_id = @application_id AND action = 'decision_recorded'), 0)`,
} as const;

/** The outbox of mutations for the central service, its answers, and sync's own state. */
/**
 * A refused decision is resolved once an `attention_resolved` audit entry names its mutation: the audit log, append-only,
 * is the record of what was done about it (and travels to the central service with the trail).
 */
export const refusalResolved = `EXISTS (SELECT 1 FROM audit_log r WHERE r.application_id = o.application_id AND r.action = 'attention_resolved'
      AND json_extract(r.details, '$.mutationId') = o.id)`;

export const outboxSql = {
  // `rejected` counts the refusals still needing attention.
  counts: `SELECT o.state, count(*) AS n FROM outbox o WHERE o.state <> 'rejected' OR NOT ${refusalResolved} GROUP BY o.state`,
  pending: `SELECT d.*, o.state, o.rejected_reason FROM outbox o JOIN decisions d ON d.mutation_id = o.id
    WHERE o.state = 'pending' AND d.decided_by = ? ORDER BY o.id LIMIT ?`,
  pendingByPerson: `SELECT d.decided_by, max(d.decided_by_name) AS decided_by_name, count(*) AS n
    FROM outbox o JOIN decisions d ON d.mutation_id = o.id WHERE o.state = 'pending' GROUP BY d.decided_by ORDER BY d.decided_by`,
  needsAttention: `SELECT o.id AS mutation_id, o.application_id, a.display_name, d.outcome, d.decided_at, o.settled_at, o.rejected_reason, o.rejected_current,
      EXISTS (SELECT 1 FROM decisions later JOIN outbox lo ON lo.id = later.mutation_id
        WHERE later.application_id = o.application_id AND later.mutation_id <> o.id AND later.decided_at >= d.decided_at AND lo.state <> 'rejected') AS re_decided
    FROM outbox o JOIN decisions d ON d.mutation_id = o.id LEFT JOIN applications a ON a.id = o.application_id
    WHERE o.state = 'rejected' AND NOT ${refusalResolved} ORDER BY o.settled_at DESC, o.id DESC LIMIT ?`,
  /** One refused decision still needing attention, by its mutation id. */
  attentionItem: `SELECT o.id AS mutation_id, o.application_id, o.state, o.rejected_reason, o.rejected_current, ${refusalResolved} AS resolved,
      EXISTS (SELECT 1 FROM decisions d JOIN decisions later ON later.application_id = d.application_id AND later.mutation_id <> d.mutation_id AND later.decided_at >= d.decided_at
        JOIN outbox lo ON lo.id = later.mutation_id WHERE d.mutation_id = o.id AND lo.state <> 'rejected') AS re_decided
    FROM outbox o WHERE o.id = ?`,
  row: 'SELECT * FROM outbox WHERE id = ?',
  // The decision row is the record the outbox sends; the payload column is no longer read or filled (an empty object).
  insert: `INSERT INTO outbox (id, application_id, kind, base_version, payload, state, created_at)
    VALUES (@id, @application_id, 'decision', @base_version, '{}', 'pending', @created_at)`,
  applied: `UPDATE outbox SET state = 'applied', server_version = ?, settled_at = ? WHERE id = ?`,
  rejected: `UPDATE outbox SET state = 'rejected', rejected_reason = ?, rejected_current = ?, settled_at = ? WHERE id = ?`,
  settleApp: `UPDATE applications SET version = max(version, ?), updated_at = ?,
      conflict = CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = applications.id AND o.state = 'pending') THEN conflict END
    WHERE id = ?`,
  settleBody: `UPDATE application_bodies SET
      server_body = CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.application_id = application_bodies.application_id AND o.state = 'pending') THEN server_body END
    WHERE application_id = ?`,
  getSync: 'SELECT value FROM sync_state WHERE key = ?',
  setSync: 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
} as const;

export const decisionLogSql = {
  upsert: `INSERT INTO decision_log (id, decided_at, applied_at, reviewer, outcome, kind, application_id, search_name, reason_codes, offline, overridden, reviewed,
      handling_ms, within_deadline, body)
    VALUES (@id, @decided_at, @applied_at, @reviewer, @outcome, @kind, @application_id, @search_name, @reason_codes, @offline, @overridden, @reviewed,
      @handling_ms, @within_deadline, @body)
    ON CONFLICT (id) DO UPDATE SET decided_at = excluded.decided_at, applied_at = excluded.applied_at, reviewer = excluded.reviewer, outcome = excluded.outcome,
      kind = excluded.kind, application_id = excluded.application_id, search_name = excluded.search_name,
      reason_codes = excluded.reason_codes, offline = excluded.offline, overridden = excluded.overridden,
      reviewed = excluded.reviewed, handling_ms = excluded.handling_ms, within_deadline = excluded.within_deadline, body = excluded.body`,
  // Keeps the newest ? (as the log orders them).
  prune: `DELETE FROM decision_log WHERE id IN (SELECT id FROM decision_log ORDER BY decided_at DESC, id DESC LIMIT -1 OFFSET ?)`,
  count: 'SELECT count(*) AS n FROM decision_log',
  newest: 'SELECT max(applied_at) AS at FROM decision_log',
  getSync: outboxSql.getSync,
  setSync: outboxSql.setSync,
} as const;
