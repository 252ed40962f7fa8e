// The composition root of the node side: opens the data folder's services (case store, image
// pipeline, people, settings) and builds the handler registry that both transports bind.
// Electron's main process and the browser host both call this.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionAuditAction } from '../../shared/contract/cases';
import type { Person } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import { createImagePipeline, type CaseImage, type ImagePipeline, type LaunchImagingProcess } from '../imaging';
import { openCaseStore } from '../store/open';
import type { CaseStore } from '../store/types';
import { recordDerivedQuality } from '../sync/derivedQuality';
import { recordDerivedMrz } from '../sync/derivedMrz';
import type { KeyProvider } from '../common/keys';
import { loadCalendar } from './calendar';
import { connectCentral, notConfiguredHandlers, type CentralConfig, type CentralLink } from './central';
import { createCaseHandlers } from './cases';
import { createSupervisionHandlers } from './supervision';
import { createWithdrawalHandlers } from './withdrawals';
import { createQualityHandlers } from './quality';
import { createExportHandlers, ExportShelf } from './exports';
import { createReportHandlers } from './reports';
import { createAuditHandlers } from './audit';
import { createOversightHandlers } from './oversight';
import { createCalendarHandlers } from './businessCalendar';
import { createDecisionCaseHandlers, type DecisionImages } from './decisionCase';
import { createLinkedHandlers } from './linked';
import { drawDemo, seedDemo } from './demo';
import { loadDeviceId } from './device';
import { EventHub } from './events';
import { createRetirementHandlers } from './retirement';
import { createRotateKeyHandlers, type RestartHook } from './rotateKey';
import { scheduleRetention } from './retention';
import { log } from '../common/log';
import type { CallContext, Handlers } from './registry';
import { LocalProfiles, Session } from './session';
import { SettingsFile } from './settings';

export interface WorkstationOptions {
  dataDir: string;
  host: 'electron' | 'browser';
  version: string;
  keyProvider: KeyProvider;
  /** In Electron: the better-sqlite3 binding built for Electron's ABI (see electron/main/natives.ts). */
  sqliteNativeBinding?: string;
  /** Seed an empty data folder with demo people and this many demo applications. */
  demo?: { count: number; onProgress?: (done: number, total: number) => void };
  /** Imaging process entry of a bundled build (see electron/imaging/pool.ts); sources find their own. */
  imagingWorker?: URL;
  /** How imaging processes start; a Node fork by default (Electron passes its utilityProcess launcher). */
  launchImaging?: LaunchImagingProcess;
  /** The case store writer's entry of a build (out/main/store-writer.js); sources find their own. */
  storeWriterWorker?: URL;
  /** Sign this person in at start (tests and the embedded demo). */
  signIn?: { username: string; password: string };
  /** The CJK font file for Chinese PDF reports (Electron: the packaged copy); its npm package's copy by default. */
  cjkFont?: string;
  /** The central service to sync with; without one, decisions wait in the outbox and people are local profiles. */
  central?: CentralConfig;
  /** Restarts the app after the call that asks for it is answered (rotating the data key); none: it cannot. */
  restart?: RestartHook;
}

export interface Workstation {
  readonly handlers: Handlers;
  readonly events: EventHub;
  readonly deviceId: string;
  readonly store: CaseStore;
  context(transport: CallContext['transport']): CallContext;
  /** The one way images leave the data folder: checks the person and that a local case shows the image. */
  readImage(ref: unknown): Promise<CaseImage>;
  /** A prepared export still waiting to be saved (the name a save dialog proposes); only its maker may see it. */
  peekExport(exportId: unknown): SavableExport;
  /** Takes a prepared export to save it, once, after recording it in the audit trail. */
  takeExport(exportId: unknown): Promise<SavableExport & { bytes: Buffer }>;
  close(): Promise<void>;
}

export interface SavableExport {
  fileName: string;
  contentType: string;
}

