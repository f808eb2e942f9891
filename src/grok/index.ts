// Public surface of src/grok/: the Grok web protocol only (nothing here knows OpenAI).
export type {
  GrokEvent,
  GrokTokenEvent,
  GrokMetaEvent,
  GrokCardEvent,
  GrokToolCardEvent,
  GrokSearchResultsEvent,
  GrokImageProgressEvent,
  GrokVideoProgressEvent,
  GrokModelResponseEvent,
  GrokEndEvent,
  GrokCitationEvent,
} from './events.js';
export {
  FAILURE_KINDS,
  GrokUpstreamError,
  classifyHttpFailure,
  classifyInBandError,
  classifySessionStatus,
  classifyTransportError,
  excerpt,
  parseRetryAfter,
} from './errors.js';
export type { FailureKind, UpstreamFailureInfo } from './errors.js';
export { parseChatBatches, parseChatStream } from './parse-chat-stream.js';
export type { ChatStreamStats } from './parse-chat-stream.js';
export { ChatFrameParser } from './parse-chat-frame.js';
export {
  GrokHeaders,
  buildRestHeaders,
  buildWsHeaders,
  buildCookieHeader,
  buildCfCookieSuffix,
  clientHintHeaders,
  normalizeSsoToken,
} from './headers.js';
export type { GrokHeaderOptions, RestHeaderExtras } from './headers.js';
export { generateStatsigId } from './statsig.js';
export { buildChatBody } from './chat-body.js';
export type { ChatBodyInput } from './chat-body.js';
export { ACCEPT_ENCODING, SUPPORTED_CONTENT_CODINGS, decodeContent, UnsupportedContentEncodingError } from './content-encoding.js';
export { normalizeRateLimits } from './rate-limits.js';
export type { RateLimitWindow } from './rate-limits.js';
export { Cancellation, toAbortSignal, type AbortLike } from './cancellation.js';
export { GrokClient } from './chat-client.js';
export type { GrokClientOptions, GrokEndpoints, ChatEventSource, ChatStreamResult, GrokRoute } from './chat-client.js';
export type { Transport, TransportKind, TransportMethod, TransportOptions, TransportRequest, TransportResponse } from './transport.js';
export { UndiciTransport } from './undici-transport.js';
export { ImpitTransport, impitBrowserFor, loadImpit } from './impit-transport.js';
export { createTransport, type CreateTransportOptions } from './create-transport.js';
export { PROXY_SCHEMES, ProxyUrlError, isSocks, maskProxyUrl, parseProxyUrl, type ProxyScheme, type ProxyUrl } from './proxy-url.js';
export { ProxyTunnelError, TunnelAgent, openTunnel, socksConnector } from './proxy-tunnel.js';
export { readLimitedText } from './read-limited-text.js';
export { GrokMediaClient } from './media-client.js';
export type { GrokMediaClientOptions, UploadInput, UploadedFile, MediaPost, DownloadedAsset } from './media-client.js';
export { DirectMediaTransport, routeEgress } from './media-transport.js';
export type { MediaEgress, MediaTransport, WebSocketEgress } from './media-transport.js';
export type { AssetKind } from './asset-headers.js';
export { ImagineClient } from './imagine-ws.js';
export type { ImagineClientOptions, ImagineRequest, ImagineResult, ImagineImage, ImaginePartial } from './imagine-ws.js';
export { buildImageEditBody, buildVideoSegmentBody, videoSegments, videoModeFlag, VIDEO_PRESETS } from './media-bodies.js';
export type { VideoPreset, VideoSegmentInput } from './media-bodies.js';
export { CHAT_TRANSPORTS } from './chat-turn.js';
export type { ChatTransport, ChatTurnInput, ChatTurnOpener, ChatContinuation, TurnOpenOptions } from './chat-turn.js';
export { ChatTurnRouter } from './chat-turn-router.js';
export { MgwChatClient } from './mgw/mgw-chat-client.js';
export type { MgwChatClientOptions } from './mgw/mgw-chat-client.js';
export { MgwEventParser, normalizeCitationUrl } from './mgw/mgw-events.js';
export { canonicalUserId, fetchSessionIdentity, parseSession, SESSION_PATH } from './mgw/session-identity.js';
export type { SessionIdentity, SessionLookupOptions } from './mgw/session-identity.js';
export { mgwCookie, mgwHandshakeHeaders, sessionLookupHeaders } from './mgw/mgw-headers.js';
export { itemCreate, mgwUrl, responseCreate, sessionCreate } from './mgw/mgw-frames.js';
