// One classifier for every upstream failure (DESIGN "Failures are classified once"): HTTP status
// and body, in-band stream errors, session status and transport errors all become a kind. What a
// kind does (account, egress, retry, client) is src/failures/failure-table.ts, not decided here.

// The kinds live with the policy table (src/failures/); re-exported so grok/ imports keep working.
import { EMPTY_ANSWER_MESSAGE, type FailureKind } from '../failures/index.js';
export { FAILURE_KINDS, type FailureKind } from '../failures/index.js';

/**
 * Body markers that mean the SSO session is dead, checked case-insensitively: the April protocol's
 * list plus the August classifier's credential markers (docs/grok-protocol.md "error markers").
 */
const INVALID_CREDENTIAL_MARKERS = [
  'invalid-credentials',
  'bad-credentials',
  'failed to look up session id',
  'session not found',
  'token revoked',
  'token expired',
  'invalid token',
  'unauthenticated',
];
/** Markers of a credential problem only trusted on 401/403 (too generic for other statuses). */
const AUTH_WORD_MARKERS = ['authentication', 'unauthorized'];
/** Markers that mean the account itself is blocked (never usable again). */
const BLOCKED_MARKERS = ['blocked-user', 'user is blocked', 'email-domain-rejected', 'account suspended', 'suspended'];
/** The chat endpoint refuses this account for good. */
const PERMANENT_DENIAL_MARKERS = ['access to the chat endpoint is denied'];
/** Cloudflare's interstitial and anti-bot answers: an egress/clearance problem, not the account's. */
const ANTI_BOT_MARKERS = ['just a moment', 'cf-chl', 'cf_chl', 'challenge-platform', 'attention required', 'anti-bot'];
/** A request-level refusal of the content (returned to the caller; no account or egress effect). */
const SAFETY_MARKERS = ['content violates usage guidelines', 'safety_check_type_', 'content moderated', 'safety', 'content_policy', 'moderation'];
/** Quota exhaustion: paid spending limit, free usage used up, credits gone, usage limits (402/403/in-band). */
const QUOTA_MARKERS = [
  'personal-team-blocked:spending-limit',
  'subscription:free-usage-exhausted',
  'used all the included free usage for model',
  'run out of credits',
  'out of credits',
  'usage balance exhausted',
  'usage limit',
  'usage quota',
];
/** In-band rate-limit markers (code 8 = RESOURCE_EXHAUSTED is checked separately). */
const RATE_LIMIT_MARKERS = ['too many requests', 'rate limit', 'resource_exhausted', 'usage limit', 'usage quota'];

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

/** The kind of a non-2xx HTTP answer (docs/grok-protocol.md "HTTP statuses"): status first, then markers. */
function httpKind(status: number, lower: string): FailureKind {
  const trimmed = lower.trim();
  if (status === 401) return includesAny(lower, BLOCKED_MARKERS) ? 'blocked-account' : 'invalid-credential';
  if (status === 402) return 'rate-limited'; // spending limit, free usage or credits: quota exhausted
  if (status === 403) {
    // Safety first: a refusal of this request's content is the caller's answer, not an egress fault.
    if (includesAny(lower, SAFETY_MARKERS)) return 'safety-refusal';
    if (includesAny(lower, BLOCKED_MARKERS)) return 'blocked-account';
    if (includesAny(lower, PERMANENT_DENIAL_MARKERS) || trimmed === 'access denied') return 'blocked-account';
    if (includesAny(lower, ANTI_BOT_MARKERS)) return 'anti-bot';
    if (includesAny(lower, QUOTA_MARKERS)) return 'rate-limited';
    if (includesAny(lower, INVALID_CREDENTIAL_MARKERS) || includesAny(lower, AUTH_WORD_MARKERS)) return 'invalid-credential';
    // Cloudflare HTML, an empty body, an unknown JSON refusal: the egress, never the account.
    return 'anti-bot';
  }
  if (status === 400 && includesAny(lower, BLOCKED_MARKERS)) return 'blocked-account';
  if (status === 400 && includesAny(lower, INVALID_CREDENTIAL_MARKERS)) return 'invalid-credential';
  // A challenge page or anti-bot answer is the egress's problem whatever status carries it (a 503
  // "Just a moment…", a 429 from Cloudflare limiting the proxy's IP): never cool or blame the account.
  if (includesAny(lower, ANTI_BOT_MARKERS)) return 'anti-bot';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'upstream-5xx';
  if (status === 408) return 'timeout';
  if (status >= 400 && includesAny(lower, SAFETY_MARKERS)) return 'safety-refusal';
  return 'bad-request';
}