export async function openWorkstation(options: WorkstationOptions): Promise<Workstation> {
  mkdirSync(options.dataDir, { recursive: true });
  const deviceId = loadDeviceId(join(options.dataDir, 'device-id'));
  const settings = new SettingsFile(join(options.dataDir, 'settings.json'));
  const profiles = new LocalProfiles(join(options.dataDir, 'people.json'));
  const events = new EventHub();
  const store = openCaseStore({
    path: join(options.dataDir, 'cases.db'),
    keyProvider: options.keyProvider,
    calendar: loadCalendar(join(options.dataDir, 'calendar.json')),
    ...(options.sqliteNativeBinding ? { nativeBinding: options.sqliteNativeBinding } : {}),
    // Every write on the store writer's thread, so that no commit (a decision's fsync included) holds up this one.
    writer: options.storeWriterWorker ? { workerScript: options.storeWriterWorker } : {},
  });
  const seedingDemo = options.demo !== undefined && profiles.isEmpty;
  const drawn = seedingDemo ? await drawDemo({ count: options.demo!.count }) : null;
  const images: ImagePipeline = createImagePipeline({
    blobDir: join(options.dataDir, 'blobs'),
    keyProvider: options.keyProvider,
    workers: { ...(options.imagingWorker ? { workerScript: options.imagingWorker } : {}), ...(options.launchImaging ? { launch: options.launchImaging } : {}) },
  });

  if (drawn) {
    const started = Date.now();
    const count = await seedDemo(store, images, profiles, drawn, options.demo?.onProgress);
    log.info('demo data seeded', { applications: count, ms: Date.now() - started });
  }
  // Sync stores originals and leaves preview, thumbnail and quality to background derivation; this writes the
  // quality (and R8's flags) when it is ready, and queues what a previous run left underived.
  const derived = recordDerivedQuality({
    images,
    store,
    onRecorded: (applicationIds) => events.emit('queue.changed', { reason: 'sync', applicationIds: applicationIds.length <= 500 ? applicationIds : [] }),
  });
  // R11: a passport page's MRZ is read in the background once derived, and stored with the document.
  const mrz = recordDerivedMrz({ images, store, onRecorded: (applicationIds) => events.emit('queue.changed', { reason: 'sync', applicationIds: applicationIds.length <= 500 ? applicationIds : [] }) });
  // `session` is made after `central` (it asks it for passwords); this only runs once both exist.
  const personActive = (): boolean => session.activePerson() !== null;
  const central: CentralLink | null = options.central ? connectCentral(options.central, { store, images, deviceId, events, personActive }) : null;
  const session: Session = new Session(profiles, Date.now, central?.check ?? null);
  // The sync engine's state at the moment of each decision or opening; standalone, always offline.
  const isOnline = (): boolean => central?.isOnline() ?? false;
  // Who used this workstation when goes on its audit trail, and with it to the central service (issue 21).
  const recordSession = (action: SessionAuditAction, actor: Person, details: Record<string, string | boolean> = {}) =>
    store.recordSessionEvent(action, details, { actor, deviceId, online: isOnline() });
  const signIn = async (username: string, password: string) => {
    const before = session.state();
    const state = await session.signIn(username, password);
    const person = state.person!;
    // The same person signing in after a lock unlocks; anyone else takes the workstation over (the first is signed out).
    if (before.locked && before.person?.id === person.id) await recordSession('session_unlocked', person);
    else await recordSession('session_signed_in', person, before.person ? { replaced: before.person.id } : {});
    central?.started();
    return state;
  };
  if (options.signIn) await signIn(options.signIn.username, options.signIn.password);
  // Blobs no local case shows any more (decided and purged, or reassigned) are removed in the background.
  void images
    .collectGarbage(store.referencedImages())
    .then((report) => log.info('image blobs collected', { ...report }))
    .catch((err: unknown) => log.warn('image blob collection failed', { error: String(err) }));

  // Decided and synced cases past the central service's retention period lose their applicant data (hourly).
  const retention = scheduleRetention({ store, images, deviceId, isOnline: () => central?.isOnline() ?? false });

  const sessionChanged = () => events.emit('session.changed', session.state());
  const context = (transport: CallContext['transport']): CallContext => ({ person: session.activePerson(), deviceId, transport });
  // Made exports hold applicant data: forgotten when the person locks or signs out.
  const exports = new ExportShelf();
  const signedInPerson = () => {
    const person = session.activePerson();
    if (!person) throw new DomainError('unauthorized', 'Sign in to save an export.');
    return person;
  };

  // The images of decisions a supervisor opened in this run (fetched for the read-only case view; no case holds them).
  const decisionImages: DecisionImages = new Set();
  const handlers: Handlers = {
    'app.info': () => ({ name: 'Verity', version: options.version, host: options.host, platform: process.platform, deviceId }),
    'session.current': () => session.state(),
    'session.signIn': async ({ username, password }) => {
      const state = await signIn(username, password);
      sessionChanged();
      return state;
    },
    'session.lock': async () => {
      const person = session.activePerson();
      const state = session.lock();
      exports.clear();
      sessionChanged();
      if (person) await recordSession('session_locked', person);
      return state;
    },
    'session.signOut': async ({ everywhere }) => {
      if (everywhere) {
        if (!central) throw new DomainError('sign_out_everywhere_unavailable', 'This workstation works without a central service: there are no sessions elsewhere to end.');
        await central.signOutEverywhere();
      }
      const person = session.state().person;
      const state = session.signOut();
      exports.clear();
      central?.signedOut();
      sessionChanged();
      if (person) await recordSession('session_signed_out', person, { everywhere: everywhere === true });
      return state;
    },
    'settings.get': () => settings.read(),
    'settings.update': (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', next);
      return next;
    },
    ...(central?.handlers ?? notConfiguredHandlers(store, personActive)),
    ...createCaseHandlers(store, {
      isOnline,
      onQueueChanged: (payload) => {
        events.emit('queue.changed', payload);
        if (payload.reason === 'decision') central?.decided();
      },
    }),
    ...createSupervisionHandlers(store, central?.get ?? null),
    ...createWithdrawalHandlers(store, central?.get ?? null),
    ...createQualityHandlers(store, { isOnline, onActed: () => central?.decided() }),
    ...createExportHandlers(store, central, exports, events, options.cjkFont ? { cjkFont: options.cjkFont } : {}),
    ...createReportHandlers(store, central),
    ...createAuditHandlers(store, central),
    ...createOversightHandlers(store, central?.get ?? null),
    ...createCalendarHandlers(central),
    ...createDecisionCaseHandlers(central, decisionImages),
    ...createLinkedHandlers(store, central?.get ?? null, (applicationId) => events.emit('queue.changed', { reason: 'sync', applicationIds: [applicationId] })),
    ...createRetirementHandlers({ store, images, deviceId, isOnline, finalSync: async () => (central ? (await central.syncOnce()) : false) }),
    ...createRotateKeyHandlers(options.keyProvider, options.restart, store),
    'images.import': async ({ applicationId, role, bytes }, ctx) => {
      if (!ctx.person) throw new DomainError('unauthorized', 'Sign in to add images to a case.');
      store.getCase(applicationId); // case_not_found before any decoding
      const image = await images.ingest(bytes);
      const document = await store.addLocalDocument(
        applicationId,
        { role, sha256: image.sha256, format: image.format, width: image.width, height: image.height, forensic: image.forensic, quality: image.quality, imageFailure: null },
        { actor: ctx.person, deviceId, online: isOnline() },
      );
      events.emit('queue.changed', { reason: 'document', applicationIds: [applicationId] });
      return { document };
    },
    'sync.resolveAttention': async ({ mutationId, resolution }, ctx) => {
      if (!ctx.person) throw new DomainError('unauthorized', 'Sign in to resolve decisions that need attention.');
      await store.resolveAttention(mutationId, resolution, { actor: ctx.person, deviceId, online: isOnline() });
      // The resolution is an audit entry: the next push takes it to the central service (a supervisor sees it there).
      central?.decided();
      return { items: store.needsAttention() };
    },
  };

  return {
    handlers,
    events,
    deviceId,
    store,
    context,
    async readImage(ref) {
      const person = session.activePerson();
      const image = await images.read(ref, {
        // A reviewer sees the images of their own cases only (not of one reassigned away); a supervisor, any case's.
        canView: (sha256: string) =>
          person !== null && (store.hasDocument(sha256, person.role === 'reviewer' ? person.id : undefined) || (person.role === 'supervisor' && decisionImages.has(sha256))),
      });
      // The applicant's own bytes leave only as a download, and each download goes on the record before it is served.
      if (image.attachment && person) await store.recordOriginalDownload(image.sha256, { actor: person, deviceId, online: isOnline() });
      return image;
    },
    peekExport(exportId) {
      const { record, contentType } = exports.peek(exportId, signedInPerson().id);
      return { fileName: record.fileName, contentType };
    },
    async takeExport(exportId) {
      const person = signedInPerson();
      const { record, contentType, bytes } = exports.take(exportId, person.id);
      await store.recordExport(record, { actor: person, deviceId, online: isOnline() });
      return { fileName: record.fileName, contentType, bytes };
    },
    close: async () => {
      retention.stop();
      await retention.idle();
      await central?.close();
      await images.close();
      await derived.close();
      await mrz.close();
      store.close();
    },
  };
}
