// The media side of the grok.com protocol: file uploads (docs/grok-protocol.md, "Uploads v2") and
// asset downloads. Uploads go over a fresh connection each (a new dispatcher, closed after)
// and are retried on a fresh connection after a reset or a 502/503/504, because a half-dead pooled
// connection is the usual reason an upload of a few MB fails. Every call may name its route (the
// retry attempt's egress); otherwise the MediaTransport decides, per account.
import { request, type Dispatcher } from 'undici';
import { AssetHeaders, type AssetKind } from './asset-headers.js';
import { sleepUnlessAborted } from './cancellation.js';
import type { GrokRoute } from './chat-client.js';
import { decodeContent } from './content-encoding.js';
import { classifyHttpFailure, classifyTransportError, GrokUpstreamError } from './errors.js';
import { GrokHeaders } from './headers.js';
import { routeEgress, type MediaEgress, type MediaTransport } from './media-transport.js';
import { readLimitedText } from './read-limited-text.js';
import { buildUploadV2Body, chatFileId, IMAGINE_FILE_SOURCE, parseUploadV2Response, UPLOAD_RESPONSE_LIMIT, UPLOAD_V2_PATH } from './upload-v2.js';

export interface GrokMediaClientOptions {
  baseUrl: string;
  assetsUrl: string;
  userAgent: string;
  acceptLanguage: string;
  cfClearance?: string | undefined;
  cfCookies?: string | undefined;
  transport: MediaTransport;
  /** Time allowed for response headers of REST calls. */
  headersTimeoutMs: number;
  /** Upload attempts per file (fresh connection each). Default 3. */
  uploadAttempts?: number;
  /** Delay before an upload retry, doubled each time. Default 250 ms. */
  uploadRetryDelayMs?: number;
}

export interface UploadInput {
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

/** What an upload is for: a chat attachment (Referer `/`) or an image-edit input (Referer `/imagine`, `file_source`). */
export type UploadPurpose = 'chat' | 'imagine';

export interface UploadedFile {
  /** The id a chat file mention takes: fileMetadataId, else fileId, else uploadId. */
  chatId: string;
  /** The only id an image edit's inputAssets takes; undefined when the answer had none. */
  fileMetadataId: string | undefined;
  uploadId: string | undefined;
  /** Relative to the asset host, when Grok said (kept for reference; sent nowhere). */
  fileUri: string | undefined;
}

export interface DownloadedAsset {
  bytes: Buffer;
  contentType: string | undefined;
}

const ERROR_BODY_LIMIT = 64 * 1024;
const RETRY_UPLOAD_STATUSES = new Set([502, 503, 504]);
const MAX_ASSET_REDIRECTS = 3;

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

export class GrokMediaClient {
  private readonly base: string;
  private readonly assets: string;
  private readonly assetsHost: string;
  private readonly baseHost: string;
  private readonly headers: GrokHeaders;
  /** Asset headers per egress header set (the default one, and each proxy's clearance profile). */
  private readonly assetHeaders = new WeakMap<GrokHeaders, AssetHeaders>();

  constructor(private readonly opts: GrokMediaClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.assets = opts.assetsUrl.replace(/\/+$/, '');
    this.assetsHost = new URL(this.assets).host;
    this.baseHost = new URL(this.base).host;
    const h = { baseUrl: this.base, userAgent: opts.userAgent, acceptLanguage: opts.acceptLanguage, cfClearance: opts.cfClearance, cfCookies: opts.cfCookies };
    this.headers = new GrokHeaders(h);
  }

  get baseUrl(): string {
    return this.base;
  }

  /** An asset path from a stream (relative to the asset host) or an absolute URL, made absolute. */
  assetUrl(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
    return `${this.assets}/${pathOrUrl.replace(/^\/+/, '')}`;
  }

  /** True for URLs on Grok's own hosts (the asset host, the app host, *.grok.com): they get the cookie. */
  isGrokUrl(url: string): boolean {
    try {
      const u = new URL(url);
      return u.host === this.assetsHost || u.host === this.baseHost || u.hostname === 'grok.com' || u.hostname.endsWith('.grok.com');
    } catch {
      return false;
    }
  }

