// The retries of one media request (image drawing, image edit, video), shared by ImageService and
// VideoService. Every attempt takes another account and one egress route for all it sends: chat
// calls, uploads, media posts, the imagine WebSocket, and asset downloads unless the asset pool
// carries them. A failure that is the proxy's fault is reported once, and the next attempt keeps
// off that proxy, as on the chat path.
import type { AccountSource, AccountTier } from '../accounts/index.js';
import type { ModelSpec } from '../config/index.js';
import { RouteAttempts, type EgressRoute, type EgressSelector } from '../egress/index.js';
import { withRouteLabels } from './route-labels.js';
import { runWithAccountRetries, type AttemptRecord, type RetryPolicy } from './retry.js';

export interface MediaAttemptDeps {
  accounts: AccountSource;
  /** Outbound proxies (absent = every call leaves by the clients' defaults). */
  egress?: EgressSelector | undefined;
  onRetry?: ((info: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }) => void) | undefined;
}

export interface MediaAttemptResult<T> {
  value: T;
  /** The masked account of the successful attempt (its lease is already released). */
  account: string;
  /** Every attempt, with the egress it left through. */
  attempts: AttemptRecord[];
}

/**
 * Runs `attempt(token, route)` on one account after another (RetryPolicy), the route being that
 * account's egress for this attempt (undefined without an egress service).
 */
export async function runMediaAttempts<T>(
  deps: MediaAttemptDeps,
  spec: ModelSpec,
  job: { requestId: string; signal: AbortSignal },
  policy: RetryPolicy,
  attempt: (token: string, route: EgressRoute | undefined, accountId: string) => Promise<T>,
): Promise<MediaAttemptResult<T>> {
  const egress = new RouteAttempts(deps.egress, job.signal);
  const result = await withRouteLabels(egress, () =>
    runWithAccountRetries({
      accounts: deps.accounts,
      tier: spec.tier as AccountTier,
      bucket: spec.bucket,
      policy,
      signal: job.signal,
      onRetry: (r) => deps.onRetry?.({ requestId: job.requestId, attempt: r.attempt, account: r.account, kind: r.error.kind, delayMs: r.delayMs }),
      attempt: (lease) => egress.run(lease.accountId, (route) => attempt(lease.token, route, lease.accountId)),
    }),
  );
  result.lease.release({ ok: true });
  return { value: result.value, account: result.lease.masked, attempts: result.attempts };
}
