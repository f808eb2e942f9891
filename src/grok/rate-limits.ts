// The answer of POST /rest/rate-limits (grok-protocol.md 8.3), normalised.

export interface RateLimitWindow {
  remaining: number;
  total: number | undefined;
  windowSeconds: number | undefined;
}

function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * `remainingQueries` (A) or else `remainingTokens` (D/F) → remaining; `totalQueries` → total;
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
  return { remaining, total: finiteNumber(v.totalQueries), windowSeconds: finiteNumber(v.windowSizeSeconds) };
}
