// Assumed quota windows per tier until /rest/rate-limits says otherwise (docs/grok-protocol.md §11.4).
// Buckets are upstream modes; a bucket a tier lacks means that tier cannot serve it.
import type { AccountTier } from './account-source.js';

export interface DefaultWindow {
  total: number;
  windowSeconds: number;
}

const TWO_HOURS = 7200;
const ONE_DAY = 86_400;

export const DEFAULT_QUOTAS: Record<AccountTier, Record<string, DefaultWindow>> = {
  basic: { fast: { total: 30, windowSeconds: ONE_DAY } },
  super: {
    auto: { total: 50, windowSeconds: TWO_HOURS },
    fast: { total: 140, windowSeconds: TWO_HOURS },
    expert: { total: 50, windowSeconds: TWO_HOURS },
    'grok-420-computer-use-sa': { total: 50, windowSeconds: TWO_HOURS },
  },
  heavy: {
    auto: { total: 150, windowSeconds: TWO_HOURS },
    fast: { total: 400, windowSeconds: TWO_HOURS },
    expert: { total: 150, windowSeconds: TWO_HOURS },
    heavy: { total: 20, windowSeconds: TWO_HOURS },
    'grok-420-computer-use-sa': { total: 150, windowSeconds: TWO_HOURS },
  },
};

export const TIER_ORDER: readonly AccountTier[] = ['basic', 'super', 'heavy'];

export function tierRank(t: AccountTier): number {
  return TIER_ORDER.indexOf(t);
}
