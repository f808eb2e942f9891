// The interface the gateway leases accounts through. The seeded round-robin source below is the
// minimal implementation; the account-pool issue replaces it with quotas, tiers and persistence.
import type { AbortLike, GrokUpstreamError } from '../grok/index.js';

export type AccountTier = 'basic' | 'super' | 'heavy';

export interface LeaseRequest {
  /** The model's minimum tier. */
  tier: AccountTier;
  /** Quota bucket (upstream mode) the call spends. */
  bucket: string;
  /** Accounts already tried for this request: never leased again for it. */
  exclude: ReadonlySet<string>;
  /** The request's cancellation: a request waiting for a free account stops waiting when it fires. */
  signal?: AbortLike | undefined;
  /** Lease only this account (a conversation continued where it lives), or nothing. */
  only?: string | undefined;
}

export type LeaseOutcome = { ok: true } | { ok: false; error: GrokUpstreamError };

export interface AccountLease {
  accountId: string;
  /** The whole SSO token: only ever sent upstream, never logged. */
  token: string;
  /** `first6****last4`, safe for logs and listings. */
  masked: string;
  /** Must be called exactly once; tells the source how the call went. */
  release(outcome: LeaseOutcome): void;
}

export type LeaseResult =
  | { ok: true; lease: AccountLease }
  | {
      ok: false;
      /**
       * empty: no accounts at all; cooling: all rate limited; exhausted: none usable or all tried;
       * busy: usable accounts exist but all are at accounts.max_inflight (after the admission wait).
       */
      reason: 'empty' | 'cooling' | 'exhausted' | 'busy';
      /** For `cooling` and `busy`: seconds worth waiting before trying again. */
      retryAfterSeconds?: number;
    };

export interface AccountSummary {
  total: number;
  active: number;
  cooling: number;
  invalid: number;
  disabled: number;
}

export interface AccountSource {
  /** Picks an account from memory; with a shared store the in-flight cap is confirmed atomically there. */
  lease(req: LeaseRequest): Promise<LeaseResult>;
  summary(): AccountSummary;
  /** Tiers of the accounts that may serve at all (absent: every model is offered). */
  servingTiers?(): ReadonlySet<AccountTier>;
}
