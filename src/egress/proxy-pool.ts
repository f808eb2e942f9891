// The proxies in memory, each with its health counters and its lazily built transport and
// clearance headers, split into the app pool (chat and account traffic) and the asset pool
// (downloads). Everything that needs "this proxy's connection with this proxy's clearance" asks
// here, so a proxy's connection never carries another egress's cf_clearance.
import { GrokHeaders, type Transport } from '../grok/index.js';
import type { CreateTransportOptions } from './create-transport.js';
import type { AssetRoute, EgressRoute, EgressSettings, ProxySource } from './egress-types.js';
import type { ProxyPoolName } from './proxy-doc.js';
import type { ClearanceProfile } from './proxy-entry.js';

export interface PoolProxy {
  id: string;
  url: string;
  masked: string;
  /** The password as written and URL-encoded: scrubbed from every error text shown. */
  secrets: string[];
  pool: ProxyPoolName;
  source: ProxySource;
  profile: ClearanceProfile;
  transport: Transport | undefined;
  headers: GrokHeaders | undefined;
  healthy: boolean;
  checkedAt: number;
  latencyMs: number | undefined;
  lastError: string | undefined;
  consecutiveFailures: number;
  probeFailures: number;
  nextProbeAt: number;
  probing: boolean;
  successes: number;
  failures: number;
}

function hashOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class ProxyPool {
  readonly proxies = new Map<string, PoolProxy>();
  /** The app and asset pools, in list order (rebuilt by reconcile). */
  app: PoolProxy[] = [];
  assets: PoolProxy[] = [];

  constructor(
    private readonly settings: () => EgressSettings,
    private readonly factory: (opts: CreateTransportOptions) => Transport,
  ) {}

  get(id: string): PoolProxy | undefined {
    return this.proxies.get(id);
  }

  /** Re-derives the two pools after the proxy map changed. */
  split(): void {
    this.app = [...this.proxies.values()].filter((p) => p.pool === 'app');
    this.assets = [...this.proxies.values()].filter((p) => p.pool === 'asset');
  }

  route(p: PoolProxy): EgressRoute {
    return { proxyId: p.id, label: p.masked, transport: this.transportOf(p), headers: this.headersOf(p) };
  }

  /**
   * The asset pool's egress for an account's downloads: a healthy asset proxy, the same one for an
   * account while the pool's health does not change. undefined when the pool has none healthy.
   */
  assetRoute(accountId: string): AssetRoute | undefined {
    const healthy = this.assets.filter((p) => p.healthy);
    if (healthy.length === 0) return undefined;
    const p = healthy[hashOf(accountId) % healthy.length] as PoolProxy;
    const t = this.transportOf(p);
    return { proxyId: p.id, label: p.masked, transport: t, dispatcher: t.dispatcher(), headers: this.headersOf(p) };
  }

  /** The healthy app proxy (not excluded) with the fewest accounts bound to it. */
  leastBound(exclude: ReadonlySet<string>, boundCount: (proxyId: string) => number): PoolProxy | undefined {
    let best: PoolProxy | undefined;
    let bestCount = Infinity;
    for (const p of this.app) {
      if (!p.healthy || exclude.has(p.id)) continue;
      const n = boundCount(p.id);
      if (n < bestCount) {
        best = p;
        bestCount = n;
      }
    }
    return best;
  }

  transportOf(p: PoolProxy): Transport {
    p.transport ??= this.factory(this.transportOptions(p.url, p.profile.userAgent));
    return p.transport;
  }

  headersOf(p: PoolProxy): GrokHeaders {
    if (!p.headers) {
      const s = this.settings();
      // Only this proxy's own clearance goes through it: grok.cf_clearance belongs to the direct IP.
      p.headers = new GrokHeaders({
        baseUrl: s.baseUrl,
        userAgent: p.profile.userAgent ?? s.userAgent,
        acceptLanguage: s.acceptLanguage,
        cfClearance: p.profile.cfClearance,
      });
    }
    return p.headers;
  }

  private transportOptions(url: string | undefined, userAgent: string | undefined): CreateTransportOptions {
    const s = this.settings();
    return {
      kind: s.transport,
      proxyUrl: url,
      connectTimeoutMs: s.connectTimeoutMs,
      headersTimeoutMs: s.headersTimeoutMs,
      requestTimeoutMs: s.requestTimeoutMs,
      impitBrowser: s.impitBrowser,
      userAgent: userAgent ?? s.userAgent,
    };
  }

  /** An error text safe to show: no URL credentials, none of this proxy's secrets, bounded. */
  scrub(p: PoolProxy, text: string): string {
    let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]*@/gi, '$1****@');
    for (const s of p.secrets) out = out.split(s).join('****');
    return out.slice(0, 300);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.transport?.close().catch(() => undefined)));
  }
}
