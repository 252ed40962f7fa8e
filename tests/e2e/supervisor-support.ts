// Shared by the supervisor's e2e tests: a channel called through the browser host, its answer unwrapped.
import type { Outcome } from '../../shared/errors';
import type { Host } from './fixtures';

export async function call<T>(host: Host, channel: string, body: unknown): Promise<T> {
  const { json } = await host.call(channel, body);
  const answer = json as Outcome<T>;
  if (!answer.ok) throw new Error(`${channel} failed: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}
