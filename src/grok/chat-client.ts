// The grok.com REST client for chat and rate limits. Requests go through a Transport (undici by
// default: one keep-alive Agent, or a caller-supplied dispatcher); each call may name its own route
// (the account's proxy transport and that proxy's clearance headers). Every response body is
// consumed or destroyed on every path so no socket leaks. This file builds and sends the calls;
// rest-response.ts reads a failed or small answer, chat-event-stream.ts a chat answer's events.
import { randomUUID } from 'node:crypto';
import type { AbortLike } from './cancellation.js';
import { buildChatBody } from './chat-body.js';
import { ChatEvents, type ChatEventSource } from './chat-event-stream.js';
import type { ChatTurnInput, ChatTurnOpener, TurnOpenOptions } from './chat-turn.js';
import { classifyHttpFailure, classifyTransportError, GrokUpstreamError } from './errors.js';
import { GrokHeaders } from './headers.js';
import type { ChatStreamStats } from './parse-chat-stream.js';
import { checkQuotaInfoAnswer, checkRateLimitsAnswer, reportAnswerDrift, type DriftMonitor } from './drift/index.js';
import { parseQuotaInfo, type MediaQuotaSnapshot } from './quota-info.js';
import { normalizeRateLimits, type RateLimitWindow } from './rate-limits.js';
import { readLimitedText } from './read-limited-text.js';
import { decodedBody, headerValue, looksLikeJson, readErrorText } from './rest-response.js';
import { localStatsig, type StatsigProvider } from './statsig.js';
import type { Transport, TransportResponse } from './transport.js';

export type { ChatEventSource } from './chat-event-stream.js';

export interface GrokEndpoints {
  /** `https://grok.com` */
  baseUrl: string;
  /** `https://assets.grok.com` */
  assetsUrl: string;
  /** `wss://grok.com/ws/imagine/listen` */
  wsUrl: string;
}

export interface GrokClientOptions {
  endpoints: GrokEndpoints;
  userAgent: string;
  acceptLanguage: string;
  cfClearance?: string | undefined;
  cfCookies?: string | undefined;
  /** Time allowed for the response headers after the request was sent. */
  headersTimeoutMs: number;
  /**
   * The default egress (built by src/egress: direct undici or impit); a call's `route` may name
   * another one. Given, not built here, so the protocol layer never depends on the egress layer.
   */
  transport: Transport;
  /** close() closes `transport` too (default: no, whoever built it closes it). */
  ownsTransport?: boolean | undefined;
  /** Where `x-statsig-id` values come from (grok.statsig_mode); default: made locally. */
  statsig?: StatsigProvider | undefined;
  /** Protocol-drift checks of the quota answers (src/grok/drift); none when absent. */
  drift?: DriftMonitor | undefined;
}

/**
 * How one call leaves: through which transport (direct, a proxy, impit) and with which headers
 * (the clearance profile that belongs to that egress: cf_clearance + the User-Agent it was issued
 * with). Omitted parts fall back to the client's defaults.
 */
export interface GrokRoute {
  transport?: Transport | undefined;
  headers?: GrokHeaders | undefined;
}

export interface ChatStreamResult {
  /**
   * The typed events, iterable once. Ends after the `end` event. Throws GrokUpstreamError for
   * in-band errors and (classified as transport/timeout) for network failures mid-stream; throws
   * `signal.reason` unchanged when the caller's signal aborted. Leaving the loop early destroys
   * the upstream body.
   */
  events: ChatEventSource;
  /** Cancel the upstream body now (client went away). A no-op once the events have ended. */
  abort(): void;
  status: number;
  /** The `x-xai-request-id` sent upstream. */
  requestId: string;
  /** Line counters, updated while the events are read. */
  stats: ChatStreamStats;
}

const CHAT_PATH = '/rest/app-chat/conversations/new';
const RATE_LIMITS_PATH = '/rest/rate-limits';
const QUOTA_INFO_PATH = '/rest/media/imagine/quota_info';
const JSON_BODY_LIMIT = 1024 * 1024;

