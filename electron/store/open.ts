// Opening a case store: the file checked, keyed and migrated on the caller's connection (which then only reads),
// and the one writer (writer.ts) for every write. Runs under plain Node; never imports electron.
import { calendarSpec, createCalendar, type BusinessCalendar } from '../../shared/businessDays';
import { DomainError } from '../../shared/errors';
import { deriveKey, type KeyProvider } from '../common/keys';
import { log } from '../common/log';
import { backupDatabase, openDatabase, translateSqliteError, type Db } from './sqlite/database';
import { assertNotTooNew, migrate, migrations as allMigrations, newestOf, schemaVersion, type Migration } from './sqlite/migrations';
import { SqliteCaseStore } from './sqlite/store';
import type { CaseStore, CaseWrites } from './types';
import { runInline, StoreWriter, type StoreWriterOptions, type WriteMethod } from './writer';

export interface OpenCaseStoreOptions {
  path: string;
  keyProvider: KeyProvider;
  calendar?: BusinessCalendar;
  /** A fixed clock (tests, benchmarks); the real one by default. */
  now?: Date;
  /** In Electron: the better-sqlite3 addon built for Electron's ABI. */
  nativeBinding?: string;
  /** Only for tests of the migration runner: a prefix of the real list. */
  migrations?: readonly Migration[];
  /**
   * The writer's thread (writer.ts), as the app opens the store. Without it the writes run on the caller's connection
   * (tests, short-lived tools).
   */
  writer?: StoreWriterOptions;
}

/** What stands behind each open store, for the store's own tests and benchmarks only (not part of CaseStore). */
const internals = new WeakMap<CaseStore, { db: Db; writer: StoreWriter }>();

/** The caller's connection (which also writes when there is no writer thread) and the writer of an open store. */
export function internalsOf(store: CaseStore): { db: Db; writer: StoreWriter } {
  const found = internals.get(store);
  if (!found) throw new Error('not a store opened by openCaseStore');
  return found;
}

