// The async video job API: POST /v1/videos (JSON or multipart, as the OpenAI SDK's videos.create
// sends it), GET /v1/videos, GET /v1/videos/{id}, GET /v1/videos/{id}/content, DELETE /v1/videos/{id}.
// Jobs are records in the configured store (see VideoJobs): any instance answers for any job; a
// finished job's `url` is the video.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_VIDEO_SECONDS, VIDEO_PRESETS, type VideoPreset } from '../gateway/index.js';
import { mediaBaseUrl, resolvePublicAddress, UrlRefusedError, FetchFailedError } from '../media/index.js';
import { invalidRequest, OpenAIHttpError } from './errors.js';
import { videoAspect, videoResolutionForSize, videoSize } from './media-params.js';
import { outputFormat, type MediaApiDeps } from './media-api-deps.js';
import { field, fieldList, readForm } from './media-form.js';
import { zodToOpenAIError } from './validation.js';
import { requestOwner, requestViewer } from '../server/index.js';
import { MAX_MODEL_LENGTH, MODEL_TOO_LONG } from './model-field.js';

const DEFAULT_VIDEO_MODEL = 'grok-imagine-video';
const MAX_REFERENCES = 7;
/** Seconds when a request names none (the web app's default). */
export const DEFAULT_VIDEO_SECONDS = 8;
export { MAX_VIDEO_SECONDS };

/** Grok makes one video of at most MAX_VIDEO_SECONDS: a longer one is refused, never stitched. */
const secondsValue = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z
    .number({ error: `expected a whole number of seconds, 1 to ${MAX_VIDEO_SECONDS}` })
    .int({ error: `expected a whole number of seconds, 1 to ${MAX_VIDEO_SECONDS}` })
    .min(1, { error: `expected a whole number of seconds, 1 to ${MAX_VIDEO_SECONDS}` })
    .max(MAX_VIDEO_SECONDS, { error: `Grok makes videos of at most ${MAX_VIDEO_SECONDS} seconds in one generation; longer videos are not available` }),
);

const refSchema = z.union([z.string(), z.object({ image_url: z.string().optional(), file_id: z.string().optional() })]);

export const videoCreateSchema = z.looseObject({
  prompt: z.string().trim().min(1, 'prompt is required'),
  model: z.string().min(1).max(MAX_MODEL_LENGTH, MODEL_TOO_LONG).nullish(),
  seconds: secondsValue.nullish(),
  size: z.string().nullish(),
  aspect_ratio: z.string().nullish(),
  resolution: z.enum(['480p', '720p']).nullish(),
  preset: z.enum(VIDEO_PRESETS).nullish(),
  input_reference: refSchema.nullish(),
  image_urls: z.array(z.string()).max(MAX_REFERENCES).nullish(),
  reference_images: z.array(z.string()).max(MAX_REFERENCES).nullish(),
  callback_url: z.string().nullish(),
});

type VideoCreateBody = z.infer<typeof videoCreateSchema>;

async function parseCreate(request: FastifyRequest): Promise<{ body: VideoCreateBody; files: number }> {
  if (!request.isMultipart()) {
    const parsed = videoCreateSchema.safeParse(request.body);
    if (!parsed.success) throw zodToOpenAIError(parsed.error);
    return { body: parsed.data, files: 0 };
  }
  const form = await readForm(request, { maxFiles: MAX_REFERENCES });
  const raw: Record<string, unknown> = {};
  for (const key of ['prompt', 'model', 'seconds', 'size', 'aspect_ratio', 'resolution', 'preset', 'callback_url'] as const) {
    const v = field(form, key);
    if (v !== undefined) raw[key] = v;
  }
  const refUrl = field(form, 'input_reference[image_url]') ?? field(form, 'input_reference');
  if (refUrl !== undefined) raw.input_reference = refUrl;
  const urls = [...fieldList(form, 'image_urls'), ...fieldList(form, 'reference_images')];
  if (urls.length > 0) raw.image_urls = urls;
  const parsed = videoCreateSchema.safeParse(raw);
  if (!parsed.success) throw zodToOpenAIError(parsed.error);
  return { body: parsed.data, files: form.files.length };
}

/**
 * Image-to-video is refused: grok.com's current web protocol makes videos from text only (its
 * image-to-video request is unverified), and silently dropping the image would change the result.
 */
function refuseReferences(body: VideoCreateBody, files: number): void {
  const param = files > 0 || body.input_reference != null ? 'input_reference' : body.image_urls != null ? 'image_urls' : body.reference_images != null ? 'reference_images' : undefined;
  if (param === undefined) return;
  throw invalidRequest(
    `'${param}' is not supported: Grok's web protocol generates videos from a text prompt only (image-to-video is not available)`,
    param,
    'unsupported_parameter',
  );
}

