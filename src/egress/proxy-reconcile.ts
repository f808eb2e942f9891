// Configuration + stored document → the proxies in memory. Config entries win over stored ones
// with the same id; survivors keep their health and connections (a changed User-Agent renews an
// impit client, whose TLS fingerprint follows it); removed proxies have their transports closed.
import type { Logger } from 'pino';
import type { EgressSettings, ProxySource } from './egress-types.js';
import type { ProxyDoc, ProxyPoolName } from './proxy-doc.js';
import { parseProxyEntry, proxyIdFor, type ClearanceProfile } from './proxy-entry.js';
import type { ProxyPool } from './proxy-pool.js';
import { maskProxyUrl, parseProxyUrl } from './proxy-url.js';

interface WantedProxy {
  url: string;
  pool: ProxyPoolName;
  source: ProxySource;
  profile: ClearanceProfile;
}

function sameProfile(a: ClearanceProfile, b: ClearanceProfile): boolean {
  return (a.cfClearance ?? '') === (b.cfClearance ?? '') && (a.userAgent ?? '') === (b.userAgent ?? '');
}

/** What reconcile last saw of the configuration: a change of it means reconcile again. */
export function configKeyOf(s: EgressSettings): string {
  return JSON.stringify([s.urls, s.assetUrls]);
}

function wantedProxies(s: EgressSettings, doc: ProxyDoc, logger: Logger): Map<string, WantedProxy> {
  const wanted = new Map<string, WantedProxy>();
  const fromConfig = (list: readonly string[], pool: ProxyPoolName): void => {
    for (const line of list) {
      try {
        const e = parseProxyEntry(line);
        const id = proxyIdFor(e.url);
        if (!wanted.has(id)) wanted.set(id, { url: e.url, pool, source: 'config', profile: e.profile });
      } catch (err) {
        logger.warn({ url: maskProxyUrl(line.trim().split(/\s+/)[0] ?? ''), err: err instanceof Error ? err.message : String(err) }, 'proxy entry in the configuration ignored');
      }
    }
  };
  fromConfig(s.urls, 'app');
  fromConfig(s.assetUrls, 'asset');
  for (const r of doc.proxies) {
    if (wanted.has(r.id)) continue;
    const profile: ClearanceProfile = {};
    if (r.cfClearance) profile.cfClearance = r.cfClearance;
    if (r.userAgent) profile.userAgent = r.userAgent;
    wanted.set(r.id, { url: r.url, pool: r.pool, source: r.source, profile });
  }
  return wanted;
}

function secretsOf(url: string): string[] {
  try {
    const parsed = parseProxyUrl(url);
    return [parsed.password, encodeURIComponent(parsed.password)].filter((x) => x.length >= 3);
  } catch {
    return [];
  }
}

/** Brings `pool` in line with config + document; returns the pins that name an existing proxy. */
export function reconcileProxies(pool: ProxyPool, doc: ProxyDoc, s: EgressSettings, logger: Logger, now: number): Map<string, string> {
  const wanted = wantedProxies(s, doc, logger);
  for (const [id, p] of pool.proxies) {
    const w = wanted.get(id);
    if (w && w.url === p.url) continue;
    pool.proxies.delete(id);
    void p.transport?.close().catch(() => undefined);
  }
  for (const [id, w] of wanted) {
    const p = pool.proxies.get(id);
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
    pool.proxies.set(id, {
      id,
      url: w.url,
      masked: maskProxyUrl(w.url),
      secrets: secretsOf(w.url),
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
  pool.split();
  return new Map(Object.entries(doc.pins).filter(([, pid]) => pool.proxies.has(pid)));
}
