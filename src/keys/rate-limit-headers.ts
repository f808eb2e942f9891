// OpenAI's rate-limit headers for a client key: the requests trio describes the tightest request
// limit the key has (per minute, else per day, else per month), the tokens trio its daily tokens.
// Resets are durations in OpenAI's style ("59s", "6m0s", "2h3m4s").
import type { AdmitCounts, AdmitSpec, KeyLimits } from '../store/index.js';

export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  let s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export function rateLimitHeaders(l: KeyLimits, c: AdmitCounts, spec: AdmitSpec): Record<string, string> {
  const out: Record<string, string> = {};
  let req: [number, number, number] | undefined;
  if (l.rpm !== undefined) req = [l.rpm, c.minute, c.minuteEndsAt];
  else if (l.requests_per_day !== undefined) req = [l.requests_per_day, c.day, spec.dayEndsAt];
  else if (l.monthly_requests !== undefined) req = [l.monthly_requests, c.month, spec.monthEndsAt];
  if (req) {
    out['x-ratelimit-limit-requests'] = String(req[0]);
    out['x-ratelimit-remaining-requests'] = String(Math.max(0, req[0] - req[1]));
    out['x-ratelimit-reset-requests'] = formatReset(req[2] - spec.now);
  }
  if (l.tokens_per_day !== undefined) {
    out['x-ratelimit-limit-tokens'] = String(l.tokens_per_day);
    out['x-ratelimit-remaining-tokens'] = String(Math.max(0, l.tokens_per_day - c.tokensToday));
    out['x-ratelimit-reset-tokens'] = formatReset(spec.dayEndsAt - spec.now);
  }
  return out;
}
