// The questions the four readers of the failure table ask, as small pure functions, so none of
// them re-derives a rule from the kind (accounts: what happens to me; egress: was it the proxy;
// retry layer: one more attempt; OpenAI edge: what does the client see).
import { FAILURE_TABLE, type AccountEffect, type ClientError, type FailureKind, type RetryTarget } from './failure-table.js';

export function accountEffect(kind: FailureKind): AccountEffect {
  return FAILURE_TABLE[kind].account;
}

/**
 * The account itself is the problem (dead session, blocked): side calls such as a quota sync or a
 * token test record these against the account and shrug off the rest (network, Cloudflare, 5xx).
 */
export function isAccountFault(kind: FailureKind): boolean {
  const effect = accountEffect(kind);
  return effect === 'invalidate' || effect === 'invalidate-after-threshold';
}

/** Counted against the proxy the attempt went through, which the request's next attempts avoid. */
export function isEgressFault(kind: FailureKind): boolean {
  return FAILURE_TABLE[kind].egressFault;
}

export interface RetryQuestion {
  kind: FailureKind;
  /** The upstream HTTP status the failure carried; 0 when there was no HTTP answer. */
  status: number;
  /** retry.statuses from the config. */
  retryStatuses: readonly number[];
  /** Failures of this same kind earlier in this request (not counting this one). */
  earlierOfKind: number;
}

/**
 * Whether the failure itself is worth another attempt. The caller still checks what is left of
 * retry.max_attempts and retry.budget, and that nothing reached the client yet.
 */
export function isRetryable(q: RetryQuestion): boolean {
  const rule = FAILURE_TABLE[q.kind].retry;
  switch (rule.when) {
    case 'never':
      return false;
    case 'once':
      return q.earlierOfKind === 0;
    case 'by-status':
      return q.retryStatuses.includes(q.status > 0 ? q.status : rule.statusWithoutHttp);
  }
}

/** What a retry of this kind changes (empty for a kind that is never retried). */
export function retryTargets(kind: FailureKind): readonly RetryTarget[] {
  const rule = FAILURE_TABLE[kind].retry;
  return rule.when === 'never' ? [] : rule.on;
}

/** Seconds of Retry-After when no upstream value is known (a rate limit's window is unknown). */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

export interface ClientFailure {
  status: number;
  type: ClientError['type'];
  code: string;
  message: string;
  headers: Record<string, string>;
}

/** What an OpenAI client is told for a kind: the table's row, the detail appended, Retry-After when due. */
export function clientFailure(kind: FailureKind, detail: string | undefined, retryAfterSeconds?: number): ClientFailure {
  const row = FAILURE_TABLE[kind].openai;
  const headers: Record<string, string> = {};
  if (row.retryAfter) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS)));
  return { status: row.status, type: row.type, code: row.code, message: detail ? `${row.message}: ${detail}` : row.message, headers };
}
