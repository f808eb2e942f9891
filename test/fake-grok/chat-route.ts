// POST /rest/app-chat/conversations/new: validates the body, applies the token's behaviour,
// then the prompt's directives, takes one query from the mode's quota and plays the stream
// (chat text, chat image, image edit or video, chosen from the body as grok.com does).

import type { ServerResponse } from 'node:http';
import { errorFor } from './auth.js';
import { buildChatScript } from './chat-script.js';
import { parseDirectives } from './directives.js';
import { applyFaults, faultsFrom } from './faults.js';
import type { Step } from './frames.js';
import { jsonObject, sendAnswer, sendJson } from './http-util.js';
import { restReplaySteps, serveReplayImages } from './replay.js';
import { buildImageEditScript } from './image-edit-script.js';
import { checkImageEditBody, checkVideoBody, isImageToImage, isTextToVideo, legacyMediaField } from './media-body-check.js';
import type { ScriptContext } from './script-context.js';
import { simModelHash } from './script-context.js';
import type { SimState } from './state.js';
import { writeScript } from './stream-writer.js';
import type { WriteOptions } from './stream-writer.js';
import { userIdFor } from './token-registry.js';
import type { FakeTokenBehavior } from './types.js';
import { buildVideoScript } from './video-script.js';

/** Quota key of a chat body: modeId (A), else modelName (D/F, image edit, video). */
export function modeOf(body: Record<string, unknown>): string {
  if (typeof body.modeId === 'string' && body.modeId !== '') return body.modeId;
  if (typeof body.modelName === 'string' && body.modelName !== '') return body.modelName;
  return 'auto';
}

function imageCountOf(body: Record<string, unknown>): number {
  const n = body.imageGenerationCount;
  return typeof n === 'number' && Number.isInteger(n) ? Math.min(4, Math.max(1, n)) : 2;
}

function invalid(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: { code: 3, message, details: [] } });
}

export async function handleChat(
  state: SimState, res: ServerResponse, raw: Buffer, token: string, behavior: FakeTokenBehavior, acceptEncoding: string,
  referer?: string,
): Promise<void> {
  const body = jsonObject(raw);
  if (!body) return invalid(res, 'invalid JSON body');
  if (typeof body.message !== 'string') return invalid(res, 'message: expected a string');
  const legacy = legacyMediaField(body);
  if (legacy !== undefined) return invalid(res, `${legacy}: the media-post flow is retired; send mediaGenInput`);
  const edit = isImageToImage(body);
  const video = isTextToVideo(body);
  if (edit) {
    const check = checkImageEditBody(body, referer, (id) => {
      const u = state.uploads.get(id);
      if (!u || u.token !== token) return 'unknown';
      return u.imagine ? 'ok' : 'not-imagine';
    });
    if (!check.ok) return invalid(res, check.message);
  } else if (video) {
    const check = checkVideoBody(body, referer);
    if (!check.ok) return invalid(res, check.message);
  } else if (body.modelName === 'imagine-image-edit' || body.modelName === 'imagine-video-gen') {
    return invalid(res, `mediaGenInput: expected ${body.modelName === 'imagine-video-gen' ? 'textToVideo' : 'imageToImage'} for modelName ${body.modelName}`);
  } else if (Array.isArray(body.fileAttachments)) {
    for (const [i, id] of body.fileAttachments.entries()) {
      const u = typeof id === 'string' ? state.uploads.get(id) : undefined;
      if (!u || u.token !== token) return invalid(res, `fileAttachments[${i}]: not a file this account uploaded`);
    }
  }
  const { directives, text } = parseDirectives(body.message);
  if (directives.status) return sendAnswer(res, errorFor(directives.status.code, directives.status.variant));

  const mode = modeOf(body);
  if (!state.tokens.consume(token, mode)) {
    // A used-up window says when it refills, like a real rate limiter would.
    const w = state.tokens.window(token, mode);
    const secs = w.resetAt === undefined ? w.windowSeconds : Math.max(1, Math.ceil((w.resetAt - Date.now()) / 1000));
    const answer = errorFor(429);
    return sendAnswer(res, { ...answer, headers: { ...answer.headers, 'retry-after': String(secs) } });
  }

  const ctx: ScriptContext = {
    message: body.message, text, directives, mode,
    model: typeof body.modelName === 'string' ? body.modelName : `grok-4.20-${mode}`,
    modelHash: simModelHash(mode),
    heavy: mode === 'heavy' || mode === 'MODEL_MODE_HEAVY' || body.modelMode === 'MODEL_MODE_HEAVY',
    imageCount: imageCountOf(body),
    userId: userIdFor(token),
    assets: state.assets,
    body,
  };
  let steps: Step[];
  // A replayed fixture goes out verbatim: no scripted faults on top of what was recorded.
  if (behavior.replay !== undefined) {
    serveReplayImages(behavior.replay, state.assets);
    steps = restReplaySteps(behavior.replay);
  }
  else if (video) steps = buildVideoScript(ctx);
  else if (edit) steps = buildImageEditScript(ctx);
  else steps = buildChatScript(ctx);
  if (behavior.replay === undefined) steps = applyFaults(steps, faultsFrom(directives, behavior.inBandRateLimit));

  await stream(state, res, steps, {
    delayMs: directives.delayMs ?? state.tokenDelayMs,
    chunkBytes: directives.chunkBytes,
    dataPrefix: directives.dataPrefix,
    stallStartMs: directives.stallStartMs,
    // Like a real server: compress only with a coding the client said it accepts.
    encoding: directives.encoding !== undefined && acceptEncoding.includes(directives.encoding) ? directives.encoding : undefined,
  });
}

/** Plays `steps` as a 200 NDJSON response, tracked as an open stream until the socket closes. */
async function stream(
  state: SimState, res: ServerResponse, steps: Step[],
  o: Omit<WriteOptions, 'signal'>,
): Promise<void> {
  // The client may have gone while the body was read: 'close' already fired, nothing to track.
  if (res.destroyed || !res.socket || res.socket.destroyed) return;
  const controller = new AbortController();
  state.streams.add(controller);
  // 'close' fires on a normal end and on a client abort alike: the single place to clean up.
  res.on('close', () => {
    controller.abort();
    state.streams.delete(controller);
  });
  res.writeHead(200, {
    'content-type': o.dataPrefix ? 'text/event-stream; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    ...(o.encoding ? { 'content-encoding': o.encoding, vary: 'accept-encoding' } : {}),
  });
  await writeScript(res, steps, { ...o, signal: controller.signal });
}
