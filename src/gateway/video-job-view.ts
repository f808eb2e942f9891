// What clients (and callbacks) see of a stored video job: OpenAI's Video object, plus the result
// links and the job's events. The owner, the lease and the callback bookkeeping stay inside.
import type { VideoJobRecord, VideoJobStatus } from '../store/index.js';

export type { VideoJobStatus };

/** OpenAI's Video object, plus the result links and what happened to the job. */
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
  /** Take-overs and restarts (unix seconds + message), oldest first; empty for a job that ran once. */
  events: Array<{ at: number; message: string }>;
}

const sec = (ms: number): number => Math.floor(ms / 1000);

/**
 * `baseUrl`: the base of links for the asking request. A link into our media cache is built on the
 * base of the request that created the job; answered with the asking request's base instead, it is
 * the same whichever instance answers (behind a balancer, the balancer's address).
 */
export function videoJobView(r: VideoJobRecord, baseUrl?: string): VideoJob {
  const created = `${r.input.target.baseUrl}/videos/`;
  const url = baseUrl !== undefined && r.url !== null && r.url.startsWith(created) ? `${baseUrl}/videos/${r.url.slice(created.length)}` : r.url;
  return {
    id: r.id,
    object: 'video',
    model: r.model,
    status: r.status,
    progress: r.progress,
    created_at: sec(r.createdAt),
    completed_at: r.completedAt === null ? null : sec(r.completedAt),
    expires_at: r.expiresAt === null ? null : sec(r.expiresAt),
    prompt: r.input.prompt,
    seconds: String(r.input.seconds),
    size: r.size,
    error: r.error,
    remixed_from_video_id: null,
    url,
    thumbnail_url: r.thumbnailUrl,
    events: r.events.map((e) => ({ at: sec(e.at), message: e.message })),
  };
}
