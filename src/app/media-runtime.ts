// Composition of the media side (cache, Grok media client, imagine WebSocket, image/video use
// cases, video jobs, chat attachments) from the live configuration (settings.ts). create-gateway.ts
// wires it in.
import {
  type DriftMonitor,
  GrokHeaders,
  GrokMediaClient,
  ImagineClient,
  type ChatTurnOpener,
  type MediaTransport,
  type AbortLike,
  type GrokRoute,
  type ChatStreamResult,
} from '../grok/index.js';
import type { Logger } from 'pino';
import { join } from 'node:path';
import type { AccountSource } from '../accounts/index.js';
import type { AppConfig, ModelRegistry } from '../config/index.js';
import { DirectMediaTransport, type EgressSelector } from '../egress/index.js';
import { InvalidMediaError, MediaCache, MediaPublisher, RemoteMedia, validateMedia, type MediaKind } from '../media/index.js';
import {
  AttachmentLoader,
  ChatAttachments,
  type AccountUserIds,
  type ChatSettings,
  GeneratedImageLinker,
  ImageService,
  type UpstreamChatOpener,
  VideoJobs,
  VideoService,
} from '../gateway/index.js';
import type { Store } from '../store/index.js';
import { attachmentSettingsFrom, generatedImageSettingsFrom, imageSettingsFrom, mediaCacheLimitsFrom, publisherSettingsFrom, upstreamTimeoutsFrom, videoJobSettingsFrom, videoSettingsFrom } from './settings.js';

/** The REST `conversations/new` opener (GrokClient): media calls ask it to renew statsig after a challenge 403. */
export interface MediaChatOpener {
  openChat(
    token: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortLike; referer?: string; route?: GrokRoute; renewStatsig?: boolean },
  ): Promise<ChatStreamResult>;
}

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
  /** ChatService's links to the images Grok draws inside a chat answer. */
  chatImages: GeneratedImageLinker;
  grok: GrokMediaClient;
  close(): Promise<void>;
}

export async function createMediaRuntime(opts: MediaRuntimeOptions): Promise<MediaRuntime> {
  const c = opts.config();
  const onRetry = (r: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }): void =>
    opts.logger.warn({ reqId: r.requestId, attempt: r.attempt, account: r.account, kind: r.kind, delayMs: r.delayMs }, 'retrying on another account');
  const cache = await MediaCache.open(
    join(opts.dataDir, 'media'),
    () => mediaCacheLimitsFrom(opts.config()),
    opts.logger,
  );
  // Image edits and videos carry x-statsig-id: a challenge 403 renews it and the call is made once more.
  const mediaCalls: UpstreamChatOpener = { openChat: (token, body, o) => opts.client.openChat(token, body, { ...o, renewStatsig: true }) };
  const timeouts = upstreamTimeoutsFrom(c);
  const direct = opts.transport ? undefined : new DirectMediaTransport(timeouts.connectTimeoutMs);
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
    headersTimeoutMs: timeouts.requestTimeoutMs,
    drift: opts.drift,
  });
  const imagine = new ImagineClient({
    wsUrl: c.grok.ws_url,
    headers: new GrokHeaders(headerOpts),
    connectTimeoutMs: timeouts.connectTimeoutMs,
    egress: (token) => transport.webSocket(token),
    drift: opts.drift,
  });
  const publisher = new MediaPublisher(cache, grok, () => publisherSettingsFrom(opts.config()), {
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
        timeoutMs: publisherSettingsFrom(opts.config()).downloadTimeoutMs,
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
  const loader = new AttachmentLoader(cache, () => attachmentSettingsFrom(opts.config()));
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
    settings: () => imageSettingsFrom(opts.config(), opts.chatSettings(), opts.models()),
  });
  const videos = new VideoService({
    client: mediaCalls,
    media: grok,
    publisher,
    accounts: opts.accounts,
    egress: opts.egress,
    onRetry,
    settings: () => videoSettingsFrom(opts.config(), opts.chatSettings()),
  });
  const jobs = new VideoJobs({
    videos,
    store: opts.store.videoJobs,
    locks: opts.store.locks,
    instanceId: opts.instanceId,
    models: opts.models,
    logger: opts.logger,
    settings: () => videoJobSettingsFrom(opts.config()),
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
    chatImages: new GeneratedImageLinker({
      publisher,
      assetUrl: (u) => grok.assetUrl(u),
      settings: () => generatedImageSettingsFrom(opts.config()),
      onError: (err, url) => opts.logger.warn({ err: err instanceof Error ? err.message : String(err), asset: url.split('?')[0] }, 'a generated image in a chat answer could not be fetched: left out of the answer'),
    }),
    grok,
    close: async () => {
      await jobs.close();
      await direct?.close();
    },
  };
}
