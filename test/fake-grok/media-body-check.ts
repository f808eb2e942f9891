// Field-by-field checks of the mediaGenInput bodies on conversations/new (docs/grok-protocol.md,
// "Image edit — mediaGenInput.imageToImage" and "Video — mediaGenInput.textToVideo"). A body that
// drifts from what the web app sends is answered 400 with the offending field named, so a test
// fails loudly instead of a simulator quietly accepting a shape the real site would not.
import { isRecord } from './http-util.js';

export type BodyCheck = { ok: true } | { ok: false; message: string };

const EDIT_KEYS = ['modelName', 'message', 'enableImageStreaming', 'enableSideBySide', 'sendFinalMetadata', 'mediaGenInput'];
const VIDEO_KEYS = [...EDIT_KEYS.slice(0, 5), 'responseMetadata', 'mediaGenInput', 'kind'];
const IMAGINE_ASPECTS = new Set(['auto', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '2:1', '1:2', '19.5:9', '9:19.5', '20:9', '9:20']);
const VIDEO_ASPECTS = new Set(['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3']);
const MODE_FLAGS = new Set(['custom', 'normal', 'extremely-crazy', 'extremely-spicy-or-crazy']);

function fail(message: string): BodyCheck {
  return { ok: false, message };
}

function keysExactly(body: Record<string, unknown>, want: readonly string[], what: string): BodyCheck {
  const got = Object.keys(body).sort();
  const expected = [...want].sort();
  if (got.length !== expected.length || got.some((k, i) => k !== expected[i])) {
    return fail(`${what}: expected exactly the top-level keys ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
  return { ok: true };
}

function refererIsImagine(referer: string | undefined): boolean {
  return referer !== undefined && /\/imagine\/?$/.test(new URL(referer, 'http://x').pathname);
}

/** The April flows' fields (media post, model config override): refused, the web app no longer sends them. */
export function legacyMediaField(body: Record<string, unknown>): string | undefined {
  if ('parentPostId' in body) return 'parentPostId';
  if (isRecord(body.videoGenModelConfig)) return 'videoGenModelConfig';
  const meta = body.responseMetadata;
  const map = isRecord(meta) && isRecord(meta.modelConfigOverride) && isRecord(meta.modelConfigOverride.modelMap) ? meta.modelConfigOverride.modelMap : undefined;
  if (map && 'imageEditModelConfig' in map) return 'responseMetadata.modelConfigOverride.modelMap.imageEditModelConfig';
  if (map && 'videoGenModelConfig' in map) return 'responseMetadata.modelConfigOverride.modelMap.videoGenModelConfig';
  return undefined;
}

export function isImageToImage(body: Record<string, unknown>): boolean {
  return isRecord(body.mediaGenInput) && 'imageToImage' in body.mediaGenInput;
}

export function isTextToVideo(body: Record<string, unknown>): boolean {
  return isRecord(body.mediaGenInput) && 'textToVideo' in body.mediaGenInput;
}

/**
 * An image edit: six keys, imagine-image-edit, streaming flags true, imageToImage{prompt = message,
 * inputAssets = 1..8 fileMetadataIds this account uploaded as imagine inputs, aspectRatio?}, and
 * Referer BASE/imagine.
 */
export function checkImageEditBody(
  body: Record<string, unknown>,
  referer: string | undefined,
  ownsImagineUpload: (id: string) => 'ok' | 'unknown' | 'not-imagine',
): BodyCheck {
  const keys = keysExactly(body, EDIT_KEYS, 'image edit');
  if (!keys.ok) return keys;
  if (body.modelName !== 'imagine-image-edit') return fail(`modelName: expected "imagine-image-edit", got ${JSON.stringify(body.modelName)}`);
  for (const k of ['enableImageStreaming', 'enableSideBySide', 'sendFinalMetadata']) if (body[k] !== true) return fail(`${k}: expected true`);
  const input = (body.mediaGenInput as Record<string, unknown>).imageToImage;
  if (!isRecord(input)) return fail('mediaGenInput.imageToImage: expected an object');
  const extra = Object.keys(input).filter((k) => !['prompt', 'inputAssets', 'aspectRatio'].includes(k));
  if (extra.length > 0) return fail(`mediaGenInput.imageToImage: unexpected ${JSON.stringify(extra)}`);
  if (typeof input.prompt !== 'string' || input.prompt.trim() === '') return fail('mediaGenInput.imageToImage.prompt: expected a non-empty string');
  if (input.prompt !== body.message) return fail('mediaGenInput.imageToImage.prompt: expected the same text as message');
  const assets = input.inputAssets;
  if (!Array.isArray(assets) || assets.length < 1 || assets.length > 8) return fail('mediaGenInput.imageToImage.inputAssets: expected 1 to 8 fileMetadataIds');
  for (const [i, id] of assets.entries()) {
    if (typeof id !== 'string') return fail(`mediaGenInput.imageToImage.inputAssets[${i}]: expected a string`);
    const own = ownsImagineUpload(id);
    if (own === 'unknown') return fail(`mediaGenInput.imageToImage.inputAssets[${i}]: ${id} is not a fileMetadataId this account uploaded`);
    if (own === 'not-imagine') return fail(`mediaGenInput.imageToImage.inputAssets[${i}]: ${id} was not uploaded with file_source IMAGINE_SELF_UPLOAD_FILE_SOURCE`);
  }
  if ('aspectRatio' in input && (typeof input.aspectRatio !== 'string' || !IMAGINE_ASPECTS.has(input.aspectRatio))) {
    return fail(`mediaGenInput.imageToImage.aspectRatio: ${JSON.stringify(input.aspectRatio)} is not an accepted aspect ratio`);
  }
  if (!refererIsImagine(referer)) return fail(`referer: expected BASE/imagine, got ${JSON.stringify(referer ?? '')}`);
  return { ok: true };
}

/**
 * A video: eight keys, imagine-video-gen, message = prompt + " --mode=<flag>", empty modelMap,
 * textToVideo{prompt, aspectRatio, duration 1..15, resolutionName 480p|720p}, kind
 * CONVERSATION_KIND_IMAGINE, Referer BASE/imagine.
 */
export function checkVideoBody(body: Record<string, unknown>, referer: string | undefined): BodyCheck {
  const keys = keysExactly(body, VIDEO_KEYS, 'video');
  if (!keys.ok) return keys;
  if (body.modelName !== 'imagine-video-gen') return fail(`modelName: expected "imagine-video-gen", got ${JSON.stringify(body.modelName)}`);
  for (const k of ['enableImageStreaming', 'enableSideBySide', 'sendFinalMetadata']) if (body[k] !== true) return fail(`${k}: expected true`);
  if (body.kind !== 'CONVERSATION_KIND_IMAGINE') return fail(`kind: expected "CONVERSATION_KIND_IMAGINE", got ${JSON.stringify(body.kind)}`);
  const meta = body.responseMetadata;
  const ok =
    isRecord(meta) && Array.isArray(meta.experiments) && meta.experiments.length === 0 && isRecord(meta.modelConfigOverride) &&
    isRecord(meta.modelConfigOverride.modelMap) && Object.keys(meta.modelConfigOverride.modelMap).length === 0;
  if (!ok) return fail('responseMetadata: expected {"experiments":[],"modelConfigOverride":{"modelMap":{}}}');
  const input = (body.mediaGenInput as Record<string, unknown>).textToVideo;
  if (!isRecord(input)) return fail('mediaGenInput.textToVideo: expected an object');
  const fields = Object.keys(input).sort();
  if (fields.join(',') !== 'aspectRatio,duration,prompt,resolutionName') {
    return fail(`mediaGenInput.textToVideo: expected exactly prompt, aspectRatio, duration, resolutionName; got ${JSON.stringify(fields)}`);
  }
  if (typeof input.prompt !== 'string' || input.prompt.trim() === '') return fail('mediaGenInput.textToVideo.prompt: expected a non-empty string');
  const m = typeof body.message === 'string' ? / --mode=([a-z-]+)$/.exec(body.message) : null;
  if (!m || !MODE_FLAGS.has(m[1] ?? '')) return fail('message: expected the prompt followed by " --mode=<custom|normal|extremely-crazy|extremely-spicy-or-crazy>"');
  if ((body.message as string).slice(0, m.index) !== input.prompt) return fail('mediaGenInput.textToVideo.prompt: expected the message without its --mode flag');
  if (typeof input.aspectRatio !== 'string' || !VIDEO_ASPECTS.has(input.aspectRatio)) {
    return fail(`mediaGenInput.textToVideo.aspectRatio: ${JSON.stringify(input.aspectRatio)} is not one of ${[...VIDEO_ASPECTS].join(', ')}`);
  }
  if (typeof input.duration !== 'number' || !Number.isInteger(input.duration) || input.duration < 1 || input.duration > 15) {
    return fail(`mediaGenInput.textToVideo.duration: expected a whole number of seconds 1 to 15, got ${JSON.stringify(input.duration)}`);
  }
  if (input.resolutionName !== '480p' && input.resolutionName !== '720p') {
    return fail(`mediaGenInput.textToVideo.resolutionName: expected "480p" or "720p", got ${JSON.stringify(input.resolutionName)}`);
  }
  if (!refererIsImagine(referer)) return fail(`referer: expected BASE/imagine, got ${JSON.stringify(referer ?? '')}`);
  return { ok: true };
}
