// Chat completions with an image, image-edit or video model: the conversation becomes a media
// request (media-prompt.ts), progress is streamed as reasoning (reasoning_content lines, or inside
// <think> with think_tags), and the answer is only the media: markdown images `![image](url)` (n of
// them), or a video link (`<video>` tag with video.html_tag). Nothing of the prompt scaffolding is
// ever part of the answer.
import { completionId } from './completion-id.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelSpec } from '../config/index.js';
import {
  type PreparedFile,
  chooseImagePath,
  type ImageProgress,
  composeMediaPrompt,
  type AttemptRecord,
  type ReasoningMode,
  buildUsage,
  estimatePromptTokens,
  estimateTokens,
  VIDEO_PRESETS,
  type VideoPreset,
} from '../gateway/index.js';
import { mediaBaseUrl, type PublishedMedia } from '../media/index.js';
import type { ChatRequestInput } from './chat-request-schema.js';
import { ChatStreamWriter } from './chat-stream-writer.js';
import { recordCallFailure } from './call-failure.js';
import { clientGoneSignal } from './client-gone.js';
import { CallError } from '../failures/index.js';
import { invalidRequest, OpenAIHttpError, toOpenAIError } from './errors.js';
import { imageAspect, videoAspect } from './media-params.js';
import { imagineError, type MediaApiDeps } from './media-api-deps.js';
import { DEFAULT_VIDEO_SECONDS, MAX_VIDEO_SECONDS } from './videos-route.js';
import { toConversation } from './to-conversation.js';

const MAX_CHAT_REFERENCES = 7;

interface VideoOptions {
  seconds: number;
  aspect: string;
  resolution: '480p' | '720p';
  preset: VideoPreset;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `video_config` (or the same keys at the top level) of a chat request. */
function videoOptions(body: ChatRequestInput): VideoOptions {
  const raw = body as Record<string, unknown>;
  const cfg = isRecord(raw.video_config) ? raw.video_config : raw;
  const p = isRecord(raw.video_config) ? 'video_config.' : '';
  const secondsRaw = cfg.seconds ?? cfg.video_length ?? DEFAULT_VIDEO_SECONDS;
  const seconds = typeof secondsRaw === 'string' ? Number(secondsRaw) : secondsRaw;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    throw invalidRequest(`Invalid value for '${p}seconds': expected a whole number of seconds, 1 to ${MAX_VIDEO_SECONDS}`, `${p}seconds`, 'invalid_value');
  }
  if (seconds > MAX_VIDEO_SECONDS) {
    // One generation is all Grok makes; a longer video is refused, never stitched from pieces.
    throw invalidRequest(`Invalid value for '${p}seconds': Grok makes videos of at most ${MAX_VIDEO_SECONDS} seconds in one generation`, `${p}seconds`, 'invalid_value');
  }
  const sizeRaw = cfg.aspect_ratio ?? cfg.size;
  const aspect = videoAspect(typeof sizeRaw === 'string' ? sizeRaw : undefined, `${p}${cfg.aspect_ratio !== undefined ? 'aspect_ratio' : 'size'}`);
  const resRaw = cfg.resolution ?? cfg.resolution_name;
  if (resRaw !== undefined && resRaw !== '480p' && resRaw !== '720p') {
    throw invalidRequest(`Invalid value for '${p}resolution': expected "480p" or "720p"`, `${p}resolution`, 'invalid_value');
  }
  const presetRaw = cfg.preset ?? 'custom';
  if (typeof presetRaw !== 'string' || !(VIDEO_PRESETS as readonly string[]).includes(presetRaw)) {
    throw invalidRequest(`Invalid value for '${p}preset': expected one of ${VIDEO_PRESETS.join(', ')}`, `${p}preset`, 'invalid_value');
  }
  return { seconds, aspect, resolution: resRaw ?? '720p', preset: presetRaw as VideoPreset };
}

