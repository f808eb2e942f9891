// What the media routes (images, videos, media models in chat) are built from.
import type { MediaFormat, ModelRegistry } from '../config/index.js';
import {
  type AttachmentLoader,
  type ImageService,
  RetriesExhaustedError,
  type ReasoningMode,
  type VideoJobs,
  type VideoService,
} from '../gateway/index.js';
import type { MediaCache, RemoteMedia } from '../media/index.js';

export interface MediaApiSettings {
  format: MediaFormat;
  appUrl: string;
  useWs: boolean;
  heartbeatMs: number;
  reasoning: ReasoningMode;
  htmlTag: boolean;
  allowPrivateUrls: boolean;
  /** Largest multipart file, bytes. */
  maxUploadBytes: number;
}

export interface MediaApiDeps {
  images: ImageService;
  videos: VideoService;
  jobs: VideoJobs;
  loader: AttachmentLoader;
  cache: MediaCache;
  /** Serves media another instance made (shared media index); absent: only this instance's files. */
  remote?: RemoteMedia | undefined;
  models: () => ModelRegistry;
  settings: () => MediaApiSettings;
  /** Told when an SSE stream starts; the returned function is called when it ends. */
  onStream?: (() => () => void) | undefined;
}

/** The format of generated media for a request: response_format wins over media.format. */
export function outputFormat(requested: 'url' | 'b64_json' | null | undefined, configured: MediaFormat): MediaFormat {
  if (requested === 'b64_json') return 'b64_json';
  if (requested === 'url') return configured === 'upstream' ? 'upstream' : 'url';
  return configured;
}

/**
 * Imagine timeouts are reported as 502 (the WebSocket session failed, like any other bad gateway),
 * keeping the kind's code (upstream_timeout) so it stays diagnosable.
 */
export function imagineError(err: unknown): unknown {
  if (err instanceof RetriesExhaustedError && err.kind === 'timeout' && err.status === 504) {
    const out = new RetriesExhaustedError(502, err.message, { code: err.code, param: err.param, headers: err.headers, kind: 'timeout' });
    out.attempts = err.attempts;
    return out;
  }
  return err;
}
