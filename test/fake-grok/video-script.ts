// Video generation stream (docs/grok-protocol.md, "Video"): streamingVideoGenerationResponse
// progress 1..100; at 100 the relative videoUrl and thumbnailImageUrl, served by the assets origin.
// The frames echo the body's textToVideo aspect ratio, duration and resolution.

import { randomUUID } from 'node:crypto';
import type { Step } from './frames.js';
import { closingFrames, frame, response } from './frames.js';
import { isRecord } from './http-util.js';
import { makeJpeg, makeMp4 } from './media-bytes.js';
import type { ScriptContext } from './script-context.js';
import { newStreamIds, openingFrames } from './script-context.js';

const PROGRESS = [1, 10, 25, 50, 75, 90, 100];

/** The textToVideo input of a (checked) video body. */
function textToVideo(body: Record<string, unknown>): Record<string, unknown> {
  const input = isRecord(body.mediaGenInput) ? body.mediaGenInput.textToVideo : undefined;
  return isRecord(input) ? input : {};
}

export function buildVideoScript(ctx: ScriptContext): Step[] {
  const ids = newStreamIds();
  const videoId = randomUUID();
  const videoPostId = randomUUID();
  const moderated = (ctx.directives.moderated ?? 0) > 0;
  const videoUrl = `users/${ctx.userId}/generated/${videoId}/generated_video.mp4`;
  const thumbnailImageUrl = `users/${ctx.userId}/generated/${videoId}/preview_image.jpg`;
  const cfg = textToVideo(ctx.body);
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
        aspectRatio: typeof cfg.aspectRatio === 'string' ? cfg.aspectRatio : '16:9',
        videoLength: typeof cfg.duration === 'number' ? cfg.duration : 8,
        resolutionName: typeof cfg.resolutionName === 'string' ? cfg.resolutionName : '720p',
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
