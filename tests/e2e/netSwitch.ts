// A TCP link to the central server that can be cut like a network: down() stops listening and drops open
// connections (the workstation sees ECONNREFUSED, as when offline); up() listens on the same port again;
// retarget() puts another server behind the same URL, as when an address comes to name another service.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface NetSwitch {
  url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  /** New connections go to this port; open ones are dropped. */
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startNetSwitch(initialPort: number): Promise<NetSwitch> {
  let targetPort = initialPort;
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    const s = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  const retarget = (next: number) => {
    targetPort = next;
    for (const socket of sockets) socket.destroy();
  };
  return { url: `http://127.0.0.1:${port}`, down: stop, up: () => (server ? Promise.resolve() : listen()), retarget, close: stop };
}
