// What the gateway expects of mgw server frames (docs/grok-protocol.md "mgw server events"), as data:
// the envelope, then one shape per event type the parser knows. Every field the event parser
// (src/grok/mgw/mgw-events.ts) reads is listed; keep the two in step.
import { ign, opt, req, shape, type ShapeSpec } from './spec.js';

/** `{session_id, event}`; a root `error` is the legacy error shape, tolerated on the socket. */
export const MGW_ENVELOPE: ShapeSpec = shape({
  session_id: opt('string'),
  event: opt('object'),
  error: opt(['object', 'string']),
});

const ERROR_BODY = shape({
  code: opt(['number', 'string']),
  message: opt('string'),
  retry_after_seconds: opt('number'),
  retryAfterSeconds: opt('number'),
  retry_after: opt('number'),
  details: ign(),
});

const TOOL_CARD_CALL = shape({ query: opt('string'), args: opt('object', shape({ query: opt('string') }, { open: true })) });

const WEB_PAGE = shape({ url: req('string'), title: opt('string'), snippet: opt('string') }, { open: true });
const X_POST = shape(
  { userhandle: opt('string'), username: opt('string'), post_id: opt('string'), postId: opt('string'), name: opt('string'), text: opt('string') },
  { open: true },
);

const CHUNK = shape({
  text: opt('object', shape({ text: req('string'), channel: opt('string') })),
  tool_usage_card: opt('object', shape({ id: ign(), tool_usage_card_id: ign(), web_search: opt('object', TOOL_CARD_CALL), x_search: opt('object', TOOL_CARD_CALL) })),
  tool_result: opt('object', shape({
    tool_call_id: ign(),
    web_search: opt('object', shape({ webpages: opt('array', WEB_PAGE) })),
    x_post: opt('object', shape({ posts: opt('array', X_POST) })),
    x_search: opt('object', shape({ posts: opt('array', X_POST) })),
  })),
  render_citation: opt('object', shape({ id: ign(), kind: ign(), citation_id: ign(), url: req('string') })),
});

/** A card attachment: `jsonData` (a JSON string or object holding image_chunk) or a bare imageChunk. */
const CARD = shape(
  { jsonData: opt(['string', 'object']), image_chunk: opt('object'), imageChunk: opt('object'), id: ign(), type: ign(), cardType: ign() },
  { open: true },
);

/** Shapes of the `event` object by its `type`. Types listed with an open shape are known and skipped (pong). */
export const MGW_EVENTS: Readonly<Record<string, ShapeSpec>> = {
  'session.created': shape({ type: req('string'), client_event_id: opt('string') }),
  'conversation.attached': shape({ type: req('string'), conversation: req('object', shape({ id: req('string') }, { open: true })) }),
  'response.chunk': shape({ type: req('string'), chunk: req('object', CHUNK) }),
  'response.grok.output': shape({
    type: req('string'),
    output: req('object', shape({ card_attachment: opt(['object', 'array'], CARD), stream_error: opt(['object', 'string', 'null'], ERROR_BODY) })),
  }),
  'response.output_text.delta': shape({ type: req('string'), delta: req('string') }),
  'response.search.result': shape({ type: req('string'), result: req('object', WEB_PAGE) }),
  'response.done': shape({ type: req('string'), response: req('object', shape({ id: opt('string'), status: opt('string') }, { open: true })) }),
  error: shape({ type: req('string'), error: req(['object', 'string'], ERROR_BODY) }),
  'session.ended': shape({ type: req('string') }, { open: true }),
  pong: shape({ type: req('string') }, { open: true }),
};

/**
 * Error codes the classifier has a rule for (gRPC status numbers grok.com's gateway uses, and the
 * string codes seen in bodies). Compared upper-cased; any other code is reported as `unknown-error-code`.
 */
export const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set([
  ...Array.from({ length: 17 }, (_, i) => String(i)),
  'RESOURCE_EXHAUSTED',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'INVALID_ARGUMENT',
  'UNAVAILABLE',
  'INTERNAL',
  'RATE_LIMITED',
]);

/** HTTP statuses a refused mgw handshake is known to answer with (docs/grok-protocol.md "errors"). */
export const KNOWN_HANDSHAKE_STATUSES: ReadonlySet<number> = new Set([400, 401, 402, 403, 404, 429, 500, 502, 503, 504]);
