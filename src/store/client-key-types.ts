// Client API keys as the stores keep them, and the atomic admission check every driver performs
// the same way: the memory driver in-process (file store), Redis in one Lua script, MySQL in one
// transaction that locks the key's row. The secret itself is never stored: only its SHA-256.

/** Per-key limits; absent = unlimited. */
export interface KeyLimits {
  rpm?: number | undefined;
  concurrency?: number | undefined;
  requests_per_day?: number | undefined;
  tokens_per_day?: number | undefined;
  monthly_requests?: number | undefined;
}

export interface ClientKeyRecord {
  /** `ck_` + 16 hex chars: the key's public id (admin API, usage, owner of its video jobs). */
  id: string;
  name: string;
  note: string;
  /** SHA-256 (hex) of the secret. */
  hash: string;
  /** `sk-abcd…wxyz`: enough to recognise a key, never enough to use it. */
  masked: string;
  /** Allowed model ids or aliases; empty = every model. */
  models: string[];
  limits: KeyLimits;
  enabled: boolean;
  /** Epoch ms after which the key is refused; undefined = never. */
  expiresAt?: number | undefined;
  createdAt: number;
  updatedAt: number;
}

export type LimitName = keyof KeyLimits;

/** What one admission asks the store to check and count. */
export interface AdmitSpec {
  limits: KeyLimits;
  now: number;
  /** UTC day `YYYY-MM-DD` and month `YYYY-MM` of `now` (the day and month windows). */
  day: string;
  month: string;
  /** Epoch ms when this UTC day and month end. */
  dayEndsAt: number;
  monthEndsAt: number;
}

/** Counts after an admitted request (for the x-ratelimit-* headers). */
export interface AdmitCounts {
  /** Requests in the current minute window, and when that window ends (epoch ms). */
  minute: number;
  minuteEndsAt: number;
  day: number;
  tokensToday: number;
  month: number;
}

export type AdmitVerdict =
  | { ok: true; counts: AdmitCounts }
  /** The key is gone, disabled or expired in the store (another instance may have changed it). */
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'limit'; limit: LimitName; retryAfterMs: number; counts: AdmitCounts };

/** One finished call's contribution to a key's usage. */
export interface UsageDelta {
  day: string;
  model: string;
  errors: number;
  tokensIn: number;
  tokensOut: number;
}

export interface UsageRow {
  day: string;
  model: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
}

export interface ClientKeyStore {
  loadAll(): Promise<ClientKeyRecord[]>;
  /** Inserts or replaces the record (written through: resolved once the store has it). */
  put(rec: ClientKeyRecord): Promise<void>;
  /** Deletes the record, its counters and its usage. */
  remove(id: string): Promise<void>;
  /**
   * Atomically: refuses a key that is missing/disabled/expired in the store, or over any limit;
   * otherwise counts the request (minute, day, month) and takes a concurrency slot.
   */
  admit(id: string, spec: AdmitSpec): Promise<AdmitVerdict>;
  /** Gives back the concurrency slot an admitted request took. */
  release(id: string): Promise<void>;
  /** Records a finished call: usage by day and model, and the day's token counter. */
  record(id: string, delta: UsageDelta): Promise<void>;
  /** Usage rows of a key, oldest day first (then by model). */
  usage(id: string): Promise<UsageRow[]>;
}

/** Concurrency slots of a crashed instance expire after this long without a new admission. */
export const CONCURRENCY_TTL_MS = 10 * 60_000;
const MINUTE_MS = 60_000;

export interface CounterState {
  minuteN: number;
  minuteEnd: number;
  conc: number;
  day: string;
  dayN: number;
  tokens: number;
  month: string;
  monthN: number;
}

export const emptyCounters = (): CounterState => ({ minuteN: 0, minuteEnd: 0, conc: 0, day: '', dayN: 0, tokens: 0, month: '', monthN: 0 });

/**
 * The admission rule on a key's counters, shared by the memory and MySQL drivers (the Redis Lua
 * script mirrors it). Mutates `c` only when the request is admitted. Windows: a minute that starts
 * at the first request after the previous one ended; the UTC day; the UTC month.
 */
export function applyAdmission(c: CounterState, spec: AdmitSpec): AdmitVerdict {
  const { limits: l, now } = spec;
  if (c.minuteEnd <= now) {
    c.minuteN = 0;
    c.minuteEnd = 0;
  }
  if (c.day !== spec.day) {
    c.day = spec.day;
    c.dayN = 0;
    c.tokens = 0;
  }
  if (c.month !== spec.month) {
    c.month = spec.month;
    c.monthN = 0;
  }
  const counts = (): AdmitCounts => ({ minute: c.minuteN, minuteEndsAt: c.minuteEnd || now + MINUTE_MS, day: c.dayN, tokensToday: c.tokens, month: c.monthN });
  const deny = (limit: LimitName, until: number): AdmitVerdict => ({ ok: false, reason: 'limit', limit, retryAfterMs: Math.max(1, until - now), counts: counts() });
  if (l.rpm !== undefined && c.minuteN >= l.rpm) return deny('rpm', c.minuteEnd);
  if (l.requests_per_day !== undefined && c.dayN >= l.requests_per_day) return deny('requests_per_day', spec.dayEndsAt);
  if (l.tokens_per_day !== undefined && c.tokens >= l.tokens_per_day) return deny('tokens_per_day', spec.dayEndsAt);
  if (l.monthly_requests !== undefined && c.monthN >= l.monthly_requests) return deny('monthly_requests', spec.monthEndsAt);
  if (l.concurrency !== undefined && c.conc >= l.concurrency) return deny('concurrency', now + 1000);
  if (c.minuteEnd === 0) c.minuteEnd = now + MINUTE_MS;
  c.minuteN++;
  c.dayN++;
  c.monthN++;
  c.conc++;
  return { ok: true, counts: counts() };
}
