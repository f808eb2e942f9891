// The default transport: undici `request()` over a keep-alive pool. Direct → Agent; http(s) proxy
// → ProxyAgent (CONNECT tunnel); socks4/5/5h → Agent with a SOCKS connector.
import { finished } from 'node:stream';
import type { Agent as HttpAgent } from 'node:http';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { socksConnector, TunnelAgent } from './proxy-tunnel.js';
import { isSocks, maskProxyUrl, parseProxyUrl, type ProxyUrl } from './proxy-url.js';
import type { Transport, TransportOptions, TransportRequest, TransportResponse } from '../grok/index.js';

export class UndiciTransport implements Transport {
  readonly kind = 'undici' as const;
  readonly label: string;
  private readonly proxy: ProxyUrl | undefined;
  private readonly pool: Dispatcher;
  private readonly ownsPool: boolean;
  private wsAgent: HttpAgent | undefined;
  private readonly freshOnes = new Set<Dispatcher>();

  /** `dispatcher` given: requests go through it (it is not closed by close()); proxyUrl is ignored. */
  constructor(
    private readonly opts: TransportOptions,
    dispatcher?: Dispatcher,
  ) {
    this.proxy = opts.proxyUrl ? parseProxyUrl(opts.proxyUrl) : undefined;
    this.label = this.proxy ? maskProxyUrl(this.proxy.href) : 'direct';
    if (dispatcher) {
      this.pool = dispatcher;
      this.ownsPool = false;
    } else {
      this.pool = this.build(true);
      this.ownsPool = true;
    }
  }

  private build(keepAlive: boolean): Dispatcher {
    const { connectTimeoutMs, headersTimeoutMs } = this.opts;
    const common = {
      pipelining: 1,
      headersTimeout: headersTimeoutMs,
      bodyTimeout: 0,
      ...(keepAlive ? {} : { connections: 1, keepAliveTimeout: 1, keepAliveMaxTimeout: 1 }),
    };
    const p = this.proxy;
    if (!p) return new Agent({ ...common, connect: { timeout: connectTimeoutMs } });
    if (isSocks(p)) return new Agent({ ...common, connect: socksConnector(p, connectTimeoutMs) });
    return new ProxyAgent({
      ...common,
      uri: p.href,
      proxyTls: { timeout: connectTimeoutMs, servername: p.host },
      requestTls: { timeout: connectTimeoutMs },
      connect: { timeout: connectTimeoutMs },
    });
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const dispatcher = req.fresh ? this.build(false) : this.pool;
    if (req.fresh) this.freshOnes.add(dispatcher);
    const dispose = (): void => {
      if (!req.fresh) return;
      this.freshOnes.delete(dispatcher);
      void dispatcher.destroy().catch(() => undefined);
    };
    try {
      // Straight to the dispatcher with one options shape for every call: undici's top-level
      // request() parses the URL into a URL object and copies the options with a spread on every
      // call (measured: a few µs per chat request).
      const { origin, path } = splitUrl(req.url);
      const res = await dispatcher.request({
        origin,
        path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        // undici duck-types the signal (aborted, reason, add/removeEventListener): a Cancellation works.
        signal: req.signal,
        headersTimeout: req.headersTimeoutMs || this.opts.headersTimeoutMs,
        bodyTimeout: req.bodyIdleTimeoutMs ?? 0,
      });
      // A fresh connection lives exactly as long as its body.
      if (req.fresh) finished(res.body, dispose);
      return { status: res.statusCode, headers: res.headers, body: res.body, decoded: false };
    } catch (err) {
      dispose();
      throw err;
    }
  }

  webSocketAgent(): HttpAgent | undefined {
    if (!this.proxy) return undefined;
    this.wsAgent ??= new TunnelAgent(this.proxy, this.opts.connectTimeoutMs);
    return this.wsAgent;
  }

  dispatcher(): Dispatcher {
    return this.pool;
  }

  freshDispatcher(): Dispatcher {
    return this.build(false);
  }

  async close(): Promise<void> {
    this.wsAgent?.destroy();
    for (const d of this.freshOnes) void d.destroy().catch(() => undefined);
    this.freshOnes.clear();
    if (this.ownsPool) await this.pool.close();
  }
}

/**
 * `origin` and `path` (with the query) of an absolute http(s) URL, as undici's dispatcher takes
 * them. The plain scheme://host[:port]/path shape every upstream URL has is split by hand; anything
 * else (user info, a fragment, no path) goes through the URL parser.
 */
export function splitUrl(url: string): { origin: string; path: string } {
  const schemeEnd = url.indexOf('://');
  const slash = schemeEnd === -1 ? -1 : url.indexOf('/', schemeEnd + 3);
  if (slash !== -1 && url.indexOf('#') === -1 && url.lastIndexOf('@', slash) === -1 && url.lastIndexOf('?', slash) === -1) {
    return { origin: url.slice(0, slash), path: url.slice(slash) };
  }
  const u = new URL(url);
  return { origin: u.origin, path: `${u.pathname}${u.search}` };
}
