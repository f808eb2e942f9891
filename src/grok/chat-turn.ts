// The neutral input of one upstream chat turn, and the interface every chat transport implements
// (REST NDJSON or the mgw WebSocket). The gateway decides what to say; each transport builds its
// own wire body from this (buildChatBody for REST, the mgw frames for mgw).
import type { AbortLike } from './cancellation.js';
import type { ChatStreamResult, GrokRoute } from './chat-client.js';

export const CHAT_TRANSPORTS = ['mgw', 'rest'] as const;
export type ChatTransport = (typeof CHAT_TRANSPORTS)[number];

export interface ChatContinuation {
  /** `conversation.attached` id of the earlier turn (== its session id). */
  conversationId: string;
  /** `response.done` id of the earlier turn. */
  parentResponseId: string;
}

export interface ChatTurnInput {
  /** Which wire protocol carries the turn (grok.chat_transport, read per call). */
  transport: ChatTransport;
  /** The flattened conversation, already in the transport's shape. */
  prompt: string;
  /** `fast` | `auto` | `expert` | `heavy` (REST also knows `grok-420-computer-use-sa`). */
  mode: string;
  /** Ids of files uploaded for this turn on this account, in order. */
  fileIds: string[];
  temporary: boolean;
  disableMemory: boolean;
  /** Operator instruction; "" = none. */
  customPersonality?: string | undefined;
  /** Images per in-chat generation (default 2). */
  imageGenerationCount?: number | undefined;
  /** mgw only: continue this conversation (same account!) instead of starting a new one. */
  continuation?: ChatContinuation | undefined;
  /** mgw only: the account's cached user UUID; looked up just in time when absent. */
  userId?: string | undefined;
}

export interface TurnOpenOptions {
  signal?: AbortLike | undefined;
  route?: GrokRoute | undefined;
  referer?: string | undefined;
  /** mgw: the account's user id was looked up (or refreshed): persist it on the account. */
  onUserId?: ((userId: string) => void) | undefined;
}

/** Opens one chat turn; resolves once upstream accepted it (events follow on the result). */
export interface ChatTurnOpener {
  openTurn(token: string, turn: ChatTurnInput, opts?: TurnOpenOptions): Promise<ChatStreamResult>;
}
