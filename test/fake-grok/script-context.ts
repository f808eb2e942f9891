// What every stream script needs to know about the request, and the frames every
// conversations/new stream starts with (conversation, userResponse, llmInfo).

import { randomUUID } from 'node:crypto';
import type { AssetStore } from './asset-store.js';
import type { SimDirectives } from './directives.js';
import type { Step } from './frames.js';
import { conversationFrame, frame, llmInfoFrame, userResponseFrame } from './frames.js';

export interface ScriptContext {
  /** The message as sent (echoed in userResponse). */
  message: string;
  /** The message with directives removed. */
  text: string;
  directives: SimDirectives;
  /** Quota key: modeId (A) or modelName (legacy, image edit, video). */
  mode: string;
  /** Model name reported in userResponse / modelResponse. */
  model: string;
  modelHash: string;
  /** Multi-agent thinking (modeId "heavy" or the `heavy` directive). */
  heavy: boolean;
  /** Chat image mode: images per request (the body's imageGenerationCount, 1..4, default 2). */
  imageCount: number;
  /** Owner id in asset paths `users/<userId>/...`. */
  userId: string;
  assets: AssetStore;
  /** The parsed request body, for scripts that read model config (video, image edit). */
  body: Record<string, unknown>;
  /** mgw continuation: the conversation's earlier turns (directives removed), as the model sees them. */
  history?: string | undefined;
}

/** Ids and timestamp shared by the frames of one stream. */
export interface StreamIds {
  userResponseId: string;
  responseId: string;
  now: string;
}

export function newStreamIds(): StreamIds {
  return { userResponseId: randomUUID(), responseId: randomUUID(), now: new Date().toISOString() };
}

export function openingFrames(ctx: ScriptContext, ids: StreamIds): Step[] {
  return [
    frame(conversationFrame(randomUUID(), ids.now)),
    frame(userResponseFrame({ responseId: ids.userResponseId, message: ctx.message, model: ctx.model, now: ids.now })),
    frame(llmInfoFrame(ctx.modelHash, ids.responseId)),
  ];
}

/** A stable fake model hash per mode, reported in llmInfo and modelResponse metadata. */
export function simModelHash(mode: string): string {
  return `simhash-${mode}`;
}
