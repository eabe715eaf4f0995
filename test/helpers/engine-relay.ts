// A second "host" for multi-host tests: a unix socket that relays to the local Docker Engine.
// Stopping the relay makes that host's engine stop answering, as a machine that goes away would;
// its containers (on the real engine) keep running, like those of a host cut off the network.
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EngineRelay {
  socketPath: string;
  start(): Promise<void>;
  /** Closes the socket and cuts every open connection (wait streams included). */
  stop(): Promise<void>;
}

export function engineRelay(target = '/var/run/docker.sock'): EngineRelay {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'zoe-relay-')), 'docker.sock');
  const open = new Set<Socket>();
  let server: Server | undefined;
  return {
    socketPath,
    start: () => new Promise<void>((resolve, reject) => {
      if (server?.listening) return resolve(); // already relaying
      server = createServer((client) => {
        const upstream = createConnection(target);
        for (const socket of [client, upstream]) {
          open.add(socket);
          socket.on('close', () => open.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(socketPath, resolve);
    }),
    stop: () => new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
    }),
  };
}
