// Open applications written by the database in one statement per table, as a bulk import or a migration onto the
// service would leave them: each with an account (email, phone), one document and the doc_key intake stores, none
// assigned. bench/central seeds its 100,000 with it; server/bulkImport.test.ts a few thousand.
import type { Queryable } from '../../server/db';
import { checkImage } from '../../server/images';
import { sampleImage } from './central';
import { specimenIdNumber } from './specimenNumbers';

/** Applications `${prefix}-0000001` … in order of due time, accounts `${prefix}-ACC-1` …; nobody holds them. */
export async function seedOpenApplications(db: Queryable, count: number, prefix = 'BC'): Promise<void> {
  const jpeg = await sampleImage('jpeg');
  const image = await checkImage(jpeg, 'image');
  const numbers = JSON.stringify(Array.from({ length: count }, (_, i) => specimenIdNumber(`bench-central-${i}`)));
  await db.query(`INSERT INTO blobs (sha256, media_type, byte_size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, [
    image.sha256,
    image.mediaType,
    jpeg.length,
    jpeg,
  ]);
  await db.query(
    `INSERT INTO accounts (id, registration_location, language, email, phone)
     SELECT $2 || '-ACC-' || n, 'CN', CASE WHEN n % 3 = 0 THEN 'zh-CN' ELSE 'en' END, 'bench' || n || '@example.com', '+86139' || lpad(n::text, 8, '0')
       FROM generate_series(1, $1::int) AS n`,
    [count, prefix],
  );
  await db.query(
    `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language, due_at, escalate_at, doc_key)
     SELECT $2 || '-' || lpad(t.n::text, 7, '0'), $2 || '-ACC-' || t.n, 'individual', 'CN', now() - interval '1 hour' - t.n * interval '1 second', 'queued', 1,
            jsonb_build_object('kind', 'individual', 'fullName', 'SPECIMEN Bench ' || t.n, 'documentType', 'id_card', 'documentNumber', t.num, 'issuingLocation', 'CN'),
            '{"mainlandResources": false, "icpFilingIntended": false, "icpEntityName": null}'::jsonb,
            CASE WHEN t.n % 3 = 0 THEN 'zh-CN' ELSE 'en' END, now() + interval '3 days' + t.n * interval '1 second', now() + interval '2 days',
            -- the key intake stores (server/keys.ts), so R2's look-ups find what they would in production
            'id_card|' || t.num || '|CN'
       FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(num, n)`,
    [numbers, prefix],
  );
  await db.query(
    `INSERT INTO documents (id, application_id, position, role, sha256)
     SELECT gen_random_uuid()::text, $3 || '-' || lpad(n::text, 7, '0'), 0, 'front', $2 FROM generate_series(1, $1::int) AS n`,
    [count, image.sha256, prefix],
  );
}
