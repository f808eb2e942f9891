// One classifier for every upstream failure (DESIGN "Failures are classified once").
// The kind decides the account's fate, whether the gateway retries, and what the client sees.

export const FAILURE_KINDS = [
  'invalid-credential',
  'blocked-account',
  'rate-limited',
  'anti-bot',
  'safety-refusal',
  'upstream-5xx',
  'transport',
  'timeout',
  'bad-request',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Body markers that mean the SSO session is dead (protocol 8.4), checked case-insensitively. */
const INVALID_CREDENTIAL_MARKERS = [
  'invalid-credentials',
  'bad-credentials',
  'failed to look up session id',
  'session not found',
  'token revoked',
  'token expired',
];
/** Markers that mean the account itself is blocked (never usable again). */
const BLOCKED_MARKERS = ['blocked-user', 'email-domain-rejected', 'account suspended', 'suspended'];
/** Cloudflare's interstitial and anti-bot answers: an egress/clearance problem, not the account's. */
const ANTI_BOT_MARKERS = ['just a moment', 'cf-chl', 'challenge-platform', 'attention required', 'anti-bot'];
const SAFETY_MARKERS = ['content moderated', 'safety', 'content_policy', 'moderation'];

/** The longest slice of an upstream body kept in errors and logs. */
const BODY_EXCERPT_CHARS = 300;

export interface UpstreamFailureInfo {
  kind: FailureKind;
  /** HTTP status from upstream (0 for transport and timeout failures). */
  status: number;
  message: string;
  /** Seconds until the upstream says we may retry (429), when known. */
  retryAfterSeconds?: number | undefined;
}

/** A classified failure talking to Grok. Thrown by src/grok/, handled by src/gateway/. */
export class GrokUpstreamError extends Error {
  readonly kind: FailureKind;
  readonly status: number;
  readonly bodyExcerpt: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(info: UpstreamFailureInfo & { bodyExcerpt?: string; cause?: unknown }) {
    super(info.message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'GrokUpstreamError';
    this.kind = info.kind;
    this.status = info.status;
    this.bodyExcerpt = info.bodyExcerpt ?? '';
    this.retryAfterSeconds = info.retryAfterSeconds;
  }
}

export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

function includesAny(haystack: string, needles: readonly string[]): boolean {
  return needles.some((n) => haystack.includes(n));
}

/** Classify a non-200 HTTP answer from any grok.com REST endpoint. */
export function classifyHttpFailure(status: number, body: string, retryAfterHeader?: string | null): GrokUpstreamError {
  const lower = body.toLowerCase();
  const ex = excerpt(body);
  const credentialStatus = status === 400 || status === 401 || status === 403;
  let kind: FailureKind;
  if (credentialStatus && includesAny(lower, BLOCKED_MARKERS)) kind = 'blocked-account';
  else if (credentialStatus && includesAny(lower, INVALID_CREDENTIAL_MARKERS)) kind = 'invalid-credential';
  else if (status === 401) kind = 'invalid-credential';
  else if (status === 429) kind = 'rate-limited';
  else if (status === 403) kind = 'anti-bot';
  else if (status >= 500) kind = 'upstream-5xx';
  else if (status === 408) kind = 'timeout';
  else if (status >= 400 && includesAny(lower, SAFETY_MARKERS)) kind = 'safety-refusal';
  else kind = 'bad-request';
  if (kind === 'anti-bot' && !includesAny(lower, ANTI_BOT_MARKERS) && lower.trim().startsWith('{')) {
    // A JSON 403 without a known marker: still treated as anti-bot (protocol 9.1), the account is untouched.
    kind = 'anti-bot';
  }
  const retryAfter = parseRetryAfter(retryAfterHeader);
  return new GrokUpstreamError({
    kind,
    status,
    message: `Grok answered HTTP ${status} (${kind})${ex ? `: ${ex}` : ''}`,
    bodyExcerpt: ex,
    retryAfterSeconds: retryAfter,
  });
}

/** Classify an in-band `{"error":{...}}` stream line (protocol 3.5.12). */
export function classifyInBandError(code: unknown, message: string): GrokUpstreamError {
  const lower = message.toLowerCase();
  const rateLimited = code === 8 || lower.includes('too many requests') || lower.includes('rate limit');
  let kind: FailureKind = rateLimited ? 'rate-limited' : 'upstream-5xx';
  if (!rateLimited && includesAny(lower, BLOCKED_MARKERS)) kind = 'blocked-account';
  else if (!rateLimited && includesAny(lower, INVALID_CREDENTIAL_MARKERS)) kind = 'invalid-credential';
  return new GrokUpstreamError({
    kind,
    status: rateLimited ? 429 : 502,
    message: `Grok stream error${code === undefined ? '' : ` (code ${String(code)})`}: ${excerpt(message)}`,
    bodyExcerpt: excerpt(message),
  });
}

/** Classify a thrown network error (undici / ws / Node socket errors). */
export function classifyTransportError(err: unknown): GrokUpstreamError {
  if (err instanceof GrokUpstreamError) return err;
  const e = err as { name?: string; code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  const name = e?.name ?? '';
  const msg = e?.message ?? String(err);
  // A connect timeout sent nothing upstream: it is a transport failure (retried elsewhere, counted
  // against the proxy), not a slow answer.
  const timeout =
    code !== 'UND_ERR_CONNECT_TIMEOUT' &&
    (name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT');
  return new GrokUpstreamError({
    kind: timeout ? 'timeout' : 'transport',
    status: 0,
    message: `${timeout ? 'Timed out talking to Grok' : 'Network error talking to Grok'}: ${code ? `${code} ` : ''}${excerpt(msg)}`,
    cause: err,
  });
}

export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return undefined;
}
