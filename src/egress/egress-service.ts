// The egress area's public face: the proxy pool (config + admin + `proxyURL@token` imports), the
// sticky account → proxy binding, health checks, failure counting, and the per-proxy transport and
// clearance headers every upstream call leaves through. Answers from memory; the proxy list is one
// document in store.kv (shared by instances), bindings are AccountRecord.proxyId.
import type { Logger } from 'pino';
import {
  GrokHeaders,
  buildCfCookieSuffix,
  type GrokRoute,
  type GrokUpstreamError,
  type Transport,
  type TransportKind,
} from '../grok/index.js';
import type { Store } from '../store/index.js';
import type { Dispatcher } from 'undici';
import { createTransport, type CreateTransportOptions } from './create-transport.js';
import { maskProxyUrl, parseProxyUrl } from './proxy-url.js';
import { isEgressFailure } from './egress-failure.js';
import { PROXY_DOC_KEY, emptyProxyDoc, parseProxyDoc, type ProxyDoc, type ProxyPoolName, type StoredProxy } from './proxy-doc.js';
import { parseProxyEntry, parseProxyLines, proxyIdFor, type ClearanceProfile } from './proxy-entry.js';
import { probeThrough, type ProbeResult } from './probe.js';

export interface EgressSettings {
  /** proxy.urls / proxy.asset_urls entries (URL + optional profile). */
  urls: readonly string[];
  assetUrls: readonly string[];
  required: boolean;
  failThreshold: number;
  /** URL probed through app proxies, and through asset proxies. */
  probeUrl: string;
  assetProbeUrl: string;
  probeIntervalMs: number;
  probeBackoffMs: number;
  probeTimeoutMs: number;
  transport: TransportKind;
  impitBrowser: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** For the per-proxy headers (grok.base_url, grok.user_agent, grok.accept_language). */
  baseUrl: string;
  userAgent: string;
  acceptLanguage: string;
  /** How often other instances' proxy-list changes are picked up (redis/mysql stores). */
  pollMs: number;
}

/** The account side of bindings (AccountService implements it). */
export interface ProxyBindings {
  proxyOf(accountId: string): string | undefined;
  /** Binds (undefined: unbinds); false when the account does not exist. Persisted by the account pool. */
  setProxy(accountId: string, proxyId: string | undefined): boolean;
  hasAccount(accountId: string): boolean;
  proxyBindings(): Iterable<readonly [string, string | undefined]>;
}

/** How one upstream call leaves: GrokClient's route plus what to report back. */
export interface EgressRoute extends GrokRoute {
  /** undefined = direct. */
  proxyId: string | undefined;
  /** `direct` or the masked proxy URL: safe for logs and call records. */
  label: string;
}

export interface AssetRoute {
  proxyId: string | undefined;
  label: string;
  transport: Transport;
  /** undici dispatcher for the same egress. */
  dispatcher: Dispatcher;
  /** The clearance headers of that egress (User-Agent, cf_clearance). */
  headers: GrokHeaders | undefined;
}

/** What the retry layer needs: a route per attempt, and the outcome afterwards. */
export interface EgressSelector {
  /** The account's proxy, or another healthy one when it is excluded/unhealthy. May throw (proxy.required, none configured). */
  routeFor(accountId: string, exclude: ReadonlySet<string>): EgressRoute;
  /** The call's outcome; true when the error was the egress's fault (then avoid that proxy for the retry). */
  report(route: EgressRoute, error?: GrokUpstreamError): boolean;
}

export type ProxySource = 'config' | 'admin' | 'import';

/** One proxy as list() shows it (no secret in it). */
export interface ProxyView {
  id: string;
  /** Masked: `scheme://user:****@host:port`. */
  url: string;
  pool: ProxyPoolName;
  source: ProxySource;
  healthy: boolean;
  /** Epoch ms of the last health probe (0 = not probed yet). */
  checkedAt: number;
  latencyMs: number | undefined;
  lastError: string | undefined;
  consecutiveFailures: number;
  successes: number;
  failures: number;
  /** Accounts bound to it (app proxies), of which pinned. */
  boundAccounts: number;
  pinnedAccounts: number;
  /** Masked cf_clearance ('' = none) and the User-Agent sent through it. */
  cfClearance: string;
  userAgent: string;
  hasOwnUserAgent: boolean;
}

