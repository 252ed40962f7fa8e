// The QA sample follows the policy, on seeded data: a supervisor raises the weekly share from 5 % to 40 % in the Policy
// view, a reviewer's decisions arrive after it, and the QA queue the workstation shows is exactly what the policy
// selects, computed here from the central service's rows (not by its code): per reviewer and ISO week (UTC), the
// ceil(Σ share / 100) decisions first by sha256(service id ‖ decision id), each at the share in force when it was
// applied (S1, S2), plus every approval past a blocking flag and every suspected_tampering rejection; in effect and
// not yet quality-reviewed.
import { createHash } from 'node:crypto';
import type { QualityPolicy } from '../../shared/contract/central';
import type { QualityPolicyState, QualityQueueEntry, QualityQueuePage } from '../../shared/contract/supervision';
import { expect, test, type Central } from './fixtures';
import { call, decideAtCentral, submitAssigned } from './supervisor-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

type DecisionRow = {
  id: string;
  reviewer: string;
  decided_at: Date;
  effect: string;
  quality_reviewed: boolean;
  outcome: string;
  reason_codes: string[];
  override_note: string | null;
};

/** Monday (UTC) of the ISO week `at` falls in, as YYYY-MM-DD. */
function isoWeek(at: Date): string {
  const monday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - ((at.getUTCDay() + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

/** What the policy selects, from the central service's rows: the random part and the whole QA queue. */
async function expectedSample(central: Central): Promise<{ random: Set<string>; queue: Set<string>; weeks: Map<string, { n: number; picked: number; percents: number[] }> }> {
  const db = central.server.db;
  const [{ id: serviceId }] = (await db.query<{ id: string }>(`SELECT id FROM central_identity`)) as [{ id: string }];
  const policies = await db.query<{ policy: QualityPolicy; changed_at: Date }>(`SELECT policy, changed_at FROM quality_policies ORDER BY id`);
  const decisions = await db.query<DecisionRow>(
    `SELECT id::text AS id, reviewer, decided_at, effect, quality_reviewed, outcome, reason_codes, override_note FROM decisions`,
  );
  // The policy in force when a decision was applied: the newest changed by then (the default before any change).
  const policyAt = (at: Date) => [...policies].reverse().find((p) => p.changed_at <= at)?.policy ?? policies[0]!.policy;
  const rank = (id: string) => createHash('sha256').update(serviceId + id).digest('hex');
  const groups = new Map<string, DecisionRow[]>();
  for (const d of decisions) {
    const key = `${d.reviewer} ${isoWeek(d.decided_at)}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const random = new Set<string>();
  const weeks = new Map<string, { n: number; picked: number; percents: number[] }>();
  for (const [key, rows] of groups) {
    const counted = rows.filter((d) => policyAt(d.decided_at).samplePercent > 0);
    const share = counted.reduce((sum, d) => sum + policyAt(d.decided_at).samplePercent, 0);
    const k = Math.ceil(share / 100);
    const picked = [...counted].sort((a, b) => (rank(a.id) < rank(b.id) ? -1 : 1)).slice(0, k);
    for (const d of picked) random.add(d.id);
    weeks.set(key, { n: counted.length, picked: picked.length, percents: counted.map((d) => policyAt(d.decided_at).samplePercent) });
  }
  const always = (d: DecisionRow) => {
    const policy = policyAt(d.decided_at);
    return (
      (policy.sampleOverriddenApprovals && d.outcome === 'approve' && d.override_note !== null) ||
      (policy.sampleTamperingRejections && d.outcome === 'reject' && d.reason_codes.includes('suspected_tampering'))
    );
  };
  const queue = new Set(decisions.filter((d) => d.effect === 'in_effect' && !d.quality_reviewed && (random.has(d.id) || always(d))).map((d) => d.id));
  return { random, queue, weeks };
}

async function wholeQueue(host: Parameters<typeof call>[0]): Promise<QualityQueueEntry[]> {
  const all: QualityQueueEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: QualityQueuePage = await call<QualityQueuePage>(host, 'quality.queue', { stage: 'quality', limit: 200, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

test('the QA queue is what the policy selects per reviewer and week, after the share is raised to 40 %', async ({ app, host, central }) => {
  test.slow(); // the demo's history, then new decisions and two more syncs
  await expect(app.getByTestId('decision-row').first()).toBeVisible({ timeout: 60_000 });

  // The supervisor raises the share in the Policy view; the next sync applies it.
  await app.getByRole('navigation').getByRole('button', { name: 'Policy' }).click();
  const percent = app.getByLabel("Share of each reviewer's decisions sampled per week");
  await expect(percent).toHaveValue('5');
  await percent.fill('40');
  await app.getByRole('button', { name: 'Save policy' }).click();
  await expect(async () => {
    await call(host, 'sync.now', {});
    expect((await call<QualityPolicyState>(host, 'quality.policy', {})).current?.policy.samplePercent).toBe(40);
  }).toPass({ timeout: 60_000 });

  // reviewer2 decides six new applications after the change (one a tampering rejection, held by four-eyes).
  const url = central!.server.url;
  for (let i = 0; i < 6; i++) {
    const envelope = await submitAssigned(url, 'reviewer2');
    const reasonCodes = i === 5 ? ['suspected_tampering'] : ['other'];
    expect(await decideAtCentral(url, 'reviewer2', envelope, { outcome: 'reject', reasonCodes })).toMatchObject({ status: 'applied' });
  }
  const expected = await expectedSample(central!);
  // This week's six count at 40 %: ceil(6 × 40 / 100) = 3 of them drawn at random.
  const thisWeek = expected.weeks.get(`reviewer2 ${isoWeek(new Date())}`);
  expect(thisWeek).toEqual({ n: 6, picked: Math.ceil((6 * 40) / 100), percents: [40, 40, 40, 40, 40, 40] });
  // The demo's weeks were applied at 5 % and stay so: the change applies to later decisions only.
  for (const [key, week] of expected.weeks) if (!key.startsWith('reviewer2')) expect(week.percents.every((p) => p === 5), key).toBe(true);

  await expect(async () => {
    await call(host, 'sync.now', {});
    const local = await wholeQueue(host);
    expect(new Set(local.map((i) => i.decision.id))).toEqual(expected.queue);
  }).toPass({ timeout: 60_000 });
  const local = await wholeQueue(host);
  for (const item of local) expect(item.sampledFor.includes('random'), item.decision.id).toBe(expected.random.has(item.decision.id));

  // The view shows the same count.
  await app.getByRole('navigation').getByRole('button', { name: 'Quality review' }).click();
  await expect(app.getByTestId('qa-shown')).toContainText(`of ${expected.queue.size} shown`);
});
