// The async video job API's state: jobs live in memory (lost on restart; each gateway instance
// knows only the jobs it created), are kept video.job_ttl seconds after they finish, and may
// announce their end to a callback_url: a POST of the final job object, signed with
// X-Signature = hex HMAC-SHA256(body, video.callback_secret), retried with exponential backoff.
// A job belongs to the API key that created it (resource-owner.ts): other keys neither list nor
// find it.
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ModelSpec } from '../config/index.js';
import { safeFetch } from '../media/index.js';
import { OpenAIHttpError } from '../openai/errors.js';
import { canAccess, type ResourceOwner, type ResourceViewer } from './resource-owner.js';
import type { VideoJobInput, VideoService } from './video-service.js';

export type VideoJobStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

/** OpenAI's Video object, plus the result links. */
export interface VideoJob {
  id: string;
  object: 'video';
  model: string;
  status: VideoJobStatus;
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string;
  seconds: string;
  size: string;
  error: { code: string; message: string } | null;
  remixed_from_video_id: null;
  /** The video (our cached link, or Grok's URL with media.format = "upstream"); null until completed. */
  url: string | null;
  /** Grok's thumbnail URL, when known. */
  thumbnail_url: string | null;
}

export interface VideoJobSettings {
  ttlMs: number;
  callbackSecret: string;
  callbackAttempts: number;
  callbackBackoffMs: number;
  allowPrivateUrls: boolean;
}

/** Most jobs generating at once; more are refused with 429 until one finishes. */
export const MAX_ACTIVE_JOBS = 32;
/** Most jobs remembered; the oldest finished ones are forgotten first. */
const MAX_JOBS = 2000;
const CALLBACK_TIMEOUT_MS = 15_000;
const CALLBACK_BACKOFF_CAP_MS = 60_000;

