// The store writer's thread (writer.ts): the one connection that writes to a case store the main thread opened and
// migrated, keyed the same, running the writes it is sent one after another, each in its own transaction, and
// answering each with its result or its error's code. SQLite checkpoints the WAL inside its commits, here, where it
// holds up no event loop that a person waits on. It never imports electron; it runs the same from sources and
// from a bundle.
import { parentPort, workerData } from 'node:worker_threads';
import { createCalendar } from '../../shared/businessDays';
import { DomainError } from '../../shared/errors';
import { attachWriterConnection } from './open';
import type { SqliteCaseStore } from './sqlite/store';
import { writeMethods, WriterSlot, WriterState, type StoreWriterData, type WriterReply, type WriterRequest } from './writer';

const port = parentPort;
if (!port) throw new Error('electron/store/writerThread must run in a worker thread');
const data = workerData as StoreWriterData;
const control = new Int32Array(data.control);
const post = (reply: WriterReply): void => port.postMessage(reply);

function setState(state: number): void {
  Atomics.store(control, WriterSlot.state, state);
  Atomics.notify(control, WriterSlot.state);
}

let opened: { store: SqliteCaseStore; close(): void } | null = null;
try {
  opened = attachWriterConnection({
    path: data.path,
    key: Buffer.from(data.key),
    ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
    calendar: createCalendar(data.calendar),
    now: data.fixedNow === null ? null : new Date(data.fixedNow),
  });
} catch (error) {
  setState(WriterState.failed);
  post({ type: 'failed', code: error instanceof DomainError ? error.code : 'store_writer_open_failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}

if (opened !== null) {
  const { store, close } = opened;
  setState(WriterState.ready);
  post({ type: 'ready' });
  port.on('message', (request: WriterRequest) => {
    if (request.type === 'close') {
      close();
      setState(WriterState.closed);
      port.close();
      return;
    }
    if (!(writeMethods as readonly string[]).includes(request.method)) {
      post({ type: 'error', id: request.id, domain: true, code: 'store_write_unknown', message: `The store writer does not run ${String(request.method).slice(0, 64)}.` });
      return;
    }
    try {
      const method = store[request.method] as (...args: unknown[]) => unknown;
      post({ type: 'result', id: request.id, value: method.apply(store, request.args) });
    } catch (error) {
      const domain = error instanceof DomainError;
      const code = domain ? error.code : String((error as { code?: unknown }).code ?? 'store_write_failed');
      post({ type: 'error', id: request.id, domain, code, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
