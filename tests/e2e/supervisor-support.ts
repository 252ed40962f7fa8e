// Shared by the supervisor's e2e tests: a channel called through the browser host, its answer unwrapped; a session at
// the central service itself, and an application submitted, assigned and decided there (another workstation's work).
import { randomUUID } from 'node:crypto';
import type { ApplicationEnvelope, MutationBatchResponse, MutationResult } from '../../shared/contract/central';
import type { Outcome } from '../../shared/errors';
import { drawSpecimen } from '../../resources/specimens/draw';
import type { Host } from './fixtures';

export async function call<T>(host: Host, channel: string, body: unknown): Promise<T> {
  const { json } = await host.call(channel, body);
  const answer = json as Outcome<T>;
  if (!answer.ok) throw new Error(`${channel} failed: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}

/** A person's session at the central service itself (not through the workstation): JSON in, JSON out, 2xx expected. */
export async function centralSession(url: string, username: string): Promise<{ get<T>(path: string): Promise<T>; post<T>(path: string, body: unknown): Promise<T> }> {
  const session = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'verity-demo' }) });
  if (!session.ok) throw new Error(`${username} could not sign in: ${session.status}`);
  const { accessToken } = (await session.json()) as { accessToken: string };
  const send = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { get: (path) => send(path), post: (path, body) => send(path, body) };
}

/** A new individual application submitted by intake (a specimen photo), assigned to `reviewer`: its envelope. */
export async function submitAssigned(url: string, reviewer: string, fullName = 'SPECIMEN Person'): Promise<ApplicationEnvelope> {
  const documentNumber = `E2E${randomUUID().slice(0, 8)}`;
  const card = { kind: 'id_card', fullName: 'SPECIMEN Person', documentNumber, issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2035-01-01' } as const;
  const [front, back] = await Promise.all([drawSpecimen({ ...card, side: 'front' }), drawSpecimen({ ...card, side: 'back' })]);
  const intake = await centralSession(url, 'intake');
  const submitted = await intake.post<ApplicationEnvelope>('/v1/applications', {
    accountId: `acct-${randomUUID().slice(0, 8)}`,
    kind: 'individual',
    registrationLocation: 'CN',
    identity: { kind: 'individual', fullName, documentType: 'id_card', documentNumber, issuingLocation: 'CN' },
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
    documents: [
      { role: 'front', contentBase64: front.toString('base64') },
      { role: 'back', contentBase64: back.toString('base64') },
    ],
  });
  const supervisor = await centralSession(url, 'supervisor1');
  return supervisor.post<ApplicationEnvelope>(`/v1/applications/${submitted.application.id}/assign`, { reviewer });
}

/** `reviewer`'s decision on an envelope they hold, sent to the central service as their workstation would: its result. */
export async function decideAtCentral(url: string, reviewer: string, envelope: ApplicationEnvelope, decision: { outcome: 'approve' | 'reject'; reasonCodes: string[] }): Promise<MutationResult> {
  const session = await centralSession(url, reviewer);
  const id = randomUUID();
  const answer = await session.post<MutationBatchResponse>('/v1/mutations:batch', {
    deviceId: `e2e-${reviewer}-device`,
    mutations: [
      {
        type: 'decision',
        id,
        applicationId: envelope.application.id,
        baseVersion: envelope.application.version,
        madeAt: new Date().toISOString(),
        madeBy: reviewer,
        offline: false,
        ...decision,
        applicantMessage: 'Thank you; see the decision.',
        internalNote: '',
        overrideNote: null,
      },
    ],
  });
  const result = answer.results.find((r) => r.id === id);
  if (!result) throw new Error(`no answer for decision ${id}`);
  return result;
}
