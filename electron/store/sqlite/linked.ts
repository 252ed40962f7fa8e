// The linked accounts behind a case's R2/R3 flags, as the central service last named them, for offline use. Stored
// with the facts they imply in one transaction (the lists ARE the counts), and read back only while the case's
// facts still say the same counts: a later pull that moved a count leaves the copy unread until it is fetched again,
// so a flag's count and the list shown beside it never disagree.
import { LinkedAccountsResponse } from '../../../shared/contract/linked';
import type { RuleFacts } from '../../../shared/rules';
import type { CachedLinkedAccounts } from '../types';
import type { Cases } from './cases';
import type { StoreConnection } from './connection';
import { parseJson } from './rows';
import { caseSql } from './statements';

/** The counts R2 and R3 read, as the lists give them. */
export function factsOfLinked(linked: LinkedAccountsResponse, facts: RuleFacts): RuleFacts {
  return { ...facts, accountsVerifiedWithDocument: linked.document.length, enterpriseAccountsVerified: linked.enterprise.length };
}

export class LinkedAccountsCache {
  private readonly s;

  constructor(
    private readonly c: StoreConnection,
    private readonly cases: Cases,
  ) {
    const db = c.db;
    this.s = {
      get: db.prepare<[string], { body: string; stored_at: number }>('SELECT body, stored_at FROM linked_accounts WHERE application_id = ?'),
      put: db.prepare<[string, string, number]>(
        `INSERT INTO linked_accounts (application_id, body, stored_at) VALUES (?, ?, ?)
         ON CONFLICT (application_id) DO UPDATE SET body = excluded.body, stored_at = excluded.stored_at`,
      ),
      upsertFacts: db.prepare<[string, string, number]>(caseSql.upsertFacts),
    };
  }

  /** The copy for this case, or null when there is none or the case's counts moved since it was stored. */
  cached(applicationId: string): CachedLinkedAccounts | null {
    return this.c.read(() => {
      const row = this.s.get.get(applicationId);
      if (!row) return null;
      const linked = parseJson<LinkedAccountsResponse>(row.body);
      const facts = this.cases.factsOf(applicationId);
      const agrees = facts.accountsVerifiedWithDocument === linked.document.length && facts.enterpriseAccountsVerified === linked.enterprise.length;
      return agrees ? { linked, storedAt: new Date(row.stored_at).toISOString() } : null;
    });
  }

  /** Keeps the central service's lists and sets the case's R2/R3 counts to theirs (flags stored anew when they moved). */
  store(raw: LinkedAccountsResponse): { factsChanged: boolean } {
    const linked = LinkedAccountsResponse.parse(raw);
    const c = this.c;
    return c.write(() => {
      const row = this.cases.row(linked.applicationId);
      const at = c.now();
      this.s.put.run(linked.applicationId, JSON.stringify(linked), at.getTime());
      const before = this.cases.factsOf(linked.applicationId);
      const after = factsOfLinked(linked, before);
      const factsChanged = after.accountsVerifiedWithDocument !== before.accountsVerifiedWithDocument || after.enterpriseAccountsVerified !== before.enterpriseAccountsVerified;
      if (factsChanged) {
        this.s.upsertFacts.run(linked.applicationId, JSON.stringify(after), at.getTime());
        this.cases.storeFlags(this.cases.application(row), row.due_at, at);
      }
      return { factsChanged };
    });
  }
}
