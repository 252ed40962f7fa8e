// Main→renderer events: handlers emit, each transport (IPC, host's event stream) forwards.
import { events as eventDefs, type EventName, type EventPayload } from '../../shared/api';

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventHub {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validated here so neither transport can carry a payload outside the contract.
    const checked = eventDefs[event].payload.parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener(event, checked);
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
