// OpenAI's error envelope, and the gateway's neutral CallError rendered in it (the failure
// table's client mapping gives each kind its type). Clients (and SDK retry logic) key on status
// and `code`, so each kind has a distinct one.
import { CallError, FAILURE_TABLE, callErrorForKind, type FailureKind } from '../failures/index.js';

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

/**
 * An error that is rendered as OpenAI's envelope with its own HTTP status: the edge's own errors,
 * and (toOpenAIError) every CallError the gateway throws. A CallError itself, so code that only
 * needs status, code and kind (the call log, the Anthropic edge) takes either.
 */
export class OpenAIHttpError extends CallError {
  readonly type: OpenAIErrorType;

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
    super(status, message, opts);
    this.name = 'OpenAIHttpError';
    this.type = opts.type ?? (opts.kind ? FAILURE_TABLE[opts.kind].openai.type : defaultType(status));
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

/** The gateway's neutral error in OpenAI's envelope (the type from its kind's row, else from its status). */
export function toOpenAIError(err: CallError): OpenAIHttpError {
  if (err instanceof OpenAIHttpError) return err;
  return new OpenAIHttpError(err.status, err.message, { code: err.code, param: err.param, headers: err.headers, kind: err.kind });
}

/**
 * What the client sees for an upstream failure kind once retries are exhausted: the failure
 * table's client row (src/failures), with Retry-After for rate limits.
 */
export function clientErrorForKind(kind: FailureKind, detail: string | undefined, retryAfterSeconds?: number): OpenAIHttpError {
  return toOpenAIError(callErrorForKind(kind, detail, retryAfterSeconds));
}
