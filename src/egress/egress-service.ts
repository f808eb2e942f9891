// The egress area's public face: the proxy pool (config + admin + `proxyURL@token` imports), the
// sticky account → proxy binding, health checks, failure counting, and the per-proxy transport and
// clearance headers every upstream call leaves through. Answers from memory; the proxy list is one
// document in store.kv (shared by instances), bindings are AccountRecord.proxyId.
// A thin facade: each concern lives in its own file (proxy-pool, proxy-routing, proxy-binding,
// proxy-health, proxy-reconcile, proxy-persistence, proxy-edits); this wires them, runs the
// scheduler, and keeps the one object the app root, the admin API and the retry layer hold.
import type { Logger } from 'pino';
import type { GrokUpstreamError, Transport } from '../grok/index.js';
import type { Store } from '../store/index.js';
import { createTransport, type CreateTransportOptions } from './create-transport.js';
import type {
  AddProxiesResult,
  AssetRoute,
  BindResult,
  EgressRoute,
  EgressSelector,
  EgressSettings,
  ProxyBindings,
  ProxyView,
  RemoveProxiesResult,
} from './egress-types.js';
import type { ProbeResult } from './probe.js';
import { ProxyBinding } from './proxy-binding.js';
import type { ProxyPoolName } from './proxy-doc.js';
import { addProxies, bindAccount, listProxies, pinImportedAccount, removeProxies, updateProxy, type ProxyEditContext } from './proxy-edits.js';
import { ProxyHealth } from './proxy-health.js';
import { ProxyPersistence } from './proxy-persistence.js';
import { ProxyPool } from './proxy-pool.js';
import { configKeyOf, reconcileProxies } from './proxy-reconcile.js';
import { routeFor } from './proxy-routing.js';
import { throughRoute } from './route-attempts.js';

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

const EMPTY: ReadonlySet<string> = new Set();
const RESYNC_MS = 5_000;

export class EgressService implements EgressSelector {
  private readonly pool: ProxyPool;
  private readonly binding: ProxyBinding;
  private readonly health: ProxyHealth;
  private readonly persistence: ProxyPersistence;
  private readonly edits: ProxyEditContext;
  private configKey = '';
  private tickTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly now: () => number;

  private constructor(private readonly opts: EgressServiceOptions) {
    const now = opts.now ?? Date.now;
    this.now = now;
    this.pool = new ProxyPool(opts.settings, opts.transportFactory ?? createTransport);
    this.binding = new ProxyBinding(opts.bindings, now);
    this.health = new ProxyHealth(this.pool, this.binding, opts.settings, opts.logger, now);
    this.persistence = new ProxyPersistence(opts.store, opts.instanceId, opts.logger, now, () => this.reconcile());
    this.edits = { pool: this.pool, binding: this.binding, persistence: this.persistence, settings: opts.settings, logger: opts.logger, now };
  }

  static async create(opts: EgressServiceOptions): Promise<EgressService> {
    const svc = new EgressService(opts);
    await svc.persistence.load();
    svc.resyncBindings();
    svc.start();
    return svc;
  }

  // ---- routing and outcomes (the retry layer, media, quota syncs) ------------------------------

  routeFor(accountId: string, exclude: ReadonlySet<string> = EMPTY): EgressRoute {
    return routeFor(this.pool, this.binding, this.opts.settings().required, accountId, exclude);
  }

  report(route: EgressRoute, error?: GrokUpstreamError): boolean {
    return this.health.report(route, error);
  }

  /**
   * The asset pool's egress for an account's downloads (undefined when the pool has none healthy:
   * the download then leaves through the account's own route).
   */
  assetRoute(accountId: string): AssetRoute | undefined {
    return this.pool.assetRoute(accountId);
  }

  /** One call of the account's own (quota syncs, the token test) through its route, outcome reported. */
  throughRoute<T>(accountId: string, call: (route: EgressRoute) => Promise<T>): Promise<T> {
    return throughRoute(this, accountId, call);
  }

  /** Rebuilds the binding index from the accounts (changes made by other instances, removed accounts). */
  resyncBindings(): void {
    this.binding.resync();
  }

  // ---- admin operations ------------------------------------------------------------------------

  list(): ProxyView[] {
    return listProxies(this.edits);
  }

  add(text: string, opts: { pool?: ProxyPoolName } = {}): Promise<AddProxiesResult> {
    return addProxies(this.edits, text, opts);
  }

  update(id: string, patch: { cfClearance?: string | null; userAgent?: string | null }): Promise<BindResult> {
    return updateProxy(this.edits, id, patch);
  }

  remove(ids: readonly string[]): Promise<RemoveProxiesResult> {
    return removeProxies(this.edits, ids);
  }

  /** Pins an account to a proxy (an operator's explicit choice): never moved automatically. null unpins and unbinds. */
  bind(accountId: string, proxyId: string | null): Promise<BindResult> {
    return bindAccount(this.edits, accountId, proxyId);
  }

  /** An account imported as `proxyURL@token`: pinned to that proxy (added when unknown). */
  pinAccount(accountId: string, proxyUrl: string): void {
    pinImportedAccount(this.edits, accountId, proxyUrl);
  }

  /** Probes one proxy now (updates its health like a scheduled probe). */
  async test(id: string): Promise<ProbeResult> {
    const p = this.pool.get(id);
    if (!p) return { ok: false, error: `no proxy ${id}`, checkedAt: this.now() };
    return this.health.probe(p);
  }

  /** A reason for /ready: proxies are in use (or required) and none is healthy. */
  readinessProblem(): string | undefined {
    const app = this.pool.app;
    if (app.length === 0) return this.opts.settings().required ? 'no healthy proxy: proxy.required is set but no proxy is configured' : undefined;
    if (app.some((p) => p.healthy)) return undefined;
    return `no healthy proxy (0 of ${app.length} healthy)`;
  }

  // ---- the stored list -------------------------------------------------------------------------

  /** Picks up other instances' changes (shared stores). */
  poll(): Promise<void> {
    return this.persistence.poll();
  }

  /** Writes pending changes (under a store lock); false when the write failed (they stay queued). */
  flush(): Promise<boolean> {
    return this.persistence.flush();
  }

  /** Resolves once every change made so far is written; rejects when the write failed. */
  flushNow(): Promise<void> {
    return this.persistence.flushNow();
  }

  // ---- scheduler -------------------------------------------------------------------------------

  private reconcile(): void {
    const s = this.opts.settings();
    this.configKey = configKeyOf(s);
    this.binding.pins = reconcileProxies(this.pool, this.persistence.doc, s, this.opts.logger, this.now());
  }

  private tick(): void {
    if (this.closed) return;
    this.health.probeDue();
    if (this.now() - this.binding.lastResync >= RESYNC_MS) {
      this.resyncBindings();
      if (configKeyOf(this.opts.settings()) !== this.configKey) this.reconcile();
      if (this.persistence.pending > 0) void this.flush();
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

  async close(): Promise<void> {
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.persistence.pending > 0) await this.flush();
    await this.pool.closeAll();
  }
}
