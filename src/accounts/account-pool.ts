// The account pool: every lease answered from memory in O(1) amortised time. Each (tier, bucket)
// pair has an LRU ring of accounts that can serve it right now; accounts whose bucket is used up
// or cooling are parked in a time heap and rejoin the ring when their window resets.
import type { GrokUpstreamError } from '../grok/index.js';
import type { AccountRecord, InflightCounter } from '../store/index.js';
import type { AccountLease, AccountSource, AccountSummary, AccountTier, LeaseOutcome, LeaseRequest, LeaseResult } from './account-source.js';
import { accountEffect } from '../failures/index.js';
import { LruRing } from './lru-ring.js';
import { MinHeap } from './min-heap.js';
import { currentWindow, refreshStatus, wrapRecord, type PoolAccount } from './pool-account.js';
import { DEFAULT_QUOTAS, TIER_ORDER, tierRank } from './quota-defaults.js';

export interface PoolSettings {
  maxInflight: number;
  invalidAfter: number;
  preferHigherTier: boolean;
}

export interface PoolHooks {
  /** An account changed (persist it). */
  onChange?: (acc: PoolAccount) => void;
  /** A bucket hit a rate limit: a quota sync for the account is worth doing. */
  onRateLimited?: (acc: PoolAccount, bucket: string) => void;
  /** A lease was released: a slot is free (the admission queue serves its waiters). */
  onRelease?: () => void;
}

const KNOWN_BUCKETS = new Set(Object.values(DEFAULT_QUOTAS).flatMap((q) => Object.keys(q)));
const ringKey = (tier: AccountTier, bucket: string): string => `${tier}|${bucket}`;
/** tiersFor's answers by minimum tier and order (a handful of constant lists). */
const TIERS_FOR = new Map<string, readonly AccountTier[]>();
/** No account is busy on another instance (most leases never meet one). */
const NONE_BUSY: ReadonlySet<string> = new Set();

export class AccountPool implements AccountSource {
  private readonly accounts = new Map<string, PoolAccount>();
  /** Ring per `tier|bucket` key, with the key's two parts (reindex runs on every release: no string slicing). */
  private readonly rings = new Map<string, { ring: LruRing<PoolAccount>; tier: AccountTier; bucket: string }>();
  private readonly parked = new MinHeap<{ acc: PoolAccount; key: string }>();

