// The choice of an app proxy for one account's call: its bound proxy while that is healthy; else
// (first use, proxy removed or down) a rebinding to the least-bound healthy proxy; a request that
// already failed through its proxy goes around it this once without losing the binding.
import type { EgressRoute } from './egress-types.js';
import type { ProxyBinding } from './proxy-binding.js';
import type { PoolProxy, ProxyPool } from './proxy-pool.js';

const DIRECT: EgressRoute = Object.freeze({ proxyId: undefined, label: 'direct', transport: undefined, headers: undefined });

export function routeFor(pool: ProxyPool, binding: ProxyBinding, required: boolean, accountId: string, exclude: ReadonlySet<string>): EgressRoute {
  const app = pool.app;
  if (app.length === 0) {
    if (required) throw Object.assign(new Error('proxy.required is set but no proxy is configured'), { code: 'ERR_NO_PROXY' });
    return { ...DIRECT };
  }
  const boundCount = (id: string): number => binding.boundCount(id);
  const boundId = binding.proxyOf(accountId);
  const bound = boundId ? pool.get(boundId) : undefined;
  const p = bound && bound.pool === 'app' ? bound : undefined;
  if (p && p.healthy && !exclude.has(p.id)) return pool.route(p);
  const pinned = p !== undefined && binding.isPinned(accountId, p.id);
  if (!p || (!p.healthy && !pinned)) {
    // First use, a removed proxy, or an unhealthy one: (re)bind to the least-bound healthy proxy.
    const q = pool.leastBound(exclude, boundCount);
    if (q) {
      binding.set(accountId, q.id);
      return pool.route(q);
    }
  } else {
    // Sticky binding, but this request already failed through it (or it is pinned and down):
    // go through another healthy proxy this time, keep the binding.
    const q = pool.leastBound(exclude, boundCount);
    if (q) return pool.route(q);
  }
  // Nothing healthy is left: the bound proxy (or any not yet tried) is better than nothing.
  const fallback = (p && !exclude.has(p.id) ? p : undefined) ?? app.find((x) => !exclude.has(x.id)) ?? p ?? app[0];
  return pool.route(fallback as PoolProxy);
}
