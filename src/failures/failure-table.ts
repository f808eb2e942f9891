// The one failure policy (DESIGN "Failures are classified once"): the classifier in src/grok/
// turns every upstream signal into a kind, and this table alone says what each kind does: to the
// account that met it, to the proxy it went through, to the request (retry or not, and on what),
// and what an OpenAI client is told once no attempt is left. The accounts pool, the egress
// service, the retry layer and the OpenAI edge all read it; test/failures/ checks it row by row.
// A leaf: it imports nothing from other src/ folders, so every layer may import it.
import { z } from 'zod';

export const failureKindSchema = z.enum([
  'invalid-credential',
  'blocked-account',
  'rate-limited',
  'anti-bot',
  'safety-refusal',
  'upstream-5xx',
  'transport',
  'timeout',
  'bad-request',
  // The turn ended "successfully" with no answer text, no image and no tool call (protocol drift or
  // a silent upstream failure): retried on another account once, then a 502 empty_answer.
  'empty-answer',
]);
export type FailureKind = z.infer<typeof failureKindSchema>;
export const FAILURE_KINDS = failureKindSchema.options;

/**
 * What the account that met the failure suffers: invalid at once, invalid after
 * accounts.invalid_after strikes, the request's quota bucket cooled (until Retry-After or the
 * window's reset), or nothing.
 */
export const accountEffectSchema = z.enum(['invalidate', 'invalidate-after-threshold', 'cool-bucket', 'none']);
export type AccountEffect = z.infer<typeof accountEffectSchema>;

/** What a retry changes: always the account (never one already tried); the proxy too when it was at fault. */
export const retryTargetSchema = z.enum(['another-account', 'another-proxy']);
export type RetryTarget = z.infer<typeof retryTargetSchema>;

/**
 * Whether a failed attempt is worth another (only before the first byte reached the client, and
 * within retry.max_attempts and retry.budget):
 * - never: the same request fails the same way everywhere;
 * - once: one more attempt for this kind per request, not one per account;
 * - by-status: when the upstream status is in retry.statuses; a failure without an HTTP answer
 *   is compared as `statusWithoutHttp`.
 */
export const retryRuleSchema = z.discriminatedUnion('when', [
  z.object({ when: z.literal('never') }),
  z.object({ when: z.literal('once'), on: z.array(retryTargetSchema).readonly() }),
  z.object({ when: z.literal('by-status'), on: z.array(retryTargetSchema).readonly(), statusWithoutHttp: z.number().int() }),
]);
export type RetryRule = z.infer<typeof retryRuleSchema>;

/** The OpenAI error types a failure kind may be shown as (a subset of the edge's envelope types). */
export const clientErrorTypeSchema = z.enum(['invalid_request_error', 'rate_limit_error', 'upstream_error']);
export type ClientErrorType = z.infer<typeof clientErrorTypeSchema>;

/** What an OpenAI client sees: status and a distinct, stable `code` (SDK retry logic keys on both). */
export const clientErrorSchema = z.object({
  status: z.number().int(),
  type: clientErrorTypeSchema,
  code: z.string(),
  message: z.string(),
  /** Sends Retry-After (the upstream's, else 60 s): only for rate limits. */
  retryAfter: z.boolean(),
});
export type ClientError = z.infer<typeof clientErrorSchema>;

export const failurePolicySchema = z.object({
  account: accountEffectSchema,
  /** The egress's fault (proxy, its IP's Cloudflare standing, the network path): counted against the proxy. */
  egressFault: z.boolean(),
  retry: retryRuleSchema,
  openai: clientErrorSchema,
});
export type FailurePolicy = z.infer<typeof failurePolicySchema>;

const OTHER_ACCOUNT: readonly RetryTarget[] = ['another-account'];
const OTHER_ACCOUNT_AND_PROXY: readonly RetryTarget[] = ['another-account', 'another-proxy'];
/** Compared with retry.statuses as 502 (the status a gateway answers for an unreachable upstream). */
const NO_ANSWER = 502;

