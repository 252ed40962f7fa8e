// Worker thread of the built-in central service (see embeddedCentral.ts): runs the reference server until told
// to close, then lets the thread end.
import { parentPort, workerData } from 'node:worker_threads';
import { startServer } from '../../server/app';
import { notificationOptionsFromEnv } from '../../server/notifications/config';
import { sealedCentralSnapshot } from './embeddedCentralSnapshot';
import type { EmbeddedCentralMessage, EmbeddedCentralWorkerData } from './embeddedCentral';

const data = workerData as EmbeddedCentralWorkerData;
const port = parentPort!;
const send = (message: EmbeddedCentralMessage) => port.postMessage(message);

try {
  // Applicant notifications go to the message centre only, unless VERITY_SMTP_URL / VERITY_SMS_URL configure email and SMS.
  const notifications = notificationOptionsFromEnv(process.env);
  const snapshot = sealedCentralSnapshot(data.dataDir, Buffer.from(data.key), data.snapshotEveryMs);
  const server = await startServer({ snapshot, demo: data.demoCount > 0 ? { count: data.demoCount } : false, notifications });
  port.on('message', (message: { type: string }) => {
    if (message.type !== 'close') return;
    void server.close().finally(() => port.close());
  });
  send({ type: 'ready', url: server.url });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}
