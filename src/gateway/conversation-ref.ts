// Where an answered turn lives upstream, so a later turn can continue it instead of re-sending the
// whole history (docs/grok-protocol.md "continuation"): the account it ran on, the mgw conversation
// id and the id of the response it produced. Reported by ChatService after a successful mgw turn;
// handed back to ChatService (Responses `previous_response_id`, chat.continue_conversations).
import type { ConversationMessage } from './types.js';

export interface ConversationRef {
  /** Pool id of the account the conversation lives on (never the token). */
  accountId: string;
  /** mgw `conversation.attached` id. */
  conversationId: string;
  /** mgw `response.done` id of the answer to continue from. */
  upstreamResponseId: string;
}

/** What a caller asks for when a turn should continue an earlier one. */
export interface ContinueFrom {
  from: ConversationRef;
  /** Only the messages after the earlier answer: all that is sent when the turn continues. */
  newMessages: ConversationMessage[];
  /**
   * true: fail (409 `conversation_unavailable`) when the turn cannot continue on its account.
   * false (default): fall back to a fresh conversation with the request's whole history, flattened,
   * on any account.
   */
  strict?: boolean | undefined;
  /** Request field named in the strict error (`previous_response_id`). */
  param?: string | undefined;
}

/** How a turn was run: a fresh conversation, a continued one, or a fallback from a continuation. */
export type ContinuationOutcome = 'none' | 'continued' | 'fallback';

/**
 * The ref from a stored record whose fields are each optional (the Responses store keeps
 * `{accountId?, conversationId?, upstreamResponseId?}`): undefined unless all three are there.
 */
export function conversationRefOf(v: { accountId?: string | undefined; conversationId?: string | undefined; upstreamResponseId?: string | undefined } | undefined): ConversationRef | undefined {
  if (!v?.accountId || !v.conversationId || !v.upstreamResponseId) return undefined;
  return { accountId: v.accountId, conversationId: v.conversationId, upstreamResponseId: v.upstreamResponseId };
}
