// The identity a change application replaces, with its documents (issue 23): a verification keeps the document
// images it was made on, a change application names the verification it replaces (the account's newest standing one
// when it was submitted), and its envelope carries those images as `previousDocuments`. Only a reviewer holding the
// change (or a supervisor) may fetch them, as with the application's own documents.
import { randomUUID } from 'node:crypto';
import type { DocumentRef } from '../shared/contract/central';
import type { DocumentRole } from '../shared/domain';
import { DomainError } from '../shared/errors';
import { idsParam, type Queryable } from './db';
import type { MediaType } from './images';

/** Migration 14. */
export async function replacedIdentitySchema(tx: Queryable): Promise<void> {
  await tx.query(`
    CREATE TABLE verification_documents (
      id              text PRIMARY KEY,
      verification_id bigint NOT NULL REFERENCES verifications (id),
      position        integer NOT NULL,
      role            text NOT NULL,
      sha256          text NOT NULL REFERENCES blobs (sha256)
    )`);
  await tx.query(`CREATE INDEX verification_documents_verification ON verification_documents (verification_id, position)`);
  // Verifications made by an application so far: the documents that application had.
  await tx.query(`
    INSERT INTO verification_documents (id, verification_id, position, role, sha256)
    SELECT gen_random_uuid()::text, v.id, d.position, d.role, d.sha256
      FROM verifications v JOIN documents d ON d.application_id = v.application_id`);
  await tx.query(`ALTER TABLE applications ADD COLUMN replaces_verification bigint REFERENCES verifications (id)`);
  // Change applications so far: the newest verification of their account standing when they were submitted.
  await tx.query(`
    UPDATE applications a SET replaces_verification = (
      SELECT v.id FROM verifications v
       WHERE v.account_id = a.account_id AND v.verified_at <= a.submitted_at AND (v.revoked_at IS NULL OR v.revoked_at > a.submitted_at)
       ORDER BY v.id DESC LIMIT 1)
     WHERE a.kind = 'change'`);
}

/** The account's newest standing verification: the one a change submitted now replaces (null: never verified). */
export async function standingVerification(tx: Queryable, accountId: string): Promise<number | null> {
  const [row] = await tx.query<{ id: string | number }>(
    `SELECT id FROM verifications WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1`,
    [accountId],
  );
  return row ? Number(row.id) : null;
}

/** A verification keeps the documents of the application that made it. */
export async function keepVerificationDocuments(tx: Queryable, verificationId: number, applicationId: string): Promise<void> {
  await tx.query(
    `INSERT INTO verification_documents (id, verification_id, position, role, sha256)
     SELECT gen_random_uuid()::text, $1, position, role, sha256 FROM documents WHERE application_id = $2`,
    [verificationId, applicationId],
  );
}

/** Documents of a verification made without an application here (demo history, accounts brought from elsewhere). */
export async function addVerificationDocuments(tx: Queryable, verificationId: number, images: readonly { role: DocumentRole; sha256: string }[]): Promise<void> {
  for (const [position, image] of images.entries()) {
    await tx.query(`INSERT INTO verification_documents (id, verification_id, position, role, sha256) VALUES ($1, $2, $3, $4, $5)`, [
      randomUUID(),
      verificationId,
      position,
      image.role,
      image.sha256,
    ]);
  }
}

/** The replaced identity's documents of each change application among `ids` that names one. */
export async function previousDocumentsFor(q: Queryable, ids: readonly string[]): Promise<Map<string, DocumentRef[]>> {
  const rows = await q.query<{ id: string; application_id: string; role: DocumentRole; sha256: string; media_type: MediaType; byte_size: number }>(
    `SELECT vd.id, a.id AS application_id, vd.role, vd.sha256, b.media_type, b.byte_size
       FROM applications a
       JOIN verification_documents vd ON vd.verification_id = a.replaces_verification
       JOIN blobs b ON b.sha256 = vd.sha256
      WHERE a.id = ANY($1::text[]) AND a.replaces_verification IS NOT NULL
      ORDER BY a.id, vd.position`,
    [idsParam(ids)],
  );
  const map = new Map<string, DocumentRef[]>();
  for (const r of rows) {
    const list = map.get(r.application_id) ?? [];
    list.push({ id: r.id, role: r.role, mediaType: r.media_type, sha256: r.sha256, byteSize: Number(r.byte_size) });
    map.set(r.application_id, list);
  }
  return map;
}

/**
 * A replaced identity's document, once the caller may see it: a supervisor, or the reviewer holding a change that
 * replaces that verification. Null when `documentId` is no such document (the caller then looks elsewhere).
 */
export async function previousDocumentInfo(
  q: Queryable,
  documentId: string,
  caller: { username: string; role: string },
): Promise<{ sha256: string; mediaType: MediaType; byteSize: number } | null> {
  const [row] = await q.query<{ sha256: string; media_type: MediaType; byte_size: number; held: boolean }>(
    `SELECT b.sha256, b.media_type, b.byte_size,
            EXISTS (SELECT 1 FROM applications a WHERE a.replaces_verification = vd.verification_id AND a.assignee = $2) AS held
       FROM verification_documents vd JOIN blobs b ON b.sha256 = vd.sha256
      WHERE vd.id = $1`,
    [documentId, caller.username],
  );
  if (!row) return null;
  if (caller.role !== 'supervisor' && !row.held) {
    throw new DomainError('not_assigned', 'This document belongs to an identity replaced by a change application not assigned to you');
  }
  return { sha256: row.sha256, mediaType: row.media_type, byteSize: Number(row.byte_size) };
}
