// Real local proxies for the egress tests, built on node:net / node:http(s):
//   - an HTTP proxy: CONNECT tunnels and absolute-form forwarding (what impit uses for http://
//     targets), optional basic auth; mode 'challenge' answers every tunneled or forwarded request
//     with Cloudflare's 403 "Just a moment..." page itself, as if the proxy's IP were challenged;
//     with `tls` it is an https:// proxy (TLS between the client and the proxy itself);
//   - a SOCKS5 proxy (no-auth or username/password, IPv4 / domain / IPv6 targets);
//   - a SOCKS4 proxy (user id, IPv4 and 4a host-name targets).
// Both record which SSO tokens they carried (the simulator speaks plain HTTP, so the Cookie header
// is visible in the tunneled bytes) and can be stopped and started again on the same port.
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CLOUDFLARE_HTML } from '../fake-grok/auth.js';

export interface TestProxy {
  /** e.g. `http://user:pass@127.0.0.1:PORT` or `socks5://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Tunnels / forwarded requests accepted so far. */
  connections: number;
  /** Handshakes refused for bad credentials. */
  authFailures: number;
  /** Absolute-form requests forwarded (HTTP proxy only; CONNECT tunnels are `connections`). */
  forwarded: number;
  /** How many requests carried each SSO token through this proxy. */
  tokenCounts(): Map<string, number>;
  /** Forget what was recorded. */
  reset(): void;
  /** Close the listener and every open connection (the proxy is "down"). */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const SSO_IN_COOKIE = /\r\ncookie:[^\r\n]*?(?:^|[;\s])sso=([^;\r\n]+)/gi;
const MAX_SNIFF = 1024 * 1024;

class Recorder {
  connections = 0;
  authFailures = 0;
  /** One entry per tunnel; reset() empties them but keeps recording on the tunnels still open. */
  private readonly sniffed: Array<{ text: string }> = [];
  private forwarded: string[] = [];

  /** Keeps what a client sent through a tunnel (plain HTTP inside). */
  sniff(socket: Duplex): void {
    const entry = { text: '' };
    this.sniffed.push(entry);
    socket.on('data', (chunk: Buffer) => {
      if (entry.text.length < MAX_SNIFF) entry.text += chunk.toString('latin1');
    });
  }

  forwardedCount = 0;

  forwardedToken(cookie: string | undefined): void {
    this.forwardedCount++;
    const m = /(?:^|[;\s])sso=([^;]+)/.exec(cookie ?? '');
    if (m?.[1]) this.forwarded.push(m[1].trim());
  }

  tokenCounts(): Map<string, number> {
    const out = new Map<string, number>();
    const add = (t: string): void => {
      out.set(t, (out.get(t) ?? 0) + 1);
    };
    for (const { text } of this.sniffed) for (const m of text.matchAll(SSO_IN_COOKIE)) if (m[1]) add(m[1].trim());
    for (const t of this.forwarded) add(t);
    return out;
  }

  reset(): void {
    for (const entry of this.sniffed) entry.text = '';
    this.forwarded = [];
    this.connections = 0;
    this.authFailures = 0;
    this.forwardedCount = 0;
  }
}

function listen(server: Server | NetServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function trackSockets(server: Server | NetServer, sockets: Set<Duplex>): void {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
}

function closeServer(server: Server | NetServer, sockets: Set<Duplex>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
    sockets.clear();
  });
}

function splitHostPort(target: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
  return { host: m?.[1] ?? target, port: Number(m?.[2] ?? 80) };
}

/** The 403 page a challenged proxy IP gets, answered to every request on a socket. */
/**
 * Where every proxy kind ends: connect to the target, then answer the client with `granted`, pass
 * on what it sent after its request (`rest`) and splice the two sockets. `onOpen` runs once
 * connected; `onError` answers a failed connect the proxy kind's way.
 */
function tunnel(
  client: Duplex,
  target: { host: string; port: number },
  rest: Buffer,
  granted: string | Buffer,
  rec: Recorder,
  sockets: Set<Duplex>,
  onError: () => void,
  onOpen?: () => void,
): void {
  client.pause();
  const upstream = netConnect(target, () => {
    onOpen?.();
    client.write(granted);
    rec.sniff(client);
    if (rest.length > 0) upstream.write(rest);
    upstream.pipe(client);
    client.pipe(upstream);
    client.resume();
  });
  sockets.add(upstream);
  upstream.on('close', () => sockets.delete(upstream));
  upstream.on('error', onError);
  client.on('close', () => upstream.destroy());
}

