// What a multipart/form-data body the parser could not read means for the client. @fastify/multipart
// raises its own errors (FST_* codes) for limits, prototype field names and early closes; busboy,
// under it, raises plain Errors for a malformed or truncated body ("Part terminated early due to
// unexpected end of multipart data", "Unexpected end of multipart data", "Multipart: Boundary not
// found", ...). All of them are about the bytes the client sent: a 4xx naming the body, not a 500.
import { CallError } from '../failures/index.js';
import { OpenAIHttpError } from './errors.js';

const MALFORMED = 'invalid_multipart';

function malformed(detail: string): OpenAIHttpError {
  return new OpenAIHttpError(400, `The multipart/form-data body could not be read: ${detail}`, { code: MALFORMED, param: null });
}

/** The client-facing error for `err`, thrown while reading a multipart body. */
export function multipartFailure(err: unknown): Error {
  if (err instanceof CallError) return err;
  if (!(err instanceof Error)) return malformed('unreadable body');
  // The client went away: the error handler recognises this and logs a 499.
  if (err.name === 'AbortError') return err;
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new OpenAIHttpError(413, 'An uploaded file is larger than the largest accepted upload (server.body_limit_mb)', { code: 'file_too_large', param: null });
    case 'FST_FILES_LIMIT':
      return new OpenAIHttpError(400, 'The multipart/form-data body has too many files', { code: 'too_many_files', param: null });
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new OpenAIHttpError(400, 'The multipart/form-data body has too many fields', { code: 'too_many_parts', param: null });
    case 'FST_PROTO_VIOLATION':
      return malformed('a field name is not allowed');
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return malformed('a field declared as application/json is not valid JSON');
    case 'FST_MP_PREMATURE_CLOSE':
      return malformed('the request ended before the body was complete');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return malformed('the Content-Type is not multipart/form-data');
    default:
      break;
  }
  // Any other FST_ error is the library's own (a missing buffer, ...): not the client's fault.
  if (typeof code === 'string' && code.startsWith('FST_')) return err;
  // A socket-level failure (ECONNRESET, ...) is not a malformed body either.
  if (typeof code === 'string') return err;
  // busboy's plain parse errors: fixed texts, bounded anyway before they reach a client.
  return malformed(err.message.slice(0, 200) || 'malformed body');
}
