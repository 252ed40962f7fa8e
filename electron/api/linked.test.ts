// The linked accounts of an R2 flag through the workstation with a real central server: fetched online (the store's
// count follows the list), the kept copy answered offline, and never a list that disagrees with the flag's count.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../shared/contract/cases';
import type { CaseLinkedAccounts } from '../../shared/contract/linked';
import type { Identity } from '../../shared/domain';
import { identityKeys } from '../../server/keys';
import { intakeRequest, sampleImage } from '../../tests/support/central';
import { specimenIdNumber } from '../../tests/support/specimenNumbers';
import { startCentral, type CentralFixture } from '../../tests/support/sync';
import { tempFolder } from '../../tests/support/tempFolder';
import { ExplicitKeyProvider } from '../common/keys';
import { dispatch } from './registry';
import { openWorkstation, type Workstation } from './workstation';

describe('linked accounts of an R2 flag on the workstation', () => {
  let central: CentralFixture;
  let workstation: Workstation;
  let closed = false;
  const call = async <T>(channel: string, body: unknown = {}): Promise<T> => {
    const outcome = await dispatch(workstation.handlers, channel, body, workstation.context('ipc'));
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    return outcome.value as T;
  };
  const shared: Identity = { kind: 'individual', fullName: 'SPECIMEN Shared', documentType: 'id_card', documentNumber: specimenIdNumber(`LNK${randomUUID()}`), issuingLocation: 'CN' };
  const verifiedElsewhere = async (accountId: string) => {
    const keys = identityKeys(shared);
    await central.server.db.query(
      `INSERT INTO accounts (id, registration_location, verified_identity, verified_at, doc_key) VALUES ($1, 'CN', $2::jsonb, $3, $4)`,
      [accountId, JSON.stringify(shared), new Date(central.server.clock.now.getTime() - 86_400_000), keys.docKey],
    );
  };
  const r2Count = async (applicationId: string) => {
    const detail = await call<CaseDetail>('case.get', { applicationId, open: false });
    return Number(detail.flags.find((f) => f.rule === 'R2')?.facts.accounts ?? 0);
  };

  beforeAll(async () => {
    central = await startCentral();
    workstation = await openWorkstation({
      dataDir: tempFolder('verity-linked-'),
      host: 'browser',
      version: 't',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 7)),
      central: { url: central.server.url, embedded: false, intervalMs: 3_600_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await workstation.close();
    if (!closed) await central.close();
  });

  it('lists as many accounts as the flag counts, online and offline; a copy the count has moved away from is never shown', async () => {
    await verifiedElsewhere('LNK-ACC-1');
    const answer = await central.intake.post('/v1/applications', intakeRequest(`LNK-ACC-NEW-${randomUUID().slice(0, 6)}`, shared, await sampleImage('jpeg')));
    expect(answer.status).toBe(201);
    const applicationId = (answer.body as { application: { id: string } }).application.id;
    await call('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
    expect(await call('sync.now')).toMatchObject({ ok: true });
    expect(await r2Count(applicationId)).toBe(1);

    const first = await call<CaseLinkedAccounts>('case.linkedAccounts', { applicationId });
    expect(first.source).toBe('central');
    expect(first.linked.document.map((a) => [a.accountId, a.name, a.status])).toEqual([['LNK-ACC-1', 'SPECIMEN Shared', 'verified']]);

    // A second account verified with the document since the last pull: the list brings the count with it.
    await verifiedElsewhere('LNK-ACC-2');
    const second = await call<CaseLinkedAccounts>('case.linkedAccounts', { applicationId });
    expect(second.linked.document).toHaveLength(2);
    expect(await r2Count(applicationId)).toBe(2);

    // Offline: the kept copy, agreeing with the count.
    await central.close();
    closed = true;
    const offline = await call<CaseLinkedAccounts>('case.linkedAccounts', { applicationId });
    expect(offline).toMatchObject({ source: 'copy', linked: second.linked });
    expect(offline.linked.document).toHaveLength(await r2Count(applicationId));

    // A pull that moved the count (a third account) without a new list: the old list is not shown beside it.
    const detail = await call<CaseDetail>('case.get', { applicationId, open: false });
    await workstation.store.upsertApplications([{ application: detail.application, documents: detail.documents, facts: { accountsVerifiedWithDocument: 3, enterpriseAccountsVerified: 0, lastVerifiedAt: null } }]);
    expect(await r2Count(applicationId)).toBe(3);
    await expect(call('case.linkedAccounts', { applicationId })).rejects.toMatchObject({ code: 'central_unreachable' });
    await expect(call('case.linkedAccounts', { applicationId: 'not-on-this-workstation' })).rejects.toMatchObject({ code: 'case_not_found' });
  }, 120_000);
});
