// Image edit stream (protocol 6, 12.6): two slots of streamingImageGenerationResponse
// progressing to 100 with imageUrl + assetId, then modelResponse.generatedImageUrls.

import { randomUUID } from 'node:crypto';
import type { Step } from './frames.js';
import { closingFrames, frame, response } from './frames.js';
import { makeJpeg } from './media-bytes.js';
import type { ScriptContext } from './script-context.js';
import { newStreamIds, openingFrames } from './script-context.js';

const PROGRESS = [5, 50, 100];
const SLOTS = 2;

export function isImageEditRequest(body: Record<string, unknown>): boolean {
  return body.modelName === 'imagine-image-edit';
}

export function buildImageEditScript(ctx: ScriptContext): Step[] {
  const ids = newStreamIds();
  // `moderated=K` censors the last K slots.
  const moderatedFrom = SLOTS - Math.min(SLOTS, ctx.directives.moderated ?? 0);
  const slots = Array.from({ length: SLOTS }, (_, i) => {
    const assetId = randomUUID();
    const imageUrl = `users/${ctx.userId}/generated/${assetId}/image.jpg`;
    const moderated = i >= moderatedFrom;
    if (!moderated) {
      const jpeg = makeJpeg(0, 90 + i * 80);
      ctx.assets.put(imageUrl, jpeg, 'image/jpeg');
      ctx.assets.put(`users/${ctx.userId}/${assetId}/content`, jpeg, 'image/jpeg');
    }
    return { assetId, imageUrl, moderated };
  });

  const steps: Step[] = [...openingFrames(ctx, ids)];
  for (const progress of PROGRESS) {
    slots.forEach((s, imageIndex) => {
      const final = progress === 100;
      steps.push(frame(response({
        streamingImageGenerationResponse: {
          imageIndex, progress, moderated: final && s.moderated,
          ...(final && !s.moderated ? { imageUrl: s.imageUrl, assetId: s.assetId } : {}),
        },
        isThinking: false, responseId: ids.responseId,
      }), true));
    });
  }
  if (!ctx.directives.noFinalFrames) {
    const ok = slots.filter((s) => !s.moderated);
    steps.push(...closingFrames({
      responseId: ids.responseId, parentResponseId: ids.userResponseId, now: ids.now, message: '',
      model: ctx.model, modelHash: ctx.modelHash,
      generatedImageUrls: ok.map((s) => s.imageUrl), fileAttachments: ok.map((s) => s.assetId),
    }));
  }
  return steps;
}