function challengeServer(rec: Recorder): Server {
  return createHttpServer((req, res) => {
    rec.forwardedToken(req.headers.cookie);
    req.resume();
    res.writeHead(403, { 'content-type': 'text/html; charset=UTF-8', 'cf-mitigated': 'challenge', 'content-length': Buffer.byteLength(CLOUDFLARE_HTML) });
    res.end(CLOUDFLARE_HTML);
  });
}

export interface HttpProxyOptions {
  auth?: { user: string; pass: string };
  mode?: 'tunnel' | 'challenge';
  /** PEM key and certificate: the proxy speaks TLS to its clients (an `https://` proxy). */
  tls?: { key: string; cert: string };
}

export async function startHttpProxy(opts: HttpProxyOptions = {}): Promise<TestProxy> {
  const rec = new Recorder();
  const mode = opts.mode ?? 'tunnel';
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.pass}`).toString('base64')}` : undefined;
  const sockets = new Set<Duplex>();
  const challenge = challengeServer(rec);
  const authorized = (req: IncomingMessage): boolean => {
    if (!expected) return true;
    if (req.headers['proxy-authorization'] === expected) return true;
    rec.authFailures++;
    return false;
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // Absolute-form request (forward proxying of http:// targets).
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    rec.connections++;
    if (mode === 'challenge') {
      challenge.emit('request', req, res);
      return;
    }
    rec.forwardedToken(req.headers.cookie);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler);
  // A client that refuses the certificate (an untrusted test CA) is not the proxy's problem.
  server.on('tlsClientError', () => undefined);
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    client.on('error', () => undefined);
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    rec.connections++;
    if (mode === 'challenge') {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) client.unshift(head);
      challenge.emit('connection', client);
      return;
    }
    tunnel(client, splitHostPort(req.url ?? ''), head, 'HTTP/1.1 200 Connection Established\r\n\r\n', rec, sockets, () => client.destroy());
  });
  server.on('clientError', (_e, s) => s.destroy());
  trackSockets(server, sockets);
  const port = await listen(server, 0);
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';
  return {
    url: `${opts.tls ? 'https' : 'http'}://${cred}127.0.0.1:${port}`,
    port,
    get connections() {
      return rec.connections;
    },
    get authFailures() {
      return rec.authFailures;
    },
    get forwarded() {
      return rec.forwardedCount;
    },
    tokenCounts: () => rec.tokenCounts(),
    reset: () => rec.reset(),
    stop: () => closeServer(server, sockets),
    start: async () => {
      await listen(server, port);
    },
    close: async () => {
      await closeServer(server, sockets);
      challenge.close();
    },
  };
}

export interface Socks5ProxyOptions {
  auth?: { user: string; pass: string };
}

/** A SOCKS5 proxy (RFC 1928, username/password auth RFC 1929). */
export async function startSocks5Proxy(opts: Socks5ProxyOptions = {}): Promise<TestProxy> {
  const rec = new Recorder();
  const sockets = new Set<Duplex>();
  const server = createNetServer((client) => {
    client.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' | 'done' = 'greeting';
    const fail = (reply?: Buffer): void => {
      stage = 'done';
      client.removeListener('data', onData);
      if (reply) client.end(reply);
      else client.destroy();
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (stage === 'greeting') {
          if (buf.length < 2) return;
          const n = buf[1] ?? 0;
          if (buf.length < 2 + n) return;
          if (buf[0] !== 5) return fail();
          const methods = [...buf.subarray(2, 2 + n)];
          buf = buf.subarray(2 + n);
          const want = opts.auth ? 2 : 0;
          if (!methods.includes(want)) return fail(Buffer.from([5, 0xff]));
          client.write(Buffer.from([5, want]));
          stage = opts.auth ? 'auth' : 'request';
          continue;
        }
        if (stage === 'auth') {
          if (buf.length < 2) return;
          const ulen = buf[1] ?? 0;
          if (buf.length < 3 + ulen) return;
          const plen = buf[2 + ulen] ?? 0;
          if (buf.length < 3 + ulen + plen) return;
          const user = buf.subarray(2, 2 + ulen).toString();
          const pass = buf.subarray(3 + ulen, 3 + ulen + plen).toString();
          buf = buf.subarray(3 + ulen + plen);
          if (user !== opts.auth?.user || pass !== opts.auth.pass) {
            rec.authFailures++;
            return fail(Buffer.from([1, 1]));
          }
          client.write(Buffer.from([1, 0]));
          stage = 'request';
          continue;
        }
        if (stage === 'request') {
          if (buf.length < 5) return;
          const atyp = buf[3];
          let host: string;
          let end: number;
          if (atyp === 1) {
            end = 4 + 4;
            if (buf.length < end + 2) return;
            host = [...buf.subarray(4, 8)].join('.');
          } else if (atyp === 3) {
            const len = buf[4] ?? 0;
            end = 5 + len;
            if (buf.length < end + 2) return;
            host = buf.subarray(5, end).toString();
          } else if (atyp === 4) {
            end = 4 + 16;
            if (buf.length < end + 2) return;
            const parts: string[] = [];
            for (let i = 0; i < 16; i += 2) parts.push(buf.readUInt16BE(4 + i).toString(16));
            host = parts.join(':');
          } else return fail(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
          if (buf[1] !== 1) return fail(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
          const port = buf.readUInt16BE(end);
          const rest = buf.subarray(end + 2);
          stage = 'done';
          client.removeListener('data', onData);
          const refused = (): void => {
            if (!client.destroyed) client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
          };
          tunnel(client, { host, port }, rest, Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]), rec, sockets, refused, () => rec.connections++);
          return;
        }
        return;
      }
    };
    client.on('data', onData);
  });
  trackSockets(server, sockets);
  const port = await listen(server, 0);
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';
  return socksHandle(`socks5://${cred}127.0.0.1:${port}`, port, server, sockets, rec);
}

