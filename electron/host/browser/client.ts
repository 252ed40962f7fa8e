// The browser transport of the contract: window.workstation over the host's HTTP API.
// Built by vite into out/host/workstation.js and loaded by the host before the renderer.
import type { ChannelName, EventName, EventPayload, RequestOf, ResponseOf } from '../../../shared/api';
import type { Outcome } from '../../../shared/errors';
import { createWorkstationApi, isKnownEvent, type Transport } from '../../../shared/workstationApi';

const TOKEN_KEY = 'verity.host.token';

function takeToken(): string {
  // The host prints its URL with #token=…; keep it for this tab only and drop it from the address bar.
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
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

const transport: Transport = {
  async invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<Outcome<ResponseOf<C>>> {
    try {
      const res = await fetch(`/api/${channel}`, { method: 'POST', headers, body: JSON.stringify(request ?? {}) });
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
