// A child process for the crash-durability test: records decisions in a loop, as the app does (on the store writer's
// thread), and prints each one only after recordDecision has answered (committed). The test kills it with SIGKILL
// at random moments.
// Usage: node --import tsx tests/support/crashChild.ts <db path> <master key hex>
// (crash.test.ts runs the same file bundled with esbuild, which starts three times faster.)
import { writeSync } from 'node:fs';
import { internalsOf, openCaseStore } from '../../electron/store/open';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { seedEpoch } from '../../electron/store/seed';

const [path, keyHex] = process.argv.slice(2);
if (!path || !keyHex || !/^[0-9a-f]{64}$/.test(keyHex)) {
  process.stderr.write('usage: crashChild.ts <db path> <master key hex>\n');
  process.exit(2);
}

const store = openCaseStore({ path, keyProvider: new ExplicitKeyProvider(Buffer.from(keyHex, 'hex')), now: seedEpoch, writer: {} });

// Ready once the writer's thread runs: the kills are meant for its decisions, not for its start.
while (internalsOf(store).writer.where === 'starting') await new Promise((resolve) => setTimeout(resolve, 5));
// writeSync: the line is in the pipe before the next decision starts, so "acknowledged" means "printed".
writeSync(1, `ready ${internalsOf(store).writer.where}\n`);
for (;;) {
  // By status, not the first 20 open cases: those can all be cases one may not decide, which ended the child early
  // (no kill that round) once the decidable ones before them were used up.
  // Decided by the reviewer it is assigned to (unassigned ones cannot be decided).
  const assigned = (status: 'queued' | 'in_review') => store.listQueue({ status, limit: 50 }).items.find((i) => i.assignee !== null);
  const next = assigned('queued') ?? assigned('in_review');
  if (!next?.assignee) break;
  const decision = await store.recordDecision(
    { applicationId: next.id, outcome: 'reject', reasonCodes: ['other'], applicantMessage: 'crash test', internalNote: '', overrideNote: null },
    { id: next.assignee, displayName: 'Crash Test', role: 'reviewer' },
    'crash-device',
    false,
  );
  writeSync(1, `ack ${decision.id} ${decision.mutationId} ${next.id}\n`);
}
writeSync(1, 'done\n');
store.close();