/** Classify a non-2xx HTTP answer from any grok.com endpoint (REST, or a refused WebSocket handshake). */
export function classifyHttpFailure(status: number, body: string, retryAfterHeader?: string | null): GrokUpstreamError {
  const ex = excerpt(body);
  const kind = httpKind(status, body.toLowerCase());
  const retryAfter = parseRetryAfter(retryAfterHeader);
  return new GrokUpstreamError({
    kind,
    // The status retry.statuses is compared with (src/failures): a safety refusal is never retried
    // whatever its status; a 402 quota exhaustion counts as a 429 (another account has quota).
    status: kind === 'safety-refusal' ? 400 : status === 402 ? 429 : status,
    message: `Grok answered HTTP ${status} (${kind})${ex ? `: ${ex}` : ''}`,
    bodyExcerpt: ex,
    retryAfterSeconds: retryAfter,
  });
}

/** The kind of an in-band error (NDJSON `{"error":…}`, mgw `error` / `stream_error` events). */
function inBandKind(code: unknown, lower: string): FailureKind {
  const n = typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined;
  // The account itself is blocked: more specific than the status code it comes with.
  if (includesAny(lower, BLOCKED_MARKERS)) return 'blocked-account';
  // PERMISSION_DENIED (7) or the marker: anti-bot, the egress's fault, not the account's; unless
  // the message is a safety refusal, which is the caller's answer (400 content_policy_violation).
  if (n === 7 || lower.includes('anti-bot')) return includesAny(lower, SAFETY_MARKERS) ? 'safety-refusal' : 'anti-bot';
  // RESOURCE_EXHAUSTED, "too many requests", usage limits and quota markers: cool that mode.
  if (n === 8 || includesAny(lower, RATE_LIMIT_MARKERS) || includesAny(lower, QUOTA_MARKERS)) return 'rate-limited';
  if (n === 16 || includesAny(lower, INVALID_CREDENTIAL_MARKERS)) return 'invalid-credential';
  if (includesAny(lower, SAFETY_MARKERS)) return 'safety-refusal';
  if (n === 3) return 'bad-request'; // INVALID_ARGUMENT: the same request fails on every account
  return 'upstream-5xx';
}

const IN_BAND_STATUS: Partial<Record<FailureKind, number>> = {
  'rate-limited': 429,
  'anti-bot': 403,
  'blocked-account': 403,
  'invalid-credential': 401,
  'safety-refusal': 400,
  'bad-request': 400,
};

/** Classify an in-band stream error: NDJSON `{"error":{...}}` (docs/grok-protocol.md §21.4.11) or an mgw error event. */
export function classifyInBandError(code: unknown, message: string): GrokUpstreamError {
  const kind = inBandKind(code, `${typeof code === 'string' ? code : ''} ${message}`.toLowerCase());
  return new GrokUpstreamError({
    kind,
    status: IN_BAND_STATUS[kind] ?? 502,
    message: `Grok stream error${code === undefined ? '' : ` (code ${String(code)})`}: ${excerpt(message)}`,
    bodyExcerpt: excerpt(message),
  });
}

/**
 * The `status` of GET /api/auth/session (docs/grok-protocol.md "session identity"): unauthenticated
 * = the credential is dead, blocked = the account is blocked; undefined for anything else.
 */
export function classifySessionStatus(status: string): GrokUpstreamError | undefined {
  const s = status.trim().toLowerCase();
  if (s !== 'unauthenticated' && s !== 'blocked') return undefined;
  const kind: FailureKind = s === 'blocked' ? 'blocked-account' : 'invalid-credential';
  return new GrokUpstreamError({ kind, status: s === 'blocked' ? 403 : 401, message: `Grok session status is "${s}" (${kind})`, bodyExcerpt: s });
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

/**
 * A turn that completed without anything to answer with (no text, no image, no tool call). Its
 * message is EMPTY_ANSWER_MESSAGE (src/failures); a detail, when there is one, follows after ": ".
 * `detail`: what was specific about this empty turn (none: it completed with nothing to show). */
export function emptyAnswerError(detail?: string): GrokUpstreamError {
  return new GrokUpstreamError({ kind: 'empty-answer', status: 502, message: detail === undefined ? EMPTY_ANSWER_MESSAGE : `${EMPTY_ANSWER_MESSAGE}: ${detail}` });
}