async function checkCallbackUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidRequest("Invalid value for 'callback_url': expected an absolute http(s) URL", 'callback_url', 'invalid_value');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidRequest("Invalid value for 'callback_url': expected an http or https URL", 'callback_url', 'invalid_value');
  }
  try {
    await resolvePublicAddress(url, allowPrivate);
  } catch (err) {
    if (err instanceof UrlRefusedError || err instanceof FetchFailedError) {
      throw invalidRequest(`Refusing 'callback_url': ${err.message}`, 'callback_url', 'invalid_callback_url');
    }
    throw err;
  }
  return url.toString();
}

/** `app` is inside the /v1 scope: the paths below are relative to it. */
export function registerVideoRoutes(app: FastifyInstance, deps: MediaApiDeps): void {
  app.post('/videos', async (request, reply) => {
    const owner = requestOwner(request);
    const { body, files } = await parseCreate(request);
    const settings = deps.settings();
    const model = body.model ?? DEFAULT_VIDEO_MODEL;
    request.call.model = model;
    request.call.path = 'video-job';
    const spec = deps.models().resolve(model);
    if (!spec) throw new OpenAIHttpError(404, `The model '${model}' does not exist or is disabled`, { code: 'model_not_found', param: 'model' });
    if (spec.kind !== 'video') throw invalidRequest(`The model '${model}' is a ${spec.kind} model; /v1/videos takes video models`, 'model', 'model_not_supported');

    refuseReferences(body, files);
    const aspect = videoAspect(body.aspect_ratio ?? body.size, body.aspect_ratio ? 'aspect_ratio' : 'size');
    // `size` names the resolution too (854x480 → 480p, 1280x720 → 720p); Grok's default is 720p.
    const resolution = body.resolution ?? videoResolutionForSize(body.size) ?? '720p';
    const preset: VideoPreset = body.preset ?? 'custom';
    const callbackUrl = body.callback_url ? await checkCallbackUrl(body.callback_url, settings.allowPrivateUrls) : undefined;

    const seconds = body.seconds ?? DEFAULT_VIDEO_SECONDS;
    const job = await deps.jobs.create(
      owner,
      spec,
      model,
      {
        requestId: request.id,
        prompt: body.prompt,
        seconds,
        aspectRatio: aspect,
        resolution,
        preset,
        // b64_json makes no sense for a video: it is linked (cached) instead.
        target: { format: outputFormat(undefined, settings.format) === 'upstream' ? 'upstream' : 'url', baseUrl: mediaBaseUrl(settings.appUrl, request) },
      },
      body.size ?? videoSize(aspect, resolution),
      callbackUrl,
    );
    request.log.info({ job: job.id, model, seconds, aspect, resolution, preset, callback: callbackUrl !== undefined }, 'video job created');
    return reply.send(job);
  });

  // Each key sees only its own jobs; another key's job answers 404 exactly like an unknown id.
  app.get('/videos', async (request, reply) => {
    const data = await deps.jobs.list(requestViewer(request), mediaBaseUrl(deps.settings().appUrl, request));
    return reply.send({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: false });
  });

  app.get<{ Params: { id: string } }>('/videos/:id', async (request, reply) => {
    const job = await deps.jobs.get(request.params.id, requestViewer(request), mediaBaseUrl(deps.settings().appUrl, request));
    if (!job) throw new OpenAIHttpError(404, `No video job '${request.params.id}' (finished jobs are kept for video.job_ttl)`, { code: 'video_not_found', param: 'id' });
    return reply.send(job);
  });

  app.get<{ Params: { id: string } }>('/videos/:id/content', async (request, reply) => {
    const job = await deps.jobs.get(request.params.id, requestViewer(request), mediaBaseUrl(deps.settings().appUrl, request));
    if (!job) throw new OpenAIHttpError(404, `No video job '${request.params.id}'`, { code: 'video_not_found', param: 'id' });
    if (job.status !== 'completed' || job.url === null) {
      throw new OpenAIHttpError(job.status === 'failed' ? 404 : 409, `The video job is ${job.status}; its content is not available`, { code: 'video_not_ready' });
    }
    return reply.redirect(job.url, 302);
  });

  app.delete<{ Params: { id: string } }>('/videos/:id', async (request, reply) => {
    if (!(await deps.jobs.delete(request.params.id, requestViewer(request)))) throw new OpenAIHttpError(404, `No video job '${request.params.id}'`, { code: 'video_not_found', param: 'id' });
    return reply.send({ id: request.params.id, object: 'video.deleted', deleted: true });
  });
}
