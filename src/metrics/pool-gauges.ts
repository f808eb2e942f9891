// Scrape-time gauges of the account pool, its persistence and the store. Nothing here runs on the
// request path: each value is computed from memory when Prometheus asks.
import { currentWindow, type AccountService, type AccountTier } from '../accounts/index.js';
import type { Store } from '../store/index.js';
import type { LabelledValue, Metrics } from './metrics.js';

const TIERS: readonly AccountTier[] = ['basic', 'super', 'heavy'];
const STATUSES = ['active', 'cooling', 'invalid', 'disabled'] as const;

export function registerPoolGauges(metrics: Metrics, accounts: AccountService, store: Store): void {
  metrics.registerGauge(
    'grok2api_accounts',
    'Accounts in the pool by status (active, cooling, invalid, disabled) and tier',
    () => {
      accounts.pool.summary(); // brings statuses up to date (cooling that ended is active again)
      const counts = new Map<string, number>();
      for (const acc of accounts.pool.all()) {
        const key = `${acc.rec.status}|${acc.rec.tier}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const out: LabelledValue[] = [];
      for (const status of STATUSES) {
        for (const tier of TIERS) out.push({ labels: { status, tier }, value: counts.get(`${status}|${tier}`) ?? 0 });
      }
      return out;
    },
    ['status', 'tier'],
  );
  metrics.registerGauge(
    'grok2api_account_quota_remaining',
    'Queries left in the current window, summed over accounts that can serve (active or cooling), per quota bucket',
    () => {
      const now = Date.now();
      const sums = new Map<string, number>();
      for (const acc of accounts.pool.all()) {
        if (acc.rec.status === 'invalid' || acc.rec.status === 'disabled') continue;
        for (const bucket of Object.keys(acc.rec.quotas)) {
          const w = currentWindow(acc, bucket, now);
          if (w) sums.set(bucket, (sums.get(bucket) ?? 0) + Math.max(0, w.remaining));
        }
      }
      return [...sums].map(([bucket, value]) => ({ labels: { bucket }, value }));
    },
    ['bucket'],
  );
  metrics.registerGauge('grok2api_account_persistence_backlog', 'Account changes waiting to be written to the store', () => accounts.persistence.backlog());
  metrics.registerCounter(
    'grok2api_store_write_failures_total',
    'Account write-behind flushes that failed (retried on the next flush)',
    () => accounts.persistence.failedFlushes,
  );
  metrics.registerGauge(
    'grok2api_store_healthy',
    '1 while the last storage operation succeeded, 0 while the store is unreachable',
    () => [{ labels: { mode: store.mode }, value: store.healthy() ? 1 : 0 }],
    ['mode'],
  );
}
