// Video generation (protocol 7.3, A flow): a parent media post (text-to-video, or one image post
// per uploaded reference), then one chat call per segment (6 or 10 s; longer videos are extension
// segments stitched onto the previous one), then the final video is published (cached link or
// upstream URL). The whole sequence is one attempt of the retry layer: posts and segments belong
// to the account that made them, and all of it leaves through that attempt's egress route.
import type { AccountSource } from '../accounts/index.js';
import type { ModelSpec } from '../config/index.js';
import type { EgressRoute, EgressSelector } from '../egress/index.js';
import {
  buildVideoSegmentBody,
  classifyInBandError,
  GrokUpstreamError,
  videoSegments,
  type GrokMediaClient,
  type VideoPreset,
} from '../grok/index.js';
import type { MediaPublisher, PublishedMedia, PublishTarget } from '../media/index.js';
import { uploadAll, type PreparedFile } from './attachments.js';
import { runMediaAttempts } from './media-attempts.js';
import type { AttemptRecord, RetryPolicy } from './retry.js';
import { UpstreamChat, type UpstreamChatOpener } from './upstream-chat.js';

export interface VideoSettings {
  idleTimeoutMs: number;
  segmentTimeoutMs: number;
  retry: RetryPolicy;
}

export interface VideoServiceDeps {
  client: UpstreamChatOpener;
  media: GrokMediaClient;
  publisher: MediaPublisher;
  accounts: AccountSource;
  settings: () => VideoSettings;
  /** Outbound proxies: each attempt's calls (uploads, posts, segments, the download) leave through the account's proxy. */
  egress?: EgressSelector | undefined;
  onRetry?: (info: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }) => void;
}

export interface VideoJobInput {
  requestId: string;
  prompt: string;
  /** Requested length; split into segments by videoSegments(). */
  seconds: number;
  aspectRatio: string;
  resolution: '480p' | '720p';
  preset: VideoPreset;
  references: PreparedFile[];
  target: PublishTarget;
  signal: AbortSignal;
  /** Overall progress 0-100 across segments. */
  onProgress?: ((percent: number) => void) | undefined;
}

export interface VideoResult {
  video: PublishedMedia;
  /** Grok's thumbnail (absolute upstream URL), when it sent one. */
  thumbnailUrl: string | undefined;
  /** Seconds actually generated (sum of the segments). */
  seconds: number;
  account: string;
  attempts: AttemptRecord[];
}

interface SegmentOutcome {
  videoUrl: string;
  thumbnailUrl: string | undefined;
  postId: string | undefined;
}

/** Aspect ratios Grok's video generator takes. */
export const VIDEO_ASPECTS = ['2:3', '3:2', '1:1', '9:16', '16:9'] as const;

export class VideoService {
  constructor(private readonly deps: VideoServiceDeps) {}

  async generate(spec: ModelSpec, job: VideoJobInput): Promise<VideoResult> {
    const s = this.deps.settings();
    const segments = videoSegments(job.seconds);
    const r = await runMediaAttempts(this.deps, spec, job, s.retry, (token, route) =>
      this.attempt(token, spec.upstream_model ?? 'imagine-video-gen', segments, job, s, route),
    );
    return { ...r.value, seconds: segments.reduce((a, b) => a + b, 0), account: r.account, attempts: r.attempts };
  }

  private async attempt(
    token: string,
    upstreamModel: string,
    segments: number[],
    job: VideoJobInput,
    s: VideoSettings,
    route: EgressRoute | undefined,
  ): Promise<{ video: PublishedMedia; thumbnailUrl: string | undefined }> {
    const media = this.deps.media;
    const base = media.baseUrl;
    const referer = `${base}/imagine`;
    let parentPostId: string;
    let imageReferences: string[] = [];
    if (job.references.length > 0) {
      const uploads = await uploadAll(media, token, job.references, job.signal, route);
      const posts = [];
      for (const u of uploads) {
        posts.push(await media.createMediaPost(token, { mediaType: 'MEDIA_POST_TYPE_IMAGE', mediaUrl: u.url }, { referer, signal: job.signal, route }));
      }
      parentPostId = (posts[0] as { id: string }).id;
      imageReferences = uploads.map((u) => u.url);
    } else {
      parentPostId = (await media.createMediaPost(token, { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: job.prompt }, { referer, signal: job.signal, route })).id;
    }

    let elapsed = 0;
    let previous: SegmentOutcome | undefined;
    for (const [i, length] of segments.entries()) {
      const body = buildVideoSegmentBody({
        upstreamModel,
        prompt: job.prompt,
        preset: job.preset,
        parentPostId,
        aspectRatio: job.aspectRatio,
        videoLength: length,
        resolutionName: job.resolution,
        imageReferences: i === 0 ? imageReferences : undefined,
        extension: i === 0 ? undefined : { startTime: elapsed + 1 / 24, extendPostId: previous?.postId ?? parentPostId },
      });
      const segReferer = i === 0 ? referer : `${base}/imagine/post/${parentPostId}`;
      previous = await this.segment(token, body, segReferer, job, s, route, (p) => job.onProgress?.(Math.floor((i * 100 + p) / segments.length)));
      elapsed += length;
    }
    const last = previous as SegmentOutcome;
    const video = await this.deps.publisher.publish('video', token, { upstream: last.videoUrl }, job.target, { signal: job.signal, route });
    return { video, thumbnailUrl: last.thumbnailUrl !== undefined ? media.assetUrl(last.thumbnailUrl) : undefined };
  }

  private async segment(
    token: string,
    body: Record<string, unknown>,
    referer: string,
    job: VideoJobInput,
    s: VideoSettings,
    route: EgressRoute | undefined,
    onProgress: (p: number) => void,
  ): Promise<SegmentOutcome> {
    const up = new UpstreamChat({ idleTimeoutMs: s.idleTimeoutMs, requestTimeoutMs: s.segmentTimeoutMs }, job.signal);
    let postId: string | undefined;
    let videoUrl: string | undefined;
    let thumbnailUrl: string | undefined;
    let modelError: string | undefined;
    let last = -1;
    try {
      await up.open(this.deps.client, token, body, referer, route);
      for (let ev = await up.next(); ev; ev = await up.next()) {
        if (ev.type === 'video-progress') {
          postId = ev.videoPostId ?? ev.videoId ?? postId;
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
    return { videoUrl, thumbnailUrl, postId };
  }
}
