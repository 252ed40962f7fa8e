// Test support for the sync tests of a supervisor's reads (the decision log, its CSV export, the withdrawals): the
// demo supervisor's call and credentials, a file's central service with a fresh workstation side per test, and the
// CSV export as the Export button makes it. Apart from sync.ts so the other sync tests do not load the exports' PDF code.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { EventHub } from '../../electron/api/events';
import { createExportHandlers, ExportShelf } from '../../electron/api/exports';
import type { CallContext } from '../../electron/api/registry';
import type { SyncEngine, SyncEngineOptions } from '../../electron/sync/engine';
import type { UiLanguage } from '../../shared/contract/app';
import type { PreparedExport } from '../../shared/contract/exports';
import { openWorkstationSide, startCentral, type CentralFixture, type Workstation } from './sync';

/** The demo supervisor's call to the workstation's handlers, from its own window. */
export const supervisorCall: CallContext = { person: { id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' }, deviceId: 'device-test', transport: 'http' };
/** For engineOptions: the engine signs in as the demo supervisor (its default is reviewer1). */
export const supervisorCredentials = { credentials: { username: 'supervisor1', password: 'verity-demo' } } satisfies Partial<SyncEngineOptions>;

/**
 * The hooks of a test file that reads a supervisor's views from a real central service: the service started once
 * (and `seed` run on it once), a fresh workstation side for each test, each closed after its last use.
 */
export function centralAndSide(seed: (central: CentralFixture) => Promise<unknown> = async () => undefined, seedTimeoutMs?: number): { readonly central: CentralFixture; readonly side: Workstation } {
  let central: CentralFixture | undefined;
  let side: Workstation | undefined;
  beforeAll(async () => {
    central = await startCentral();
    await seed(central);
  }, seedTimeoutMs);
  afterAll(async () => {
    await central?.close();
  });
  beforeEach(() => {
    side = openWorkstationSide();
  });
  afterEach(async () => {
    await side?.close();
  });
  return {
    get central() {
      if (!central) throw new Error('The central service starts in beforeAll: use it inside a test or a later hook.');
      return central;
    },
    get side() {
      if (!side) throw new Error('The workstation side opens in beforeEach: use it inside a test.');
      return side;
    },
  };
}

/** The decision log's CSV export as the supervisor's Export button makes it, with the progress it reported ([done, total]). */
export async function exportDecisionsCsv(
  side: Workstation,
  engine: SyncEngine,
  filter: Record<string, unknown>,
  { shelf = new ExportShelf(), language = 'en' }: { shelf?: ExportShelf; language?: UiLanguage } = {},
): Promise<{ made: PreparedExport; progress: [number, number][] }> {
  const events = new EventHub();
  const progress: [number, number][] = [];
  events.listen((event, payload) => {
    if (event === 'exports.progress') progress.push([(payload as { done: number }).done, (payload as { total: number }).total]);
  });
  const made = await createExportHandlers(side.store, { get: engine.get.bind(engine), lines: engine.lines.bind(engine) }, shelf, events)['decisions.exportCsv']({ filter, language }, supervisorCall);
  return { made, progress };
}
