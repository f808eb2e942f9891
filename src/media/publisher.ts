// Turns a generated image or video into what the client gets, per media.format (or the request's
// response_format): a link into our cache (downloaded once with the account's cookie, validated),
// inline base64, or Grok's own asset URL passed through.
import type { MediaFormat } from '../config/index.js';
import { GrokUpstreamError, type GrokMediaClient, type GrokRoute } from '../grok/index.js';
import type { MediaIndexStore } from '../store/index.js';
import type { MediaCache } from './media-cache.js';
import { InvalidMediaError, validateMedia, type MediaKind } from './sniff.js';

export interface PublishTarget {
  format: MediaFormat;
  /** Absolute base of our links (app.app_url, or derived from the request). No trailing slash. */
  baseUrl: string;
}

export interface PublishedMedia {
  /** Our link (format url), or the upstream URL (format upstream). */
  url: string | undefined;
  /** Base64 (format b64_json, images only). */
  b64: string | undefined;
  mimeType: string;
  /** The bytes, when they were at hand (not for format upstream). */
  bytes: Buffer | undefined;
  /** Grok's absolute URL of the asset, when known. */
  upstreamUrl: string | undefined;
}

export interface PublisherSettings {
  downloadTimeoutMs: number;
}

export interface MediaSource {
  /** Bytes already received (imagine WebSocket blobs). */
  bytes?: Buffer | undefined;
  /** Asset path or absolute URL to download from (with the account's cookie). */
  upstream?: string | undefined;
}

const IMAGE_MAX_BYTES = 50 * 1024 * 1024;
const VIDEO_MIN_CAP = 16 * 1024 * 1024;
const VIDEO_MAX_CAP = 512 * 1024 * 1024;

/** The shared media index, so other instances can serve what this one cached. */
export interface PublisherIndex {
  store: MediaIndexStore;
  /** The account id of a token (never the token: it is not stored with the entry). */
  accountIdOf: (token: string) => string;
  onError?: ((err: unknown, name: string) => void) | undefined;
}

export class MediaPublisher {
  constructor(
    readonly cache: MediaCache,
    private readonly grok: GrokMediaClient,
    private readonly settings: () => PublisherSettings,
    private readonly index?: PublisherIndex | undefined,
  ) {}

  /** The largest asset of `kind` downloaded from Grok. */
  maxBytes(kind: MediaKind): number {
    if (kind === 'image') return IMAGE_MAX_BYTES;
    return Math.min(VIDEO_MAX_CAP, Math.max(VIDEO_MIN_CAP, this.cache.size().videos.limitBytes));
  }

  /** `route`: the egress of the attempt that made the asset (downloads use the asset pool first). */
  async publish(
    kind: MediaKind,
    token: string,
    src: MediaSource,
    target: PublishTarget,
    opts: { signal?: AbortSignal | undefined; route?: GrokRoute | undefined } = {},
  ): Promise<PublishedMedia> {
    const upstreamUrl = src.upstream !== undefined ? this.grok.assetUrl(src.upstream) : undefined;
    if (target.format === 'upstream' && upstreamUrl !== undefined) {
      return { url: upstreamUrl, b64: undefined, mimeType: kind === 'image' ? 'image/jpeg' : 'video/mp4', bytes: undefined, upstreamUrl };
    }
    let bytes = src.bytes;
    let declared: string | undefined;
    if (bytes === undefined) {
      if (upstreamUrl === undefined) throw new Error('publish: neither bytes nor an upstream URL');
      const got = await this.grok.download(token, upstreamUrl, {
        kind,
        maxBytes: this.maxBytes(kind),
        timeoutMs: this.settings().downloadTimeoutMs,
        signal: opts.signal,
        route: opts.route,
      });
      bytes = got.bytes;
      declared = got.contentType;
    }
    let type: { mimeType: string; ext: string };
    try {
      type = validateMedia(bytes, kind, declared);
    } catch (err) {
      if (err instanceof InvalidMediaError) {
        throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `Grok's ${kind} asset is unusable: ${err.message}` });
      }
      throw err;
    }
    if (target.format === 'b64_json' && kind === 'image') {
      return { url: undefined, b64: bytes.toString('base64'), mimeType: type.mimeType, bytes, upstreamUrl };
    }
    const file = await this.cache.store(kind, bytes, type.ext);
    if (this.index) {
      // Awaited: a client may ask another instance for the link as soon as it has it.
      await this.index.store
        .put({
          name: file.name,
          kind,
          size: file.size,
          contentType: type.mimeType,
          createdAt: Date.now(),
          upstreamUrl: upstreamUrl ?? null,
          accountId: upstreamUrl !== undefined ? this.index.accountIdOf(token) : null,
        })
        .catch((err: unknown) => this.index?.onError?.(err, file.name));
    }
    const url = `${target.baseUrl}/${kind === 'image' ? 'images' : 'videos'}/${file.name}`;
    return { url, b64: undefined, mimeType: type.mimeType, bytes, upstreamUrl };
  }
}

/** `<anything>/images/<name>` or `/videos/<name>` → the cache kind and name (not checked for existence). */
export function ownMediaRef(url: string): { kind: MediaKind; name: string } | undefined {
  let path: string;
  if (url.startsWith('/')) path = url.split(/[?#]/)[0] ?? '';
  else {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
      path = u.pathname;
    } catch {
      return undefined;
    }
  }
  const m = /\/(images|videos)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  return { kind: m[1] === 'videos' ? 'video' : 'image', name: m[2] ?? '' };
}
