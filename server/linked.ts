// The accounts behind an application's R2 and R3 counts, for the reviewer investigating a duplicate. The server
// decides what may be seen: a supervisor, or a reviewer who holds, decided or second-reviewed the application;
// of each other account only what the rule needs (account, verified name, status, when verified, what matched,
// its applications' ids, kinds, statuses and times), never contact data or documents. The lists are read with the
// same predicates as factsFor (server/service.ts) in one transaction that also writes the access's audit entry.
import type { Identity } from '../shared/domain';
import { openStatuses } from '../shared/lifecycle';
import { verifiedName } from '../shared/rules';
import type { LinkedAccount, LinkedAccountsResponse, LinkedApplication } from '../shared/contract/linked';
import type { Caller } from './auth';
import { idsParam, type Queryable } from './db';
import { assertInvolved } from './involvement';
import type { CentralService } from './service';

/** Server migration 15: who looked at which other accounts, for which application, when. Append-only. */
export async function createLinkedAccountAccess(tx: Queryable): Promise<void> {
  await tx.query(`
    CREATE TABLE linked_account_access (
      id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username       text NOT NULL REFERENCES people (username),
      role           text NOT NULL,
      application_id text NOT NULL REFERENCES applications (id),
      -- the other accounts the answer named, R2's and R3's
      account_ids    jsonb NOT NULL,
      accessed_at    timestamptz NOT NULL
    )`);
  await tx.query(`CREATE INDEX linked_account_access_application ON linked_account_access (application_id, id)`);
  await tx.query(`
    CREATE FUNCTION linked_account_access_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'linked_account_access is append-only'; END $$`);
  await tx.query(`CREATE TRIGGER linked_account_access_no_change BEFORE UPDATE OR DELETE ON linked_account_access FOR EACH ROW EXECUTE FUNCTION linked_account_access_append_only()`);
  await tx.query(`CREATE TRIGGER linked_account_access_no_truncate BEFORE TRUNCATE ON linked_account_access FOR EACH STATEMENT EXECUTE FUNCTION linked_account_access_append_only()`);
}

type AccountRow = {
  id: string;
  verified_identity: Identity;
  verified_at: Date;
  pending: boolean;
  by_document: boolean;
  by_name: boolean;
  by_registration: boolean;
};

const openList = openStatuses.map((s) => `'${s}'`).join(', ');

/** The other accounts of R2 and R3 for one application, audited. */
export async function linkedAccounts(service: CentralService, applicationId: string, caller: Caller): Promise<LinkedAccountsResponse> {
  const now = service.options.now();
  return service.db.transaction(async (tx) => {
    await assertInvolved(tx, applicationId, caller, 'This application is not yours: a reviewer sees the linked accounts of applications they hold, decided or second-reviewed');
    // The predicates of factsFor: the same doc_key (R2); the same enterprise name key or registration key (R3);
    // never the application's own account. An account without keys (never verified) matches nothing.
    const rows = await tx.query<AccountRow>(
      `SELECT o.id, o.verified_identity, o.verified_at,
              EXISTS (SELECT 1 FROM applications x WHERE x.account_id = o.id AND x.status IN (${openList})) AS pending,
              coalesce(o.doc_key = a.doc_key, false) AS by_document,
              coalesce(o.ent_name_key = a.ent_name_key, false) AS by_name,
              coalesce(o.ent_reg_key = a.ent_reg_key, false) AS by_registration
         FROM applications a JOIN accounts o
           ON o.id <> a.account_id AND (o.doc_key = a.doc_key OR o.ent_name_key = a.ent_name_key OR o.ent_reg_key = a.ent_reg_key)
        WHERE a.id = $1
        ORDER BY o.verified_at DESC, o.id`,
      [applicationId],
    );
    const applications = await tx.query<{ id: string; account_id: string; kind: LinkedApplication['kind']; status: LinkedApplication['status']; submitted_at: Date; decided_at: Date | null }>(
      `SELECT x.account_id, x.id, x.kind, x.status, x.submitted_at, d.decided_at
         FROM (SELECT x.*, row_number() OVER (PARTITION BY x.account_id ORDER BY x.submitted_at DESC, x.id) AS n
                 FROM applications x WHERE x.account_id = ANY($1::text[])) x
         LEFT JOIN decisions d ON d.application_id = x.id
        WHERE x.n <= 10
        ORDER BY x.account_id, x.submitted_at DESC, x.id`,
      [idsParam(rows.map((r) => r.id))],
    );
    const byAccount = new Map<string, LinkedApplication[]>();
    for (const x of applications) {
      const list = byAccount.get(x.account_id) ?? [];
      list.push({ id: x.id, kind: x.kind, status: x.status, submittedAt: x.submitted_at.toISOString(), decidedAt: x.decided_at?.toISOString() ?? null });
      byAccount.set(x.account_id, list);
    }
    const account = (r: AccountRow): LinkedAccount => ({
      accountId: r.id,
      name: verifiedName(r.verified_identity),
      status: r.pending ? 'change_pending' : 'verified',
      verifiedAt: r.verified_at.toISOString(),
      matchedOn: [...(r.by_document ? ['document' as const] : []), ...(r.by_name ? ['enterprise_name' as const] : []), ...(r.by_registration ? ['registration_number' as const] : [])],
      applications: byAccount.get(r.id) ?? [],
    });
    const document = rows.filter((r) => r.by_document).map(account);
    const enterprise = rows.filter((r) => r.by_name || r.by_registration).map(account);
    await tx.query(
      `INSERT INTO linked_account_access (username, role, application_id, account_ids, accessed_at) VALUES ($1, $2, $3, $4::jsonb, $5)`,
      [caller.username, caller.role, applicationId, JSON.stringify(rows.map((r) => r.id)), now],
    );
    return { applicationId, asOf: now.toISOString(), document, enterprise };
  });
}
