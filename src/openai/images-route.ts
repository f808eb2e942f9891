// POST /v1/images/generations and POST /v1/images/edits (OpenAI shapes). Generation takes the
// imagine WebSocket or a drawing chat (see ImageService); edits upload the input images and run
// Grok's image-edit flow. Both answer JSON ({created, data:[{url|b64_json}]}) or, with stream,
// named SSE events: image_generation.partial_image / image_generation.completed (image_edit.* for
// edits), one completed event per image.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MediaFormat, ModelSpec } from '../config/index.js';
import { type PreparedFile, chooseImagePath, type ImagePath, type ImageProgress, type ImageResult } from '../gateway/index.js';
import { mediaBaseUrl, sniffImage } from '../media/index.js';
import { recordCallFailure } from './call-failure.js';
import { clientGoneSignal } from './client-gone.js';
import { CallError } from '../failures/index.js';
import { invalidRequest, OpenAIHttpError, toOpenAIError } from './errors.js';
import { EventStreamWriter } from './event-stream-writer.js';
import { imageAspect } from './media-params.js';
import { imagineError, outputFormat, type MediaApiDeps } from './media-api-deps.js';
import { coerceFormValue, field, fieldList, readForm } from './media-form.js';
import { zodToOpenAIError } from './validation.js';
import { MAX_MODEL_LENGTH, MODEL_TOO_LONG } from './model-field.js';

const DEFAULT_IMAGE_MODEL = 'grok-imagine-image';
const DEFAULT_EDIT_MODEL = 'grok-imagine-image-edit';
/** An edit takes at most 8 input images (docs/grok-protocol.md, "Image edit"). */
const MAX_EDIT_IMAGES = 8;

const nValue = z.number().int().min(1, 'expected 1 to 10').max(10, 'expected 1 to 10').nullish();

const generationSchema = z.looseObject({
  prompt: z.string().trim().min(1, 'prompt is required'),
  model: z.string().min(1).max(MAX_MODEL_LENGTH, MODEL_TOO_LONG).nullish(),
  n: nValue,
  size: z.string().nullish(),
  response_format: z.enum(['url', 'b64_json']).nullish(),
  stream: z.boolean().nullish(),
  partial_images: z.number().int().min(0).max(3).nullish(),
});

const editSchema = generationSchema.extend({
  image: z.union([z.string(), z.array(z.string())]).nullish(),
  images: z.array(z.object({ image_url: z.string().optional(), file_id: z.string().optional() })).nullish(),
});

type GenerationBody = z.infer<typeof generationSchema>;

function resolveModel(deps: MediaApiDeps, id: string, allowed: ModelSpec['kind'][], endpoint: string): ModelSpec {
  const spec = deps.models().resolve(id);
  if (!spec) throw new OpenAIHttpError(404, `The model '${id}' does not exist or is disabled`, { code: 'model_not_found', param: 'model' });
  if (!allowed.includes(spec.kind)) {
    throw invalidRequest(`The model '${id}' is a ${spec.kind} model; ${endpoint} takes ${allowed.join(' or ')} models`, 'model', 'model_not_supported');
  }
  return spec;
}

function outputExt(mime: string): string {
  if (mime === 'image/png') return 'png';
  if (mime === 'image/webp') return 'webp';
  return 'jpeg';
}

interface RunInput {
  spec: ModelSpec;
  model: string;
  body: GenerationBody;
  references: PreparedFile[];
  eventPrefix: 'image_generation' | 'image_edit';
}

