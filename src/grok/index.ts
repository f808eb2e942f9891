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
  emptyAnswerError,
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
export { STATSIG_MODES, StatsigProvider, decodeStatsig, generateStatsigId, localStatsig, statsigProblem } from './statsig.js';
export type { StatsigMode, StatsigSettings, StatsigSigner } from './statsig.js';
export { createStatsigSigner, findSiteVerification } from './statsig-signer.js';
export type { StatsigSignerOptions } from './statsig-signer.js';
export { buildChatBody } from './chat-body.js';
export type { ChatBodyInput } from './chat-body.js';
export { ACCEPT_ENCODING, SUPPORTED_CONTENT_CODINGS, decodeContent, UnsupportedContentEncodingError } from './content-encoding.js';
export { SYNC_MODES, normalizeRateLimits, tierFromTotals } from './rate-limits.js';
export type { DetectedTier, RateLimitWindow } from './rate-limits.js';
export { MEDIA_QUOTA_BUCKETS, parseQuotaInfo } from './quota-info.js';
export type { MediaQuotaBucket, MediaQuotaBucketState, MediaQuotaSnapshot } from './quota-info.js';
export { Cancellation, sleepUnlessAborted, toAbortSignal, type AbortLike } from './cancellation.js';
export { GrokClient } from './chat-client.js';
export type { GrokClientOptions, GrokEndpoints, ChatEventSource, ChatStreamResult, GrokRoute } from './chat-client.js';
export type { Transport, TransportKind, TransportMethod, TransportOptions, TransportRequest, TransportResponse } from './transport.js';
export { readLimitedText } from './read-limited-text.js';
export { GrokMediaClient } from './media-client.js';
export type { GrokMediaClientOptions, UploadInput, UploadedFile, UploadPurpose, DownloadedAsset } from './media-client.js';
export {
  IMAGINE_FILE_SOURCE,
  MAX_UPLOAD_FILES,
  MAX_UPLOAD_FILE_BYTES,
  MAX_UPLOAD_TOTAL_BYTES,
  UPLOAD_V2_PATH,
  browserMultipartFilename,
  buildUploadV2Body,
  chatFileId,
  editAssetId,
  isTerminalError,
  parseUploadV2Response,
} from './upload-v2.js';
export type { UploadV2Result } from './upload-v2.js';
export { routeEgress } from './media-transport.js';
export type { MediaEgress, MediaTransport, WebSocketEgress } from './media-transport.js';
export type { AssetKind } from './asset-headers.js';
export { ImagineClient } from './imagine-ws.js';
export type { ImagineClientOptions } from './imagine-ws.js';
export type { ImagineRequest, ImagineResult, ImagineImage, ImaginePartial } from './imagine-types.js';
export {
  IMAGE_EDIT_MODEL,
  IMAGINE_ASPECTS,
  MAX_EDIT_INPUTS,
  MAX_VIDEO_SECONDS,
  MIN_VIDEO_SECONDS,
  VIDEO_ASPECTS,
  VIDEO_MODEL,
  VIDEO_PRESETS,
  VIDEO_RESOLUTIONS,
  buildImageEditBody,
  buildVideoBody,
  videoModeFlag,
} from './media-bodies.js';
export type { ImageEditBodyInput, VideoBodyInput, VideoPreset, VideoResolution } from './media-bodies.js';
export { CHAT_TRANSPORTS } from './chat-turn.js';
export type { ChatTransport, ChatTurnInput, ChatTurnOpener, ChatContinuation, TurnOpenOptions } from './chat-turn.js';
export { ChatTurnRouter } from './chat-turn-router.js';
export { MgwChatClient } from './mgw/mgw-chat-client.js';
export type { MgwChatClientOptions } from './mgw/mgw-chat-client.js';
export { MgwEventParser, normalizeCitationUrl } from './mgw/mgw-events.js';
export { canonicalUserId, fetchSessionIdentity, parseSession, SESSION_PATH } from './mgw/session-identity.js';
export type { SessionIdentity, SessionLookupOptions } from './mgw/session-identity.js';
export { mgwCookie, mgwHandshakeHeaders, sessionLookupHeaders } from './mgw/mgw-headers.js';
export { itemCreate, mgwUrl, newInitEventId, responseCreate, sessionCreate } from './mgw/mgw-frames.js';
// Protocol drift checks (drift/): the monitor the app wires, and the checks the doctor runs by hand.
export { DriftMonitor, checkMgwFrame, redactSample } from './drift/index.js';
