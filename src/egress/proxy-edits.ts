// The operator's (and the token importer's) changes to the proxy list: list, bulk add, profile
// update, remove, pin/unpin an account, and `proxyURL@token` imports. Config proxies are read-only
// here (they are edited in the configuration); stored ones change through ProxyPersistence.
import type { Logger } from 'pino';
import type { AddProxiesResult, BindResult, EgressSettings, ProxyView, RemoveProxiesResult } from './egress-types.js';
import type { ProxyBinding } from './proxy-binding.js';
import type { ProxyPoolName, StoredProxy } from './proxy-doc.js';
import { parseProxyLines, proxyIdFor } from './proxy-entry.js';
import type { ProxyDocEdit, ProxyPersistence } from './proxy-persistence.js';
import type { ProxyPool } from './proxy-pool.js';
import { maskProxyUrl, parseProxyUrl } from './proxy-url.js';

export interface ProxyEditContext {
  pool: ProxyPool;
  binding: ProxyBinding;
  persistence: ProxyPersistence;
  settings: () => EgressSettings;
  logger: Logger;
  now: () => number;
}

function maskValue(v: string): string {
  if (!v) return '';
  return v.length >= 20 ? `${v.slice(0, 6)}****${v.slice(-4)}` : '****';
}

export function listProxies(c: ProxyEditContext): ProxyView[] {
  const s = c.settings();
  const pinned = c.binding.pinnedCounts();
  return [...c.pool.proxies.values()].map((p) => ({
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
    boundAccounts: c.binding.boundCount(p.id),
    pinnedAccounts: pinned.get(p.id) ?? 0,
    cfClearance: maskValue(p.profile.cfClearance ?? ''),
    userAgent: p.profile.userAgent ?? s.userAgent,
    hasOwnUserAgent: p.profile.userAgent !== undefined,
  }));
}

/** Bulk add (one per line, `#` comments and blank lines skipped); re-adding a URL updates its profile. */
export async function addProxies(c: ProxyEditContext, text: string, opts: { pool?: ProxyPoolName } = {}): Promise<AddProxiesResult> {
  const pool = opts.pool ?? 'app';
  const parsed = parseProxyLines(text);
  const result: AddProxiesResult = { added: 0, updated: 0, ids: [], errors: [...parsed.errors] };
  const now = c.now();
  const ops: ProxyDocEdit[] = [];
  const seen = new Set<string>();
  for (const e of parsed.entries) {
    const id = proxyIdFor(e.url);
    const existing = c.pool.get(id);
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
  if (ops.length > 0) await c.persistence.mutate(...ops);
  return result;
}

/** Sets or clears (null) a stored proxy's clearance profile. */
export async function updateProxy(c: ProxyEditContext, id: string, patch: { cfClearance?: string | null; userAgent?: string | null }): Promise<BindResult> {
  const p = c.pool.get(id);
  if (!p) return { ok: false, error: `no proxy ${id}` };
  if (p.source === 'config') return { ok: false, error: `${p.masked} is set in the configuration; edit proxy.urls there` };
  const now = c.now();
  await c.persistence.mutate((d) => {
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
export async function removeProxies(c: ProxyEditContext, ids: readonly string[]): Promise<RemoveProxiesResult> {
  const result: RemoveProxiesResult = { removed: 0, skipped: [] };
  const gone: string[] = [];
  for (const id of new Set(ids)) {
    const p = c.pool.get(id);
    if (!p) {
      result.skipped.push({ id, reason: 'unknown proxy' });
      continue;
    }
    if (p.source === 'config') {
      result.skipped.push({ id, reason: 'set in the configuration (proxy.urls / proxy.asset_urls)' });
      continue;
    }
    for (const accountId of c.binding.accountsOn(id)) c.binding.set(accountId, undefined);
    gone.push(id);
    result.removed++;
  }
  if (gone.length > 0) {
    const set = new Set(gone);
    await c.persistence.mutate((d) => {
      d.proxies = d.proxies.filter((x) => !set.has(x.id));
      for (const [acc, pid] of Object.entries(d.pins)) if (set.has(pid)) delete d.pins[acc];
    });
  }
  return result;
}

/** Pins an account to a proxy (an operator's explicit choice): never moved automatically. null unpins and unbinds. */
export async function bindAccount(c: ProxyEditContext, accountId: string, proxyId: string | null): Promise<BindResult> {
  if (!c.binding.hasAccount(accountId)) return { ok: false, error: `no account ${accountId}` };
  if (proxyId === null) {
    c.binding.set(accountId, undefined);
    c.binding.pins.delete(accountId);
    await c.persistence.mutate((d) => {
      delete d.pins[accountId];
    });
    return { ok: true };
  }
  const p = c.pool.get(proxyId);
  if (!p) return { ok: false, error: `no proxy ${proxyId}` };
  if (p.pool !== 'app') return { ok: false, error: `proxy ${proxyId} is an asset proxy` };
  c.binding.set(accountId, proxyId);
  c.binding.pins.set(accountId, proxyId);
  await c.persistence.mutate((d) => {
    d.pins[accountId] = proxyId;
  });
  return { ok: true };
}

/**
 * An account imported as `proxyURL@token`: the proxy is added when unknown and the account pinned
 * to it. Synchronous in memory; persisted behind.
 */
export function pinImportedAccount(c: ProxyEditContext, accountId: string, proxyUrl: string): void {
  let url: string;
  try {
    url = parseProxyUrl(proxyUrl).href;
  } catch (err) {
    c.logger.warn({ url: maskProxyUrl(proxyUrl), err: err instanceof Error ? err.message : String(err) }, 'token import: proxy URL ignored');
    return;
  }
  const id = proxyIdFor(url);
  const now = c.now();
  const known = c.pool.get(id);
  if (known && known.pool !== 'app') {
    c.logger.warn({ proxy: known.masked }, 'token import: that proxy is an asset proxy; account not pinned');
    return;
  }
  const ops: ProxyDocEdit[] = [];
  if (!known) {
    const rec: StoredProxy = { id, url, pool: 'app', source: 'import', createdAt: now, updatedAt: now };
    ops.push((d) => {
      if (!d.proxies.some((x) => x.id === id)) d.proxies.push({ ...rec });
    });
  }
  ops.push((d) => {
    d.pins[accountId] = id;
  });
  c.persistence.applyNow(ops);
  c.binding.set(accountId, id);
  void c.persistence.flush();
}