async function runImages(deps: MediaApiDeps, request: FastifyRequest, reply: FastifyReply, input: RunInput): Promise<FastifyReply | undefined> {
  const { spec, body } = input;
  const settings = deps.settings();
  const call = request.call;
  const n = body.n ?? 1;
  const stream = body.stream === true;
  const aspectRatio = imageAspect(body.size);
  const format: MediaFormat = outputFormat(body.response_format, settings.format);
  const { path, reason } = chooseImagePath(spec, settings.useWs, input.references.length > 0);
  call.model = input.model;
  call.stream = stream;
  call.path = path;
  const client = clientGoneSignal(reply);
  const started = Date.now();
  const size = body.size ?? '1024x1024';
  const created = Math.floor(started / 1000);
  const writer = stream ? new EventStreamWriter(reply.raw, settings.heartbeatMs) : undefined;
  const partialCap = body.partial_images ?? 1;
  const partialsSent = new Map<number, number>();
  let partialIndex = 0;
  let streamEnded: (() => void) | undefined;
  const startStream = (): void => {
    if (!writer || writer.started) return;
    reply.hijack();
    streamEnded = deps.onStream?.();
    writer.start(reply.getHeaders());
  };
  const pending: Array<Promise<void>> = [];
  const onProgress = (p: ImageProgress): void => {
    if (!writer || p.type !== 'partial') return;
    const sent = partialsSent.get(p.index) ?? 0;
    if (sent >= partialCap) return;
    partialsSent.set(p.index, sent + 1);
    startStream();
    pending.push(
      writer.event(`${input.eventPrefix}.partial_image`, {
        b64_json: p.bytes.toString('base64'),
        created_at: Math.floor(Date.now() / 1000),
        size,
        quality: 'auto',
        background: 'auto',
        output_format: outputExt(p.mimeType),
        partial_image_index: partialIndex++,
      }),
    );
  };

  let result: ImageResult | undefined;
  let failure: unknown;
  try {
    result = await deps.images.run(spec, path, {
      requestId: request.id,
      prompt: body.prompt,
      n,
      aspectRatio,
      aspectRatioGiven: body.size != null,
      references: input.references,
      target: { format, baseUrl: mediaBaseUrl(settings.appUrl, request) },
      signal: client.signal,
      onProgress,
    });
  } catch (err) {
    failure = path === 'imagine-ws' ? imagineError(err) : err;
  } finally {
    logImageRequest(request, { model: input.model, n, stream, format, path, reason, result, failure });
  }
  await Promise.all(pending);

  if (failure !== undefined || !result) {
    recordCallFailure(call, failure);
    if (!writer?.started) throw failure;
    if (client.signal.aborted) {
      writer.dispose();
      call.status = 499;
    } else {
      const err = failure instanceof CallError ? toOpenAIError(failure) : new OpenAIHttpError(500, 'Internal error while generating images', { code: 'internal_error' });
      if (!(failure instanceof CallError)) request.log.error({ err: failure }, 'image stream failed');
      writer.fail(err);
    }
    streamEnded?.();
    return undefined;
  }
  call.account = result.account;
  call.attempts = result.attempts.length;
  call.upstream = result.attempts;
  call.proxy = result.attempts[result.attempts.length - 1]?.proxy;

  if (!writer) {
    return reply.send({
      created,
      data: result.images.map((img) =>
        format === 'b64_json' && img.b64 !== undefined
          ? { b64_json: img.b64, ...(result?.revisedPrompt ? { revised_prompt: result.revisedPrompt } : {}) }
          : { url: img.url, ...(result?.revisedPrompt ? { revised_prompt: result.revisedPrompt } : {}) },
      ),
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0, input_tokens_details: { image_tokens: 0, text_tokens: 0 } },
    });
  }
  startStream();
  try {
    for (const [i, img] of result.images.entries()) {
      const b64 = img.b64 ?? img.bytes?.toString('base64');
      await writer.event(`${input.eventPrefix}.completed`, {
        ...(b64 !== undefined ? { b64_json: b64 } : {}),
        ...(format !== 'b64_json' && img.url !== undefined ? { url: img.url } : {}),
        index: i,
        created_at: Math.floor(Date.now() / 1000),
        size,
        quality: 'auto',
        background: 'auto',
        output_format: outputExt(img.mimeType),
        usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0, input_tokens_details: { image_tokens: 0, text_tokens: 0 } },
      });
    }
    call.status = 200;
  } finally {
    writer.end();
    call.bytes = writer.bytesWritten;
    if (writer.firstByteAt) call.firstByteMs = writer.firstByteAt - started;
    if (client.signal.aborted) call.status = 499;
    streamEnded?.();
  }
  return undefined;
}

function logImageRequest(
  request: FastifyRequest,
  o: { model: string; n: number; stream: boolean; format: MediaFormat; path: ImagePath; reason: string; result: ImageResult | undefined; failure: unknown },
): void {
  const failed = o.failure instanceof CallError ? o.failure : undefined;
  request.log.info(
    {
      model: o.model,
      n: o.n,
      stream: o.stream,
      response_format: o.format,
      path: o.path,
      reason: o.reason,
      account: o.result?.account ?? request.call.account,
      images: o.result?.images.length,
      error: o.failure === undefined ? undefined : (failed?.code ?? 'internal_error'),
    },
    'image request',
  );
}

