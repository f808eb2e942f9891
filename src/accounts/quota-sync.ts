// Keeps the local quota ledger honest: asks /rest/rate-limits (one call per mode) on import, on a
// schedule per tier, after a 429, and on demand. When upstream is unreachable the ledger stands.
// Scheduled syncs run on one instance at a time (a store lock).
import type { Logger } from 'pino';
import { GrokUpstreamError, classifyTransportError } from '../grok/errors.js';
import type { LockStore } from '../store/index.js';
import type { AccountPool } from './account-pool.js';
import type { PoolAccount } from './pool-account.js';
import { DEFAULT_QUOTAS, inferTierFromAutoTotal } from './quota-defaults.js';

export interface RateLimitsClient {
  rateLimits(token: string, mode: string): Promise<{ remaining: number; total: number | undefined; windowSeconds: number | undefined } | null>;
}

export interface QuotaSyncOptions {
  concurrency: number;
  intervalBasicMs: number;
  intervalSuperMs: number;
  instanceId: string;
  logger: Logger;
}

export interface SyncResult {
  ok: boolean;
  kind?: string;
  message?: string;
  tier?: string;
  windows?: Record<string, { remaining: number; total: number }>;
}

const TICK_MS = 60_000;
const LOCK = 'quota-sync';

export class QuotaSyncer {
  private readonly queue: PoolAccount[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: AccountPool,
    private readonly client: RateLimitsClient,
    private readonly locks: LockStore,
    private opts: QuotaSyncOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Syncs one account now and reports what upstream said (admin "refresh"/"test"). */
  async syncAccount(acc: PoolAccount): Promise<SyncResult> {
    const r = acc.rec;
    try {
      const now = this.now();
      const auto = await this.client.rateLimits(r.token, 'auto');
      if (auto && auto.total !== undefined && !r.tierPinned) {
        const inferred = inferTierFromAutoTotal(auto.total);
        if (inferred !== r.tier) r.tier = inferred;
      }
      const windows: Record<string, { remaining: number; total: number }> = {};
      const buckets = Object.keys(DEFAULT_QUOTAS[r.tier]);
      for (const bucket of buckets) {
        const got = bucket === 'auto' ? auto : await this.client.rateLimits(r.token, bucket);
        if (!got) continue;
        const d = DEFAULT_QUOTAS[r.tier][bucket];
        const prev = r.quotas[bucket];
        const windowSeconds = got.windowSeconds ?? d?.windowSeconds ?? 7200;
        const total = got.total ?? prev?.total ?? d?.total ?? got.remaining;
        r.quotas[bucket] = {
          remaining: got.remaining,
          total,
          windowSeconds,
          // Upstream does not say when the window started; if it is partly used, assume a full window ahead.
          resetAt: got.remaining < total ? (prev && prev.resetAt > now ? prev.resetAt : now + windowSeconds * 1000) : 0,
          syncedAt: now,
          // A 429 cooling stays until its time: a sync does not overrule what a real call just said.
          coolingUntil: prev?.coolingUntil ?? 0,
        };
        windows[bucket] = { remaining: got.remaining, total };
      }
      if (r.status === 'invalid' && r.lastErrorKind === 'invalid-credential') {
        // The session answered again: it is alive after all.
        r.status = 'active';
      }
      this.pool.changed(acc);
      return { ok: true, tier: r.tier, windows };
    } catch (raw) {
      const err = raw instanceof GrokUpstreamError ? raw : classifyTransportError(raw);
      if (err.kind === 'invalid-credential' || err.kind === 'blocked-account') this.pool.recordFailure(acc, 'auto', err);
      // Anything else (network, Cloudflare, 5xx): the ledger stands.
      return { ok: false, kind: err.kind, message: err.message };
    }
  }

  /** Queues a background sync (deduplicated); runs at most `concurrency` at once. */
  request(acc: PoolAccount): void {
    if (this.closed || this.queued.has(acc.rec.id)) return;
    this.queued.add(acc.rec.id);
    this.queue.push(acc);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.queue.length > 0) {
      const acc = this.queue.shift() as PoolAccount;
      this.running++;
      void this.syncAccount(acc)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.queued.delete(acc.rec.id);
          this.pump();
        });
    }
  }

  pending(): number {
    return this.queue.length + this.running;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Scheduled pass: accounts whose last sync is older than their tier's interval. */
  async tick(): Promise<number> {
    const leaseMs = TICK_MS * 2;
    if (!(await this.locks.tryLock(LOCK, this.opts.instanceId, leaseMs).catch(() => false))) return 0;
    const now = this.now();
    let n = 0;
    for (const acc of this.pool.all()) {
      const r = acc.rec;
      if (r.status === 'disabled' || r.status === 'invalid') continue;
      const interval = r.tier === 'basic' ? this.opts.intervalBasicMs : this.opts.intervalSuperMs;
      if (interval <= 0) continue;
      let last = Infinity;
      for (const w of Object.values(r.quotas)) last = Math.min(last, w.syncedAt);
      if (last === Infinity) last = 0;
      if (now - last >= interval) {
        this.request(acc);
        if (++n >= 1000) break; // spread big pools over several ticks
      }
    }
    return n;
  }

  updateOptions(opts: QuotaSyncOptions): void {
    this.opts = opts;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.queue.length = 0;
  }
}
