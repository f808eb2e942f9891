// WebSocket upgrades on the grok.com origin: /ws/mgw/ (chat) or /ws/imagine/listen (images).
// Refusals are plain HTTP answers written on the socket before any upgrade, as a real server does.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { handleUpgrade as handleImagineUpgrade } from './imagine-ws.js';
import { handleMgwUpgrade, MGW_WS_PATH } from './mgw-ws.js';
import type { SimState } from './state.js';

export function routeUpgrade(state: SimState, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  if ((req.url ?? '').split('?')[0] === MGW_WS_PATH) return handleMgwUpgrade(state, wss, req, socket, head);
  handleImagineUpgrade(state, wss, req, socket, head);
}
