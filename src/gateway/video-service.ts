// Video generation (docs/grok-protocol.md, "Video — mediaGenInput.textToVideo"): one
// `conversations/new` call with a textToVideo body (1-15 s, 480p/720p, kind CONVERSATION_KIND_IMAGINE;
// no media post, no segments: a longer video is refused at the edge), then the final video is
// published (cached link or upstream URL). The call is one attempt of the retry layer and leaves,
// with the download, through that attempt's egress route. Text-to-video only: the current web
// protocol's image-to-video is unverified, so reference images are refused at the edge.
import type { AccountSource } from '../accounts/index.js';
import type { ModelSpec } from '../config/index.js';
import type { EgressRoute, EgressSelector } from '../egress/index.js';
import {
  buildVideoBody,
  classifyInBandError,
  GrokUpstreamError,
  VIDEO_MODEL,
  type GrokMediaClient,
  type VideoPreset,
  type VideoResolution,
} from '../grok/index.js';
import type { MediaPublisher, PublishedMedia, PublishTarget } from '../media/index.js';
import { runMediaAttempts } from './media-attempts.js';
import type { AttemptRecord, RetryPolicy } from './retry.js';
import { UpstreamChat, type UpstreamChatOpener } from './upstream-chat.js';

export interface VideoSettings {
  idleTimeoutMs: number;
  /** The whole generation (video.segment_timeout). */
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface VideoServiceDeps {
  client: UpstreamChatOpener;
  media: GrokMediaClient;
  publisher: MediaPublisher;
  accounts: AccountSource;
  settings: () => VideoSettings;
  /** Outbound proxies: each attempt's calls (the generation, the download) leave through the account's proxy. */
  egress?: EgressSelector | undefined;
  onRetry?: (info: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }) => void;
}

export interface VideoJobInput {
  requestId: string;
  prompt: string;
  /** Whole seconds, 1 to MAX_VIDEO_SECONDS (checked at the edge). */
  seconds: number;
  aspectRatio: string;
  resolution: VideoResolution;
  preset: VideoPreset;
  target: PublishTarget;
  signal: AbortSignal;
  /** Progress 0-100. */
  onProgress?: ((percent: number) => void) | undefined;
}

export interface VideoResult {
  video: PublishedMedia;
  /** Grok's thumbnail (absolute upstream URL), when it sent one. */
  thumbnailUrl: string | undefined;
  /** Seconds asked of Grok. */
  seconds: number;
  account: string;
  attempts: AttemptRecord[];
}

interface Generated {
  videoUrl: string;
  thumbnailUrl: string | undefined;
}

export class VideoService {
  constructor(private readonly deps: VideoServiceDeps) {}

  async generate(spec: ModelSpec, job: VideoJobInput): Promise<VideoResult> {
    const s = this.deps.settings();
    const body = buildVideoBody({
      upstreamModel: spec.upstream_model ?? VIDEO_MODEL,
      prompt: job.prompt,
      preset: job.preset,
      aspectRatio: job.aspectRatio,
      duration: job.seconds,
      resolutionName: job.resolution,
    });
    const r = await runMediaAttempts(this.deps, spec, job, s.retry, (token, route) => this.attempt(token, body, job, s, route));
    return { ...r.value, seconds: job.seconds, account: r.account, attempts: r.attempts };
  }

  private async attempt(
    token: string,
    body: Record<string, unknown>,
    job: VideoJobInput,
    s: VideoSettings,
    route: EgressRoute | undefined,
  ): Promise<{ video: PublishedMedia; thumbnailUrl: string | undefined }> {
    const media = this.deps.media;
    const made = await this.generateOnce(token, body, `${media.baseUrl}/imagine`, job, s, route, (p) => job.onProgress?.(p));
    const video = await this.deps.publisher.publish('video', token, { upstream: made.videoUrl }, job.target, { signal: job.signal, route });
    return { video, thumbnailUrl: made.thumbnailUrl !== undefined ? media.assetUrl(made.thumbnailUrl) : undefined };
  }

  /** One generation call; the first final URL ends the reading. */
  private async generateOnce(
    token: string,
    body: Record<string, unknown>,
    referer: string,
    job: VideoJobInput,
    s: VideoSettings,
    route: EgressRoute | undefined,
    onProgress: (p: number) => void,
  ): Promise<Generated> {
    const up = new UpstreamChat({ idleTimeoutMs: s.idleTimeoutMs, requestTimeoutMs: s.timeoutMs }, job.signal);
    let videoUrl: string | undefined;
    let thumbnailUrl: string | undefined;
    let modelError: string | undefined;
    let last = -1;
    try {
      await up.open(this.deps.client, token, body, referer, route);
      for (let ev = await up.next(); ev; ev = await up.next()) {
        if (ev.type === 'video-progress') {
          const p = Math.max(0, Math.min(100, Math.round(ev.progress)));
          if (p >= 100 && ev.moderated) {
            throw new GrokUpstreamError({ kind: 'safety-refusal', status: 400, message: 'Grok moderated the generated video' });
          }
          if (p >= 100 && ev.videoUrl) {
            videoUrl = ev.videoUrl;
            thumbnailUrl = ev.thumbnailUrl;
          }
          if (p !== last) {
            last = p;
            onProgress(p);
          }
          if (videoUrl !== undefined) break;
        } else if (ev.type === 'model-response') {
          if (ev.error) modelError = ev.error;
        } else if (ev.type === 'end') break;
      }
    } finally {
      up.close();
    }
    if (videoUrl === undefined) {
      if (modelError) throw classifyInBandError(undefined, modelError);
      throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'Video generation returned no final video URL' });
    }
    return { videoUrl, thumbnailUrl };
  }
}
