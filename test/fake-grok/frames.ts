// Builders for the NDJSON frames of docs/grok-protocol.md §21.4, and the `Step` list a script is
// made of. Field names follow what the real web app sends; extra fields the clients never
// read are included where cheap, so a parser that is too strict fails here, not in production.

import type { AnswerToken } from './answer.js';

/** One unit of a scripted stream. `content` marks answer tokens / progress frames, which faults key on. */
export type Step =
  | { kind: 'frame'; value: unknown; content?: boolean }
  | { kind: 'raw'; text: string }
  | { kind: 'pause'; ms: number }
  | { kind: 'cut' };

export function frame(value: unknown, content = false): Step {
  return { kind: 'frame', value, content };
}

/** Every useful frame is `{"result":{"response":{...}}}` (docs/grok-protocol.md §21.3). */
export function response(fields: Record<string, unknown>): { result: { response: Record<string, unknown> } } {
  return { result: { response: fields } };
}

/** The conversation-created frame; it has no `response`, so every client must skip it. */
export function conversationFrame(conversationId: string, now: string): unknown {
  return {
    result: {
      conversation: {
        conversationId, title: 'New conversation', starred: false, createTime: now, modifyTime: now,
        systemPromptName: '', temporary: true, mediaTypes: [],
      },
    },
  };
}

export function userResponseFrame(o: { responseId: string; message: string; model: string; now: string }): unknown {
  return response({
    userResponse: {
      responseId: o.responseId, message: o.message, sender: 'human', createTime: o.now, manual: false,
      partial: false, shared: false, query: '', queryType: '', webSearchResults: [], xpostIds: [], xposts: [],
      generatedImageUrls: [], imageAttachments: [], fileAttachments: [], cardAttachmentsJson: [], fileUris: [],
      fileAttachmentsMetadata: [], isControl: false, steps: [], mediaTypes: [], model: o.model,
    },
    isThinking: false,
    isSoftStop: false,
    responseId: o.responseId,
  });
}

export function llmInfoFrame(modelHash: string, responseId: string): unknown {
  return response({ llmInfo: { modelHash }, isThinking: false, isSoftStop: false, responseId });
}

export function tokenFrame(t: AnswerToken, responseId: string): unknown {
  return response({
    token: t.text, isThinking: t.thinking, isSoftStop: false, responseId,
    messageTag: t.tag, messageStepId: 0, rolloutId: t.rolloutId,
  });
}

/** `cardAttachment.jsonData` is a JSON *string* (docs/grok-protocol.md §21.4.5). */
export function cardFrame(card: Record<string, unknown>, responseId: string): unknown {
  return response({ cardAttachment: { jsonData: JSON.stringify(card) }, isThinking: false, responseId });
}

export interface ModelResponseInput {
  responseId: string;
  parentResponseId: string;
  message: string;
  model: string;
  modelHash: string;
  now: string;
  generatedImageUrls?: string[];
  fileAttachments?: string[];
  cardAttachmentsJson?: string[];
}

export function modelResponseFrame(o: ModelResponseInput): unknown {
  return response({
    modelResponse: {
      responseId: o.responseId, message: o.message, sender: 'assistant', createTime: o.now,
      parentResponseId: o.parentResponseId, manual: false, partial: false, shared: false, query: '',
      queryType: '', webSearchResults: [], xpostIds: [], xposts: [],
      generatedImageUrls: o.generatedImageUrls ?? [], imageAttachments: [],
      fileAttachments: o.fileAttachments ?? [], cardAttachmentsJson: o.cardAttachmentsJson ?? [],
      fileUris: [], fileAttachmentsMetadata: [], isControl: false, steps: [], mediaTypes: [],
      model: o.model, metadata: { llm_info: { modelHash: o.modelHash } },
    },
    isThinking: false,
    isSoftStop: false,
    responseId: o.responseId,
  });
}

export function softStopFrame(responseId: string): unknown {
  return response({ isThinking: false, isSoftStop: true, responseId });
}

export function finalMetadataFrame(): unknown {
  return response({ finalMetadata: { followUpSuggestions: [] } });
}

/** In-band error (docs/grok-protocol.md §21.4.11). */
export function errorFrame(code: number, message: string): unknown {
  return { error: { code, message, details: [] } };
}

/** The frames that close a normal answer: modelResponse, isSoftStop, finalMetadata (docs/grok-protocol.md §21.4.10). */
export function closingFrames(o: ModelResponseInput): Step[] {
  return [frame(modelResponseFrame(o)), frame(softStopFrame(o.responseId)), frame(finalMetadataFrame())];
}