export interface AddProxiesResult {
  added: number;
  updated: number;
  ids: string[];
  /** Bad lines, by 1-based line number. */
  errors: Array<{ line: number; message: string }>;
}

export interface RemoveProxiesResult {
  removed: number;
  skipped: Array<{ id: string; reason: string }>;
}

export type BindResult = { ok: true } | { ok: false; error: string };

export interface EgressServiceOptions {
  store: Pick<Store, 'kv' | 'locks' | 'mode'>;
  bindings: ProxyBindings;
  logger: Logger;
  settings: () => EgressSettings;
  instanceId: string;
  now?: () => number;
  /** Builds a transport per proxy (tests may count or replace them). */
  transportFactory?: (opts: CreateTransportOptions) => Transport;
  /** Scheduler tick, ms (default 250). */
  tickMs?: number;
}

interface PoolProxy {
  id: string;
  url: string;
  masked: string;
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

const EMPTY: ReadonlySet<string> = new Set();
const LOCK = 'egress-proxies';
const MAX_PROBES_AT_ONCE = 8;
const RESYNC_MS = 5_000;

function maskValue(v: string): string {
  if (!v) return '';
  return v.length >= 20 ? `${v.slice(0, 6)}****${v.slice(-4)}` : '****';
}

function sameProfile(a: ClearanceProfile, b: ClearanceProfile): boolean {
  return (a.cfClearance ?? '') === (b.cfClearance ?? '') && (a.userAgent ?? '') === (b.userAgent ?? '');
}

function hashOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class EgressService implements EgressSelector {
  private readonly proxies = new Map<string, PoolProxy>();
  private app: PoolProxy[] = [];
  private assets: PoolProxy[] = [];
  private pins = new Map<string, string>();
  private doc: ProxyDoc = emptyProxyDoc();
  private lastDocText: string | undefined;
  private configKey = '';
  private readonly boundTo = new Map<string, string>();
  private readonly byProxy = new Map<string, Set<string>>();
  private readonly ops: Array<(doc: ProxyDoc) => void> = [];
  private flushing: Promise<boolean> | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastResync = 0;
  private probesRunning = 0;
  private closed = false;
  private readonly reported = new WeakSet<GrokUpstreamError>();
  private readonly now: () => number;
  private readonly factory: (opts: CreateTransportOptions) => Transport;

  private constructor(private readonly opts: EgressServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.factory = opts.transportFactory ?? createTransport;
  }

  static async create(opts: EgressServiceOptions): Promise<EgressService> {
    const svc = new EgressService(opts);
    await svc.load();
    svc.resyncBindings();
    svc.start();
    return svc;
  }

  // ---- routing ---------------------------------------------------------------------------------

  routeFor(accountId: string, exclude: ReadonlySet<string> = EMPTY): EgressRoute {
    const app = this.app;
    if (app.length === 0) {
      if (this.opts.settings().required) {
        throw Object.assign(new Error('proxy.required is set but no proxy is configured'), { code: 'ERR_NO_PROXY' });
      }
      return { proxyId: undefined, label: 'direct', transport: undefined, headers: undefined };
    }
    const boundId = this.opts.bindings.proxyOf(accountId);
    this.index(accountId, boundId);
    const bound = boundId ? this.proxies.get(boundId) : undefined;
    const p = bound && bound.pool === 'app' ? bound : undefined;
    if (p && p.healthy && !exclude.has(p.id)) return this.route(p);
    const pinned = p !== undefined && this.pins.get(accountId) === p.id;
    if (!p || (!p.healthy && !pinned)) {
      // First use, a removed proxy, or an unhealthy one: (re)bind to the least-bound healthy proxy.
      const q = this.leastBound(exclude);
      if (q) {
        this.setBinding(accountId, q.id);
        return this.route(q);
      }
    } else {
      // Sticky binding, but this request already failed through it (or it is pinned and down):
      // go through another healthy proxy this time, keep the binding.
      const q = this.leastBound(exclude);
      if (q) return this.route(q);
    }
    // Nothing healthy is left: the bound proxy (or any not yet tried) is better than nothing.
    const fallback = (p && !exclude.has(p.id) ? p : undefined) ?? app.find((x) => !exclude.has(x.id)) ?? p ?? app[0];
    return this.route(fallback as PoolProxy);
  }

  report(route: EgressRoute, error?: GrokUpstreamError): boolean {
    if (error !== undefined) {
      // One failure belongs to one egress: an asset download that failed through an asset proxy is
      // reported there first, then again by the attempt around it (whose route did not carry it).
      if (this.reported.has(error)) return false;
      this.reported.add(error);
    }
    const egressFault = error !== undefined && isEgressFailure(error);
    const p = route.proxyId ? this.proxies.get(route.proxyId) : undefined;
    if (!p) return egressFault;
    if (egressFault) {
      p.lastError = this.scrub(p, error.message);
      this.countFailure(p, p.lastError);
      return true;
    }
    p.successes++;
    p.consecutiveFailures = 0;
    if (!p.healthy) {
      p.healthy = true;
      p.probeFailures = 0;
      this.opts.logger.info({ proxy: p.masked }, 'proxy carried a call again: healthy');
    }
    return false;
  }

  /**
   * The asset pool's egress for an account's downloads: a healthy asset proxy, the same one for an
   * account while the pool's health does not change. undefined when the pool has none healthy
   * (the download then leaves through the account's own route).
   */
  assetRoute(accountId: string): AssetRoute | undefined {
    const healthy = this.assets.filter((p) => p.healthy);
    if (healthy.length === 0) return undefined;
    const p = healthy[hashOf(accountId) % healthy.length] as PoolProxy;
    const t = this.transportOf(p);
    return { proxyId: p.id, label: p.masked, transport: t, dispatcher: t.dispatcher(), headers: this.headersOf(p) };
  }

  private route(p: PoolProxy): EgressRoute {
    return { proxyId: p.id, label: p.masked, transport: this.transportOf(p), headers: this.headersOf(p) };
  }

  private transportOptions(url: string | undefined, userAgent: string | undefined): CreateTransportOptions {
    const s = this.opts.settings();
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

  private transportOf(p: PoolProxy): Transport {
    p.transport ??= this.factory(this.transportOptions(p.url, p.profile.userAgent));
    return p.transport;
  }

  private headersOf(p: PoolProxy): GrokHeaders {
    if (!p.headers) {
      const s = this.opts.settings();
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

  private leastBound(exclude: ReadonlySet<string>): PoolProxy | undefined {
    let best: PoolProxy | undefined;
    let bestCount = Infinity;
    for (const p of this.app) {
      if (!p.healthy || exclude.has(p.id)) continue;
      const n = this.byProxy.get(p.id)?.size ?? 0;
      if (n < bestCount) {
        best = p;
        bestCount = n;
      }
    }
    return best;
  }

  // ---- bindings --------------------------------------------------------------------------------

  private index(accountId: string, proxyId: string | undefined): void {
    const old = this.boundTo.get(accountId);
    if (old === proxyId) return;
    if (old !== undefined) {
      const set = this.byProxy.get(old);
      set?.delete(accountId);
      if (set && set.size === 0) this.byProxy.delete(old);
    }
    if (proxyId === undefined) {
      this.boundTo.delete(accountId);
      return;
    }
    this.boundTo.set(accountId, proxyId);
    let set = this.byProxy.get(proxyId);
    if (!set) {
      set = new Set();
      this.byProxy.set(proxyId, set);
    }
    set.add(accountId);
  }

  private setBinding(accountId: string, proxyId: string | undefined): boolean {
    if (this.opts.bindings.proxyOf(accountId) !== proxyId && !this.opts.bindings.setProxy(accountId, proxyId)) return false;
    this.index(accountId, proxyId);
    return true;
  }

  /** Rebuilds the binding index from the accounts (changes made by other instances, removed accounts). */
  resyncBindings(): void {
    this.boundTo.clear();
    this.byProxy.clear();
    for (const [accountId, proxyId] of this.opts.bindings.proxyBindings()) this.index(accountId, proxyId);
    this.lastResync = this.now();
  }

  /** Pins an account to a proxy (an operator's explicit choice): never moved automatically. null unpins and unbinds. */
  async bind(accountId: string, proxyId: string | null): Promise<BindResult> {
    if (!this.opts.bindings.hasAccount(accountId)) return { ok: false, error: `no account ${accountId}` };
    if (proxyId === null) {
      this.setBinding(accountId, undefined);
      this.pins.delete(accountId);
      await this.mutate((d) => {
        delete d.pins[accountId];
      });
      return { ok: true };
    }
    const p = this.proxies.get(proxyId);
    if (!p) return { ok: false, error: `no proxy ${proxyId}` };
    if (p.pool !== 'app') return { ok: false, error: `proxy ${proxyId} is an asset proxy` };
    this.setBinding(accountId, proxyId);
    this.pins.set(accountId, proxyId);
    await this.mutate((d) => {
      d.pins[accountId] = proxyId;
    });
    return { ok: true };
  }

  /**
   * An account imported as `proxyURL@token`: the proxy is added when unknown and the account pinned
   * to it. Synchronous in memory; persisted behind.
   */
  pinAccount(accountId: string, proxyUrl: string): void {
    let url: string;
    try {
      url = parseProxyUrl(proxyUrl).href;
    } catch (err) {
      this.opts.logger.warn({ url: maskProxyUrl(proxyUrl), err: err instanceof Error ? err.message : String(err) }, 'token import: proxy URL ignored');
      return;
    }
    const id = proxyIdFor(url);
    const now = this.now();
    const known = this.proxies.get(id);
    if (known && known.pool !== 'app') {
      this.opts.logger.warn({ proxy: known.masked }, 'token import: that proxy is an asset proxy; account not pinned');
      return;
    }
    const ops: Array<(d: ProxyDoc) => void> = [];
    if (!known) {
      const rec: StoredProxy = { id, url, pool: 'app', source: 'import', createdAt: now, updatedAt: now };
      ops.push((d) => {
        if (!d.proxies.some((x) => x.id === id)) d.proxies.push({ ...rec });
      });
    }
    ops.push((d) => {
      d.pins[accountId] = id;
    });
    this.applyNow(ops);
    this.setBinding(accountId, id);
    void this.flush();
  }

  // ---- admin operations ------------------------------------------------------------------------

  list(): ProxyView[] {
    const s = this.opts.settings();
    const pinned = new Map<string, number>();
    for (const pid of this.pins.values()) pinned.set(pid, (pinned.get(pid) ?? 0) + 1);
    return [...this.proxies.values()].map((p) => ({
      id: p.id,
      url: p.masked,
      pool: p.pool,
      source: p.source,
      healthy: p.healthy,
      checkedAt: p.checkedAt,
      latencyMs: p.latencyMs,
      lastError: p.lastError,
      consecutiveFailures: p.consecutiveFailures,
      successes: p.successes,
      failures: p.failures,
      boundAccounts: this.byProxy.get(p.id)?.size ?? 0,
      pinnedAccounts: pinned.get(p.id) ?? 0,
      cfClearance: maskValue(p.profile.cfClearance ?? ''),
      userAgent: p.profile.userAgent ?? s.userAgent,
      hasOwnUserAgent: p.profile.userAgent !== undefined,
    }));
  }

  /** Bulk add (one per line, `#` comments and blank lines skipped); re-adding a URL updates its profile. */
  async add(text: string, opts: { pool?: ProxyPoolName } = {}): Promise<AddProxiesResult> {
    const pool = opts.pool ?? 'app';
    const parsed = parseProxyLines(text);
    const result: AddProxiesResult = { added: 0, updated: 0, ids: [], errors: [...parsed.errors] };
    const now = this.now();
    const ops: Array<(d: ProxyDoc) => void> = [];
    const seen = new Set<string>();
    for (const e of parsed.entries) {
      const id = proxyIdFor(e.url);
      const existing = this.proxies.get(id);
      if (existing?.source === 'config') {
        result.errors.push({ line: e.line, message: `${existing.masked} is set in the configuration (proxy.urls / proxy.asset_urls)` });
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const rec: StoredProxy = {
        id,
        url: e.url,
        pool,
        ...(e.profile.cfClearance ? { cfClearance: e.profile.cfClearance } : {}),
        ...(e.profile.userAgent ? { userAgent: e.profile.userAgent } : {}),
        source: 'admin',
        createdAt: now,
        updatedAt: now,
      };
      if (existing) result.updated++;
      else result.added++;
      result.ids.push(id);
      ops.push((d) => {
        const at = d.proxies.findIndex((x) => x.id === id);
        if (at === -1) d.proxies.push({ ...rec });
        else {
          const old = d.proxies[at] as StoredProxy;
          // A line without a profile keeps the stored one.
          d.proxies[at] = {
            ...old,
            pool: rec.pool,
            ...(rec.cfClearance !== undefined ? { cfClearance: rec.cfClearance } : {}),
            ...(rec.userAgent !== undefined ? { userAgent: rec.userAgent } : {}),
            updatedAt: now,
          };
        }
      });
    }
    if (ops.length > 0) await this.mutate(...ops);
    return result;
  }

  /** Sets or clears (null) a stored proxy's clearance profile. */
  async update(id: string, patch: { cfClearance?: string | null; userAgent?: string | null }): Promise<BindResult> {
    const p = this.proxies.get(id);
    if (!p) return { ok: false, error: `no proxy ${id}` };
    if (p.source === 'config') return { ok: false, error: `${p.masked} is set in the configuration; edit proxy.urls there` };
    const now = this.now();
    await this.mutate((d) => {
      const rec = d.proxies.find((x) => x.id === id);
      if (!rec) return;
      if (patch.cfClearance === null || patch.cfClearance === '') delete rec.cfClearance;
      else if (patch.cfClearance !== undefined) rec.cfClearance = patch.cfClearance.trim();
      if (patch.userAgent === null || patch.userAgent === '') delete rec.userAgent;
      else if (patch.userAgent !== undefined) rec.userAgent = patch.userAgent.trim();
      rec.updatedAt = now;
    });
    return { ok: true };
  }

  /** Removes stored proxies; their accounts are unbound (rebound on next use). Config proxies are skipped. */
  async remove(ids: readonly string[]): Promise<RemoveProxiesResult> {
    const result: RemoveProxiesResult = { removed: 0, skipped: [] };
    const gone: string[] = [];
    for (const id of new Set(ids)) {
      const p = this.proxies.get(id);
      if (!p) {
        result.skipped.push({ id, reason: 'unknown proxy' });
        continue;
      }
      if (p.source === 'config') {
        result.skipped.push({ id, reason: 'set in the configuration (proxy.urls / proxy.asset_urls)' });
        continue;
      }
      for (const accountId of [...(this.byProxy.get(id) ?? [])]) this.setBinding(accountId, undefined);
      gone.push(id);
      result.removed++;
    }
    if (gone.length > 0) {
      const set = new Set(gone);
      await this.mutate((d) => {
        d.proxies = d.proxies.filter((x) => !set.has(x.id));
        for (const [acc, pid] of Object.entries(d.pins)) if (set.has(pid)) delete d.pins[acc];
      });
    }
    return result;
  }

  /** Probes one proxy now (updates its health like a scheduled probe). */
  async test(id: string): Promise<ProbeResult> {
    const p = this.proxies.get(id);
    if (!p) return { ok: false, error: `no proxy ${id}`, checkedAt: this.now() };
    return this.probe(p);
  }

  /** A reason for /ready: proxies are in use (or required) and none is healthy. */
  readinessProblem(): string | undefined {
    if (this.app.length === 0) return this.opts.settings().required ? 'no healthy proxy: proxy.required is set but no proxy is configured' : undefined;
    if (this.app.some((p) => p.healthy)) return undefined;
    return `no healthy proxy (0 of ${this.app.length} healthy)`;
  }

  // ---- health ----------------------------------------------------------------------------------

  private countFailure(p: PoolProxy, why: string | undefined): void {
    p.consecutiveFailures++;
    p.failures++;
    if (p.healthy && p.consecutiveFailures >= this.opts.settings().failThreshold) this.markUnhealthy(p, why);
  }

  private markUnhealthy(p: PoolProxy, why: string | undefined): void {
    p.healthy = false;
    const s = this.opts.settings();
    p.nextProbeAt = Math.min(p.nextProbeAt, this.now() + s.probeBackoffMs);
    let moved = 0;
    if (p.pool === 'app') {
      const skip = new Set([p.id]);
      for (const accountId of [...(this.byProxy.get(p.id) ?? [])]) {
        if (this.pins.get(accountId) === p.id) continue;
        const q = this.leastBound(skip);
        if (!q) break;
        if (this.setBinding(accountId, q.id)) moved++;
      }
    }
    this.opts.logger.warn({ proxy: p.masked, failures: p.consecutiveFailures, error: why, rebound: moved }, 'proxy marked unhealthy');
  }

  private probeUrlOf(p: PoolProxy): string {
    const s = this.opts.settings();
    return p.pool === 'asset' ? s.assetProbeUrl : s.probeUrl;
  }

  private probeHeaders(p: PoolProxy): Record<string, string> {
    const s = this.opts.settings();
    const cf = buildCfCookieSuffix(p.profile.cfClearance, undefined);
    return {
      'User-Agent': p.profile.userAgent ?? s.userAgent,
      Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'Accept-Language': s.acceptLanguage,
      ...(cf ? { Cookie: cf } : {}),
    };
  }

  private async probe(p: PoolProxy): Promise<ProbeResult> {
    const s = this.opts.settings();
    let result: ProbeResult;
    try {
      result = await probeThrough(this.transportOf(p), this.probeUrlOf(p), this.probeHeaders(p), s.probeTimeoutMs, (m) => this.scrub(p, m));
    } catch (err) {
      result = { ok: false, error: this.scrub(p, err instanceof Error ? err.message : String(err)), checkedAt: this.now() };
    }
    if (this.proxies.get(p.id) !== p) return result; // removed meanwhile
    p.checkedAt = result.checkedAt;
    const now = this.now();
    if (result.ok) {
      p.latencyMs = result.latencyMs;
      p.consecutiveFailures = 0;
      p.probeFailures = 0;
      p.nextProbeAt = now + s.probeIntervalMs * (0.9 + Math.random() * 0.2);
      if (!p.healthy) {
        p.healthy = true;
        this.opts.logger.info({ proxy: p.masked, latencyMs: p.latencyMs }, 'proxy healthy again');
      }
    } else {
      p.latencyMs = result.latencyMs;
      p.lastError = result.error;
      p.probeFailures++;
      p.nextProbeAt = now + Math.min(s.probeBackoffMs * 2 ** (p.probeFailures - 1), Math.max(s.probeIntervalMs, s.probeBackoffMs));
      this.countFailure(p, result.error);
    }
    return result;
  }

  private tick(): void {
    if (this.closed) return;
    const now = this.now();
    for (const p of this.proxies.values()) {
      if (this.probesRunning >= MAX_PROBES_AT_ONCE) break;
      if (p.probing || now < p.nextProbeAt) continue;
      p.probing = true;
      this.probesRunning++;
      void this.probe(p).finally(() => {
        p.probing = false;
        this.probesRunning--;
      });
    }
    if (now - this.lastResync >= RESYNC_MS) {
      this.resyncBindings();
      this.reconcileIfConfigChanged();
      if (this.ops.length > 0) void this.flush();
    }
  }

  private start(): void {
    this.tickTimer = setInterval(() => this.tick(), this.opts.tickMs ?? 250);
    this.tickTimer.unref();
    if (this.opts.store.mode !== 'file') {
      this.pollTimer = setInterval(() => void this.poll(), Math.max(100, this.opts.settings().pollMs));
      this.pollTimer.unref();
    }
    this.tick();
  }

  // ---- the proxy list: config + stored document ------------------------------------------------

  private async load(): Promise<void> {
    try {
      const text = await this.opts.store.kv.get(PROXY_DOC_KEY);
      this.doc = parseProxyDoc(text);
      this.lastDocText = text;
    } catch (err) {
      this.opts.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'could not read the stored proxy list: using the configured proxies only for now');
    }
    this.reconcile();
  }

  /** Picks up other instances' changes (shared stores). */
  async poll(): Promise<void> {
    try {
      const text = await this.opts.store.kv.get(PROXY_DOC_KEY);
      if (text === this.lastDocText) return;
      const doc = parseProxyDoc(text);
      this.lastDocText = text;
      for (const op of this.ops) op(doc); // changes of ours not written yet stay applied
      this.doc = doc;
      this.reconcile();
    } catch {
      // The store is down: keep serving from memory; the next poll tries again.
    }
  }

  private reconcileIfConfigChanged(): void {
    const s = this.opts.settings();
    if (JSON.stringify([s.urls, s.assetUrls]) !== this.configKey) this.reconcile();
  }

  /** Brings the in-memory pool in line with config + document, keeping the health state of survivors. */
  private reconcile(): void {
    const s = this.opts.settings();
    this.configKey = JSON.stringify([s.urls, s.assetUrls]);
    const wanted = new Map<string, { url: string; pool: ProxyPoolName; source: ProxySource; profile: ClearanceProfile }>();
    const fromConfig = (list: readonly string[], pool: ProxyPoolName): void => {
      for (const line of list) {
        try {
          const e = parseProxyEntry(line);
          const id = proxyIdFor(e.url);
          if (!wanted.has(id)) wanted.set(id, { url: e.url, pool, source: 'config', profile: e.profile });
        } catch (err) {
          this.opts.logger.warn({ url: maskProxyUrl(line.trim().split(/\s+/)[0] ?? ''), err: err instanceof Error ? err.message : String(err) }, 'proxy entry in the configuration ignored');
        }
      }
    };
    fromConfig(s.urls, 'app');
    fromConfig(s.assetUrls, 'asset');
    for (const r of this.doc.proxies) {
      if (wanted.has(r.id)) continue;
      const profile: ClearanceProfile = {};
      if (r.cfClearance) profile.cfClearance = r.cfClearance;
      if (r.userAgent) profile.userAgent = r.userAgent;
      wanted.set(r.id, { url: r.url, pool: r.pool, source: r.source, profile });
    }
    const now = this.now();
    for (const [id, p] of this.proxies) {
      const w = wanted.get(id);
      if (w && w.url === p.url) continue;
      this.proxies.delete(id);
      void p.transport?.close().catch(() => undefined);
    }
    for (const [id, w] of wanted) {
      const p = this.proxies.get(id);
      if (p) {
        p.pool = w.pool;
        p.source = w.source;
        if (!sameProfile(p.profile, w.profile)) {
          const uaChanged = (p.profile.userAgent ?? '') !== (w.profile.userAgent ?? '');
          p.profile = w.profile;
          p.headers = undefined;
          if (uaChanged && p.transport?.kind === 'impit') {
            // impit's TLS fingerprint follows the User-Agent: a new one needs a new client.
            void p.transport.close().catch(() => undefined);
            p.transport = undefined;
          }
        }
        continue;
      }
      let secrets: string[] = [];
      try {
        const parsed = parseProxyUrl(w.url);
        secrets = [parsed.password, encodeURIComponent(parsed.password)].filter((x) => x.length >= 3);
      } catch {
        secrets = [];
      }
      this.proxies.set(id, {
        id,
        url: w.url,
        masked: maskProxyUrl(w.url),
        secrets,
        pool: w.pool,
        source: w.source,
        profile: w.profile,
        transport: undefined,
        headers: undefined,
        healthy: true,
        checkedAt: 0,
        latencyMs: undefined,
        lastError: undefined,
        consecutiveFailures: 0,
        probeFailures: 0,
        nextProbeAt: now,
        probing: false,
        successes: 0,
        failures: 0,
      });
    }
    this.app = [...this.proxies.values()].filter((p) => p.pool === 'app');
    this.assets = [...this.proxies.values()].filter((p) => p.pool === 'asset');
    this.pins = new Map(Object.entries(this.doc.pins).filter(([, pid]) => this.proxies.has(pid)));
  }

  /** Applies changes to memory now; they are written behind (and re-applied on a fresher document). */
  private applyNow(ops: Array<(d: ProxyDoc) => void>): void {
    for (const op of ops) {
      op(this.doc);
      this.ops.push(op);
    }
    this.reconcile();
  }

  private async mutate(...ops: Array<(d: ProxyDoc) => void>): Promise<void> {
    this.applyNow(ops);
    await this.flush();
  }

  /** Writes pending changes: read the stored document, apply them, write it back (under a store lock). */
  flush(): Promise<boolean> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * Resolves once every change made so far is written to the store (admin writes await this before
   * answering); rejects when the write failed (the changes stay queued and are retried).
   */
  async flushNow(): Promise<void> {
    // A running flush also takes the changes queued while it runs (its loop drains `ops`).
    if (!(await this.flush()) || this.ops.length > 0) throw new Error('could not write the proxy list to the store');
  }

  private async doFlush(): Promise<boolean> {
    while (this.ops.length > 0) {
      const batch = this.ops.splice(0);
      const { kv, locks } = this.opts.store;
      let locked = false;
      try {
        for (let i = 0; i < 40 && !locked; i++) {
          locked = await locks.tryLock(LOCK, this.opts.instanceId, 5_000);
          if (!locked) await new Promise((r) => setTimeout(r, 50));
        }
        const doc = parseProxyDoc(await kv.get(PROXY_DOC_KEY));
        for (const op of batch) op(doc);
        doc.updatedAt = Math.max(this.now(), doc.updatedAt + 1);
        const text = JSON.stringify(doc);
        await kv.set(PROXY_DOC_KEY, text);
        this.lastDocText = text;
        for (const op of this.ops) op(doc);
        this.doc = doc;
        this.reconcile();
      } catch (err) {
        this.ops.unshift(...batch);
        this.opts.logger.error({ err: err instanceof Error ? err.message : String(err), pending: this.ops.length }, 'could not write the proxy list: kept in memory, will retry');
        return false;
      } finally {
        if (locked) await locks.unlock(LOCK, this.opts.instanceId).catch(() => undefined);
      }
    }
    return true;
  }

  private scrub(p: PoolProxy, text: string): string {
    let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]*@/gi, '$1****@');
    for (const s of p.secrets) out = out.split(s).join('****');
    return out.slice(0, 300);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.ops.length > 0) await this.flush();
    const all = [...this.proxies.values()].map((p) => p.transport?.close().catch(() => undefined));
    await Promise.all(all);
  }
}
