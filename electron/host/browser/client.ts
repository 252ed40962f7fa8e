// The browser transport of the contract: window.workstation over the host's HTTP API.
// Built by vite into out/host/workstation.js and loaded by the host before the renderer.
import type { ChannelName, EventName, EventPayload, ImageRef, RequestOf, ResponseOf } from '../../../shared/api';
import type { SavedExport } from '../../../shared/contract/exports';
import type { Outcome } from '../../../shared/errors';
import { createWorkstationApi, isKnownEvent, type Transport } from '../../../shared/workstationApi';

const TOKEN_KEY = 'verity.host.token';

function takeToken(): string {
  // The host prints its URL with #token=…; keep it for this tab only and drop it from the address bar. Both are
  // round trips to the browser process (a replaceState took ~30 ms of a launch), so they wait until the page is
  // idle; until then a reload still finds the token in the address.
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  const fromAddress = match?.[1];
  if (fromAddress) {
    const keep = () => {
      sessionStorage.setItem(TOKEN_KEY, fromAddress);
      history.replaceState(null, '', location.pathname + location.search);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(keep, { timeout: 2000 });
    else setTimeout(keep, 0);
    return fromAddress;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const token = takeToken();
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

type AnyListener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<AnyListener>>();
let streaming = false;

async function streamEvents(): Promise<void> {
  if (streaming) return;
  streaming = true;
  let delay = 500;
  for (;;) {
    try {
      const res = await fetch('/api/events', { headers });
      if (!res.ok || !res.body) throw new Error(`events ${res.status}`);
      delay = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const message = JSON.parse(data.slice(6)) as { event: unknown; payload: unknown };
          if (!isKnownEvent(message.event)) continue;
          for (const l of listeners.get(message.event) ?? []) l(message.payload);
        }
      }
    } catch {
      // The host went away or refused us; try again with a growing pause.
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}

// Images come from the host with the token in a header, so they are fetched and shown as blob: URLs,
// kept per image and variant for the life of the page (a case's few images, never the whole queue).
const imageCache = new Map<string, Promise<Outcome<string>>>();
const MAX_CACHED_IMAGES = 64;

async function loadImage(ref: ImageRef): Promise<Outcome<string>> {
  try {
    const res = await fetch(`/images/${ref.sha256}/${ref.variant}`, { headers: { Authorization: headers.Authorization } });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as Outcome<unknown> | null;
      return body && !body.ok ? body : { ok: false, error: { code: 'image_unavailable', message: `The image could not be loaded (${res.status}).` } };
    }
    return { ok: true, value: URL.createObjectURL(await res.blob()) };
  } catch {
    return { ok: false, error: { code: 'host_unreachable', message: 'The workstation host does not answer. Is it still running?' } };
  }
}

/**
 * Downloads what the host serves as an attachment: fetched with the token (a plain link could not send it) and saved
 * under the name the host gave in Content-Disposition; the host audits the download before it answers.
 */
async function download(path: string, fallbackName: string, failure: { code: string; message: string }): Promise<Outcome<string>> {
  try {
    const res = await fetch(path, { headers: { Authorization: headers.Authorization } });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as Outcome<unknown> | null;
      return body && !body.ok ? body : { ok: false, error: { code: failure.code, message: `${failure.message} (${res.status}).` } };
    }
    const name = /filename="([\w.-]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return { ok: true, value: name };
  } catch {
    return { ok: false, error: { code: 'host_unreachable', message: 'The workstation host does not answer. Is it still running?' } };
  }
}

/** The original, saved under a name made from its hash. */
async function downloadOriginal(sha256: string): Promise<Outcome<null>> {
  const outcome = await download(`/images/${sha256}/original`, `verity-original-${sha256.slice(0, 16)}`, { code: 'image_unavailable', message: 'The original could not be downloaded' });
  return outcome.ok ? { ok: true, value: null } : outcome;
}

/** A prepared export, as a download (the browser saves it where it saves downloads, or asks). */
async function saveExport(exportId: string): Promise<Outcome<SavedExport>> {
  const outcome = await download(`/exports/${exportId}`, 'verity-export', { code: 'export_not_found', message: 'The export could not be downloaded' });
  return outcome.ok ? { ok: true, value: { saved: true, fileName: outcome.value } } : outcome;
}

// A request started while the page is going away (a decision committed on pagehide, see renderer/src/state/review.ts)
// is sent with keepalive, so the browser finishes it after the page is gone. Keepalive bodies are capped at 64 KB in
// all, so only then and only for small bodies. These listeners are added before the renderer's, so they run first.
let leaving = false;
const KEEPALIVE_MAX_BYTES = 60_000;
for (const event of ['pagehide', 'beforeunload'] as const) window.addEventListener(event, () => (leaving = true));
window.addEventListener('pageshow', () => (leaving = false));
document.addEventListener('visibilitychange', () => (leaving = document.visibilityState === 'hidden'));

function postJson(channel: ChannelName, body: string): Promise<Response> {
  const keepalive = leaving && new TextEncoder().encode(body).length <= KEEPALIVE_MAX_BYTES;
  return fetch(`/api/${channel}`, { method: 'POST', headers, body, keepalive });
}

const transport: Transport = {
  downloadOriginal,
  saveExport,
  imageUrl(ref) {
    const key = `${ref.sha256}/${ref.variant}`;
    let entry = imageCache.get(key);
    if (!entry) {
      entry = loadImage(ref);
      imageCache.set(key, entry);
      void entry.then((o) => {
        if (!o.ok) imageCache.delete(key);
      });
      if (imageCache.size > MAX_CACHED_IMAGES) {
        const [oldestKey, oldest] = imageCache.entries().next().value as [string, Promise<Outcome<string>>];
        imageCache.delete(oldestKey);
        void oldest.then((o) => o.ok && URL.revokeObjectURL(o.value));
      }
    }
    return entry;
  },
  async invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<Outcome<ResponseOf<C>>> {
    try {
      // Image bytes go as a raw body (never base64 in JSON); the rest of the request rides in the query.
      const upload = channel === 'images.import' ? (request as RequestOf<'images.import'>) : null;
      const res = upload
        ? await fetch(`/api/${channel}?${new URLSearchParams({ applicationId: upload.applicationId, role: upload.role })}`, {
            method: 'POST',
            headers: { Authorization: headers.Authorization, 'Content-Type': 'application/octet-stream' },
            body: upload.bytes as Uint8Array<ArrayBuffer>,
          })
        : await postJson(channel, JSON.stringify(request ?? {}));
      return (await res.json()) as Outcome<ResponseOf<C>>;
    } catch {
      return { ok: false, error: { code: 'host_unreachable', message: 'The workstation host does not answer. Is it still running?' } };
    }
  },
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = listeners.get(event) ?? new Set<AnyListener>();
    listeners.set(event, set);
    const l = listener as AnyListener;
    set.add(l);
    void streamEvents();
    return () => set.delete(l);
  },
};

Object.defineProperty(window, 'workstation', { value: Object.freeze(createWorkstationApi(transport)), writable: false, configurable: false });
