// The frames of a chat answer (docs/grok-protocol.md §17.3): opening frames, thinking (with optional tool
// card + search results), optional citation card, answer tokens, closing frames.
// Chat image mode (prompt "Drawing: ..." / "Image Generation: ...") adds both image frame
// families so D-, F- and A-style clients all find the images.

import { randomUUID } from 'node:crypto';
import type { AnswerPlan } from './answer.js';
import { SIM_CITATION_CARD_ID, SIM_CITATION_URL, imageCardId, planAnswer } from './answer.js';
import type { Step } from './frames.js';
import { cardFrame, closingFrames, frame, response, tokenFrame } from './frames.js';
import { makeJpeg } from './media-bytes.js';
import type { ScriptContext, StreamIds } from './script-context.js';
import { newStreamIds, openingFrames } from './script-context.js';

const CITATION_CARD = {
  id: SIM_CITATION_CARD_ID, type: 'render_inline_citation', cardType: 'citation_card', url: SIM_CITATION_URL,
};

function toolCardFrames(query: string, rolloutId: string): Step[] {
  return [
    frame(response({
      messageTag: 'tool_usage_card', isThinking: true, rolloutId,
      toolUsageCard: { toolUsageCardId: 'tc-1', webSearch: { args: { query } } },
    })),
    frame(response({
      toolUsageCardId: 'tc-1', isThinking: true, rolloutId,
      webSearchResults: { results: [
        { url: 'https://example.org/search-1', title: 'Example result 1', preview: 'First simulated search result.' },
        { url: 'https://example.org/search-2', title: 'Example result 2', preview: 'Second simulated search result.' },
      ] },
    })),
  ];
}

function thinkingSteps(ctx: ScriptContext, plan: AnswerPlan, ids: StreamIds): Step[] {
  const out: Step[] = [];
  plan.thinking.forEach((t, i) => {
    out.push(frame(tokenFrame(t, ids.responseId)));
    if (i === 0 && ctx.directives.toolcard) out.push(...toolCardFrames(plan.line, t.rolloutId));
  });
  if (plan.thinking.length === 0 && ctx.directives.toolcard) out.push(...toolCardFrames(plan.line, ''));
  return out;
}

interface GeneratedImage { uuid: string; path: string }

/** Registers one generated JPEG per slot in the asset store (both path styles A may build). */
function generateImages(ctx: ScriptContext): GeneratedImage[] {
  return Array.from({ length: ctx.imageCount }, (_, i) => {
    const uuid = randomUUID();
    const path = `users/${ctx.userId}/generated/${uuid}/image.jpg`;
    const bytes = makeJpeg(0, 60 + i * 60);
    ctx.assets.put(path, bytes, 'image/jpeg');
    ctx.assets.put(`users/${ctx.userId}/${uuid}/content`, bytes, 'image/jpeg');
    return { uuid, path };
  });
}

const IMAGE_PROGRESS = [0, 50, 100];

function imageSteps(images: GeneratedImage[], ids: StreamIds): Step[] {
  const out: Step[] = [];
  for (const progress of IMAGE_PROGRESS) {
    images.forEach((img, i) => {
      const final = progress === 100;
      out.push(frame(response({
        streamingImageGenerationResponse: {
          imageIndex: i, progress, moderated: false,
          ...(final ? { imageUrl: img.path, assetId: img.uuid } : {}),
        },
        isThinking: false, responseId: ids.responseId,
      }), true));
      out.push(frame(cardFrame({
        id: imageCardId(i), type: 'render_generated_image', cardType: 'generated_image_card',
        image_chunk: {
          imageUuid: img.uuid, imageIndex: i, seq: IMAGE_PROGRESS.indexOf(progress), progress, moderated: false,
          ...(final ? { imageUrl: img.path } : {}),
        },
      }, ids.responseId)));
    });
  }
  return out;
}

export function buildChatScript(ctx: ScriptContext): Step[] {
  const ids = newStreamIds();
  const plan = planAnswer(ctx.text, ctx.directives, { heavy: ctx.heavy, imageCount: ctx.imageCount });
  const steps: Step[] = [...openingFrames(ctx, ids), ...thinkingSteps(ctx, plan, ids)];
  const cards: string[] = [];
  let images: GeneratedImage[] = [];

  if (plan.imageMode) {
    images = generateImages(ctx);
    steps.push(...imageSteps(images, ids));
  } else if (ctx.directives.citation) {
    steps.push(frame(cardFrame(CITATION_CARD, ids.responseId)));
    cards.push(JSON.stringify(CITATION_CARD));
  }
  for (const t of plan.answer) steps.push(frame(tokenFrame(t, ids.responseId), true));

  if (!ctx.directives.noFinalFrames) {
    steps.push(...closingFrames({
      responseId: ids.responseId, parentResponseId: ids.userResponseId, now: ids.now,
      message: plan.answer.map((t) => t.text).join(''), model: ctx.model, modelHash: ctx.modelHash,
      generatedImageUrls: images.map((img) => img.path),
      fileAttachments: images.map((img) => img.uuid),
      cardAttachmentsJson: cards,
    }));
  }
  return steps;
}
