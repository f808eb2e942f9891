// Image edit stream (docs/grok-protocol.md, "Image edit"): one image per call. The slot's
// streamingImageGenerationResponse goes 5 → 50 (a `-part-0` preview URL) → 100 (the final URL +
// assetId), then modelResponse.generatedImageUrls. `moderated=1` censors it.

import { randomUUID } from 'node:crypto';
import type { Step } from './frames.js';
import { closingFrames, frame, response } from './frames.js';
import { makeJpeg } from './media-bytes.js';
import type { ScriptContext } from './script-context.js';
import { newStreamIds, openingFrames } from './script-context.js';

export function buildImageEditScript(ctx: ScriptContext): Step[] {
  const ids = newStreamIds();
  const moderated = (ctx.directives.moderated ?? 0) > 0;
  const assetId = randomUUID();
  const imageUrl = `users/${ctx.userId}/generated/${assetId}/image.jpg`;
  const previewUrl = `users/${ctx.userId}/generated/${assetId}-part-0/image.jpg`;
  if (!moderated) {
    const jpeg = makeJpeg(0, 90 + Math.floor(Math.random() * 80));
    ctx.assets.put(imageUrl, jpeg, 'image/jpeg');
    ctx.assets.put(previewUrl, makeJpeg(0, 60), 'image/jpeg');
  }

  const steps: Step[] = [...openingFrames(ctx, ids)];
  for (const progress of [5, 50, 100]) {
    const final = progress === 100;
    steps.push(frame(response({
      streamingImageGenerationResponse: {
        imageIndex: 0, progress, moderated: final && moderated,
        ...(progress === 50 && !moderated ? { imageUrl: previewUrl } : {}),
        ...(final && !moderated ? { imageUrl, assetId } : {}),
      },
      isThinking: false, responseId: ids.responseId,
    }), true));
  }
  if (!ctx.directives.noFinalFrames) {
    steps.push(...closingFrames({
      responseId: ids.responseId, parentResponseId: ids.userResponseId, now: ids.now, message: '',
      model: ctx.model, modelHash: ctx.modelHash,
      generatedImageUrls: moderated ? [] : [imageUrl], fileAttachments: moderated ? [] : [assetId],
    }));
  }
  return steps;
}
