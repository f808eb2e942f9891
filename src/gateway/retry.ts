// Account-switching retries. Every attempt leases a different account (never one already tried
// for this request); a failure is classified once, the account's fate recorded at release, and
// the client is told (a CallError the edge renders) only when no attempt is left. Whether a failure is worth
// another attempt is decided by its kind (src/failures, the `retry` column).
import type { AccountLease, AccountSource, AccountTier } from '../accounts/index.js';
import { sleepUnlessAborted, type AbortLike, GrokUpstreamError, classifyTransportError, type FailureKind } from '../grok/index.js';
import { CallError, callErrorForKind, isRetryable } from '../failures/index.js';

export interface RetryPolicy {
  maxAttempts: number;
  /**
   * retry.statuses: for the kinds retried by status, the upstream statuses worth another account
   * (failures without an HTTP answer count as the table's statusWithoutHttp: 502, timeouts 504).
   */
  statuses: readonly number[];
  backoffBaseMs: number;
  backoffFactor: number;
  backoffMaxMs: number;
  /** Total time budget for all attempts and waits. */
  budgetMs: number;
}

export interface AttemptRecord {
  account: string;
  kind: FailureKind | undefined;
  status: number;
  /** Egress the attempt left through (`direct` or the masked proxy URL), when known. */
  proxy?: string | undefined;
}

export interface RetryResult<T> {
  value: T;
  lease: AccountLease;
  attempts: AttemptRecord[];
}

/** Thrown when the retry layer gives up; carries the attempts for the call log. */
export class RetriesExhaustedError extends CallError {
  attempts: AttemptRecord[] = [];
}

/** Full jitter (AWS style): uniform in [0, min(max, base * factor^k)]. */
export function backoffDelayMs(policy: RetryPolicy, retryIndex: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * policy.backoffFactor ** retryIndex);
  return Math.floor(random() * cap);
}


function withAttempts(err: CallError, attempts: AttemptRecord[]): RetriesExhaustedError {
  const out = new RetriesExhaustedError(err.status, err.message, {
    code: err.code,
    param: err.param,
    headers: err.headers,
    ...(err.kind ? { kind: err.kind } : {}),
  });
  out.attempts = attempts;
  return out;
}

export function allAccountsBusy(retryAfterSeconds = 1): CallError {
  return new CallError(429, 'Every Grok account is busy (accounts.max_inflight) and the wait for a free one ran out; retry shortly', {
    code: 'all_accounts_busy',
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

export async function runWithAccountRetries<T>(opts: {
  accounts: AccountSource;
  tier: AccountTier;
  bucket: string;
  policy: RetryPolicy;
  signal?: AbortLike;
  attempt: (lease: AccountLease, attemptIndex: number) => Promise<T>;
  onRetry?: (info: { attempt: number; account: string; error: GrokUpstreamError; delayMs: number }) => void;
}): Promise<RetryResult<T>> {
  const { accounts, policy, signal } = opts;
  const started = Date.now();
  const exclude = new Set<string>();
  const attempts: AttemptRecord[] = [];
  let lastError: GrokUpstreamError | undefined;

  for (let i = 0; i < Math.max(1, policy.maxAttempts); i++) {
    const leased = await accounts.lease({ tier: opts.tier, bucket: opts.bucket, exclude, signal });
    if (!leased.ok) {
      // Healthy accounts, all at accounts.max_inflight for the whole admission wait: a 429 the
      // client may retry, never a 503 (which load balancers read as "this instance is broken").
      if (leased.reason === 'busy') throw withAttempts(allAccountsBusy(leased.retryAfterSeconds), attempts);
      if (leased.reason === 'cooling') {
        throw withAttempts(
          callErrorForKind('rate-limited', 'every eligible account is cooling down', leased.retryAfterSeconds),
          attempts,
        );
      }
      if (lastError) throw withAttempts(callErrorForKind(lastError.kind, lastError.message, lastError.retryAfterSeconds), attempts);
      const msg =
        leased.reason === 'empty'
          ? 'No Grok account is configured: add SSO tokens (GROK2API_SSO_TOKENS or the admin console)'
          : 'No usable Grok account is available for this model right now';
      throw withAttempts(new CallError(503, msg, { code: 'no_available_account' }), attempts);
    }
    const lease = leased.lease;
    exclude.add(lease.accountId);
    try {
      const value = await opts.attempt(lease, i);
      attempts.push({ account: lease.masked, kind: undefined, status: 200 });
      return { value, lease, attempts };
    } catch (raw) {
      if (raw instanceof CallError) {
        lease.release({ ok: true });
        throw raw;
      }
      if (signal?.aborted) {
        // The client went away: not the account's fault, nothing to retry.
        lease.release({ ok: true });
        throw raw;
      }
      const err = raw instanceof GrokUpstreamError ? raw : classifyTransportError(raw);
      lease.release({ ok: false, error: err });
      attempts.push({ account: lease.masked, kind: err.kind, status: err.status });
      lastError = err;
      const elapsed = Date.now() - started;
      const earlierOfKind = attempts.filter((a) => a.kind === err.kind).length - 1;
      const retryable = isRetryable({ kind: err.kind, status: err.status, retryStatuses: policy.statuses, earlierOfKind });
      if (!retryable || i + 1 >= policy.maxAttempts) break;
      const delayMs = backoffDelayMs(policy, i);
      if (elapsed + delayMs > policy.budgetMs) break;
      opts.onRetry?.({ attempt: i + 1, account: lease.masked, error: err, delayMs });
      await sleepUnlessAborted(delayMs, signal);
      if (signal?.aborted) throw raw;
    }
  }
  const last = lastError as GrokUpstreamError;
  throw withAttempts(callErrorForKind(last.kind, last.message, last.retryAfterSeconds), attempts);
}
