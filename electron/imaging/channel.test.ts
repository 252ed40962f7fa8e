import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolder } from '../../tests/support/tempFolder';
import { maxFrameBytes, readFrames, writeFrame } from './channel';

let server: Server | null = null;

/** A connected pair of real local sockets. */
async function socketPair(): Promise<[Socket, Socket]> {
  const address = join(tempFolder('verity-channel-'), 'socket');
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((resolve) => server!.listen(address, resolve));
  const client = connect(address);
  return [client, await accepted];
}

afterEach(() => {
  server?.close();
  server = null;
});

function collect(socket: Socket, count: number): Promise<{ messages: unknown[]; broken: string | null }> {
  return new Promise((resolve) => {
    const messages: unknown[] = [];
    readFrames(
      socket,
      (message) => {
        messages.push(message);
        if (messages.length === count) resolve({ messages, broken: null });
      },
      (reason) => resolve({ messages, broken: reason }),
    );
  });
}

describe('imaging channel frames', () => {
  it('carries messages whole and in order, an image raw beside the rest, however the socket splits them', async () => {
    const [client, accepted] = await socketPair();
    const image = new Uint8Array(3 * 2 ** 20).map((_, i) => i % 251);
    const received = collect(accepted, 4);
    writeFrame(client, { init: { limits: { maxBytes: 1 } } });
    writeFrame(client, { id: 1, kind: 'admit', bytes: image });
    // Two frames in one write, the second cut in the middle of its header.
    const a = frameBytes({ id: 2 });
    const b = frameBytes({ id: 3, kind: 'derive', sha256: 'ab' });
    client.write(Buffer.concat([a, b.subarray(0, 2)]));
    setTimeout(() => client.write(b.subarray(2)), 20);
    const { messages, broken } = await received;
    expect(broken).toBeNull();
    expect(messages[0]).toEqual({ init: { limits: { maxBytes: 1 } } });
    const job = messages[1] as { id: number; kind: string; bytes: Uint8Array };
    expect([job.id, job.kind]).toEqual([1, 'admit']);
    expect(job.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(job.bytes).equals(Buffer.from(image))).toBe(true);
    expect(messages.slice(2)).toEqual([{ id: 2 }, { id: 3, kind: 'derive', sha256: 'ab' }]);
    client.destroy();
  });

  it('stops reading at a frame longer than the bound, before allocating for it', async () => {
    const [client, accepted] = await socketPair();
    const received = collect(accepted, 2);
    writeFrame(client, { ready: true });
    const header = Buffer.alloc(8);
    header.writeUInt32LE(maxFrameBytes + 1, 0);
    client.write(header);
    const { messages, broken } = await received;
    expect(messages).toEqual([{ ready: true }]);
    expect(broken).toMatch(/over the .*-byte bound/);
    client.destroy();
  });

  it('stops reading at a frame whose serialized part claims more than the frame holds', async () => {
    const [client, accepted] = await socketPair();
    const received = collect(accepted, 1);
    const header = Buffer.alloc(8);
    header.writeUInt32LE(4 + 10, 0);
    header.writeUInt32LE(11, 4);
    client.write(Buffer.concat([header, Buffer.alloc(10)]));
    const { broken } = await received;
    expect(broken).toMatch(/its own length/);
    client.destroy();
  });

  it('stops reading at a frame that is not a V8 serialization', async () => {
    const [client, accepted] = await socketPair();
    const received = collect(accepted, 1);
    const body = Buffer.from('not a serialized message');
    const header = Buffer.alloc(8);
    header.writeUInt32LE(4 + body.length, 0);
    header.writeUInt32LE(body.length, 4);
    client.write(Buffer.concat([header, body]));
    const { messages, broken } = await received;
    expect(messages).toEqual([]);
    expect(broken).toMatch(/did not deserialize/);
    client.destroy();
  });
});

/** A frame as writeFrame sends it, for writing in pieces. */
function frameBytes(message: unknown): Buffer {
  const chunks: Buffer[] = [];
  const sink = { cork() {}, uncork() {}, write: (chunk: Buffer) => chunks.push(Buffer.from(chunk)) } as unknown as Socket;
  writeFrame(sink, message);
  return Buffer.concat(chunks);
}