/** The input images of an edit (multipart files, or JSON image URLs / data URLs). */
async function editInput(deps: MediaApiDeps, request: FastifyRequest, signal: AbortSignal): Promise<{ body: z.infer<typeof editSchema>; references: PreparedFile[] }> {
  if (request.isMultipart()) {
    const form = await readForm(request, { maxFiles: MAX_EDIT_IMAGES + 1 });
    const raw: Record<string, unknown> = {};
    for (const key of ['prompt', 'model', 'size', 'response_format'] as const) {
      const v = field(form, key);
      if (v !== undefined) raw[key] = v;
    }
    for (const key of ['n', 'stream', 'partial_images'] as const) {
      const v = field(form, key);
      if (v !== undefined) raw[key] = coerceFormValue(v);
    }
    const urls = [...fieldList(form, 'image'), ...fieldList(form, 'images')];
    const parsed = editSchema.safeParse(raw);
    if (!parsed.success) throw zodToOpenAIError(parsed.error);
    const files = form.files.filter((f) => f.field === 'image' || f.field === 'image[]' || f.field === 'images' || f.field === 'images[]');
    const references: PreparedFile[] = [];
    for (const [i, f] of files.entries()) {
      const sniffed = sniffImage(f.bytes);
      if (!sniffed) throw invalidRequest(`The file '${f.filename}' (image[${i}]) is not a JPEG, PNG, WebP or GIF image`, 'image', 'invalid_image');
      references.push({ fileName: f.filename || `image.${sniffed.ext}`, mimeType: sniffed.mimeType, bytes: f.bytes });
    }
    for (const [i, url] of urls.entries()) {
      references.push(await deps.loader.load({ kind: 'image', url }, `image[${i}]`, signal));
    }
    return { body: parsed.data, references };
  }
  const parsed = editSchema.safeParse(request.body);
  if (!parsed.success) throw zodToOpenAIError(parsed.error);
  const body = parsed.data;
  const urls: Array<{ url: string; param: string }> = [];
  const image = body.image;
  if (typeof image === 'string') urls.push({ url: image, param: 'image' });
  else if (Array.isArray(image)) image.forEach((u, i) => urls.push({ url: u, param: `image[${i}]` }));
  body.images?.forEach((im, i) => {
    if (im.image_url) urls.push({ url: im.image_url, param: `images[${i}].image_url` });
    else throw invalidRequest('file_id references are not supported: send image_url (a URL or data URL)', `images[${i}]`, 'unsupported_value');
  });
  const references = await Promise.all(urls.slice(0, MAX_EDIT_IMAGES + 1).map((u) => deps.loader.load({ kind: 'image', url: u.url }, u.param, signal)));
  return { body, references };
}

/** `app` is inside the /v1 scope: the paths below are relative to it. */
export function registerImageRoutes(app: FastifyInstance, deps: MediaApiDeps): void {
  app.post('/images/generations', async (request, reply) => {
    const parsed = generationSchema.safeParse(request.body);
    if (!parsed.success) throw zodToOpenAIError(parsed.error);
    const model = parsed.data.model ?? DEFAULT_IMAGE_MODEL;
    request.call.model = model;
    const spec = resolveModel(deps, model, ['image'], '/v1/images/generations');
    return runImages(deps, request, reply, { spec, model, body: parsed.data, references: [], eventPrefix: 'image_generation' });
  });

  app.post('/images/edits', async (request, reply) => {
    const early = new AbortController();
    const { body, references } = await editInput(deps, request, early.signal);
    const model = body.model ?? DEFAULT_EDIT_MODEL;
    request.call.model = model;
    const spec = resolveModel(deps, model, ['image-edit', 'image'], '/v1/images/edits');
    if (references.length === 0) throw invalidRequest('image is required: send one or more image files (image or image[])', 'image', 'missing_required_parameter');
    if (references.length > MAX_EDIT_IMAGES) throw invalidRequest(`At most ${MAX_EDIT_IMAGES} input images`, 'image', 'too_many_images');
    return runImages(deps, request, reply, { spec, model, body, references, eventPrefix: 'image_edit' });
  });
}
