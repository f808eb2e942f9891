// Every config → runtime adapter in one place. The configuration speaks the operator's language
// (seconds, megabytes, snake_case keys, config.defaults.toml); the services take milliseconds,
// bytes and camelCase settings objects. Each function here is pure: the wiring (create-gateway.ts,
// build-server.ts, media-runtime.ts) calls it with the live config on every read, so a setting
// changed in the console applies to the next call.
//
// One adapter stays with its logic: server/connection-limits.ts `httpTimeoutOptions` (Node's
// constraints between its HTTP timeouts, fixed at start-up).
import type { AdmissionSettings, AccountServiceOptions } from '../accounts/index.js';
import type { MessagesRouteDeps } from '../anthropic/index.js';
import type { CallLogSettings } from '../calllog/index.js';
import type { AppConfig, ModelRegistry } from '../config/index.js';
import type { EgressSettings } from '../egress/index.js';
import type { AttachmentSettings, ChatSettings, GeneratedImageSettings, ImageSettings, VideoJobSettings, VideoSettings } from '../gateway/index.js';
import type { MediaCacheLimits, PublisherSettings } from '../media/index.js';
import type { ChatRouteDeps, MediaApiSettings, ResponsesRouteDeps } from '../openai/index.js';

const SECOND_MS = 1000;
const MB = 1024 * 1024;

/** Seconds (as configured) → milliseconds (as timers take them). */
export const ms = (seconds: number): number => seconds * SECOND_MS;
/** Megabytes (as configured, fractions allowed) → whole bytes. */
export const bytesOfMb = (mb: number): number => Math.round(mb * MB);

export type AccountSettings = ReturnType<AccountServiceOptions['settings']>;

/**
 * Timeouts by phase of an upstream call: connect = chat.connect_timeout, response headers =
 * network.headers_timeout, whole call = chat.request_timeout (silence between bytes is the chat
 * watchdog's chat.stream_idle_timeout, in chatSettingsFrom).
 */
