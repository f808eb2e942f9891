// OpenAI's error envelope and the mapping from our failure kinds to what a client sees.
// Clients (and SDK retry logic) key on status and `code`, so each kind gets a distinct, stable one.
import { EMPTY_ANSWER_MESSAGE, type FailureKind } from '../grok/errors.js';

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

/** An error that is rendered as OpenAI's envelope with its own HTTP status. */
export class OpenAIHttpError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;
  /** Failure kind behind it, for logs and the call log. */
  readonly kind: FailureKind | undefined;

  constructor(
    status: number,
    message: string,
    opts: {
      type?: OpenAIErrorType;
      code?: string | null;
      param?: string | null;
      headers?: Record<string, string>;
      kind?: FailureKind;
    } = {},
  ) {
    super(message);
    this.name = 'OpenAIHttpError';
    this.status = status;
    this.type = opts.type ?? defaultType(status);
    this.code = opts.code ?? null;
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
    this.kind = opts.kind;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function defaultType(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null): OpenAIHttpError =>
  new OpenAIHttpError(400, message, { type: 'invalid_request_error', param, code });

/** What the client sees for each upstream failure kind once retries are exhausted. */
const KIND_TO_CLIENT: Record<FailureKind, { status: number; code: string; type: OpenAIErrorType; text: string }> = {
  // Never 401: a 401 would make the client believe its own API key is wrong.
  'invalid-credential': { status: 502, code: 'upstream_auth_failed', type: 'upstream_error', text: 'The Grok account session was rejected (SSO cookie invalid or expired)' },
  'blocked-account': { status: 502, code: 'upstream_account_blocked', type: 'upstream_error', text: 'The Grok account is blocked' },
  'rate-limited': { status: 429, code: 'rate_limit_exceeded', type: 'rate_limit_error', text: 'Grok rate limit reached on every available account' },
  'anti-bot': { status: 502, code: 'upstream_forbidden', type: 'upstream_error', text: 'Grok refused the request (Cloudflare / anti-bot challenge: check cf_clearance, User-Agent and proxy)' },
  'safety-refusal': { status: 400, code: 'content_policy_violation', type: 'invalid_request_error', text: 'Grok refused the request for safety reasons' },
  'upstream-5xx': { status: 502, code: 'upstream_error', type: 'upstream_error', text: 'Grok answered with a server error' },
  transport: { status: 502, code: 'upstream_unreachable', type: 'upstream_error', text: 'Could not reach Grok (network error)' },
  timeout: { status: 504, code: 'upstream_timeout', type: 'upstream_error', text: 'Grok did not answer in time' },
  'bad-request': { status: 502, code: 'upstream_bad_request', type: 'upstream_error', text: 'Grok rejected the request' },
  'empty-answer': { status: 502, code: 'empty_answer', type: 'upstream_error', text: 'Grok ended the turn without an answer (no text, image or tool call)' },
};

export function clientErrorForKind(
  kind: FailureKind,
  detail: string | undefined,
  retryAfterSeconds?: number,
): OpenAIHttpError {
  const m = KIND_TO_CLIENT[kind];
  // The client text already says the answer was empty: only what was specific about it follows.
  if (kind === 'empty-answer' && detail?.startsWith(EMPTY_ANSWER_MESSAGE)) detail = detail.slice(EMPTY_ANSWER_MESSAGE.length).replace(/^: /, '');
  const headers: Record<string, string> = {};
  if (kind === 'rate-limited') headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds ?? 60)));
  return new OpenAIHttpError(m.status, detail ? `${m.text}: ${detail}` : m.text, {
    type: m.type,
    code: m.code,
    headers,
    kind,
  });
}
