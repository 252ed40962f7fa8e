// The one list of window.workstation's functions, shared by both transports (Electron preload and
// the browser host's client). Type-only imports: no schema code is bundled into the preload.
import type { ChannelName, EventName, EventPayload, ImageRef, ImageVariant, RequestOf, ResponseOf, WorkstationApi } from './api';
import type { SavedExport } from './contract/exports';
import type { Outcome } from './errors';

export interface Transport {
  invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<Outcome<ResponseOf<C>>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  imageUrl(ref: ImageRef): Promise<Outcome<string>>;
  /** Starts the download of an original (`/<sha256>/original`, served as an attachment). */
  downloadOriginal(sha256: string): Promise<Outcome<null>>;
  /** Saves a prepared export where the person chooses (a save dialog, or a download); the id is checked first. */
  saveExport(exportId: string): Promise<Outcome<SavedExport>>;
}

/** A prepared export's one-time id (ExportId in shared/contract/exports.ts); here, so the preload loads no zod. */
export const exportIdPattern = /^[A-Za-z0-9_-]{22,64}$/;
const badExportId = { ok: false, error: { code: 'invalid_request', message: 'An export is named by the id decisions.exportCsv, withdrawals.exportCsv or reports.exportPdf answered.' } } as const;

const SHA256 = /^[0-9a-f]{64}$/;
/** Every variant the page may ask a URL for, checked against the contract by the compiler (no original). */
const variantSet = { preview: true, thumbnail: true, full: true } as const satisfies Record<ImageVariant, true>;
const VARIANTS: ReadonlySet<string> = new Set(Object.keys(variantSet));

/** Checks an image reference before any transport builds a URL from it. */
export function isImageRef(ref: unknown): ref is ImageRef {
  const r = ref as Partial<ImageRef> | null;
  return typeof r === 'object' && r !== null && typeof r.sha256 === 'string' && SHA256.test(r.sha256) && typeof r.variant === 'string' && VARIANTS.has(r.variant);
}

const badImageRef = { ok: false, error: { code: 'invalid_request', message: `An image is named by a 64-character SHA-256 and a variant (${[...VARIANTS].join(', ')}).` } } as const;

/** Every event name, checked against the contract by the compiler (a missing or extra name fails). */
export const eventNameSet = {
  'settings.changed': true,
  'session.changed': true,
  'queue.changed': true,
  'sync.changed': true,
  'sync.progress': true,
  'exports.progress': true,
} as const satisfies Record<EventName, true>;

export function isKnownEvent(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(eventNameSet, name);
}

export function createWorkstationApi(t: Transport): WorkstationApi {
  return {
    app: { info: (r) => t.invoke('app.info', r) },
    session: {
      current: (r) => t.invoke('session.current', r),
      signIn: (r) => t.invoke('session.signIn', r),
      lock: (r) => t.invoke('session.lock', r),
      signOut: (r) => t.invoke('session.signOut', r),
    },
    settings: {
      get: (r) => t.invoke('settings.get', r),
      update: (r) => t.invoke('settings.update', r),
    },
    sync: {
      status: (r) => t.invoke('sync.status', r),
      now: (r) => t.invoke('sync.now', r),
      attention: (r) => t.invoke('sync.attention', r),
      resolveAttention: (r) => t.invoke('sync.resolveAttention', r),
    },
    queue: {
      list: (r) => t.invoke('queue.list', r),
      counts: (r) => t.invoke('queue.counts', r),
    },
    case: {
      get: (r) => t.invoke('case.get', r),
      decide: (r) => t.invoke('case.decide', r),
      linkedAccounts: (r) => t.invoke('case.linkedAccounts', r),
    },
    audit: {
      verify: (r) => t.invoke('audit.verify', r),
      devices: (r) => t.invoke('audit.devices', r),
      trail: (r) => t.invoke('audit.trail', r),
      notifications: (r) => t.invoke('audit.notifications', r),
    },
    decisions: {
      log: (r) => t.invoke('decisions.log', r),
      counts: (r) => t.invoke('decisions.counts', r),
      application: (r) => t.invoke('decisions.application', r),
      exportCsv: (r) => t.invoke('decisions.exportCsv', r),
      exports: (r) => t.invoke('decisions.exports', r),
    },
    exports: {
      save: async (prepared) => (typeof prepared?.exportId === 'string' && exportIdPattern.test(prepared.exportId) ? t.saveExport(prepared.exportId) : badExportId),
    },
    supervision: {
      act: (r) => t.invoke('supervision.act', r),
      outbox: (r) => t.invoke('supervision.outbox', r),
      dismiss: (r) => t.invoke('supervision.dismiss', r),
      verdicts: (r) => t.invoke('supervision.verdicts', r),
    },
    quality: {
      queue: (r) => t.invoke('quality.queue', r),
      policy: (r) => t.invoke('quality.policy', r),
    },
    reports: {
      decisions: (r) => t.invoke('reports.decisions', r),
      exportPdf: (r) => t.invoke('reports.exportPdf', r),
    },
    oversight: {
      summary: (r) => t.invoke('oversight.summary', r),
      applications: (r) => t.invoke('oversight.applications', r),
    },
    device: {
      retirementCheck: (r) => t.invoke('device.retirementCheck', r),
      removeApplicantData: (r) => t.invoke('device.removeApplicantData', r),
      rotateDataKey: (r) => t.invoke('device.rotateDataKey', r),
    },
    withdrawals: {
      log: (r) => t.invoke('withdrawals.log', r),
      exportCsv: (r) => t.invoke('withdrawals.exportCsv', r),
    },
    calendar: {
      get: (r) => t.invoke('calendar.get', r),
      replaceYear: (r) => t.invoke('calendar.replaceYear', r),
    },
    images: {
      import: (r) => t.invoke('images.import', r),
      url: async (ref) => (isImageRef(ref) ? t.imageUrl(ref) : badImageRef),
      downloadOriginal: async (ref) => (typeof ref?.sha256 === 'string' && SHA256.test(ref.sha256) ? t.downloadOriginal(ref.sha256) : badImageRef),
    },
    events: {
      subscribe: (event, listener) => {
        if (!isKnownEvent(event)) throw new Error(`Unknown event ${String(event)}`);
        return t.subscribe(event, listener);
      },
    },
  } satisfies WorkstationApi;
}