export interface UpstreamTimeouts {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export function upstreamTimeoutsFrom(c: AppConfig): UpstreamTimeouts {
  return {
    connectTimeoutMs: ms(c.chat.connect_timeout),
    headersTimeoutMs: ms(c.network.headers_timeout),
    requestTimeoutMs: ms(c.chat.request_timeout),
  };
}

export function chatSettingsFrom(c: AppConfig): ChatSettings {
  return {
    idleTimeoutMs: ms(c.chat.stream_idle_timeout),
    requestTimeoutMs: ms(c.chat.request_timeout),
    temporary: c.grok.temporary,
    disableMemory: c.grok.disable_memory,
    customPersonality: c.grok.custom_personality,
    showSearchSources: c.chat.show_search_sources,
    transport: c.grok.chat_transport,
    retry: {
      maxAttempts: c.retry.max_attempts,
      statuses: c.retry.statuses,
      backoffBaseMs: ms(c.retry.backoff_base),
      backoffFactor: c.retry.backoff_factor,
      backoffMaxMs: ms(c.retry.backoff_max),
      budgetMs: ms(c.retry.budget),
    },
  };
}

export function accountSettingsFrom(c: AppConfig): AccountSettings {
  const a = c.accounts;
  return {
    maxInflight: a.max_inflight,
    invalidAfter: a.invalid_after,
    preferHigherTier: a.prefer_higher_tier,
    defaultTier: a.default_tier,
    syncOnImport: a.sync_on_import,
    syncIntervalBasicMs: ms(a.sync_interval_basic),
    syncIntervalSuperMs: ms(a.sync_interval_super),
    syncConcurrency: a.sync_concurrency,
    flushMs: ms(a.flush_interval),
    pollMs: ms(a.poll_interval),
  };
}

export function admissionSettingsFrom(c: AppConfig): AdmissionSettings {
  return { timeoutMs: ms(c.accounts.queue_timeout), max: c.accounts.queue_max };
}

export function callLogSettingsFrom(c: AppConfig): CallLogSettings {
  return { flushMs: ms(c.calllog.flush_interval), maxEntries: c.calllog.max_entries };
}

let lastEgressConfig: AppConfig | undefined;
let lastEgressSettings: EgressSettings | undefined;

/** The egress settings (recomputed only when the config object changes: read on every routed call). */
export function egressSettingsFrom(c: AppConfig): EgressSettings {
  if (c === lastEgressConfig && lastEgressSettings) return lastEgressSettings;
  const s: EgressSettings = {
    urls: c.proxy.urls,
    assetUrls: c.proxy.asset_urls,
    required: c.proxy.required,
    failThreshold: c.proxy.fail_threshold,
    probeUrl: c.proxy.probe_url || c.grok.base_url,
    assetProbeUrl: c.proxy.probe_url || c.grok.assets_url,
    probeIntervalMs: ms(c.proxy.probe_interval),
    probeBackoffMs: ms(c.proxy.probe_backoff),
    probeTimeoutMs: ms(c.proxy.probe_timeout),
    transport: c.network.transport,
    impitBrowser: c.network.impit_browser,
    ...upstreamTimeoutsFrom(c),
    baseUrl: c.grok.base_url,
    userAgent: c.grok.user_agent,
    acceptLanguage: c.grok.accept_language,
    pollMs: ms(c.accounts.poll_interval),
  };
  lastEgressConfig = c;
  lastEgressSettings = s;
  return s;
}

export function chatRouteSettingsFrom(c: AppConfig): ReturnType<ChatRouteDeps['settings']> {
  return {
    reasoning: c.chat.reasoning,
    heartbeatMs: ms(c.chat.heartbeat_interval),
    showSearchSources: c.chat.show_search_sources,
    continueConversations: c.chat.continue_conversations,
  };
}

export function responsesRouteSettingsFrom(c: AppConfig): ReturnType<ResponsesRouteDeps['settings']> {
  return { heartbeatMs: ms(c.chat.heartbeat_interval), showSearchSources: c.chat.show_search_sources };
}

/** How long a stored Responses API object is kept (responses.ttl). */
export function responsesTtlMsFrom(c: AppConfig): number {
  return ms(c.responses.ttl);
}

export function anthropicRouteSettingsFrom(c: AppConfig): ReturnType<MessagesRouteDeps['settings']> {
  return { modelAliases: c.anthropic.model_aliases, heartbeatMs: ms(c.chat.heartbeat_interval) };
}

/** The live settings the media routes (/v1/images/*, /v1/videos*) read. */
export function mediaApiSettingsFrom(c: AppConfig): MediaApiSettings {
  return {
    format: c.media.format,
    appUrl: c.app.app_url,
    useWs: c.image.use_ws,
    heartbeatMs: ms(c.chat.heartbeat_interval),
    reasoning: c.chat.reasoning,
    htmlTag: c.video.html_tag,
    allowPrivateUrls: c.media.allow_private_urls,
    maxUploadBytes: bytesOfMb(c.server.body_limit_mb),
  };
}

export function mediaCacheLimitsFrom(c: AppConfig): MediaCacheLimits {
  return { imageBytes: bytesOfMb(c.media.image_cache_mb), videoBytes: bytesOfMb(c.media.video_cache_mb) };
}

/** Links to the images Grok draws inside a chat model's answer (generated-image-links.ts). */
export function generatedImageSettingsFrom(c: AppConfig): GeneratedImageSettings {
  return { format: c.media.format, appUrl: c.app.app_url };
}

export function publisherSettingsFrom(c: AppConfig): PublisherSettings {
  return { downloadTimeoutMs: ms(c.media.download_timeout) };
}

/** Limits on fetching the files a chat message links to (image_url / file parts). */
export function attachmentSettingsFrom(c: AppConfig): AttachmentSettings {
  return { maxBytes: bytesOfMb(c.media.max_download_mb), timeoutMs: ms(c.media.download_timeout), allowPrivate: c.media.allow_private_urls };
}

/** Image generation and edits; the chat part (timeouts, retry, transport) is the chat path's. */
export function imageSettingsFrom(c: AppConfig, chat: ChatSettings, models: ModelRegistry): ImageSettings {
  const edit = models.list().find((m) => m.kind === 'image-edit');
  return {
    useWs: c.image.use_ws,
    roundTimeoutMs: ms(c.image.round_timeout),
    wsIdleTimeoutMs: ms(c.image.idle_timeout),
    chatIdleTimeoutMs: chat.idleTimeoutMs,
    chatRequestTimeoutMs: chat.requestTimeoutMs,
    temporary: chat.temporary,
    disableMemory: chat.disableMemory,
    retry: chat.retry,
    editUpstreamModel: edit?.upstream_model ?? 'imagine-image-edit',
    chatTransport: chat.transport,
    nsfw: c.image.nsfw,
  };
}

export function videoSettingsFrom(c: AppConfig, chat: ChatSettings): VideoSettings {
  return { idleTimeoutMs: chat.idleTimeoutMs, timeoutMs: ms(c.video.segment_timeout), retry: chat.retry };
}

export function videoJobSettingsFrom(c: AppConfig): VideoJobSettings {
  return {
    ttlMs: ms(c.video.job_ttl),
    leaseMs: ms(c.video.job_lease),
    scanIntervalMs: ms(c.video.job_scan_interval),
    callbackSecret: c.video.callback_secret,
    callbackAttempts: c.video.callback_attempts,
    callbackBackoffMs: ms(c.video.callback_backoff),
    allowPrivateUrls: c.media.allow_private_urls,
  };
}
