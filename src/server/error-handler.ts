// Every error leaves as OpenAI's envelope with the right status; nothing internal leaks.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clip, MAX_ECHOED_PATH } from './clip.js';
import { CallError } from '../failures/index.js';
import { GrokUpstreamError } from '../grok/index.js';
import { OpenAIHttpError, clientErrorForKind, toOpenAIError } from '../openai/index.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** Fastify's own errors (body parsing, limits) as the gateway's error; undefined for anything else. */
export function fromFastifyError(err: FastifyError): OpenAIHttpError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OpenAIHttpError(413, 'Request body is too large (server.body_limit_mb)', { code: 'request_too_large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OpenAIHttpError(415, 'Unsupported Content-Type: send application/json', { code: 'unsupported_media_type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OpenAIHttpError(400, 'Request body is empty: expected a JSON object', { code: 'invalid_json' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new OpenAIHttpError(400, 'Invalid Content-Length', { code: 'invalid_request' });
    default:
      break;
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new OpenAIHttpError(400, `We could not parse the JSON body of your request: ${clip(err.message, MAX_ECHOED_PATH)}`, { code: 'invalid_json' });
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's messages may quote the request (a header, the URL): bounded.
    return new OpenAIHttpError(err.statusCode, clip(err.message, MAX_ECHOED_PATH), { code: 'invalid_request' });
  }
  return undefined;
}

/**
 * Any error the gateway knows how to answer, as the client error: its own (a CallError), Fastify's, and an
 * upstream failure that a route let through unmapped (the same answer the retry layer gives for
 * that failure kind: it is Grok's failure, not an internal error). Undefined for anything else.
 */
export function knownError(err: FastifyError): OpenAIHttpError | undefined {
  if (err instanceof CallError) return toOpenAIError(err);
  if (err instanceof GrokUpstreamError) return clientErrorForKind(err.kind, err.message, err.retryAfterSeconds);
  return fromFastifyError(err);
}

/**
 * The client went away mid-request and the upstream call was cancelled for it (the cancellation's
 * AbortError): not an error. Marks the call 499 and answers the dead socket; true when it did.
 */
export function answeredClientGone(error: FastifyError, request: FastifyRequest, reply: FastifyReply): boolean {
  if (error.name !== 'AbortError' || !reply.raw.destroyed) return false;
  request.call.status = 499;
  request.call.error = 'client_closed_request';
  void reply.code(499).send();
  return true;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (answeredClientGone(error, request, reply)) return;
    let out = knownError(error);
    if (!out) {
      request.log.error({ err: error }, 'unhandled error');
      out = new OpenAIHttpError(500, 'Internal server error', { type: 'server_error', code: 'internal_error' });
    }
    request.call.status = out.status;
    request.call.kind ??= out.kind;
    request.call.error ??= out.code ?? out.message;
    void reply.code(out.status).headers(out.headers).send(out.toBody());
  });
  app.setNotFoundHandler(notFound);
}

/** The 404 answer (the root's and the /v1 scope's); the path is echoed bounded. */
export function notFound(request: FastifyRequest, reply: FastifyReply): void {
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const out = new OpenAIHttpError(404, `Unknown route: ${request.method} ${clip(path, MAX_ECHOED_PATH)}`, {
    code: 'unknown_route',
  });
  void reply.code(404).send(out.toBody());
}

/**
 * Errors Fastify raises before routing (a URL that is not valid percent-encoding, ...): the
 * `frameworkErrors` server option, so they leave in the same envelope as everything else.
 */
export function frameworkErrorHandler(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  // FST_ERR_BAD_URL quotes the whole URL: bounded.
  const out = new OpenAIHttpError(400, clip(error.message, MAX_ECHOED_PATH), { code: error.code === 'FST_ERR_BAD_URL' ? 'invalid_url' : 'invalid_request' });
  void reply.code(out.status).headers(SECURITY_HEADERS).send(out.toBody());
}
