// Which models the pool can serve at all: a model needs an account that is not invalid or
// disabled, of at least its minimum tier, whose tier has the model's quota bucket (or the bucket
// is one no tier knows: an operator's custom model, assumed unlimited, as leases assume it).
import type { AccountTier } from './account-source.js';
import { DEFAULT_QUOTAS, TIER_ORDER, tierRank } from './quota-defaults.js';

const KNOWN_BUCKETS = new Set(Object.values(DEFAULT_QUOTAS).flatMap((q) => Object.keys(q)));

export function tiersCanServe(tiers: ReadonlySet<AccountTier>, minTier: AccountTier, bucket: string): boolean {
  for (const t of TIER_ORDER) {
    if (!tiers.has(t) || tierRank(t) < tierRank(minTier)) continue;
    if (DEFAULT_QUOTAS[t][bucket] || !KNOWN_BUCKETS.has(bucket)) return true;
  }
  return false;
}
