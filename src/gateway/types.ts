// The internal request the OpenAI layer hands to the gateway. OpenAI shapes stop at src/openai/;
// Grok shapes start at src/grok/. This is the neutral middle.

export type ConversationRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** One attachment referenced by a message part (uploaded to Grok by the media issue). */
export interface ConversationAttachment {
  kind: 'image' | 'file';
  /** data: URL or http(s) URL as the client gave it. */
  url: string;
  filename?: string | undefined;
  mimeType?: string | undefined;
  /** Request field it came from, for error messages (`messages[1].content[0].image_url`). */
  param?: string | undefined;
}

export interface ConversationToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, as OpenAI sends it. */
  arguments: string;
}

/** One turn, with its text already joined from the client's content parts. */
export interface ConversationMessage {
  role: ConversationRole;
  /** Text of the turn (text parts joined with "\n"); may be empty. */
  text: string;
  /** Optional participant name (OpenAI `name`). */
  name?: string | undefined;
  attachments: ConversationAttachment[];
  /** assistant turns: the tool calls it made. */
  toolCalls?: ConversationToolCall[] | undefined;
  /** tool turns: which call this answers. */
  toolCallId?: string | undefined;
}

export type ReasoningMode = 'reasoning_content' | 'think_tags' | 'hidden';

export interface ChatTurnRequest {
  requestId: string;
  /** Public model id as the client asked for it (echoed in responses). */
  model: string;
  messages: ConversationMessage[];
  stream: boolean;
  includeUsage: boolean;
  reasoning: ReasoningMode;
  /**
   * The request's own base URL (scheme and host), for links to images Grok drew in the answer when
   * app.app_url is unset; called only when there is such an image.
   */
  mediaBaseUrl?: (() => string) | undefined;
}
