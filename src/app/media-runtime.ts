// Composition of the media side (cache, Grok media client, imagine WebSocket, image/video use
// cases, video jobs, chat attachments) from the live configuration. gateway.ts wires it in.
import type { DriftMonitor } from '../grok/drift/index.js';
import type { Logger } from 'pino';
import { join } from 'node:path';
import type { AccountSource } from '../accounts/index.js';
import type { AppConfig, ModelRegistry } from '../config/index.js';
import type { EgressSelector } from '../egress/index.js';
import { DirectMediaTransport, GrokHeaders, GrokMediaClient, ImagineClient, type ChatTurnOpener, type MediaTransport } from '../grok/index.js';
import { InvalidMediaError, MediaCache, MediaPublisher, RemoteMedia, validateMedia, type MediaKind } from '../media/index.js';
import { AttachmentLoader, ChatAttachments } from '../gateway/attachments.js';
import type { AccountUserIds, ChatSettings } from '../gateway/chat-service.js';
import { ImageService } from '../gateway/image-service.js';
import type { UpstreamChatOpener } from '../gateway/upstream-chat.js';
import type { AbortLike, GrokRoute, ChatStreamResult } from '../grok/index.js';
import type { Store } from '../store/index.js';

/** The REST `conversations/new` opener (GrokClient): media calls ask it to renew statsig after a challenge 403. */
export interface MediaChatOpener {
  openChat(
    token: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortLike; referer?: string; route?: GrokRoute; renewStatsig?: boolean },
  ): Promise<ChatStreamResult>;
}
import { VideoJobs } from '../gateway/video-jobs.js';
import { VideoService } from '../gateway/video-service.js';

export interface MediaRuntimeOptions {
  config: () => AppConfig;
  /** Protocol-drift checks of upload answers (src/grok/drift); none when absent. */
  drift?: DriftMonitor | undefined;
  models: () => ModelRegistry;
  /** Media files go to `<dataDir>/media/{images,videos}`. */
  dataDir: string;
  /** REST `conversations/new` calls (drawing chats, image edits, videos). */
  client: MediaChatOpener;
  /** Chat turns over grok.chat_transport (drawing chats on mgw). */
  turns?: ChatTurnOpener | undefined;
  /** The accounts' cached user ids (mgw socket address). */
  userIds?: AccountUserIds | undefined;
  accounts: AccountSource;
  logger: Logger;
  /** Chat settings (timeouts, retry policy) as the chat path reads them. */
  chatSettings: () => ChatSettings;
  /**
   * Per-account egress of media calls that name no route (chat attachments' uploads), and the asset
   * pool; default: direct undici agents.
   */
  transport?: MediaTransport | undefined;
  /** Outbound proxies: the route of each image/video attempt, for all of its calls. */
  egress?: EgressSelector | undefined;
  /** The configured store: video jobs and their leases, the shared media index. */
  store: Pick<Store, 'videoJobs' | 'locks' | 'mediaIndex'>;
  /** This instance's id (the lease owner of the jobs it runs). */
  instanceId: string;
  /** The token of an account by id (to fetch again a file another instance cached). */
  tokenOf: (accountId: string) => string | undefined;
  /** The account id of a token (kept in the media index instead of the token). */
  accountIdOf: (token: string) => string;
}

export interface MediaRuntime {
  cache: MediaCache;
  images: ImageService;
  videos: VideoService;
  jobs: VideoJobs;
  /** Serves names this instance has no file for (made by another instance) from the media index. */
  remote: RemoteMedia;
  loader: AttachmentLoader;
  /** ChatService's uploader for image_url / file parts. */
  chatAttachments: ChatAttachments;
  grok: GrokMediaClient;
  close(): Promise<void>;
}

const MB = 1024 * 1024;