export class GrokClient implements ChatTurnOpener {
  private readonly transport: Transport;
  private readonly ownsTransport: boolean;
  private readonly headers: GrokHeaders;
  private readonly chatUrl: string;
  private readonly rateLimitsUrl: string;
  private readonly quotaInfoUrl: string;
  private readonly base: string;
  private readonly headersTimeoutMs: number;
  private readonly statsig: StatsigProvider;
  private readonly drift: DriftMonitor | undefined;

  constructor(opts: GrokClientOptions) {
    this.drift = opts.drift;
    const base = opts.endpoints.baseUrl.replace(/\/+$/, '');
    this.base = base;
    this.chatUrl = base + CHAT_PATH;
    this.rateLimitsUrl = base + RATE_LIMITS_PATH;
    this.quotaInfoUrl = base + QUOTA_INFO_PATH;
    this.headersTimeoutMs = opts.headersTimeoutMs;
    this.statsig = opts.statsig ?? localStatsig();
    this.headers = new GrokHeaders({
      baseUrl: base,
      userAgent: opts.userAgent,
      acceptLanguage: opts.acceptLanguage,
      cfClearance: opts.cfClearance,
      cfCookies: opts.cfCookies,
    });
    this.transport = opts.transport;
    this.ownsTransport = opts.ownsTransport === true;
  }

  /** The default headers (direct egress: grok.user_agent + grok.cf_clearance). */
  get defaultHeaders(): GrokHeaders {
    return this.headers;
  }

