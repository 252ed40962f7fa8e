// Preloaded (NODE_OPTIONS=--import) into a process under test: every way Node reaches the network is replaced by
// one that records the attempt in $VERITY_NO_NETWORK_LOG and fails. Each thread that loads it says so, so a test can
// tell that the OCR's worker thread was covered too.
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isMainThread, threadId } from 'node:worker_threads';

const logFile = process.env.VERITY_NO_NETWORK_LOG;
const note = (line) => logFile && appendFileSync(logFile, `${line}\n`);
note(`loaded pid=${process.pid} thread=${isMainThread ? 'main' : threadId}`);
const refuse = (what) => () => {
  note(`network ${what}`);
  throw new Error(`network use refused in this test: ${what}`);
};
globalThis.fetch = (url) => {
  note(`network fetch ${String(url)}`);
  return Promise.reject(new Error('network use refused in this test: fetch'));
};
for (const [name, mod] of [['http', http], ['https', https]]) {
  mod.request = refuse(`${name}.request`);
  mod.get = refuse(`${name}.get`);
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() calls this with its arguments normalised into an array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  // The imaging process's private channel to its parent is a Unix socket (or a named pipe): not the network.
  const path = typeof first === 'string' ? first : first && typeof first === 'object' ? first.path : undefined;
  if (path) return connect.apply(this, args);
  note(`network connect ${JSON.stringify(first)}`);
  throw new Error('network use refused in this test: connect');
};
