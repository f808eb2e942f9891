// OpenAI's error envelope, and the error a failure kind becomes (the failure table's client
// mapping). Clients (and SDK retry logic) key on status and `code`, so each kind has a distinct one.
import { clientFailure, type FailureKind } from '../failures/index.js';
import { EMPTY_ANSWER_MESSAGE } from '../grok/errors.js';

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

/**
 * What the client sees for an upstream failure kind once retries are exhausted: the failure
 * table's `openai` column (src/failures), with Retry-After for rate limits.
 */
export function clientErrorForKind(
  kind: FailureKind,
  detail: string | undefined,
  retryAfterSeconds?: number,
): OpenAIHttpError {
  // The client text already says the answer was empty: only what was specific about it follows.
  if (kind === 'empty-answer' && detail?.startsWith(EMPTY_ANSWER_MESSAGE)) detail = detail.slice(EMPTY_ANSWER_MESSAGE.length).replace(/^: /, '');
  const c = clientFailure(kind, detail, retryAfterSeconds);
  return new OpenAIHttpError(c.status, c.message, { type: c.type, code: c.code, headers: c.headers, kind });
}
