// Video generation stream (protocol 7, 12.5): streamingVideoGenerationResponse progress
// 1..100; at 100 the relative videoUrl and thumbnailImageUrl, served by the assets origin.

import { randomUUID } from 'node:crypto';
import type { Step } from './frames.js';
import { closingFrames, frame, response } from './frames.js';
import { isRecord } from './http-util.js';
import { makeJpeg, makeMp4 } from './media-bytes.js';
import type { ScriptContext } from './script-context.js';
import { newStreamIds, openingFrames } from './script-context.js';

const PROGRESS = [1, 10, 25, 50, 75, 90, 100];

/** `videoGenModelConfig` wherever the client put it (responseMetadata.modelConfigOverride.modelMap or top level). */
export function videoGenConfig(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isRecord(body.videoGenModelConfig)) return body.videoGenModelConfig;
  const meta = body.responseMetadata;
  if (!isRecord(meta) || !isRecord(meta.modelConfigOverride)) return undefined;
  const map = meta.modelConfigOverride.modelMap;
  return isRecord(map) && isRecord(map.videoGenModelConfig) ? map.videoGenModelConfig : undefined;
}

/** D: toolOverrides.videoGen, F: + videoGenModelConfig, A: modelName imagine-video-gen. */
export function isVideoRequest(body: Record<string, unknown>): boolean {
  if (body.modelName === 'imagine-video-gen') return true;
  if (isRecord(body.toolOverrides) && body.toolOverrides.videoGen === true) return true;
  return videoGenConfig(body) !== undefined;
}

export function buildVideoScript(ctx: ScriptContext): Step[] {
  const ids = newStreamIds();
  const videoId = randomUUID();
  const videoPostId = randomUUID();
  const moderated = (ctx.directives.moderated ?? 0) > 0;
  const videoUrl = `users/${ctx.userId}/generated/${videoId}/generated_video.mp4`;
  const thumbnailImageUrl = `users/${ctx.userId}/generated/${videoId}/preview_image.jpg`;
  const cfg = videoGenConfig(ctx.body) ?? {};
  if (!moderated) {
    const mp4 = makeMp4();
    ctx.assets.put(videoUrl, mp4, 'video/mp4');
    ctx.assets.put(`users/${ctx.userId}/${videoId}/content`, mp4, 'video/mp4');
    ctx.assets.put(thumbnailImageUrl, makeJpeg(), 'image/jpeg');
  }

  const steps: Step[] = [...openingFrames(ctx, ids)];
  for (const progress of PROGRESS) {
    const final = progress === 100;
    steps.push(frame(response({
      streamingVideoGenerationResponse: {
        videoId, videoPostId, progress, moderated: final && moderated,
        videoPrompt: ctx.text.trim(), mode: 'custom',
        aspectRatio: typeof cfg.aspectRatio === 'string' ? cfg.aspectRatio : '2:3',
        videoLength: typeof cfg.videoLength === 'number' ? cfg.videoLength : 6,
        resolutionName: typeof cfg.resolutionName === 'string' ? cfg.resolutionName : '480p',
        ...(final && !moderated ? { videoUrl, thumbnailImageUrl, assetId: videoId } : {}),
      },
      isThinking: false, responseId: ids.responseId,
    }), true));
  }
  if (!ctx.directives.noFinalFrames) {
    steps.push(...closingFrames({
      responseId: ids.responseId, parentResponseId: ids.userResponseId, now: ids.now, message: '',
      model: ctx.model, modelHash: ctx.modelHash, fileAttachments: moderated ? [] : [videoId],
    }));
  }
  return steps;
}