  constructor(
    private settings: () => PoolSettings,
    private readonly hooks: PoolHooks = {},
    /** Shared counter (redis/mysql) so the in-flight cap holds across instances; undefined = this process only. */
    private readonly sharedInflight?: InflightCounter,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- membership -------------------------------------------------------------------------

  get size(): number {
    return this.accounts.size;
  }

  get(id: string): PoolAccount | undefined {
    return this.accounts.get(id);
  }

  all(): IterableIterator<PoolAccount> {
    return this.accounts.values();
  }

  /** Inserts or replaces an account from a record (load, import, or another instance's change). */
  upsertRecord(rec: AccountRecord): PoolAccount {
    let acc = this.accounts.get(rec.id);
    if (acc) {
      acc.rec = rec;
    } else {
      acc = wrapRecord(rec);
      this.accounts.set(rec.id, acc);
    }
    this.reindex(acc);
    return acc;
  }

  remove(id: string): boolean {
    const acc = this.accounts.get(id);
    if (!acc) return false;
    this.detach(acc);
    this.accounts.delete(id);
    return true;
  }

  /** Call after mutating an account's record: re-evaluates its ring membership and persists it. */
  changed(acc: PoolAccount): void {
    acc.rec.updatedAt = Math.max(this.now(), acc.rec.updatedAt + 1);
    this.reindex(acc);
    this.hooks.onChange?.(acc);
  }

  private detach(acc: PoolAccount): void {
    for (const node of acc.nodes.values()) node.ring?.remove(node);
    acc.nodes.clear();
  }

  // ---- eligibility and indexing -------------------------------------------------------------

  /** 0 = can serve now; otherwise the time it can (Infinity = never without operator action). */
  private availableAt(acc: PoolAccount, bucket: string, now: number): number {
    refreshStatus(acc, now);
    const r = acc.rec;
    if (r.status === 'invalid' || r.status === 'disabled') return Infinity;
    const w = currentWindow(acc, bucket, now);
    if (!w) {
      // No window known: a bucket the tier has by default gets one on first use; a bucket no tier
      // knows (an operator's custom model) is assumed unlimited; a known bucket the tier lacks is not served.
      if (DEFAULT_QUOTAS[r.tier][bucket] || !KNOWN_BUCKETS.has(bucket)) return 0;
      return Infinity;
    }
    if (w.coolingUntil > now) return w.coolingUntil;
    if (w.remaining <= 0) return w.resetAt > now ? w.resetAt : now + w.windowSeconds * 1000;
    return 0;
  }

  private ring(tier: AccountTier, bucket: string): LruRing<PoolAccount> {
    const key = ringKey(tier, bucket);
    let ring = this.rings.get(key)?.ring;
    if (!ring) {
      // Built lazily on first use of a bucket, then kept up to date incrementally.
      ring = new LruRing<PoolAccount>();
      this.rings.set(key, { ring, tier, bucket });
      const now = this.now();
      const members = [...this.accounts.values()].filter((a) => a.rec.tier === tier).sort((a, b) => a.rec.lastUsedAt - b.rec.lastUsedAt);
      for (const acc of members) this.place(acc, key, bucket, ring, now);
    }
    return ring;
  }

  private place(acc: PoolAccount, key: string, bucket: string, ring: LruRing<PoolAccount>, now: number): void {
    const at = this.availableAt(acc, bucket, now);
    let node = acc.nodes.get(key);
    if (at === 0) {
      if (!node) {
        node = LruRing.node(acc);
        acc.nodes.set(key, node);
      }
      if (node.ring !== ring) ring.push(node);
    } else {
      if (node) ring.remove(node);
      if (at !== Infinity) this.parked.push(at, { acc, key });
    }
  }

  private reindex(acc: PoolAccount): void {
    const now = this.now();
    // A tier change (operator, or inferred by a quota sync) moves the account to other rings.
    const tier = acc.rec.tier;
    for (const [key, node] of acc.nodes) {
      if (this.rings.get(key)?.tier !== tier) {
        node.ring?.remove(node);
        acc.nodes.delete(key);
      }
    }
    for (const [key, r] of this.rings) {
      if (r.tier === tier) this.place(acc, key, r.bucket, r.ring, now);
    }
  }

  /** Parked accounts whose time has come rejoin their ring. */
  private unpark(now: number): void {
    for (let top = this.parked.peek(); top && top.at <= now; top = this.parked.peek()) {
      this.parked.pop();
      const { acc, key } = top.value;
      if (this.accounts.get(acc.rec.id) !== acc) continue;
      const r = this.rings.get(key);
      if (r !== undefined && r.tier === acc.rec.tier) this.place(acc, key, r.bucket, r.ring, now);
    }
  }

  /** The tiers that may serve `min`, in the order to try them (computed once per tier and order: every lease asks). */
  private tiersFor(min: AccountTier): readonly AccountTier[] {
    const higherFirst = this.settings().preferHigherTier;
    const key = higherFirst ? `${min}>` : min;
    let tiers = TIERS_FOR.get(key);
    if (tiers === undefined) {
      const up = TIER_ORDER.filter((t) => tierRank(t) >= tierRank(min));
      tiers = higherFirst ? up.reverse() : up;
      TIERS_FOR.set(key, tiers);
    }
    return tiers;
  }

  // ---- leasing -------------------------------------------------------------------------------

  private pick(req: LeaseRequest, skip: ReadonlySet<string>, now: number): PoolAccount | undefined {
    const max = this.settings().maxInflight;
    if (req.only !== undefined) return this.pickOnly(req, req.only, skip, now, max);
    for (const tier of this.tiersFor(req.tier)) {
      const ring = this.ring(tier, req.bucket);
      let node = ring.head;
      for (let scanned = 0; node && scanned < ring.size; scanned++) {
        const acc = node.value;
        const next = node.next;
        if (!req.exclude.has(acc.rec.id) && !skip.has(acc.rec.id) && acc.inflight < max) {
          if (this.availableAt(acc, req.bucket, now) === 0) {
            ring.moveToBack(node);
            return acc;
          }
          this.place(acc, ringKey(tier, req.bucket), req.bucket, ring, now);
        }
        node = next;
      }
    }
    return undefined;
  }

  /** The one named account, when it is eligible for the request (tier, quota, in-flight cap). */
  private pickOnly(req: LeaseRequest, id: string, skip: ReadonlySet<string>, now: number, max: number): PoolAccount | undefined {
    const acc = this.accounts.get(id);
    if (!acc || req.exclude.has(id) || skip.has(id) || acc.inflight >= max) return undefined;
    if (!this.tiersFor(req.tier).includes(acc.rec.tier)) return undefined;
    return this.availableAt(acc, req.bucket, now) === 0 ? acc : undefined;
  }

  /** Why the one named account cannot serve: cooling (with when), else exhausted (gone, invalid, busy, tier). */
  private whyNotOnly(req: LeaseRequest, id: string, now: number): LeaseResult {
    const acc = this.accounts.get(id);
    const at = acc && !req.exclude.has(id) && this.tiersFor(req.tier).includes(acc.rec.tier) ? this.availableAt(acc, req.bucket, now) : Infinity;
    if (at > now && at !== Infinity) return { ok: false, reason: 'cooling', retryAfterSeconds: Math.max(1, Math.ceil((at - now) / 1000)) };
    return { ok: false, reason: 'exhausted' };
  }

  async lease(req: LeaseRequest): Promise<LeaseResult> {
    if (this.accounts.size === 0) return { ok: false, reason: 'empty' };
    const now = this.now();
    this.unpark(now);
    let busyElsewhere: Set<string> | undefined;
    for (;;) {
      const acc = this.pick(req, busyElsewhere ?? NONE_BUSY, now);
      if (!acc) return req.only !== undefined ? this.whyNotOnly(req, req.only, now) : this.whyNone(req, now);
      if (this.sharedInflight) {
        // Another instance may hold this account's slots: confirm atomically in the shared store.
        let ok = false;
        try {
          ok = await this.sharedInflight.tryAcquire(acc.rec.id, this.settings().maxInflight);
        } catch {
          ok = true; // Store down: keep serving from memory (the local cap still holds).
        }
        if (!ok) {
          (busyElsewhere ??= new Set()).add(acc.rec.id);
          continue;
        }
      }
      acc.inflight++;
      acc.rec.lastUsedAt = now;
      return { ok: true, lease: this.makeLease(acc, req.bucket) };
    }
  }

  private whyNone(req: LeaseRequest, now: number): LeaseResult {
    let earliest = Infinity;
    let any = false;
    // An account able to serve now that pick() passed over is at its in-flight cap (here or on
    // another instance): the request is worth queueing for, not a configuration problem.
    let busy = false;
    for (const tier of this.tiersFor(req.tier)) {
      for (const acc of this.accounts.values()) {
        if (acc.rec.tier !== tier) continue;
        any = true;
        if (req.exclude.has(acc.rec.id)) continue;
        const at = this.availableAt(acc, req.bucket, now);
        if (at === 0) busy = true;
        else if (at > now && at < earliest) earliest = at;
      }
    }
    if (!any) return { ok: false, reason: 'exhausted' };
    if (busy) return { ok: false, reason: 'busy' };
    if (earliest !== Infinity) return { ok: false, reason: 'cooling', retryAfterSeconds: Math.max(1, Math.ceil((earliest - now) / 1000)) };
    return { ok: false, reason: 'exhausted' };
  }

  private makeLease(acc: PoolAccount, bucket: string): AccountLease {
    let released = false;
    return {
      accountId: acc.rec.id,
      token: acc.rec.token,
      masked: acc.masked,
      release: (outcome: LeaseOutcome) => {
        if (released) return;
        released = true;
        acc.inflight = Math.max(0, acc.inflight - 1);
        const shared = this.sharedInflight ? this.sharedInflight.release(acc.rec.id).catch(() => undefined) : undefined;
        if (this.accounts.get(acc.rec.id) === acc) {
          if (outcome.ok) this.recordSuccess(acc, bucket);
          else this.recordFailure(acc, bucket, outcome.error);
        }
        // After the outcome is recorded (a failure may have parked the account), and once the
        // shared slot is really given back, so a waiter's lease finds it free.
        if (this.hooks.onRelease) {
          if (shared) void shared.then(this.hooks.onRelease);
          else this.hooks.onRelease();
        }
      },
    };
  }

  // ---- outcomes ------------------------------------------------------------------------------

  private recordSuccess(acc: PoolAccount, bucket: string): void {
    const now = this.now();
    const r = acc.rec;
    r.calls++;
    r.lastSuccessAt = now;
    r.consecutiveFailures = 0;
    acc.credentialStrikes = 0;
    const w = currentWindow(acc, bucket, now) ?? this.createWindow(acc, bucket);
    if (w) {
      if (w.resetAt <= now) w.resetAt = now + w.windowSeconds * 1000; // the window starts at first use
      w.remaining = Math.max(0, w.remaining - 1);
    }
    this.changed(acc);
  }

  private createWindow(acc: PoolAccount, bucket: string) {
    const d = DEFAULT_QUOTAS[acc.rec.tier][bucket];
    if (!d) return undefined;
    const w = { remaining: d.total, total: d.total, windowSeconds: d.windowSeconds, resetAt: 0, syncedAt: 0, coolingUntil: 0 };
    acc.rec.quotas[bucket] = w;
    return w;
  }

  /**
   * Applies a classified failure to the account (also used by the quota sync and token tests); what
   * each kind does to an account is the failure table's `account` column (src/failures).
   */
  recordFailure(acc: PoolAccount, bucket: string, err: GrokUpstreamError): void {
    const now = this.now();
    const r = acc.rec;
    r.calls++;
    r.failures++;
    r.consecutiveFailures++;
    r.lastErrorKind = err.kind;
    r.lastErrorMessage = err.message.slice(0, 300);
    switch (accountEffect(err.kind)) {
      case 'invalidate':
        r.status = 'invalid';
        break;
      case 'invalidate-after-threshold':
        acc.credentialStrikes++;
        if (acc.credentialStrikes >= this.settings().invalidAfter) r.status = 'invalid';
        break;
      case 'cool-bucket': {
        const w = currentWindow(acc, bucket, now) ?? this.createWindow(acc, bucket) ?? (r.quotas[bucket] = { remaining: 0, total: 0, windowSeconds: 7200, resetAt: 0, syncedAt: 0, coolingUntil: 0 });
        // Until the upstream's Retry-After when it gave one, else until the window resets.
        const until = err.retryAfterSeconds !== undefined ? now + err.retryAfterSeconds * 1000 : w.resetAt > now ? w.resetAt : now + w.windowSeconds * 1000;
        w.coolingUntil = until;
        w.remaining = 0;
        if (w.resetAt <= now) w.resetAt = until;
        if (r.status === 'active') r.status = 'cooling';
        r.coolingUntil = Math.max(r.coolingUntil, until);
        this.hooks.onRateLimited?.(acc, bucket);
        break;
      }
      case 'none':
        break;
    }
    this.changed(acc);
  }

  // ---- reporting -----------------------------------------------------------------------------

  /** Tiers of the accounts that may serve at all (not invalid, not disabled): what /v1/models offers. */
  servingTiers(): Set<AccountTier> {
    const tiers = new Set<AccountTier>();
    for (const acc of this.accounts.values()) if (acc.rec.status !== 'invalid' && acc.rec.status !== 'disabled') tiers.add(acc.rec.tier);
    return tiers;
  }

  summary(): AccountSummary {
    const now = this.now();
    const s: AccountSummary = { total: this.accounts.size, active: 0, cooling: 0, invalid: 0, disabled: 0 };
    for (const acc of this.accounts.values()) {
      refreshStatus(acc, now);
      s[acc.rec.status]++;
    }
    return s;
  }

  updateSettings(settings: () => PoolSettings): void {
    this.settings = settings;
  }
}
