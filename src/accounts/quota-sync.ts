// Keeps the local quota ledger honest on import, on a schedule per tier, after a 429, and on demand
// (docs/grok-protocol.md, "Quotas"): /rest/rate-limits for `auto` and `fast` (the two windows the web
// app reads) plus any other mode the account used since it was last read; the tier follows from
// the totals; then /rest/media/imagine/quota_info for the Imagine media buckets, stored on the
// record for the console. When upstream is unreachable the ledger stands. Scheduled syncs run on
// one instance at a time (a store lock).
import type { Logger } from 'pino';
import { isAccountFault } from '../failures/index.js';
import { GrokUpstreamError, classifyTransportError, type MediaQuotaSnapshot, SYNC_MODES, tierFromTotals } from '../grok/index.js';
import type { LockStore, MediaQuota } from '../store/index.js';
import type { AccountPool } from './account-pool.js';
import type { PoolAccount } from './pool-account.js';
import { DEFAULT_QUOTAS } from './quota-defaults.js';

export interface RateLimitsClient {
  rateLimits(token: string, mode: string): Promise<{ remaining: number; total: number | undefined; windowSeconds: number | undefined } | null>;
  /** The Imagine media buckets; optional (a client without it leaves them unread). */
  quotaInfo?(token: string): Promise<MediaQuotaSnapshot | null>;
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
  /** The media buckets read (absent when quota_info was not read or failed). */
  media?: Record<string, MediaQuota>;
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
      // auto and fast first (a dead session stops the sync at the first call), then the other
      // modes the account has used since they were last read.
      const got = new Map<string, { remaining: number; total: number | undefined; windowSeconds: number | undefined } | null>();
      for (const mode of SYNC_MODES) got.set(mode, await this.client.rateLimits(r.token, mode));
      if (!r.tierPinned) {
        const inferred = tierFromTotals({ auto: got.get('auto')?.total, fast: got.get('fast')?.total });
        if (inferred !== undefined && inferred !== r.tier) r.tier = inferred;
      }
      for (const [mode, w] of Object.entries(r.quotas)) {
        if (got.has(mode) || !(mode in DEFAULT_QUOTAS[r.tier])) continue;
        if (w.remaining < w.total) got.set(mode, await this.client.rateLimits(r.token, mode));
      }
      const windows: Record<string, { remaining: number; total: number }> = {};
      for (const [bucket, window] of got) {
        // A mode this tier does not have is not a bucket of the account (a basic account's `auto`).
        if (!window || !(bucket in DEFAULT_QUOTAS[r.tier])) continue;
        windows[bucket] = this.storeWindow(r, bucket, window, now);
      }
      const media = await this.syncMedia(acc, now);
      if (r.status === 'invalid' && r.lastErrorKind === 'invalid-credential') {
        // The session answered again: it is alive after all.
        r.status = 'active';
      }
      this.pool.changed(acc);
      return { ok: true, tier: r.tier, windows, ...(media ? { media } : {}) };
    } catch (raw) {
      const err = raw instanceof GrokUpstreamError ? raw : classifyTransportError(raw);
      if (isAccountFault(err.kind)) this.pool.recordFailure(acc, 'auto', err);
      // Anything else (network, Cloudflare, 5xx): the ledger stands.
      return { ok: false, kind: err.kind, message: err.message };
    }
  }

  private storeWindow(
    r: PoolAccount['rec'],
    bucket: string,
    got: { remaining: number; total: number | undefined; windowSeconds: number | undefined },
    now: number,
  ): { remaining: number; total: number } {
    const d = DEFAULT_QUOTAS[r.tier][bucket];
    const prev = r.quotas[bucket];
    const windowSeconds = got.windowSeconds !== undefined && got.windowSeconds > 0 ? got.windowSeconds : (d?.windowSeconds ?? 7200);
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
    return { remaining: got.remaining, total };
  }

  /**
   * Reads quota_info and stores the snapshot as a whole. A failure other than a dead or blocked
   * session leaves the last snapshot in place (the chat windows were read fine).
   */
  private async syncMedia(acc: PoolAccount, now: number): Promise<Record<string, MediaQuota> | undefined> {
    if (!this.client.quotaInfo) return undefined;
    let snap: MediaQuotaSnapshot | null;
    try {
      snap = await this.client.quotaInfo(acc.rec.token);
    } catch (raw) {
      const err = raw instanceof GrokUpstreamError ? raw : classifyTransportError(raw);
      if (isAccountFault(err.kind)) throw err;
      this.opts.logger.debug({ account: acc.masked, kind: err.kind }, 'quota_info read failed; media buckets unchanged');
      return undefined;
    }
    if (!snap) return undefined;
    const media: Record<string, MediaQuota> = {};
    for (const [bucket, b] of Object.entries(snap)) {
      media[bucket] = {
        available: b.available,
        remaining: b.remaining ?? -1,
        windowSeconds: b.windowSeconds ?? 0,
        resetAt: b.resetAt ?? 0,
        syncedAt: now,
      };
    }
    acc.rec.mediaQuotas = media;
    return media;
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
