// The egress area's shared vocabulary: its settings, what it needs from the account side, the
// routes it hands out, and what the admin API sees. Types only, so every egress file (and its
// callers) can name them without pulling in the service.
import type { Dispatcher } from 'undici';
import type { GrokHeaders, GrokRoute, GrokUpstreamError, Transport, TransportKind } from '../grok/index.js';
import type { ProxyPoolName } from './proxy-doc.js';

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
