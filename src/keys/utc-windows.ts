// The day and month windows of client key limits: UTC calendar days and months, so every instance
// (whatever its time zone) agrees on when a daily or monthly quota resets.
const DAY_MS = 86_400_000;

export interface UtcWindows {
  day: string;
  month: string;
  dayEndsAt: number;
  monthEndsAt: number;
}

// The windows change once a day: cache the last answer (this runs on every counted request).
let cached: (UtcWindows & { from: number }) | undefined;

export function utcWindows(now: number): UtcWindows {
  if (cached && now >= cached.from && now < cached.dayEndsAt) return cached;
  const d = new Date(now);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const day = d.toISOString().slice(0, 10);
  cached = { from, day, month: day.slice(0, 7), dayEndsAt: from + DAY_MS, monthEndsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
  return cached;
}
