// A JSON/text body announced (Content-Length) larger than the body limit: Fastify answers 413 and
// closes the connection at once, while the client is still uploading; the client then sees EPIPE
// or a reset instead of the 413 (the openai SDK retried a 25 MB body after it). Here the body is
// read and discarded first, up to server.body_drain_limit_mb, and the 413 follows on a connection
// that stays usable. Beyond the bound (or with no Content-Length) Fastify's close still applies.
// Multipart uploads have their own limits and errors (openai/multipart-errors.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OpenAIHttpError } from '../openai/index.js';

export function tooLargeError(): OpenAIHttpError {
  return new OpenAIHttpError(413, 'Request body is too large (server.body_limit_mb)', { code: 'request_too_large' });
}

/**
 * Bytes to drain for this request, or 0 when Fastify's own handling applies. `serverLimit` (the
 * app's bodyLimit) settles every normal-sized body without `request.routeOptions`, a getter that
 * builds a dozen-field object on each read; no route sets a smaller limit than the app's.
 */
function drainable(request: FastifyRequest, drainLimit: number, serverLimit: number): number {
  const header = request.headers['content-length'];
  if (header === undefined) return 0;
  const length = Number(header);
  if (!Number.isSafeInteger(length) || length <= serverLimit || length > drainLimit) return 0;
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  if (length <= limit) return 0;
  if (/^multipart\//i.test(request.headers['content-type'] ?? '')) return 0;
  return length;
}

export function installOversizeBodyDrain(app: FastifyInstance, drainLimitBytes: () => number): void {
  const serverLimit = app.initialConfig.bodyLimit ?? Number.POSITIVE_INFINITY;
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (drainable(request, drainLimitBytes(), serverLimit) === 0) {
      done(null, payload);
      return;
    }
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      done(tooLargeError());
    };
    payload.on('data', () => undefined);
    payload.once('end', finish);
    // The client went away mid-upload: nothing will be read by anyone, answer (to no one) now.
    payload.once('close', finish);
    payload.once('error', finish);
    payload.resume();
  });
}
