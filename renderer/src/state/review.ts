// The case being reviewed, the decision waiting out its undo window, and prefetching of the next case.
import { create } from 'zustand';
import type { CaseDetail } from '../../../shared/contract/cases';
import type { ImageVariant } from '../../../shared/api';
import type { DecisionInput } from '../../../shared/domain';
import { unwrap, workstation } from '../workstation';
import { asUiError, useFrame, type UiError } from './frame';
import { useQueue } from './queue';

/** How long a confirmed decision can be undone before it is recorded. */
export const UNDO_WINDOW_MS = 5_000;

export interface PendingDecision {
  input: DecisionInput;
  /** What the queue showed for the case, to name it in the undo bar. */
  label: string;
  deadline: number;
}

interface ReviewState {
  view: 'queue' | 'case';
  openId: string | null;
  detail: CaseDetail | null;
  loading: boolean;
  error: UiError | null;
  pending: PendingDecision | null;
  /** A decision the workstation refused when it was committed. */
  commitError: (UiError & { applicationId: string }) | null;
  /** Bumped on every open, so a late answer for an older case is dropped. */
  openGeneration: number;
  open(applicationId: string): Promise<void>;
  /** Reads the open case again after it changed elsewhere, without recording another opening. */
  refresh(): Promise<void>;
  backToQueue(): void;
  /** Starts the undo window for a confirmed decision and moves on to `nextId` at once. */
  decide(input: DecisionInput, label: string, nextId: string | null): void;
  undo(): void;
  /** Records the pending decision now (before a lock or sign-out). */
  flush(): Promise<void>;
  dismissCommitError(): void;
  prefetch(applicationId: string): void;
  /** Forgets every case (on lock and sign-out). */
  clear(): void;
}

let pendingTimer: ReturnType<typeof setTimeout> | null = null;
const prefetched = new Map<string, Promise<CaseDetail>>();
/** Prefetched cases whose answer has arrived: opening one shows it in the same frame as the keypress. */
const ready = new Map<string, CaseDetail>();
const MAX_PREFETCHED = 4;
/** Bumped by clear(): answers that arrive after a lock or sign-out are not kept. */
let epoch = 0;

/**
 * Image URLs already answered, so a viewer shows a warmed image in its first render instead of one round of
 * effects later. Kept below the browser transport's own cache (64 URLs), and a URL that fails to load (the
 * transport let it go) is dropped by the viewer and asked for again.
 */
const knownUrls = new Map<string, string>();
const MAX_KNOWN_URLS = 32;
/** Decoded copies of the warmed images, held so the browser keeps their pixels ready (a few cases' worth). */
const decoded: HTMLImageElement[] = [];
const MAX_DECODED = 16;

export function knownImageUrl(sha256: string, variant: ImageVariant): string | null {
  return knownUrls.get(`${sha256}/${variant}`) ?? null;
}

export function rememberImageUrl(sha256: string, variant: ImageVariant, url: string | null): void {
  const key = `${sha256}/${variant}`;
  knownUrls.delete(key);
  if (url === null) return;
  knownUrls.set(key, url);
  if (knownUrls.size > MAX_KNOWN_URLS) knownUrls.delete(knownUrls.keys().next().value as string);
}

/**
 * Asks for the preview and thumbnails and decodes them, so the browser has them before the case is shown. An image
 * already warm (the same URL) is not decoded again: the case being opened was warmed while it was next, and decoding
 * its images a second time, as its own answer arrived, competed with painting them on a two-core machine.
 */
export function warmImages(detail: CaseDetail): void {
  const asked = epoch;
  for (const doc of [...(detail.previousDocuments ?? []), ...detail.documents]) {
    for (const variant of ['preview', 'thumbnail'] as const) {
      // Asked even when known: the transport answers from its cache, and a URL it has let go since comes back new.
      void workstation()
        .images.url({ sha256: doc.sha256, variant })
        .then((o) => {
          if (!o.ok || asked !== epoch) return;
          const warm = knownImageUrl(doc.sha256, variant) === o.value;
          rememberImageUrl(doc.sha256, variant, o.value);
          if (warm) return;
          const img = new Image();
          img.src = o.value;
          img.decode().then(
            () => {
              if (asked !== epoch) return;
              decoded.push(img);
              if (decoded.length > MAX_DECODED) decoded.shift();
            },
            () => rememberImageUrl(doc.sha256, variant, null),
          );
        });
    }
  }
}

async function commit(pending: PendingDecision): Promise<void> {
  try {
    // A recorded decision is announced by the workstation (queue.changed): that event reloads the queue, once.
    await unwrap(workstation().case.decide(pending.input));
  } catch (err) {
    useReview.setState({ commitError: { ...asUiError(err), applicationId: pending.input.applicationId } });
    // Nothing was recorded: the case the undo window hid comes back.
    void useQueue.getState().reload({ keepSelection: true });
  }
  void useFrame.getState().refreshSync();
}

