// The answer of POST /rest/rate-limits, normalised, and the account tier its totals imply
// (docs/grok-protocol.md, "Quotas": tier detection).

export interface RateLimitWindow {
  remaining: number;
  total: number | undefined;
  windowSeconds: number | undefined;
}

/** The windows a full quota sync reads (the web app reads only these two). */
export const SYNC_MODES = ['auto', 'fast'] as const;

function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * `remainingQueries` (else `remainingTokens`) → remaining, clamped at 0; `totalQueries` → total;
 * `windowSizeSeconds` → windowSeconds. Null when the answer is not JSON or has neither remaining field.
 */
export function normalizeRateLimits(text: string): RateLimitWindow | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const remaining = finiteNumber(v.remainingQueries) ?? finiteNumber(v.remainingTokens);
  if (remaining === undefined) return null;
  return { remaining: Math.max(0, remaining), total: finiteNumber(v.totalQueries), windowSeconds: finiteNumber(v.windowSizeSeconds) };
}

export type DetectedTier = 'basic' | 'super' | 'heavy';

const TIER_RANK: Record<DetectedTier, number> = { basic: 0, super: 1, heavy: 2 };
const TOTALS: Record<string, Record<number, DetectedTier>> = {
  auto: { 7: 'basic', 20: 'basic', 50: 'super', 150: 'heavy' },
  fast: { 30: 'basic', 140: 'super', 400: 'heavy' },
};

/**
 * The tier the windows' totals imply: `auto` 7/20 → basic, 50 → super, 150 → heavy; `fast` 30 →
 * basic, 140 → super, 400 → heavy; any `heavy` total > 0 → heavy. The lowest implied tier wins;
 * undefined when no total is recognised (the tier stays as it is).
 */
export function tierFromTotals(totals: Partial<Record<string, number | undefined>>): DetectedTier | undefined {
  let best: DetectedTier | undefined;
  const consider = (t: DetectedTier | undefined): void => {
    if (t !== undefined && (best === undefined || TIER_RANK[t] < TIER_RANK[best])) best = t;
  };
  for (const [mode, total] of Object.entries(totals)) {
    if (total === undefined || total <= 0) continue;
    if (mode === 'heavy') consider('heavy');
    else consider(TOTALS[mode]?.[total]);
  }
  return best;
}
