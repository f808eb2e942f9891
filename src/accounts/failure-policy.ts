// What each failure kind does to the account that met it. One table, so the rules are easy to
// read and to test: credential problems kill the account, rate limits cool one bucket, and
// everything that is about the network, Cloudflare or Grok's servers leaves the account alone.
import type { FailureKind } from '../grok/errors.js';

export type AccountEffect = 'invalidate-after-threshold' | 'invalidate' | 'cool-bucket' | 'none';

export const FAILURE_EFFECT: Record<FailureKind, AccountEffect> = {
  'invalid-credential': 'invalidate-after-threshold',
  'blocked-account': 'invalidate',
  'rate-limited': 'cool-bucket',
  // A Cloudflare challenge is about egress IP, TLS fingerprint and clearance, not the account.
  'anti-bot': 'none',
  'safety-refusal': 'none',
  'upstream-5xx': 'none',
  transport: 'none',
  timeout: 'none',
  'bad-request': 'none',
  // Seen on healthy accounts when grok.com changes its protocol: not the account's fault.
  'empty-answer': 'none',
};
