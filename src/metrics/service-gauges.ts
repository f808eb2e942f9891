// Scrape-time gauges of the egress proxies and the call log. Only the few fields read here are
// required (structural types), so these parts can change without touching metrics.
import type { Metrics } from './metrics.js';

export interface ProxyHealthSource {
  list(): ReadonlyArray<{ pool: string; healthy: boolean }>;
}

export interface CallLogQueueSource {
  status(): { pending: number; retained: number; droppedUnwritten: number };
}

export function registerProxyGauges(metrics: Metrics, proxies: ProxyHealthSource): void {
  metrics.registerGauge(
    'grok2api_proxies',
    'Egress proxies by pool and health (healthy="false": failing its probes, not used while others are healthy)',
    () => {
      const counts = new Map<string, { pool: string; healthy: string; n: number }>();
      for (const p of proxies.list()) {
        const key = `${p.pool}|${String(p.healthy)}`;
        const c = counts.get(key) ?? { pool: p.pool, healthy: String(p.healthy), n: 0 };
        c.n++;
        counts.set(key, c);
      }
      return [...counts.values()].map((c) => ({ labels: { pool: c.pool, healthy: c.healthy }, value: c.n }));
    },
    ['pool', 'healthy'],
  );
}

export function registerCallLogGauges(metrics: Metrics, callLog: CallLogQueueSource): void {
  metrics.registerGauge('grok2api_calllog_pending', 'Call-log entries waiting to be written to the store', () => callLog.status().pending);
  metrics.registerCounter(
    'grok2api_calllog_dropped_total',
    'Call-log entries dropped unwritten because the store stayed unreachable too long',
    () => callLog.status().droppedUnwritten,
  );
}
