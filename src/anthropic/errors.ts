// Anthropic's error envelope for the /v1/messages routes:
//   {"type":"error","error":{"type":"invalid_request_error"|...,"message":"..."}}
// with Anthropic's status codes. The /v1 scope's shared parts (the API-key hook, validation) raise
// OpenAIHttpError and the gateway raises neutral CallErrors; knownError (server/) turns both into one
// OpenAIHttpError with the status and code of the failure table, and this edge re-renders that in
// Anthropic's shape, keeping the status, so the /v1 scope's other routes stay OpenAI-shaped.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OpenAIHttpError } from '../openai/index.js';
import { answeredClientGone, knownError } from '../server/index.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

/** Anthropic's error type for an HTTP status (its documented status ↔ type table). */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The message an Anthropic client should read: our auth hook names only the Bearer header. */
function anthropicMessage(err: OpenAIHttpError): string {
  if (err.status === 401 && err.message.startsWith('Missing API key')) {
    return 'Missing API key: send it as "x-api-key: <key>" or "Authorization: Bearer <key>"';
  }
  return err.message;
}

export function anthropicErrorBody(err: OpenAIHttpError): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorType(err.status), message: anthropicMessage(err) } };
}

/**
 * The route-level error handler of the Anthropic routes. Route-level, so it also renders errors
 * from the /v1 scope's onRequest hook (a missing or wrong key) for these paths only.
 */
export function anthropicErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (answeredClientGone(error, request, reply)) return;
  let out = knownError(error);
  if (!out) {
    request.log.error({ err: error }, 'unhandled error');
    out = new OpenAIHttpError(500, 'Internal server error', { type: 'server_error', code: 'internal_error' });
  }
  request.call.status = out.status;
  request.call.kind ??= out.kind;
  request.call.error ??= out.code ?? out.message;
  void reply.code(out.status).headers(out.headers).send(anthropicErrorBody(out));
}
