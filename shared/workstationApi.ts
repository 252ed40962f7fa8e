// The one list of window.workstation's functions, shared by both transports (Electron preload and
// the browser host's client). Type-only imports: no schema code is bundled into the preload.
import type { ChannelName, EventName, EventPayload, RequestOf, ResponseOf, WorkstationApi } from './api';
import type { Outcome } from './errors';

export interface Transport {
  invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<Outcome<ResponseOf<C>>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Every event name, checked against the contract by the compiler (a missing or extra name fails). */
export const eventNameSet = {
  'settings.changed': true,
} as const satisfies Record<EventName, true>;

export function isKnownEvent(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(eventNameSet, name);
}

export function createWorkstationApi(t: Transport): WorkstationApi {
  return {
    app: { info: (r) => t.invoke('app.info', r) },
    session: { current: (r) => t.invoke('session.current', r) },
    settings: {
      get: (r) => t.invoke('settings.get', r),
      update: (r) => t.invoke('settings.update', r),
    },
    sync: { status: (r) => t.invoke('sync.status', r) },
    events: {
      subscribe: (event, listener) => {
        if (!isKnownEvent(event)) throw new Error(`Unknown event ${String(event)}`);
        return t.subscribe(event, listener);
      },
    },
  } satisfies WorkstationApi;
}
