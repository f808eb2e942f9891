// The in-memory account: the persisted record plus run-time state that never leaves the process.
import type { AccountRecord, QuotaWindow } from '../store/index.js';
import type { AccountTier } from './account-source.js';
import type { RingNode } from './lru-ring.js';
import { DEFAULT_QUOTAS } from './quota-defaults.js';
import { maskToken } from './mask-token.js';
import { accountIdFor } from './account-id.js';

export interface PoolAccount {
  rec: AccountRecord;
  masked: string;
  /** Calls this process has in flight on the account. */
  inflight: number;
  /** Consecutive invalid-credential answers (run-time; a success resets it). */
  credentialStrikes: number;
  /** Ring membership per `tier|bucket` key. */
  nodes: Map<string, RingNode<PoolAccount>>;
}

export function wrapRecord(rec: AccountRecord): PoolAccount {
  return { rec, masked: maskToken(rec.token), inflight: 0, credentialStrikes: 0, nodes: new Map() };
}

export function defaultQuotas(tier: AccountTier, _now?: number): Record<string, QuotaWindow> {
  const out: Record<string, QuotaWindow> = {};
  for (const [bucket, d] of Object.entries(DEFAULT_QUOTAS[tier])) {
    out[bucket] = { remaining: d.total, total: d.total, windowSeconds: d.windowSeconds, resetAt: 0, syncedAt: 0, coolingUntil: 0 };
  }
  return out;
}

export function newAccountRecord(token: string, tier: AccountTier, now: number, extra: { tierPinned?: boolean; tags?: string[]; note?: string; proxyId?: string } = {}): AccountRecord {
  return {
    id: accountIdFor(token),
    token,
    tier,
    tierPinned: extra.tierPinned ?? false,
    status: 'active',
    coolingUntil: 0,
    quotas: defaultQuotas(tier, now),
    tags: extra.tags ?? [],
    note: extra.note ?? '',
    ...(extra.proxyId ? { proxyId: extra.proxyId } : {}),
    createdAt: now,
    lastUsedAt: 0,
    lastSuccessAt: 0,
    calls: 0,
    failures: 0,
    consecutiveFailures: 0,
    updatedAt: now,
  };
}

/** The window for a bucket, refilled locally when its reset time has passed. */
export function currentWindow(acc: PoolAccount, bucket: string, now: number): QuotaWindow | undefined {
  const w = acc.rec.quotas[bucket];
  if (w && w.resetAt > 0 && w.resetAt <= now && w.remaining < w.total) {
    // The window rolled over and nobody synced it: trust the known total (the ledger stands).
    w.remaining = w.total;
    w.resetAt = 0;
  }
  return w;
}

/** Cooling ends by itself: an account whose cooling time passed is active again. */
export function refreshStatus(acc: PoolAccount, now: number): void {
  const r = acc.rec;
  if (r.status !== 'cooling') return;
  let until = r.coolingUntil;
  for (const w of Object.values(r.quotas)) if (w.coolingUntil > until) until = w.coolingUntil;
  if (until <= now) {
    r.status = 'active';
    r.coolingUntil = 0;
  } else {
    r.coolingUntil = until;
  }
}
