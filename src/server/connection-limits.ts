// What one client may hold of the listening HTTP server: how long it may take to send a request
// (headers, then the whole body), how long an idle kept-alive connection stays open, and how many
// connections one address may have open at once. Without these a client sending its headers (or a
// declared 100 kB body) one byte at a time, or not at all, kept a socket forever.
//
// Node's requestTimeout covers a request from its first byte until its body is fully read; the
// response is not covered, so SSE streams and long non-streaming answers are unaffected (the
// gateway's own watchdogs bound those). Node checks these deadlines every
// connectionsCheckingInterval (30 s by default): the interval is shortened so a timeout is enforced
// close to its configured value.
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionSettings {
  /** Seconds a client has to send a request's headers. */
  headers_timeout: number;
  /** Seconds a client has to send a whole request, body included (0 = no limit). */
  body_timeout: number;
  /** Seconds an idle kept-alive connection stays open between requests. */
  keep_alive_timeout: number;
}

export interface HttpTimeoutOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
}

/** The Fastify constructor options that carry the timeouts (fixed at start-up). */
export function httpTimeoutOptions(s: ConnectionSettings): HttpTimeoutOptions {
  const requestTimeout = Math.round(s.body_timeout * 1000);
  // Node refuses a headers timeout longer than the request timeout: the whole request includes them.
  const headersTimeout = Math.max(1, Math.round(requestTimeout > 0 ? Math.min(s.headers_timeout * 1000, requestTimeout) : s.headers_timeout * 1000));
  const shortest = requestTimeout > 0 ? Math.min(requestTimeout, headersTimeout) : headersTimeout;
  return {
    requestTimeout,
    keepAliveTimeout: Math.max(1, Math.round(s.keep_alive_timeout * 1000)),
    http: { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(shortest / 4))) },
  };
}

const REFUSAL_BODY = JSON.stringify({
  error: {
    message: 'Too many connections from this address: close some and retry',
    type: 'rate_limit_error',
    code: 'too_many_connections',
    param: null,
  },
});
const REFUSAL =
  'HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n' +
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n\r\n${REFUSAL_BODY}`;
/** A refused socket the client does not close is destroyed after this long. */
const REFUSED_LINGER_MS = 2000;

/**
 * Caps the connections open at once per remote address (`max()` read per connection, so a settings
 * change applies to the next one; 0 = no cap). A connection over the cap gets a 429 and is closed
 * before the HTTP server ever sees it: no request of it is parsed or handled. `onRefused` is told
 * the address (for a throttled log line).
 */
export function limitConnectionsPerAddress(server: Server, max: () => number, onRefused?: (address: string) => void): void {
  const open = new Map<string, number>();
  // The HTTP server's own connection handling runs only for connections that are let in.
  const inner = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    const cap = max();
    if (cap > 0 && count >= cap) {
      refuse(socket);
      onRefused?.(address);
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    for (const listener of inner) listener.call(server, socket);
  });
}

function refuse(socket: Socket): void {
  socket.on('error', () => undefined);
  // Read and drop what the client sends, so closing does not reset the connection before it
  // has read the answer.
  socket.resume();
  socket.end(REFUSAL);
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

/** Reports refused connections at most once per interval, with the count (a flood must not flood the log). */
export function throttledRefusalLog(warn: (fields: { refused: number; lastAddress: string }) => void, intervalMs = 10_000): (address: string) => void {
  let refused = 0;
  let lastAddress = '';
  let timer: NodeJS.Timeout | undefined;
  const report = (): void => {
    timer = undefined;
    if (refused === 0) return;
    warn({ refused, lastAddress });
    refused = 0;
    timer = setTimeout(report, intervalMs);
    timer.unref();
  };
  return (address) => {
    refused++;
    lastAddress = address;
    if (!timer) report();
  };
}