/** The TestProxy of a SOCKS server (which does not count forwarded requests). */
function socksHandle(url: string, port: number, server: NetServer, sockets: Set<Duplex>, rec: Recorder): TestProxy {
  return {
    url,
    port,
    get connections() {
      return rec.connections;
    },
    get authFailures() {
      return rec.authFailures;
    },
    forwarded: 0,
    tokenCounts: () => rec.tokenCounts(),
    reset: () => rec.reset(),
    stop: () => closeServer(server, sockets),
    start: async () => {
      await listen(server, port);
    },
    close: () => closeServer(server, sockets),
  };
}

export interface Socks4Proxy extends TestProxy {
  /** The user ids clients sent, one per accepted connection. */
  userIds: string[];
}

/** A SOCKS4 / 4a proxy: CONNECT only; a request with another user id than `userId` (when set) is rejected. */
export async function startSocks4Proxy(opts: { userId?: string } = {}): Promise<Socks4Proxy> {
  const rec = new Recorder();
  const sockets = new Set<Duplex>();
  const userIds: string[] = [];
  const server = createNetServer((client) => {
    client.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    const reject = (): void => {
      client.removeListener('data', onData);
      client.end(Buffer.from([0, 0x5b, 0, 0, 0, 0, 0, 0]));
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      // VN CD DSTPORT(2) DSTIP(4) USERID NUL [HOST NUL when DSTIP is 0.0.0.x, x != 0: SOCKS4a]
      if (buf.length < 9) return;
      if (buf[0] !== 4 || buf[1] !== 1) return reject();
      const userEnd = buf.indexOf(0, 8);
      if (userEnd === -1) return;
      const port = buf.readUInt16BE(2);
      const ip = [...buf.subarray(4, 8)];
      let host = ip.join('.');
      let end = userEnd + 1;
      if (ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0) {
        const hostEnd = buf.indexOf(0, end);
        if (hostEnd === -1) return;
        host = buf.subarray(end, hostEnd).toString();
        end = hostEnd + 1;
      }
      const userId = buf.subarray(8, userEnd).toString();
      if (opts.userId !== undefined && userId !== opts.userId) {
        rec.authFailures++;
        return reject();
      }
      const rest = buf.subarray(end);
      client.removeListener('data', onData);
      tunnel(client, { host, port }, rest, Buffer.from([0, 0x5a, 0, 0, 0, 0, 0, 0]), rec, sockets, reject, () => {
        rec.connections++;
        userIds.push(userId);
      });
    };
    client.on('data', onData);
  });
  trackSockets(server, sockets);
  const port = await listen(server, 0);
  // Object.assign, not a spread: the handle's getters must stay live.
  return Object.assign(socksHandle(`socks4://${opts.userId ? `${encodeURIComponent(opts.userId)}@` : ''}127.0.0.1:${port}`, port, server, sockets, rec), { userIds });
}
