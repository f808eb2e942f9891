// Raw TCP tunnels through a proxy: HTTP CONNECT (optionally over TLS to an https proxy, with basic
// auth) and SOCKS 4/4a/5 (the `socks` package). Used by the undici SOCKS connector and by the
// WebSocket agent, so every kind of upstream traffic can leave through the same proxy.
import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { SocksClient } from 'socks';
import type { buildConnector } from 'undici';
import { isSocks, type ProxyUrl } from './proxy-url.js';

export class ProxyTunnelError extends Error {
  readonly code: string;
  readonly statusCode: number | undefined;
  constructor(message: string, code: string, statusCode?: number) {
    super(message);
    this.name = 'ProxyTunnelError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

const MAX_CONNECT_RESPONSE = 16 * 1024;

function timeoutError(what: string, ms: number): ProxyTunnelError {
  // The code undici uses, so the failure classifier treats it as a connect timeout.
  return new ProxyTunnelError(`${what} timed out after ${ms} ms`, 'UND_ERR_CONNECT_TIMEOUT');
}

/** The SNI name for a TLS connection to `host`: none for an IP address (RFC 6066 forbids it; Node warns). */
function sniFor(host: string): { servername?: string } {
  return isIP(host) === 0 ? { servername: host } : {};
}

/** TCP (or TLS for https proxies) connection to the proxy itself. */
function connectToProxy(proxy: ProxyUrl): Socket | TLSSocket {
  if (proxy.scheme === 'https') return tlsConnect({ host: proxy.host, port: proxy.port, ...sniFor(proxy.host), ALPNProtocols: ['http/1.1'] });
  return netConnect({ host: proxy.host, port: proxy.port });
}

function basicAuth(proxy: ProxyUrl): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  return `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`;
}

function httpConnect(proxy: ProxyUrl, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectToProxy(proxy);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    let buf = Buffer.alloc(0);
    let settled = false;
    const timer = timeoutMs > 0 ? setTimeout(() => fail(timeoutError('proxy CONNECT', timeoutMs)), timeoutMs) : undefined;
    const onAbort = (): void => fail(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    function cleanup(): void {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('close', onClose);
    }
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(err);
    }
    function onClose(): void {
      fail(new ProxyTunnelError('proxy closed the connection during CONNECT', 'ECONNRESET'));
    }
    function onData(chunk: Buffer): void {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buf.length > MAX_CONNECT_RESPONSE) fail(new ProxyTunnelError('proxy CONNECT answer too large', 'ERR_PROXY_PROTOCOL'));
        return;
      }
      const head = buf.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN);
      if (status !== 200) {
        fail(new ProxyTunnelError(`proxy answered CONNECT with ${Number.isNaN(status) ? 'garbage' : `HTTP ${status}`}`, 'ERR_PROXY_TUNNEL', Number.isNaN(status) ? undefined : status));
        return;
      }
      settled = true;
      cleanup();
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    }
    socket.on('data', onData);
    socket.on('error', fail);
    socket.on('close', onClose);
    const auth = basicAuth(proxy);
    socket.write(
      `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}Proxy-Connection: keep-alive\r\n\r\n`,
    );
  });
}

async function socksConnect(proxy: ProxyUrl, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  const type = proxy.scheme === 'socks4' || proxy.scheme === 'socks4a' ? 4 : 5;
  const pending = SocksClient.createConnection({
    command: 'connect',
    // A host name is sent as is: the proxy resolves it (socks4a / socks5h behaviour, also for
    // socks5: no local DNS lookup, so nothing leaks outside the proxy).
    destination: { host, port },
    proxy: {
      host: proxy.host,
      port: proxy.port,
      type,
      ...(proxy.username ? { userId: proxy.username } : {}),
      ...(proxy.password ? { password: proxy.password } : {}),
    },
    ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
  });
  if (!signal) return (await pending).socket;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return (await Promise.race([pending, aborted])).socket;
  } catch (err) {
    pending.then((r) => r.socket.destroy(), () => undefined);
    if (err instanceof Error && /timed? ?out/i.test(err.message) && !signal.aborted) throw timeoutError('SOCKS connect', timeoutMs);
    throw err;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** A plain TCP stream to `host:port` through the proxy (no TLS to the target yet). */
export async function openTunnel(proxy: ProxyUrl, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  if (isSocks(proxy)) {
    try {
      return await socksConnect(proxy, host, port, timeoutMs, signal);
    } catch (err) {
      if (err instanceof ProxyTunnelError || signal?.aborted) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      if (/timed? ?out/i.test(msg)) throw timeoutError('SOCKS connect', timeoutMs);
      throw new ProxyTunnelError(`SOCKS proxy: ${msg}`, 'ERR_PROXY_TUNNEL');
    }
  }
  return httpConnect(proxy, host, port, timeoutMs, signal);
}

/** Wraps a tunnel in TLS to the target (https / wss). */
function startTls(socket: Duplex, servername: string, alpn: string[]): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, servername, ALPNProtocols: alpn });
    const onError = (err: Error): void => {
      tls.destroy();
      reject(err);
    };
    tls.once('error', onError);
    tls.once('secureConnect', () => {
      tls.off('error', onError);
      resolve(tls);
    });
  });
}

/** An undici connector that reaches every origin through a SOCKS proxy. */
export function socksConnector(proxy: ProxyUrl, timeoutMs: number): buildConnector.connector {
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    openTunnel(proxy, opts.hostname, port, timeoutMs)
      .then(async (socket): Promise<Socket | TLSSocket> => {
        socket.setNoDelay(true);
        if (opts.protocol !== 'https:') return socket;
        return startTls(socket, opts.servername ?? opts.hostname, ['http/1.1']);
      })
      .then(
        (s) => callback(null, s),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
      );
  };
}

/**
 * An http.Agent whose connections go through the proxy: give it to `ws` (`agent` option) or to
 * http.request, for WebSocket handshakes and other node:http callers.
 */
export class TunnelAgent extends HttpAgent {
  constructor(
    private readonly proxy: ProxyUrl,
    private readonly timeoutMs: number,
    opts: AgentOptions = {},
  ) {
    super({ keepAlive: false, ...opts });
  }

  // Node's Agent accepts an asynchronous createConnection (callback form).
  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, socket: Duplex) => void): Duplex | undefined {
    const secure = (options as { secureEndpoint?: boolean }).secureEndpoint === true || options.protocol === 'https:' || options.protocol === 'wss:';
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = Number(options.port) || (secure ? 443 : 80);
    const servername = (options as { servername?: string }).servername ?? host;
    openTunnel(this.proxy, host, port, this.timeoutMs)
      .then((socket): Promise<Duplex> | Duplex => (secure ? startTls(socket, servername, ['http/1.1']) : socket))
      .then(
        (s) => callback?.(null, s),
        (err: unknown) => callback?.(err instanceof Error ? err : new Error(String(err)), undefined as unknown as Duplex),
      );
    return undefined;
  }
}
