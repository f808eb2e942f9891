// Optional browser-impersonating transport (network.transport = "impit"): the `impit` package
// (Rust, prebuilt native binaries) speaks TLS and HTTP/2 with a real browser's fingerprint, which
// is what Cloudflare checks on grok.com (docs/grok-protocol.md §2.1). Loaded only when selected.
import { createRequire } from 'node:module';
import type { Agent as HttpAgent } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Browser, Impit, ImpitOptions, RequestInit as ImpitRequestInit } from 'impit';
import type { Dispatcher } from 'undici';
import { maskProxyUrl, parseProxyUrl } from './proxy-url.js';
import type { Transport, TransportOptions, TransportRequest, TransportResponse } from '../grok/index.js';
import { UndiciTransport } from './undici-transport.js';

type ImpitModule = { Impit: new (opts?: ImpitOptions) => Impit };

let loaded: ImpitModule | undefined;
let loadError: Error | undefined;

/** The impit module, or a clear error when its native binding cannot load on this machine. */
export function loadImpit(): ImpitModule {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  try {
    loaded = createRequire(import.meta.url)('impit') as ImpitModule;
    return loaded;
  } catch (err) {
    loadError = new Error(
      `network.transport = "impit" but the impit package cannot load here (${err instanceof Error ? err.message.split('\n').find((l) => l.trim()) ?? err.message : String(err)}); ` +
        'install it with its optional native dependency for this platform, or set network.transport = "undici"',
    );
    throw loadError;
  }
}

const CHROME_PROFILES = [100, 101, 104, 107, 110, 116, 124, 125, 131, 136, 142, 151];
const FIREFOX_PROFILES = [128, 133, 135, 144];

/** The impit browser profile closest to (not newer than) the User-Agent's browser version. */
export function impitBrowserFor(userAgent: string, setting = 'auto'): Browser {
  if (setting !== 'auto') return setting as Browser;
  const pick = (versions: number[], major: number, name: 'chrome' | 'firefox'): Browser => {
    let best: number | undefined;
    for (const v of versions) if (v <= major) best = v;
    return (best === undefined ? name : `${name}${best}`) as Browser;
  };
  const ff = /Firefox\/(\d+)/.exec(userAgent);
  if (ff) return pick(FIREFOX_PROFILES, Number(ff[1]), 'firefox');
  const ch = /Chrome\/(\d+)/.exec(userAgent);
  if (ch) return pick(CHROME_PROFILES, Number(ch[1]), 'chrome');
  return 'chrome';
}

export class ImpitTransportError extends Error {
  readonly code: string;
  constructor(message: string, code: string, name: string, cause: unknown) {
    super(message, { cause });
    this.code = code;
    this.name = name;
  }
}

function mapImpitError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const cls = err.constructor.name;
  const msg = err.message.split('\n')[0] ?? err.message;
  if (cls === 'ConnectTimeout') return new ImpitTransportError(msg, 'UND_ERR_CONNECT_TIMEOUT', 'ConnectTimeoutError', err);
  if (cls.endsWith('Timeout') || cls === 'TimeoutError') return new ImpitTransportError(msg, 'ETIMEDOUT', 'TimeoutError', err);
  if (cls === 'Error' || cls === 'TypeError' || cls === 'DOMException') return err;
  return new ImpitTransportError(msg, `IMPIT_${cls}`, cls, err);
}

export interface ImpitTransportOptions extends TransportOptions {
  /** impit browser profile, or "auto" = derived from userAgent. */
  browser: string;
  userAgent: string;
}

export class ImpitTransport implements Transport {
  readonly kind = 'impit' as const;
  readonly label: string;
  private readonly client: Impit;
  private readonly proxyHref: string | undefined;
  private undici: UndiciTransport | undefined;