  /**
   * POST /http/upload-file-v2/direct on a fresh connection: multipart `file` (+ `file_source` for
   * image-edit inputs), no statsig, no request id. A reset, another network error or a 502/503/504
   * is retried on a new connection; a `terminalError` in the answer is a rejection (not retried).
   * Other failures are thrown classified.
   */
  async upload(
    token: string,
    file: UploadInput,
    opts: { signal?: AbortSignal | undefined; route?: GrokRoute | undefined; purpose?: UploadPurpose | undefined } = {},
  ): Promise<UploadedFile> {
    const attempts = Math.max(1, this.opts.uploadAttempts ?? 3);
    const imagine = opts.purpose === 'imagine';
    const referer = imagine ? `${this.base}/imagine` : `${this.base}/`;
    let last: GrokUpstreamError | undefined;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleepUnlessAborted((this.opts.uploadRetryDelayMs ?? 250) * 2 ** (i - 1), opts.signal);
      opts.signal?.throwIfAborted();
      const egress = routeEgress(opts.route, true) ?? this.opts.transport.fresh(token);
      // A new boundary per attempt, as a browser would build a new form.
      const multipart = buildUploadV2Body(file, imagine ? IMAGINE_FILE_SOURCE : undefined);
      try {
        const text = await this.post(egress, UPLOAD_V2_PATH, token, multipart.body, multipart.contentType, referer, opts.signal);
        const parsed = parseUploadV2Response(text);
        if (!parsed.ok) {
          throw new GrokUpstreamError({ kind: 'bad-request', status: 400, message: `Grok refused the upload of '${file.fileName}': ${parsed.reason}`, bodyExcerpt: text.slice(0, 200) });
        }
        const r = parsed.result;
        const chatId = chatFileId(r);
        if (chatId === undefined) {
          throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'Grok answered the upload with a fileUri but no id' });
        }
        return { chatId, fileMetadataId: r.fileMetadataId, uploadId: r.uploadId, fileUri: r.fileUri };
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        const e = err instanceof GrokUpstreamError ? err : classifyTransportError(err);
        last = e;
        const retryable = e.kind === 'transport' || e.kind === 'timeout' || RETRY_UPLOAD_STATUSES.has(e.status);
        if (!retryable) throw e;
      } finally {
        void egress.dispatcher.destroy().catch(() => undefined);
      }
    }
    throw new GrokUpstreamError({
      kind: last?.kind ?? 'transport',
      status: last?.status ?? 0,
      message: `Upload to Grok failed ${attempts} times, each on a fresh connection: ${last?.message ?? 'unknown error'}`,
      ...(last ? { cause: last } : {}),
    });
  }

  /**
   * GET an asset (section 8.1) with browser-navigation headers; the cookie only goes to Grok's own
   * hosts. Redirects are followed. Throws GrokUpstreamError on non-200, network errors, timeouts
   * and bodies larger than `maxBytes`. Leaves through the asset pool when the MediaTransport has
   * one, else through `route` (the attempt's egress), else the account's.
   */
  async download(
    token: string,
    pathOrUrl: string,
    opts: { kind: AssetKind; maxBytes: number; timeoutMs: number; signal?: AbortSignal | undefined; route?: GrokRoute | undefined },
  ): Promise<DownloadedAsset> {
    // A timer we clear ourselves: an AbortSignal.timeout firing after the body was dropped would
    // surface as an unhandled abort of a request that is already over.
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(new Error('asset download timed out')), opts.timeoutMs);
    const timeout = timer.signal;
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const egress = this.opts.transport.assets(token, opts.route);
    try {
      const got = await this.downloadWith(token, pathOrUrl, opts, egress, signal, timeout);
      egress.report?.();
      return got;
    } catch (err) {
      // The client going away says nothing about the egress.
      if (err instanceof GrokUpstreamError && !opts.signal?.aborted) egress.report?.(err);
      throw err;
    } finally {
      clearTimeout(t);
    }
  }

  private assetHeadersFor(egress: MediaEgress): AssetHeaders {
    const base = egress.headers ?? this.headers;
    let h = this.assetHeaders.get(base);
    if (!h) {
      h = new AssetHeaders(base, this.assets);
      this.assetHeaders.set(base, h);
    }
    return h;
  }

  private async downloadWith(
    token: string,
    pathOrUrl: string,
    opts: { kind: AssetKind; maxBytes: number; timeoutMs: number; signal?: AbortSignal | undefined },
    egress: MediaEgress,
    signal: AbortSignal,
    timeout: AbortSignal,
  ): Promise<DownloadedAsset> {
    const assetHeaders = this.assetHeadersFor(egress);
    let url = this.assetUrl(pathOrUrl);
    for (let hop = 0; ; hop++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: 'GET',
          headers: assetHeaders.get(token, opts.kind, this.isGrokUrl(url)),
          dispatcher: egress.dispatcher,
          signal,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        });
      } catch (err) {
        throw this.downloadError(err, opts, timeout);
      }
      res.body.on('error', noop);
      const location = headerValue(res.headers.location);
      if (res.statusCode >= 300 && res.statusCode < 400 && location !== undefined && hop < MAX_ASSET_REDIRECTS) {
        res.body.destroy();
        url = new URL(location, url).toString();
        continue;
      }
      if (res.statusCode !== 200) throw await this.failure(res, signal);
      const declared = Number(headerValue(res.headers['content-length']));
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.body.destroy();
        throw tooLarge(opts.maxBytes);
      }
      try {
        const stream = decodeContent(res.body, headerValue(res.headers['content-encoding']));
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of stream) {
          const b = chunk as Buffer;
          total += b.length;
          if (total > opts.maxBytes) {
            stream.destroy();
            res.body.destroy();
            throw tooLarge(opts.maxBytes);
          }
          chunks.push(b);
        }
        return { bytes: Buffer.concat(chunks, total), contentType: headerValue(res.headers['content-type']) };
      } catch (err) {
        if (!res.body.destroyed) res.body.destroy();
        if (err instanceof GrokUpstreamError) throw err;
        throw this.downloadError(err, opts, timeout);
      }
    }
  }

  private downloadError(err: unknown, opts: { signal?: AbortSignal | undefined; timeoutMs: number }, timeout: AbortSignal): unknown {
    if (opts.signal?.aborted) return opts.signal.reason;
    if (timeout.aborted) {
      return new GrokUpstreamError({ kind: 'timeout', status: 0, message: `Asset download took longer than ${Math.round(opts.timeoutMs / 1000)}s (media.download_timeout)` });
    }
    return classifyTransportError(err);
  }

  /** One POST of the upload: base + app headers without request id or statsig; the answer's text (≤ 2 MiB). */
  private async post(
    egress: MediaEgress,
    path: string,
    token: string,
    body: Buffer,
    contentType: string,
    referer: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const headers = (egress.headers ?? this.headers).rest(token, { referer, contentType, noRequestId: true });
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.base + path, {
        method: 'POST',
        headers,
        body,
        dispatcher: egress.dispatcher,
        signal,
        headersTimeout: this.opts.headersTimeoutMs,
        bodyTimeout: this.opts.headersTimeoutMs,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw classifyTransportError(err);
    }
    if (res.statusCode !== 200) throw await this.failure(res, signal);
    try {
      return await readLimitedText(decodeContent(res.body, headerValue(res.headers['content-encoding'])), UPLOAD_RESPONSE_LIMIT);
    } catch (err) {
      if (!res.body.destroyed) res.body.destroy();
      if (signal?.aborted) throw signal.reason;
      throw classifyTransportError(err);
    }
  }

  private async failure(res: Dispatcher.ResponseData, signal: AbortSignal | undefined): Promise<Error> {
    let text = '';
    try {
      text = await readLimitedText(decodeContent(res.body, headerValue(res.headers['content-encoding'])), ERROR_BODY_LIMIT);
    } catch {
      if (!res.body.destroyed) res.body.destroy();
      if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    }
    return classifyHttpFailure(res.statusCode, text, headerValue(res.headers['retry-after']));
  }
}

function noop(): void {}

function tooLarge(maxBytes: number): GrokUpstreamError {
  return new GrokUpstreamError({
    kind: 'upstream-5xx',
    status: 502,
    message: `The generated asset is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (media cache cap)`,
  });
}
