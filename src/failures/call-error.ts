// The neutral error a call ends with when the client must be told why: an HTTP status, a stable
// `code` (SDK retry logic keys on both), the request field at fault and the failure kind behind
// it. The gateway throws it and never an edge's type; each edge (OpenAI, Anthropic, Responses,
// MCP) renders it in its own envelope, keeping status, code and message. A leaf like the table.
import { clientFailure } from './failure-decisions.js';
import type { FailureKind } from './failure-table.js';

export interface CallErrorOptions {
  code?: string | null | undefined;
  /** The request field at fault (400s). */
  param?: string | null | undefined;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string> | undefined;
  /** The upstream failure kind behind it, for the envelope type, logs and the call log. */
  kind?: FailureKind | undefined;
}

export class CallError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly kind: FailureKind | undefined;

  constructor(status: number, message: string, opts: CallErrorOptions = {}) {
    super(message);
    this.name = 'CallError';
    this.status = status;
    this.code = opts.code ?? null;
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
    this.kind = opts.kind;
  }
}

/** A 400 naming the request field at fault. */
export const badRequest = (message: string, param: string | null = null, code: string | null = null): CallError =>
  new CallError(400, message, { param, code });

/** The text of the `empty-answer` kind's upstream error (its client message says as much already). */
export const EMPTY_ANSWER_MESSAGE = 'Grok returned an empty answer';

/**
 * What the client is told for an upstream failure kind once no attempt is left: the failure
 * table's client row, the detail appended, Retry-After for rate limits.
 */
export function callErrorForKind(kind: FailureKind, detail: string | undefined, retryAfterSeconds?: number): CallError {
  // The client text already says the answer was empty: only what was specific about it follows.
  if (kind === 'empty-answer' && detail?.startsWith(EMPTY_ANSWER_MESSAGE)) detail = detail.slice(EMPTY_ANSWER_MESSAGE.length).replace(/^: /, '');
  const c = clientFailure(kind, detail, retryAfterSeconds);
  return new CallError(c.status, c.message, { code: c.code, headers: c.headers, kind });
}
