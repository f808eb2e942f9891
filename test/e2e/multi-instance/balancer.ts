// A small round-robin TCP balancer for the multi-instance tests: each new client connection goes
// to the next backend; a backend that refuses (killed) is skipped for that connection. Clients
// open one connection per request (see scale-out.test.ts), so requests alternate between instances.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  url: string;
  /** Connections each backend port received. */
  hits: Map<number, number>;
  setBackends(ports: number[]): void;
  close(): Promise<void>;
}

export async function startBalancer(initial: number[]): Promise<Balancer> {
  let backends = [...initial];
  let next = 0;
  const hits = new Map<number, number>();
  const sockets = new Set<Socket>();
  const pipeTo = (client: Socket, tries: number): void => {
    if (tries >= backends.length || client.destroyed) {
      client.destroy();
      return;
    }
    const port = backends[next++ % backends.length] ?? 0;
    const upstream = connect(port, '127.0.0.1');
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      hits.set(port, (hits.get(port) ?? 0) + 1);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) pipeTo(client, tries + 1);
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  };
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    pipeTo(client, 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    setBackends: (ports) => {
      backends = [...ports];
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
