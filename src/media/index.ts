// Public surface of src/media/: the media cache, its routes, downloads of client URLs and links.
export { MediaCache, MEDIA_NAME_RE, isMediaName } from './media-cache.js';
export type { CachedFile, MediaCacheLimits, MediaCacheSize, MediaCacheKindSize } from './media-cache.js';
export { registerMediaRoutes, parseByteRange } from './media-routes.js';
export { MediaPublisher, ownMediaRef } from './publisher.js';
export { RemoteMedia, type RemoteMediaDeps } from './remote-media.js';
export type { PublisherIndex, PublishTarget, PublishedMedia, PublisherSettings, MediaSource } from './publisher.js';
export { safeFetch, resolvePublicAddress, UrlRefusedError, FetchFailedError } from './safe-fetch.js';
export type { SafeFetchOptions, SafeFetchResult } from './safe-fetch.js';
export { blockedAddressReason } from './address-policy.js';
export { sniffImage, sniffVideo, validateMedia, extForMime, InvalidMediaError, MIME_BY_EXT } from './sniff.js';
export type { MediaKind, SniffedMedia } from './sniff.js';
export { mediaBaseUrl, requestBaseUrl } from './links.js';