  constructor(private readonly opts: ImpitTransportOptions) {
    const mod = loadImpit();
    const proxy = opts.proxyUrl ? parseProxyUrl(opts.proxyUrl) : undefined;
    // socks5 is resolved remotely like the undici path (and grok2api A: socks5 → socks5h).
    this.proxyHref = proxy ? (proxy.scheme === 'socks5' ? proxy.href.replace(/^socks5:/, 'socks5h:') : proxy.href) : undefined;
    this.label = proxy ? `${maskProxyUrl(proxy.href)} (impit)` : 'direct (impit)';
    this.client = this.newClient(mod);
  }

  private newClient(mod: ImpitModule = loadImpit()): Impit {
    return new mod.Impit({
      browser: impitBrowserFor(this.opts.userAgent, this.opts.browser),
      ...(this.proxyHref ? { proxyUrl: this.proxyHref } : {}),
      // impit's timeout covers the whole request, body included: the total cap.
      ...(this.opts.requestTimeoutMs > 0 ? { timeout: this.opts.requestTimeoutMs } : {}),
      followRedirects: false,
    });
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const client = req.fresh ? this.newClient() : this.client;
    const controller = new AbortController();
    const outer = req.signal;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) throw outer.reason;
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const headersMs = req.headersTimeoutMs ?? this.opts.headersTimeoutMs;
    let headersTimedOut = false;
    const timer =
      headersMs > 0
        ? setTimeout(() => {
            headersTimedOut = true;
            controller.abort();
          }, headersMs)
        : undefined;
    const init: ImpitRequestInit = {
      method: req.method,
      // A fetch() from the grok.com page: drop the navigation-only headers impit would add.
      headers: { 'Upgrade-Insecure-Requests': '', 'Sec-Fetch-User': '', ...req.headers },
      signal: controller.signal,
      redirect: 'manual',
      ...(req.body !== undefined ? { body: req.body } : {}),
    };
    let res: Awaited<ReturnType<Impit['fetch']>>;
    try {
      res = await client.fetch(req.url, init);
    } catch (err) {
      outer?.removeEventListener('abort', onOuterAbort);
      if (headersTimedOut) {
        throw new ImpitTransportError(`no response headers within ${headersMs} ms`, 'UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError', err);
      }
      if (outer?.aborted) throw outer.reason;
      throw mapImpitError(err);
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (res.status === 407 && this.proxyHref) {
      // The proxy refused our credentials (absolute-form forwarding of http:// targets): a proxy failure.
      void res.body.cancel().catch(() => undefined);
      outer?.removeEventListener('abort', onOuterAbort);
      throw new ImpitTransportError('proxy authentication required (HTTP 407)', 'ERR_PROXY_AUTH', 'ProxyAuthRequired', undefined);
    }
    const headers: Record<string, string | string[] | undefined> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    const idle = req.bodyIdleTimeoutMs ?? 0;
    let idleTimer: NodeJS.Timeout | undefined;
    if (idle > 0) {
      idleTimer = setTimeout(() => body.destroy(new ImpitTransportError(`body idle for ${idle} ms`, 'UND_ERR_BODY_TIMEOUT', 'BodyTimeoutError', undefined)), idle);
      body.on('data', () => idleTimer?.refresh());
    }
    body.once('close', () => {
      if (idleTimer) clearTimeout(idleTimer);
      outer?.removeEventListener('abort', onOuterAbort);
      // Destroyed before the end (client gone, caller done): stop the native request too.
      if (!body.readableEnded) controller.abort();
    });
    return { status: res.status, headers, body, decoded: true };
  }

  private undiciTwin(): UndiciTransport {
    this.undici ??= new UndiciTransport(this.opts);
    return this.undici;
  }

  webSocketAgent(): HttpAgent | undefined {
    return this.undiciTwin().webSocketAgent();
  }

  dispatcher(): Dispatcher {
    return this.undiciTwin().dispatcher();
  }

  freshDispatcher(): Dispatcher {
    return this.undiciTwin().freshDispatcher();
  }

  async close(): Promise<void> {
    await this.undici?.close();
  }
}
