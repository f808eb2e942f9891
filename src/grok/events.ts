// Typed events parsed out of Grok's chat NDJSON stream (docs/grok-protocol.md §21.4 legacy frames, §5.5 mgw server events).
// The parser emits these; the gateway turns them into OpenAI chunks. Nothing here knows OpenAI.

/** A text fragment: reasoning (`thinking`) or answer text. */
export interface GrokTokenEvent {
  type: 'token';
  text: string;
  /** `isThinking` on the wire. */
  thinking: boolean;
  /** `messageTag`: "final" is answer text; "header" / "summary" / ... are reasoning decoration. */
  tag: string | undefined;
  rolloutId: string | undefined;
  responseId: string | undefined;
}

/** `userResponse` / `llmInfo`: model name and hash, used for `system_fingerprint`. */
export interface GrokMetaEvent {
  type: 'meta';
  model: string | undefined;
  modelHash: string | undefined;
}

/** `cardAttachment.jsonData` parsed once more (citation cards, searched images, image chunks). */
export interface GrokCardEvent {
  type: 'card';
  id: string;
  /** The parsed card object (whatever keys it had). */
  card: Record<string, unknown>;
}

/** `toolUsageCard`: the model used a tool (web search, code execution, ...). */
export interface GrokToolCardEvent {
  type: 'tool-card';
  rolloutId: string | undefined;
  /** camelCase tool name, e.g. `webSearch`. */
  name: string;
  args: Record<string, unknown>;
}

/** `webSearchResults` / `xSearchResults` normalised to url + title. */
export interface GrokSearchResultsEvent {
  type: 'search-results';
  results: Array<{ url: string; title: string; preview: string | undefined }>;
}

/** `streamingImageGenerationResponse` or a card `image_chunk`: image progress inside chat. */
export interface GrokImageProgressEvent {
  type: 'image-progress';
  index: number;
  progress: number;
  /** Relative to the assets host, or absolute. Present when the image is final. */
  url: string | undefined;
  assetId: string | undefined;
  moderated: boolean;
}

/** `streamingVideoGenerationResponse`. */
export interface GrokVideoProgressEvent {
  type: 'video-progress';
  progress: number;
  videoId: string | undefined;
  videoPostId: string | undefined;
  videoUrl: string | undefined;
  thumbnailUrl: string | undefined;
  assetId: string | undefined;
  moderated: boolean;
}

/** `modelResponse`: the full answer, repeated once near the end. */
export interface GrokModelResponseEvent {
  type: 'model-response';
  message: string;
  responseId: string | undefined;
  generatedImageUrls: string[];
  fileAttachments: string[];
  /** `modelResponse.error` when present: a model-side failure. */
  error: string | undefined;
}

/**
 * An inline citation (mgw `render_citation`, docs/grok-protocol.md "mgw server events"): the
 * answer cites this source at the current point of the text. The URL is already normalised
 * (absolute http/https, no user-info, lower-case host).
 */
export interface GrokCitationEvent {
  type: 'citation';
  url: string;
}

/** End of answer: `isSoftStop`, `finalMetadata`, `[DONE]`, the body closed, or mgw `response.done`. */
export interface GrokEndEvent {
  type: 'end';
  reason: 'soft-stop' | 'final-metadata' | 'done' | 'eof';
  /** mgw: the upstream response id of `response.done` (the next turn's `parent_response_id`). */
  responseId?: string | undefined;
  /** mgw: the conversation id of `conversation.attached` (continue it with `load_existing`). */
  conversationId?: string | undefined;
}

export type GrokEvent =
  | GrokTokenEvent
  | GrokMetaEvent
  | GrokCardEvent
  | GrokToolCardEvent
  | GrokSearchResultsEvent
  | GrokImageProgressEvent
  | GrokVideoProgressEvent
  | GrokModelResponseEvent
  | GrokCitationEvent
  | GrokEndEvent;