export function openCaseStore(options: OpenCaseStoreOptions): CaseStore {
  const calendar = options.calendar ?? createCalendar();
  const now = options.now ?? null;
  const known = options.migrations ?? allMigrations;
  const key = deriveKey(options.keyProvider, 'sqlite');
  const { db, created } = openDatabase(options.path, key, options.nativeBinding);
  try {
    assertNotTooNew(db, options.path, known);
    const version = schemaVersion(db);
    const hasTables = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n > 0;
    if (!created && hasTables && version < newestOf(known)) {
      const backup = backupDatabase(db, options.path, version, now ?? new Date());
      log.info('case store backed up before migrating', { from: version, to: newestOf(known), backup });
    }
    const [from, to] = migrate(db, known);
    if (from !== to) log.info('case store migrated', { from, to });
  } catch (err) {
    db.close();
    throw translateSqliteError(err, options.path);
  }
  const local = new SqliteCaseStore(options.path, db, calendar, now);
  // Flags evaluated before rules this Verity added or changed (migrations 10 and 16) are stored anew, before the writer starts.
  const restored = local.storeStaleFlags();
  if (restored > 0) log.info('case store: flags stored anew', { applications: restored });
  // Started only once the schema is in place: the writer's connection never sees a half-migrated store.
  const spec = options.writer ? calendarSpec(calendar) : null;
  // A calendar made in code (tests) cannot be made again in the thread; its writes stay on this connection.
  if (options.writer && spec === null) log.warn('case store: the store writer needs a calendar from createCalendar; writes run on the main thread');
  const thread =
    options.writer && spec !== null
      ? { path: options.path, key, calendar: spec, fixedNow: now?.getTime() ?? null, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) }
      : null;
  const writer = new StoreWriter(runInline(local), thread, options.writer);
  const write =
    <M extends WriteMethod>(method: M) =>
    (...args: Parameters<CaseWrites[M]>) =>
      writer.call(method, args) as ReturnType<CaseWrites[M]>;

  const store: CaseStore = {
    path: options.path,
    listQueue: (query) => local.listQueue(query),
    queueCounts: (assignee) => local.queueCounts(assignee),
    getCase: (applicationId) => local.getCase(applicationId),
    verifyAudit: () => local.verifyAudit(),
    pendingMutations: (limit, decidedBy) => local.pendingMutations(limit, decidedBy),
    pendingByPerson: () => local.pendingByPerson(),
    outboxCounts: () => local.outboxCounts(),
    needsAttention: (limit) => local.needsAttention(limit),
    hasDocument: (sha256, assignee) => local.hasDocument(sha256, assignee),
    referencedImages: () => local.referencedImages(),
    imageBySha256: (sha256) => local.imageBySha256(sha256),
    imagesLackingQuality: () => local.imagesLackingQuality(),
    passportPagesLackingMrz: () => local.passportPagesLackingMrz(),
    getSyncState: (key) => local.getSyncState(key),
    decisionLog: (query) => local.decisionLog(query),
    decisionLogCounts: (filter) => local.decisionLogCounts(filter),
    decisionLogFreshness: () => local.decisionLogFreshness(),
    decisionLogNewest: () => local.decisionLogNewest(),
    withdrawalLog: (query) => local.withdrawalLog(query),
    withdrawalLogNewest: () => local.withdrawalLogNewest(),
    pendingSupervision: (limit, madeBy) => local.pendingSupervision(limit, madeBy),
    supervisionOutbox: (madeBy) => local.supervisionOutbox(madeBy),
    supervisionCounts: () => local.supervisionCounts(),
    qualityQueue: (request, viewer) => local.qualityQueue(request, viewer),
    qualityPolicy: () => local.qualityPolicy(),
    supervisionVerdicts: (decisionIds) => local.supervisionVerdicts(decisionIds),
    decisionLogAfter: (filter, after, limit) => local.decisionLogAfter(filter, after, limit),
    cachedReport: (filter) => local.cachedReport(filter),
    auditAfter: (seq, limit) => local.auditAfter(seq, limit),
    unsyncedDecisions: () => local.unsyncedDecisions(),
    unsyncedVerdicts: () => local.unsyncedVerdicts(),
    businessCalendar: () => local.businessCalendar(),
    linkedAccounts: (applicationId) => local.linkedAccounts(applicationId),
    upsertApplications: write('upsertApplications'),
    openCase: write('openCase'),
    recordDecision: write('recordDecision'),
    addLocalDocument: write('addLocalDocument'),
    recordOriginalDownload: write('recordOriginalDownload'),
    resolveAttention: write('resolveAttention'),
    markMutationRejected: write('markMutationRejected'),
    settleMutations: write('settleMutations'),
    recordImageQuality: write('recordImageQuality'),
    recordMrzReadings: write('recordMrzReadings'),
    setSyncState: write('setSyncState'),
    storeDecisionLog: write('storeDecisionLog'),
    storeWithdrawalLog: write('storeWithdrawalLog'),
    recordSupervision: write('recordSupervision'),
    settleSupervision: write('settleSupervision'),
    dismissSupervision: write('dismissSupervision'),
    storeQualityQueue: write('storeQualityQueue'),
    storeQualityPolicy: write('storeQualityPolicy'),
    recordExport: write('recordExport'),
    recordSessionEvent: write('recordSessionEvent'),
    storeReport: write('storeReport'),
    storeCalendar: write('storeCalendar'),
    storeLinkedAccounts: write('storeLinkedAccounts'),
    purgeApplicantData: write('purgeApplicantData'),
    close() {
      // The writer first: this connection then, as the last one, checkpoints and removes the WAL.
      writer.close();
      if (!db.open) return;
      try {
        db.pragma('optimize');
      } catch {
        // optimize is advice only; closing matters more.
      }
      db.close();
    },
  };
  internals.set(store, { db, writer });
  return store;
}

/**
 * The writer thread's connection to a store that openCaseStore has opened (checked and migrated) in this process: no
 * quick check, no migration, a smaller page cache (it writes in short transactions and reads little).
 */
export function attachWriterConnection(options: {
  path: string;
  key: Buffer;
  nativeBinding?: string;
  calendar: BusinessCalendar;
  now: Date | null;
}): { store: SqliteCaseStore; close(): void } {
  const { db } = openDatabase(options.path, options.key, options.nativeBinding, { quickCheck: false });
  try {
    const version = schemaVersion(db);
    if (version !== newestOf(allMigrations)) {
      throw new DomainError('store_schema_mismatch', `The case store at ${options.path} is at schema ${version}, not ${newestOf(allMigrations)}; restart Verity.`);
    }
  } catch (err) {
    db.close();
    throw translateSqliteError(err, options.path);
  }
  db.pragma('cache_size = -4000');
  // SQLite checkpoints inside the commit that crosses this many WAL pages, here on the writer's thread. Every 16 MB
  // rather than its default 4 MB: a stream of 400 upserts of 10 took 3.1 s with 1,000 pages, 2.4 s with 4,000
  // (fewer fsyncs; a page written again meanwhile is copied once), as fast as the separate checkpointer thread was.
  db.pragma('wal_autocheckpoint = 4000');
  return { store: new SqliteCaseStore(options.path, db, options.calendar, options.now), close: () => db.close() };
}