export const FAILURE_TABLE: Readonly<Record<FailureKind, FailurePolicy>> = {
  'invalid-credential': {
    // One rejection may be a hiccup; accounts.invalid_after of them in a row kill the account.
    account: 'invalidate-after-threshold',
    egressFault: false,
    retry: { when: 'by-status', on: OTHER_ACCOUNT, statusWithoutHttp: NO_ANSWER },
    // Never 401: a 401 would make the client believe its own API key is wrong.
    openai: { status: 502, type: 'upstream_error', code: 'upstream_auth_failed', message: 'The Grok account session was rejected (SSO cookie invalid or expired)', retryAfter: false },
  },
  'blocked-account': {
    account: 'invalidate',
    egressFault: false,
    retry: { when: 'by-status', on: OTHER_ACCOUNT, statusWithoutHttp: NO_ANSWER },
    openai: { status: 502, type: 'upstream_error', code: 'upstream_account_blocked', message: 'The Grok account is blocked', retryAfter: false },
  },
  'rate-limited': {
    account: 'cool-bucket',
    egressFault: false,
    retry: { when: 'by-status', on: OTHER_ACCOUNT, statusWithoutHttp: NO_ANSWER },
    openai: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Grok rate limit reached on every available account', retryAfter: true },
  },
  'anti-bot': {
    // A Cloudflare challenge is about egress IP, TLS fingerprint and clearance, not the account.
    account: 'none',
    egressFault: true,
    retry: { when: 'by-status', on: OTHER_ACCOUNT_AND_PROXY, statusWithoutHttp: NO_ANSWER },
    openai: { status: 502, type: 'upstream_error', code: 'upstream_forbidden', message: 'Grok refused the request (Cloudflare / anti-bot challenge: check cf_clearance, User-Agent and proxy)', retryAfter: false },
  },
  'safety-refusal': {
    // A verdict on this request's content: the same content gets the same answer everywhere.
    account: 'none',
    egressFault: false,
    retry: { when: 'never' },
    openai: { status: 400, type: 'invalid_request_error', code: 'content_policy_violation', message: 'Grok refused the request for safety reasons', retryAfter: false },
  },
  'upstream-5xx': {
    account: 'none',
    egressFault: false,
    retry: { when: 'by-status', on: OTHER_ACCOUNT, statusWithoutHttp: NO_ANSWER },
    openai: { status: 502, type: 'upstream_error', code: 'upstream_error', message: 'Grok answered with a server error', retryAfter: false },
  },
  transport: {
    account: 'none',
    egressFault: true,
    retry: { when: 'by-status', on: OTHER_ACCOUNT_AND_PROXY, statusWithoutHttp: NO_ANSWER },
    openai: { status: 502, type: 'upstream_error', code: 'upstream_unreachable', message: 'Could not reach Grok (network error)', retryAfter: false },
  },
  timeout: {
    // A slow answer is not the proxy's fault (a connect timeout is classified `transport`).
    account: 'none',
    egressFault: false,
    retry: { when: 'by-status', on: OTHER_ACCOUNT, statusWithoutHttp: 504 },
    openai: { status: 504, type: 'upstream_error', code: 'upstream_timeout', message: 'Grok did not answer in time', retryAfter: false },
  },
  'bad-request': {
    // Grok rejected the request itself (INVALID_ARGUMENT, an unknown 4xx): every account would.
    account: 'none',
    egressFault: false,
    retry: { when: 'never' },
    openai: { status: 502, type: 'upstream_error', code: 'upstream_bad_request', message: 'Grok rejected the request', retryAfter: false },
  },
  'empty-answer': {
    // Seen on healthy accounts when grok.com changes its protocol: worth one other account, not
    // every one (a protocol change empties them all), and not the account's fault.
    account: 'none',
    egressFault: false,
    retry: { when: 'once', on: OTHER_ACCOUNT },
    openai: { status: 502, type: 'upstream_error', code: 'empty_answer', message: 'Grok ended the turn without an answer (no text, image or tool call)', retryAfter: false },
  },
};
