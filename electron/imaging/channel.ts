// The message channel between the pool and an imaging process under plain Node: a local socket (a Unix socket in a
// private folder, a named pipe on Windows) carrying one frame per message:
//   [u32 LE frame length][u32 LE length of the rest][V8 serialization of the message but its `bytes`][raw bytes]
// A message's top-level `bytes` (an image) travels raw after the rest, written from the caller's buffer: no copy into a serializer on the main thread, and on arrival it is one view into the frame. A
// socket rather than Node's fork IPC channel because the process is started from a launcher thread (launch.ts):
// the channel must reach the main thread.
import { connect, type Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';

/** Set by the launcher in an imaging process's environment: the socket to connect to, and the ticket to name. */
export const channelVariable = 'VERITY_IMAGING_CHANNEL';
export const ticketVariable = 'VERITY_IMAGING_TICKET';

/** A process's first frame: the one-time ticket the launcher gave it, so no other connection takes its place. */
export interface ChannelHello {
  ticket: string;
}

const headerBytes = 8;

/**
 * The largest frame either side accepts: an original at the largest allowed size (limits.ts, 25 MB) with room to
 * spare. A longer length is a broken or foreign peer, refused before anything is allocated for it.
 */
export const maxFrameBytes = 64 * 2 ** 20;

/** Writes one message; its parts leave in one write. */
export function writeFrame(socket: Socket, message: unknown): void {
  const { bytes, ...rest } = message !== null && typeof message === 'object' ? (message as { bytes?: unknown }) : {};
  // No raw bytes reads as no `bytes` on arrival: empty ones are serialized with the rest.
  const raw = bytes instanceof Uint8Array && bytes.byteLength > 0 ? bytes : null;
  const rawLength = raw ? raw.byteLength : 0;
  const serialized = serialize(raw ? rest : message);
  const header = Buffer.allocUnsafe(headerBytes);
  header.writeUInt32LE(4 + serialized.length + rawLength, 0);
  header.writeUInt32LE(serialized.length, 4);
  socket.cork();
  socket.write(header);
  socket.write(serialized);
  if (raw) socket.write(raw);
  socket.uncork();
}

/**
 * Calls `onMessage` for every whole frame that arrives; a frame over the bound or one that does not deserialize
 * calls `onBroken` once and stops reading (the caller closes the socket).
 */
export function readFrames(socket: Socket, onMessage: (message: unknown) => void, onBroken: (reason: string) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let broken = false;
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    buffered += chunk.length;
    while (!broken && buffered >= headerBytes) {
      if (chunks[0]!.length < headerBytes) chunks = [Buffer.concat(chunks, buffered)];
      const length = chunks[0]!.readUInt32LE(0);
      const serializedLength = chunks[0]!.readUInt32LE(4);
      if (length > maxFrameBytes || serializedLength > length - 4) {
        fail(`a frame of ${length} bytes (${serializedLength} serialized) is over the ${maxFrameBytes}-byte bound or its own length`);
        return;
      }
      const end = 4 + length;
      if (buffered < end) return;
      // One copy per frame at most; `bytes` and the message's typed arrays are views into it.
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
      const next = all.subarray(end);
      chunks = next.length > 0 ? [next] : [];
      buffered = next.length;
      let message: unknown;
      try {
        message = deserialize(all.subarray(headerBytes, headerBytes + serializedLength));
        if (end > headerBytes + serializedLength) {
          if (message === null || typeof message !== 'object') throw new Error('raw bytes follow a message that is not an object');
          (message as { bytes: Uint8Array }).bytes = all.subarray(headerBytes + serializedLength, end);
        }
      } catch (error) {
        fail(`a frame did not deserialize: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      onMessage(message);
    }
  };
  const fail = (reason: string): void => {
    broken = true;
    chunks = [];
    socket.off('data', onData);
    onBroken(reason);
  };
  socket.on('data', onData);
}

/** The imaging process's side: connects to the launcher's socket and names itself; null when not started by one. */
export function connectToLauncher(env: NodeJS.ProcessEnv = process.env): Socket | null {
  const address = env[channelVariable];
  const ticket = env[ticketVariable];
  if (!address || !ticket) return null;
  const socket = connect(address);
  const hello: ChannelHello = { ticket };
  writeFrame(socket, hello);
  return socket;
}
