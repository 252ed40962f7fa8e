// The changes feed's lock covers one reviewer's feed writes, not the service: while one reviewer's batch is still
// committing, another reviewer fetches (with nothing new, and with new work) and sends decisions. Needs a real
// PostgreSQL (PGlite has one connection, so every transaction waits for the one before it anyway).
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from './db';
import { checkImage } from './images';
import { CentralService } from './service';
import { decisionMutation, sampleImage, startTestServer, submitIndividualAt, testDatabaseUrl, type TestServer } from '../tests/support/central';

let server: TestServer | null = null;
/** These specimens' numbers are short (R9 blocks an approval): a rejection is what a reviewer decides. */
const reject = { outcome: 'reject' as const, reasonCodes: ['other' as const], applicantMessage: 'The document number is incomplete.' };
afterEach(async () => {
  await server?.close();
  server = null;
});

/** The database, but the next transaction armed waits before its commit (holding its locks) until released. */
function gatedDatabase(db: Database) {
  let armed: { reached: () => void; release: Promise<void> } | null = null;
  const gated: Database = {
    driver: db.driver,
    query: (sql, params) => db.query(sql, params),
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        const result = await fn(tx);
        const gate = armed;
        armed = null;
        if (gate) {
          gate.reached();
          await gate.release;
        }
        return result;
      }),
  };
  return {
    db: gated,
    holdNext() {
      let release = () => undefined as void;
      let reached = () => undefined as void;
      const atCommit = new Promise<void>((resolve) => (reached = resolve));
      armed = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
      return { atCommit, release: () => release() };
    },
  };
}

/** A server where a reviewer holds at most 5, with `count` open applications submitted a minute apart. */
async function serverWith(count: number): Promise<TestServer> {
  const started = await startTestServer({ assignmentCap: 5 });
  const bytes = await sampleImage('jpeg');
  const image = { role: 'front' as const, bytes, ...(await checkImage(bytes, 'image')) };
  for (let i = 0; i < count; i++) await submitIndividualAt(started.service, image, new Date(started.clock.now.getTime() - (i + 1) * 60_000));
  return started;
}

function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} waited more than ${ms} ms for another reviewer's commit`)), ms))]);
}

describe.skipIf(!testDatabaseUrl)('the changes feed lock', () => {
  it("holds one reviewer's commit without stopping another reviewer's fetches and batches; that reviewer's feed stays in order", async () => {
    server = await serverWith(12);
    const gated = gatedDatabase(server.db);
    const service = new CentralService(gated.db, server.service.options);
    const now = server.clock.now;
    const first1 = await service.changes('reviewer1', undefined, 100);
    const first2 = await service.changes('reviewer2', undefined, 100);
    expect(first1.changes).toHaveLength(5);
    expect(first2.changes).toHaveLength(5);

    // reviewer2's decision is written (its feed row and its lock included) and waits before its commit.
    const hold = gated.holdNext();
    const held = service.applyMutations('reviewer2', 'device-2', [decisionMutation(first2.changes[0]!, 'reviewer2', now, reject)]);
    await hold.atCommit;
    try {
      // reviewer1: a fetch with nothing new, a decision, and a fetch that takes new work, all while reviewer2 commits.
      const nothing = await within(5000, service.changes('reviewer1', first1.cursor, 100), 'a fetch with nothing new');
      expect(nothing.changes).toEqual([]);
      const [applied] = await within(5000, service.applyMutations('reviewer1', 'device-1', [decisionMutation(first1.changes[0]!, 'reviewer1', now, reject)]), 'a batch');
      expect(applied, JSON.stringify(applied).slice(0, 300)).toMatchObject({ status: 'applied' });
      const more = await within(5000, service.changes('reviewer1', nothing.cursor, 100), 'a fetch taking new work');
      expect(more.changes.map((c) => c.type).sort()).toEqual(['assigned', 'updated']);
      // reviewer2's own fetch meanwhile sees nothing past the row still uncommitted.
      const during = await within(5000, service.changes('reviewer2', first2.cursor, 100), "reviewer2's fetch");
      expect(during.changes).toEqual([]);
      expect(during.cursor).toBe(first2.cursor);
    } finally {
      hold.release();
    }
    expect((await held)[0]).toMatchObject({ status: 'applied' });
    const after = await service.changes('reviewer2', first2.cursor, 100);
    expect(after.changes.map((c) => c.type)).toEqual(['updated', 'assigned']);
    expect(after.changes[0]!.application.id).toBe(first2.changes[0]!.application.id);
  }, 60_000);
});

describe.skipIf(!testDatabaseUrl)('assignment across instances', () => {
  it("never passes a reviewer's cap when two of their fetches take work at once", async () => {
    server = await serverWith(30);
    for (let round = 0; round < 4; round++) {
      const reviewer = `reviewer${round + 1}`;
      const pulls = await Promise.all(Array.from({ length: 4 }, () => server!.service.changes(reviewer, undefined, 100)));
      const [held] = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE assignee = $1 AND status = 'queued'`, [reviewer]);
      expect(held?.n).toBe(5);
      expect(new Set(pulls.flatMap((p) => p.changes.map((c) => c.application.id))).size).toBe(5);
    }
  }, 60_000);
});