/** `image_config.size` (or `size` / `aspect_ratio` at the top level) of a chat request → aspect ratio, and whether one was named. */
function imageAspectOf(body: ChatRequestInput): { aspect: string; given: boolean } {
  const raw = body as Record<string, unknown>;
  const cfg = isRecord(raw.image_config) ? raw.image_config : raw;
  const p = isRecord(raw.image_config) ? 'image_config.' : '';
  if (typeof cfg.aspect_ratio === 'string') return { aspect: imageAspect(cfg.aspect_ratio, `${p}aspect_ratio`), given: true };
  return { aspect: imageAspect(typeof cfg.size === 'string' ? cfg.size : undefined, `${p}size`), given: typeof cfg.size === 'string' };
}

function imageMarkdown(img: PublishedMedia): string {
  const src = img.url ?? `data:${img.mimeType};base64,${img.b64 ?? ''}`;
  return `![image](${src})`;
}

function escapeAttr(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/** Progress → reasoning text, in the request's reasoning mode. */
class ProgressText {
  private thinkOpen = false;
  reasoning = '';
  content = '';

  constructor(private readonly mode: ReasoningMode) {}

  /** Returns the delta to send now. */
  line(text: string): { content?: string; reasoning?: string } | undefined {
    if (this.mode === 'hidden') return undefined;
    const l = `${text}\n`;
    if (this.mode === 'reasoning_content') {
      this.reasoning += l;
      return { reasoning: l };
    }
    const out = this.thinkOpen ? l : `<think>\n${l}`;
    this.thinkOpen = true;
    this.content += out;
    return { content: out };
  }

  /** Closes the think block (think_tags) before the answer. */
  close(): string {
    if (!this.thinkOpen) return '';
    this.thinkOpen = false;
    this.content += '</think>\n\n';
    return '</think>\n\n';
  }
}

export async function handleMediaChat(
  deps: MediaApiDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  body: ChatRequestInput,
  spec: ModelSpec,
): Promise<FastifyReply | undefined> {
  const call = request.call;
  const settings = deps.settings();
  const messages = toConversation(body.messages);
  const n = body.n ?? 1;
  if (spec.kind === 'video' && n !== 1) throw invalidRequest('Video models make one video per request (n = 1)', 'n', 'invalid_value');
  const composed = composeMediaPrompt(messages, { maxReferences: MAX_CHAT_REFERENCES });
  if (!composed) throw invalidRequest('The last user message must say what to generate', 'messages', 'invalid_value');
  const video = spec.kind === 'video' ? videoOptions(body) : undefined;
  if (video && composed.references.length > 0) {
    // Silently making a video from the text alone would change the result.
    throw invalidRequest("Images in the conversation are not supported with a video model: Grok's web protocol generates videos from a text prompt only", 'messages', 'unsupported_parameter');
  }
  const imageAspectInfo = video ? undefined : imageAspectOf(body);
  const aspectRatio = video ? video.aspect : (imageAspectInfo as { aspect: string }).aspect;
  const reasoning: ReasoningMode = body.reasoning_effort === 'none' ? 'hidden' : settings.reasoning;
  const stream = body.stream === true;
  call.stream = stream;
  const client = clientGoneSignal(reply);
  const started = Date.now();
  const references: PreparedFile[] = await Promise.all(
    composed.references.map((a) => deps.loader.load(a, a.param ?? 'messages', client.signal)),
  );
  const target = { format: settings.format === 'b64_json' && video ? 'url' as const : settings.format, baseUrl: mediaBaseUrl(settings.appUrl, request) };
  const promptTokens = estimatePromptTokens(messages);
  call.promptTokens = promptTokens;
  const id = completionId();
  const writer = stream
    ? new ChatStreamWriter(reply.raw, { id, created: Math.floor(started / 1000), model: body.model, includeUsage: body.stream_options?.include_usage === true }, settings.heartbeatMs)
    : undefined;
  let writerStarted = false;
  let streamEnded: (() => void) | undefined;
  const progress = new ProgressText(reasoning);
  const pending: Array<Promise<void>> = [];
  const startStream = (): void => {
    if (!writer || writerStarted) return;
    writerStarted = true;
    reply.hijack();
    streamEnded = deps.onStream?.();
    writer.start(reply.getHeaders());
  };
  const emit = (text: string): void => {
    const d = progress.line(text);
    if (!d || !writer) return;
    startStream();
    pending.push(writer.delta(d.content, d.reasoning));
  };

  let answer: string;
  try {
    if (video) {
      call.path = 'video';
      let last = -1;
      const r = await deps.videos.generate(spec, {
        requestId: request.id,
        prompt: composed.prompt,
        seconds: video.seconds,
        aspectRatio: video.aspect,
        resolution: video.resolution,
        preset: video.preset,
        target,
        signal: client.signal,
        onProgress: (p) => {
          if (p === last) return;
          last = p;
          emit(`Video ${p}%`);
        },
      });
      recordSuccess(call, r);
      const url = r.video.url ?? '';
      answer = settings.htmlTag ? `<video controls src="${escapeAttr(url)}"></video>` : `[video](${url})`;
      request.log.info({ model: body.model, path: 'video', seconds: r.seconds, account: r.account, stream }, 'video request');
    } else {
      const { path, reason } = chooseImagePath(spec, settings.useWs, references.length > 0);
      call.path = path;
      const shown = new Map<number, number>();
      let r;
      try {
        r = await deps.images.run(spec, path, {
          requestId: request.id,
          prompt: composed.prompt,
          n,
          aspectRatio,
          aspectRatioGiven: imageAspectInfo?.given === true,
          references,
          target,
          signal: client.signal,
          onProgress: (p: ImageProgress) => {
            if (p.type !== 'progress' || shown.get(p.index) === p.percent) return;
            shown.set(p.index, p.percent);
            emit(`Image ${p.index + 1}: ${p.percent}%`);
          },
        });
      } catch (err) {
        request.log.info({ model: body.model, n, stream, response_format: target.format, path, reason, account: call.account }, 'image request failed');
        throw path === 'imagine-ws' ? imagineError(err) : err;
      }
      recordSuccess(call, r);
      request.log.info({ model: body.model, n, stream, response_format: target.format, path, reason, account: r.account }, 'image request');
      answer = r.images.map(imageMarkdown).join('\n\n');
    }
  } catch (err) {
    recordCallFailure(call, err);
    await Promise.all(pending);
    if (!writer || !writerStarted) throw err;
    const e = err instanceof CallError ? toOpenAIError(err) : new OpenAIHttpError(500, 'Internal error while generating media', { code: 'internal_error' });
    if (!(err instanceof CallError) && !client.signal.aborted) request.log.error({ err }, 'media stream failed');
    if (client.signal.aborted) writer.dispose();
    else writer.fail(e);
    streamEnded?.();
    return undefined;
  }
  await Promise.all(pending);

  const closeThink = progress.close();
  const completionTokens = estimateTokens(answer);
  call.completionTokens = completionTokens;
  const usage = buildUsage(promptTokens, completionTokens, 0);
  if (!writer) {
    const message: Record<string, unknown> = { role: 'assistant', content: progress.content + answer, refusal: null };
    if (progress.reasoning !== '') message.reasoning_content = progress.reasoning;
    return reply.send({
      id,
      object: 'chat.completion',
      created: Math.floor(started / 1000),
      model: body.model,
      system_fingerprint: null,
      choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
  }
  startStream();
  try {
    await writer.delta(closeThink + answer, undefined);
    writer.finish('stop', usage);
    call.status = 200;
  } finally {
    call.bytes = writer.bytesWritten;
    if (writer.firstByteAt) call.firstByteMs = writer.firstByteAt - started;
    if (client.signal.aborted) call.status = 499;
    streamEnded?.();
  }
  return undefined;
}

function recordSuccess(call: FastifyRequest['call'], r: { account: string; attempts: AttemptRecord[] }): void {
  call.account = r.account;
  call.attempts = r.attempts.length;
  call.upstream = r.attempts;
  call.proxy = r.attempts[r.attempts.length - 1]?.proxy;
}