export function signCallback(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

interface Entry {
  job: VideoJob;
  /** Kept beside the job, not in it: the job object is what clients and callbacks see. */
  owner: ResourceOwner;
  controller: AbortController;
}

export class VideoJobs {
  private readonly jobs = new Map<string, Entry>();
  private active = 0;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private readonly closing = new AbortController();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly videos: VideoService,
    private readonly settings: () => VideoJobSettings,
    private readonly logger: Logger | undefined,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /**
   * Registers a job and starts it in the background. `input` has no signal: the job outlives the
   * request. `owner`: the creating API key's owner id. Throws 429 when too many jobs are generating.
   */
  create(
    owner: ResourceOwner,
    spec: ModelSpec,
    model: string,
    input: Omit<VideoJobInput, 'signal' | 'onProgress'>,
    size: string,
    callbackUrl: string | undefined,
  ): VideoJob {
    if (this.active >= MAX_ACTIVE_JOBS) {
      throw new OpenAIHttpError(429, `Too many video jobs in progress (${MAX_ACTIVE_JOBS}); retry when one finished`, {
        code: 'too_many_jobs',
        headers: { 'retry-after': '30' },
      });
    }
    const now = Math.floor(Date.now() / 1000);
    const job: VideoJob = {
      id: `video_${randomBytes(12).toString('hex')}`,
      object: 'video',
      model,
      status: 'queued',
      progress: 0,
      created_at: now,
      completed_at: null,
      expires_at: null,
      prompt: input.prompt,
      seconds: String(input.seconds),
      size,
      error: null,
      remixed_from_video_id: null,
      url: null,
      thumbnail_url: null,
    };
    const entry: Entry = { job, owner, controller: new AbortController() };
    this.jobs.set(job.id, entry);
    this.trim();
    this.active++;
    const run = this.run(spec, entry, input, callbackUrl).finally(() => {
      this.active--;
      this.pending.delete(run);
    });
    this.pending.add(run);
    return { ...job };
  }

  /** The job, when it exists and `viewer` may see it (another key's job does not exist for it). */
  get(id: string, viewer: ResourceViewer): VideoJob | undefined {
    const e = this.visible(id, viewer);
    return e ? { ...e.job } : undefined;
  }

  /** The jobs `viewer` may see, newest first. */
  list(viewer: ResourceViewer): VideoJob[] {
    const out: VideoJob[] = [];
    for (const e of this.jobs.values()) if (canAccess(viewer, e.owner)) out.push({ ...e.job });
    return out.reverse();
  }

  /** Forgets a job `viewer` may see (cancelling it when still running); false when there is none. */
  delete(id: string, viewer: ResourceViewer): boolean {
    const e = this.visible(id, viewer);
    if (!e) return false;
    e.controller.abort(new Error('video job deleted'));
    this.jobs.delete(id);
    return true;
  }

  private visible(id: string, viewer: ResourceViewer): Entry | undefined {
    const e = this.jobs.get(id);
    return e && canAccess(viewer, e.owner) ? e : undefined;
  }

  private async run(spec: ModelSpec, entry: Entry, input: Omit<VideoJobInput, 'signal' | 'onProgress'>, callbackUrl: string | undefined): Promise<void> {
    const job = entry.job;
    job.status = 'in_progress';
    try {
      const r = await this.videos.generate(spec, {
        ...input,
        signal: entry.controller.signal,
        onProgress: (p) => {
          // 100 only once the video is published.
          job.progress = Math.min(99, Math.max(job.progress, p));
        },
      });
      job.status = 'completed';
      job.progress = 100;
      job.url = r.video.url ?? null;
      job.thumbnail_url = r.thumbnailUrl ?? null;
      job.seconds = String(r.seconds);
      this.logger?.info({ job: job.id, account: r.account, attempts: r.attempts.length }, 'video job completed');
    } catch (err) {
      job.status = 'failed';
      const e = err instanceof OpenAIHttpError ? err : undefined;
      job.error = { code: e?.code ?? 'internal_error', message: e?.message ?? (entry.controller.signal.aborted ? 'Video job cancelled' : 'Video generation failed') };
      if (!e && !entry.controller.signal.aborted) this.logger?.error({ err, job: job.id }, 'video job failed');
      else this.logger?.warn({ job: job.id, code: job.error.code }, 'video job failed');
    }
    job.completed_at = Math.floor(Date.now() / 1000);
    job.expires_at = job.completed_at + Math.ceil(this.settings().ttlMs / 1000);
    if (callbackUrl !== undefined && !this.closed && this.jobs.has(job.id)) await this.callback(callbackUrl, { ...job });
  }

  private async callback(url: string, job: VideoJob): Promise<void> {
    const s = this.settings();
    const body = JSON.stringify(job);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'grok2api-ts' };
    if (s.callbackSecret !== '') headers['x-signature'] = signCallback(body, s.callbackSecret);
    for (let attempt = 1; attempt <= s.callbackAttempts && !this.closed; attempt++) {
      try {
        const res = await safeFetch(url, {
          method: 'POST',
          body,
          headers,
          maxBytes: 64 * 1024,
          timeoutMs: CALLBACK_TIMEOUT_MS,
          allowPrivate: s.allowPrivateUrls,
          signal: this.closing.signal,
        });
        if (res.status >= 200 && res.status < 300) return;
        this.logger?.warn({ job: job.id, status: res.status, attempt }, 'video callback answered non-2xx');
      } catch (err) {
        this.logger?.warn({ job: job.id, attempt, err: (err as Error).message }, 'video callback failed');
      }
      if (attempt < s.callbackAttempts) {
        const delay = Math.min(CALLBACK_BACKOFF_CAP_MS, s.callbackBackoffMs * 2 ** (attempt - 1));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.closing.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          }, { once: true });
        });
      }
    }
    if (!this.closed) this.logger?.error({ job: job.id }, `video callback gave up after ${s.callbackAttempts} attempts`);
  }

  private sweep(): void {
    const now = Date.now() / 1000;
    for (const [id, e] of this.jobs) if (e.job.expires_at !== null && e.job.expires_at <= now) this.jobs.delete(id);
  }

  private trim(): void {
    if (this.jobs.size <= MAX_JOBS) return;
    for (const [id, e] of this.jobs) {
      if (this.jobs.size <= MAX_JOBS) break;
      if (e.job.status === 'completed' || e.job.status === 'failed') this.jobs.delete(id);
    }
  }

  /** Cancels running jobs and stops timers; waits for them to settle (bounded by the callers' close). */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    clearInterval(this.sweeper);
    for (const e of this.jobs.values()) if (e.job.status === 'queued' || e.job.status === 'in_progress') e.controller.abort(new Error('gateway shutting down'));
    await Promise.allSettled([...this.pending]);
  }
}