export async function createMediaRuntime(opts: MediaRuntimeOptions): Promise<MediaRuntime> {
  const c = opts.config();
  const onRetry = (r: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }): void =>
    opts.logger.warn({ reqId: r.requestId, attempt: r.attempt, account: r.account, kind: r.kind, delayMs: r.delayMs }, 'retrying on another account');
  const cache = await MediaCache.open(
    join(opts.dataDir, 'media'),
    () => {
      const m = opts.config().media;
      return { imageBytes: Math.round(m.image_cache_mb * MB), videoBytes: Math.round(m.video_cache_mb * MB) };
    },
    opts.logger,
  );
  // Image edits and videos carry x-statsig-id: a challenge 403 renews it and the call is made once more.
  const mediaCalls: UpstreamChatOpener = { openChat: (token, body, o) => opts.client.openChat(token, body, { ...o, renewStatsig: true }) };
  const direct = opts.transport ? undefined : new DirectMediaTransport(c.chat.connect_timeout * 1000);
  const transport = opts.transport ?? (direct as DirectMediaTransport);
  const headerOpts = {
    baseUrl: c.grok.base_url,
    userAgent: c.grok.user_agent,
    acceptLanguage: c.grok.accept_language,
    ...(c.grok.cf_clearance ? { cfClearance: c.grok.cf_clearance } : {}),
  };
  const grok = new GrokMediaClient({
    ...headerOpts,
    assetsUrl: c.grok.assets_url,
    transport,
    headersTimeoutMs: c.chat.request_timeout * 1000,
    drift: opts.drift,
  });
  const imagine = new ImagineClient({
    wsUrl: c.grok.ws_url,
    headers: new GrokHeaders(headerOpts),
    connectTimeoutMs: c.chat.connect_timeout * 1000,
    egress: (token) => transport.webSocket(token),
    drift: opts.drift,
  });
  const publisher = new MediaPublisher(cache, grok, () => ({ downloadTimeoutMs: opts.config().media.download_timeout * 1000 }), {
    store: opts.store.mediaIndex,
    accountIdOf: opts.accountIdOf,
    onError: (err, name) => opts.logger.warn({ file: name, err: (err as Error).message }, 'media index: could not record a file (other instances cannot serve it)'),
  });
  const remote = new RemoteMedia({
    cache,
    index: opts.store.mediaIndex,
    logger: opts.logger,
    fetch: async (entry) => {
      const token = opts.tokenOf(entry.accountId ?? '');
      if (token === undefined || entry.upstreamUrl === null) return undefined;
      const kind: MediaKind = entry.kind;
      // No route given: the media transport sends it through the account's own egress.
      const got = await grok.download(token, entry.upstreamUrl, {
        kind,
        maxBytes: publisher.maxBytes(kind),
        timeoutMs: opts.config().media.download_timeout * 1000,
      });
      try {
        const type = validateMedia(got.bytes, kind, got.contentType);
        // The name's extension is what the first instance sniffed: the same bytes give the same one.
        if (!entry.name.endsWith(`.${type.ext}`)) return undefined;
      } catch (err) {
        if (err instanceof InvalidMediaError) return undefined;
        throw err;
      }
      return got.bytes;
    },
  });
  const loader = new AttachmentLoader(cache, () => {
    const m = opts.config().media;
    return { maxBytes: Math.round(m.max_download_mb * MB), timeoutMs: m.download_timeout * 1000, allowPrivate: m.allow_private_urls };
  });
  const images = new ImageService({
    client: mediaCalls,
    turns: opts.turns,
    userIds: opts.userIds,
    media: grok,
    imagine,
    publisher,
    accounts: opts.accounts,
    egress: opts.egress,
    onRetry,
    settings: () => {
      const cfg = opts.config();
      const chat = opts.chatSettings();
      const edit = opts.models().list().find((m) => m.kind === 'image-edit');
      return {
        useWs: cfg.image.use_ws,
        roundTimeoutMs: cfg.image.round_timeout * 1000,
        wsIdleTimeoutMs: cfg.image.idle_timeout * 1000,
        chatIdleTimeoutMs: chat.idleTimeoutMs,
        chatRequestTimeoutMs: chat.requestTimeoutMs,
        temporary: chat.temporary,
        disableMemory: chat.disableMemory,
        retry: chat.retry,
        editUpstreamModel: edit?.upstream_model ?? 'imagine-image-edit',
        chatTransport: chat.transport,
        nsfw: cfg.image.nsfw,
      };
    },
  });
  const videos = new VideoService({
    client: mediaCalls,
    media: grok,
    publisher,
    accounts: opts.accounts,
    egress: opts.egress,
    onRetry,
    settings: () => {
      const chat = opts.chatSettings();
      return { idleTimeoutMs: chat.idleTimeoutMs, timeoutMs: opts.config().video.segment_timeout * 1000, retry: chat.retry };
    },
  });
  const jobs = new VideoJobs({
    videos,
    store: opts.store.videoJobs,
    locks: opts.store.locks,
    instanceId: opts.instanceId,
    models: opts.models,
    logger: opts.logger,
    settings: () => {
      const cfg = opts.config();
      return {
        ttlMs: cfg.video.job_ttl * 1000,
        leaseMs: cfg.video.job_lease * 1000,
        scanIntervalMs: cfg.video.job_scan_interval * 1000,
        callbackSecret: cfg.video.callback_secret,
        callbackAttempts: cfg.video.callback_attempts,
        callbackBackoffMs: cfg.video.callback_backoff * 1000,
        allowPrivateUrls: cfg.media.allow_private_urls,
      };
    },
  });
  jobs.start();
  return {
    cache,
    images,
    videos,
    jobs,
    remote,
    loader,
    chatAttachments: new ChatAttachments(loader, grok),
    grok,
    close: async () => {
      await jobs.close();
      await direct?.close();
    },
  };
}
