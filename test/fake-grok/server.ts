// startFakeGrok: two real HTTP origins (grok.com and assets.grok.com stand-ins) plus the
// Imagine WebSocket on the first, sharing one SimState. close() tears everything down,
// including streams and sockets still open, so a test never hangs on a leaked handle.

import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { handleAppRequest } from './app-routes.js';
import { handleAssetsRequest } from './assets-routes.js';
import { sendJson } from './http-util.js';
import { IMAGINE_WS_PATH } from './imagine-ws.js';
import { routeUpgrade } from './upgrade.js';
import { SimState } from './state.js';
import type { FakeGrok, FakeGrokOptions } from './types.js';

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Tracks raw sockets so close() can destroy upgraded (WebSocket) ones too. */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** A bug in a handler answers 500 (visible in the test) instead of crashing the test process. */
function guard(p: Promise<void>, res: ServerResponse): void {
  p.catch((err: unknown) => {
    console.error('fake-grok handler error:', err);
    sendJson(res, 500, { error: { code: 13, message: `fake-grok bug: ${String(err)}`, details: [] } });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startFakeGrok(opts: FakeGrokOptions = {}): Promise<FakeGrok> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SimState(opts);

  const app = createServer((req, res) => guard(handleAppRequest(state, req, res), res));
  const assets = createServer((req, res) => guard(handleAssetsRequest(state, req, res), res));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  app.on('upgrade', (req, socket, head) => routeUpgrade(state, wss, req, socket, head));
  // A client that resets mid-request must not crash the process.
  for (const s of [app, assets]) s.on('clientError', (_err, socket) => socket.destroy());
  const sockets = [trackSockets(app), trackSockets(assets)];

  const appPort = await listen(app, opts.port ?? 0, host);
  const assetsPort = await listen(assets, 0, host);
  const h = urlHost(host);
  state.assetsUrl = `http://${h}:${assetsPort}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      for (const c of state.streams) c.abort();
      state.streams.clear();
      for (const ws of wss.clients) ws.terminate();
      const done = [app, assets].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const set of sockets) for (const s of set) s.destroy();
      app.closeAllConnections();
      assets.closeAllConnections();
      await Promise.all(done);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    })();
    return closed;
  };

  return {
    baseUrl: `http://${h}:${appPort}`,
    assetsUrl: state.assetsUrl,
    wsUrl: `ws://${h}:${appPort}${IMAGINE_WS_PATH}`,
    requests: state.requests,
    setToken: (token, behavior) => state.tokens.set(token, behavior),
    removeToken: (token) => state.tokens.remove(token),
    clearRequests: () => {
      state.requests.length = 0;
    },
    openStreams: () => state.streams.size + state.mgwSockets.size,
    openMgwSockets: () => state.mgwSockets.size,
    mgwConversations: () => state.conversations,
    statsigViolations: () => [...state.statsigViolations],
    close,
  };
}