  /**
   * POST /rest/app-chat/conversations/new (legacy REST chat, image edits, videos), with an
   * `x-statsig-id`. Resolves once HTTP 200 headers arrived; otherwise rejects with a
   * GrokUpstreamError (classifyHttpFailure with the body, classifyTransportError for network
   * errors). With `renewStatsig`, a 403 whose body is not JSON (a challenge page, not a verdict on
   * the account) drops the cached statsig value and the call is made once more with a new one.
   * When `signal` aborts, rejects with `signal.reason` unchanged.
   */
  async openChat(
    token: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortLike | undefined; referer?: string | undefined; route?: GrokRoute | undefined; renewStatsig?: boolean | undefined } = {},
  ): Promise<ChatStreamResult> {
    const { signal } = opts;
    if (signal?.aborted) throw signal.reason;
    const requestId = randomUUID();
    const json = JSON.stringify(body);
    const retry = opts.renewStatsig === true && this.statsig.renewable;
    for (let attempt = 0; ; attempt++) {
      const statsig = await this.statsigFor(CHAT_PATH);
      const headers = (opts.route?.headers ?? this.headers).rest(token, { referer: opts.referer, requestId, statsig });
      const res = await this.post(opts.route?.transport, this.chatUrl, headers, json, signal);
      if (res.status !== 200) {
        const text = await readErrorText(res, signal);
        if (res.status === 403 && retry && attempt === 0 && !looksLikeJson(text)) {
          this.statsig.invalidate('POST', CHAT_PATH);
          continue;
        }
        throw classifyHttpFailure(res.status, text, headerValue(res.headers['retry-after']));
      }
      const stream = decodedBody(res);
      const stats: ChatStreamStats = { lines: 0, malformedLines: 0 };
      const events = new ChatEvents(stream, res.body, signal, stats);
      return { events, abort: () => events.abort(), status: res.status, requestId, stats };
    }
  }

  /** One chat turn over the legacy REST path: the A-shape body built from the neutral input. */
  openTurn(token: string, turn: ChatTurnInput, opts: TurnOpenOptions = {}): Promise<ChatStreamResult> {
    const body = buildChatBody({
      message: turn.prompt,
      modeId: turn.mode,
      temporary: turn.temporary,
      disableMemory: turn.disableMemory,
      customPersonality: turn.customPersonality,
      fileAttachments: turn.fileIds,
      imageGenerationCount: turn.imageGenerationCount,
    });
    return this.openChat(token, body, { signal: opts.signal, referer: opts.referer, route: opts.route });
  }

  /**
   * POST /rest/rate-limits `{"modelName": mode}` → the normalised window, or null when the answer
   * carries no remainingQueries/remainingTokens. A 403 with a non-JSON body (challenge, not a block
   * marker) renews the statsig value and is tried once more.
   */
  async rateLimits(
    token: string,
    mode: string,
    opts: { signal?: AbortLike | undefined; route?: GrokRoute | undefined } = {},
  ): Promise<RateLimitWindow | null> {
    const text = await this.postForJson(token, RATE_LIMITS_PATH, this.rateLimitsUrl, JSON.stringify({ modelName: mode }), `${this.base}/`, this.statsig.renewable, opts);
    if (this.drift) reportAnswerDrift(this.drift, checkRateLimitsAnswer(text), text, { source: 'rate-limits', model: mode });
    return normalizeRateLimits(text);
  }

  /**
   * POST /rest/media/imagine/quota_info `{}` → the media buckets (image pro, edit, video 480p and
   * 720p), or null when the answer is not a snapshot. Never retried (as the web app).
   */
  async quotaInfo(token: string, opts: { signal?: AbortLike | undefined; route?: GrokRoute | undefined } = {}): Promise<MediaQuotaSnapshot | null> {
    const text = await this.postForJson(token, QUOTA_INFO_PATH, this.quotaInfoUrl, '{}', `${this.base}/imagine`, false, opts);
    if (this.drift) reportAnswerDrift(this.drift, checkQuotaInfoAnswer(text), text, { source: 'quota_info' });
    return parseQuotaInfo(text);
  }

  private async statsigFor(path: string): Promise<string> {
    try {
      return await this.statsig.value('POST', path);
    } catch (err) {
      throw new GrokUpstreamError({
        kind: 'upstream-5xx',
        status: 502,
        message: `Could not obtain an x-statsig-id (grok.statsig_mode = "${this.statsig.mode}"): ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
    }
  }

  /** A small JSON POST with statsig (quota calls): the answer's text, or a classified failure. */
  private async postForJson(
    token: string,
    path: string,
    url: string,
    body: string,
    referer: string,
    renewOn403: boolean,
    opts: { signal?: AbortLike | undefined; route?: GrokRoute | undefined },
  ): Promise<string> {
    const { signal } = opts;
    if (signal?.aborted) throw signal.reason;
    for (let attempt = 0; ; attempt++) {
      const statsig = await this.statsigFor(path);
      const headers = (opts.route?.headers ?? this.headers).rest(token, { referer, statsig });
      const res = await this.post(opts.route?.transport, url, headers, body, signal, this.headersTimeoutMs);
      if (res.status !== 200) {
        const text = await readErrorText(res, signal);
        if (res.status === 403 && renewOn403 && attempt === 0 && !looksLikeJson(text)) {
          this.statsig.invalidate('POST', path);
          continue;
        }
        throw classifyHttpFailure(res.status, text, headerValue(res.headers['retry-after']));
      }
      try {
        return await readLimitedText(decodedBody(res), JSON_BODY_LIMIT);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        throw classifyTransportError(err);
      }
    }
  }

  /** Closes the transport when the client owns it (ownsTransport; waits for requests in flight). */
  async close(): Promise<void> {
    if (this.ownsTransport) await this.transport.close();
  }

  private async post(
    transport: Transport | undefined,
    url: string,
    headers: Record<string, string>,
    body: string,
    signal: AbortLike | undefined,
    bodyIdleTimeoutMs = 0,
  ): Promise<TransportResponse> {
    try {
      return await (transport ?? this.transport).request({
        method: 'POST',
        url,
        headers,
        body,
        signal,
        headersTimeoutMs: this.headersTimeoutMs,
        bodyIdleTimeoutMs,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw classifyTransportError(err);
    }
  }
}