export const useReview = create<ReviewState>()((set, get) => ({
  view: 'queue',
  openId: null,
  detail: null,
  loading: false,
  error: null,
  pending: null,
  commitError: null,
  openGeneration: 0,
  async open(applicationId) {
    const generation = get().openGeneration + 1;
    const early = prefetched.get(applicationId);
    const known = ready.get(applicationId) ?? null;
    prefetched.delete(applicationId);
    ready.delete(applicationId);
    // A prefetched case is shown at once; the opening call below records the audit entry and refreshes it.
    set({ view: 'case', openId: applicationId, openGeneration: generation, loading: known === null, error: null, detail: known });
    if (early && !known) {
      // Prefetched but not answered yet: shown when it arrives, unless the opening call answers first.
      void early.then((detail) => {
        if (get().openGeneration === generation && get().detail === null) set({ detail, loading: false });
      }, () => undefined);
    }
    try {
      const detail = await unwrap(workstation().case.get({ applicationId, open: true }));
      if (get().openGeneration !== generation) return;
      set({ detail, loading: false });
      warmImages(detail);
    } catch (err) {
      if (get().openGeneration !== generation) return;
      set({ loading: false, error: asUiError(err) });
    }
  },
  async refresh() {
    const { openId, openGeneration } = get();
    if (!openId) return;
    try {
      const detail = await unwrap(workstation().case.get({ applicationId: openId, open: false }));
      if (get().openGeneration === openGeneration) set({ detail });
    } catch (err) {
      if (get().openGeneration === openGeneration) set({ error: asUiError(err) });
    }
  },
  backToQueue() {
    set({ view: 'queue', openId: null, detail: null, error: null, openGeneration: get().openGeneration + 1 });
  },
  decide(input, label, nextId) {
    const previous = get().pending;
    if (previous) void get().flush();
    set({ pending: { input, label, deadline: Date.now() + UNDO_WINDOW_MS }, commitError: null });
    pendingTimer = setTimeout(() => {
      const pending = get().pending;
      pendingTimer = null;
      if (!pending || pending.input.applicationId !== input.applicationId) return;
      set({ pending: null });
      void commit(pending);
    }, UNDO_WINDOW_MS);
    if (nextId) void get().open(nextId);
    else get().backToQueue();
  },
  undo() {
    const pending = get().pending;
    if (!pending) return;
    if (pendingTimer) clearTimeout(pendingTimer);
    pendingTimer = null;
    set({ pending: null });
    void get().open(pending.input.applicationId);
  },
  async flush() {
    const pending = get().pending;
    if (!pending) return;
    if (pendingTimer) clearTimeout(pendingTimer);
    pendingTimer = null;
    set({ pending: null });
    await commit(pending);
  },
  dismissCommitError() {
    set({ commitError: null });
  },
  prefetch(applicationId) {
    if (prefetched.has(applicationId) || get().openId === applicationId) return;
    const request = unwrap(workstation().case.get({ applicationId, open: false }));
    const asked = epoch;
    prefetched.set(applicationId, request);
    if (prefetched.size > MAX_PREFETCHED) {
      const oldest = prefetched.keys().next().value;
      if (oldest !== undefined) {
        prefetched.delete(oldest);
        ready.delete(oldest);
      }
    }
    request.then(
      (detail) => {
        if (asked !== epoch) return;
        // Kept only while still wanted (not evicted, not opened meanwhile); the images are wanted either way.
        if (prefetched.get(applicationId) === request) ready.set(applicationId, detail);
        warmImages(detail);
      },
      () => prefetched.delete(applicationId),
    );
  },
  clear() {
    epoch += 1;
    prefetched.clear();
    ready.clear();
    knownUrls.clear();
    decoded.length = 0;
    set({ view: 'queue', openId: null, detail: null, loading: false, error: null, openGeneration: get().openGeneration + 1 });
  },
}));

/**
 * Never lose a decision: when the page goes away (closed, reloaded, navigated) or is hidden (which may be the last
 * chance a browser gives), a decision still in its undo window is recorded at once. The call is started
 * synchronously here; Electron's IPC sends it at once, and the browser transport sends it with keepalive.
 */
function commitBeforeLeaving(): void {
  // flush() reaches the transport's call before its first await, i.e. before this handler returns.
  void useReview.getState().flush();
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', commitBeforeLeaving);
  window.addEventListener('beforeunload', commitBeforeLeaving);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') commitBeforeLeaving();
  });
}
