// chat.continue_conversations: remembers, per answered chat completion, where its conversation
// lives upstream, keyed by a hash of the messages the client will send back next time (its
// request's messages + our answer as an assistant message). A later request whose messages start
// with exactly those messages continues that conversation, sending only what follows them.
//
// Matching (documented in README "Multi-turn continuation"): the request's LAST assistant message
// splits it; everything up to and including it is hashed (role, name, text trimmed, attachment
// URLs, tool calls, tool call id) and looked up. A hit needs at least one message after it. In
// memory, per gateway instance, bounded (entries and age): a miss just means the whole history
// is sent, as without the option.
import { createHash } from 'node:crypto';
import type { ConversationRef } from './conversation-ref.js';
import type { ConversationMessage } from './types.js';

export interface ConversationMemoryOptions {
  /** Entries kept (oldest forgotten first). */
  maxEntries: number;
  /** How long an answer can be continued, in ms. */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  ref: ConversationRef;
  at: number;
}

/** A request split at the answer it extends. */
export interface ConversationMatch {
  ref: ConversationRef;
  /** The messages after the remembered answer (never empty). */
  newMessages: ConversationMessage[];
}

/** Stable digest of a message list (what identifies "the same conversation so far"). */
export function conversationKey(messages: readonly ConversationMessage[]): string {
  const h = createHash('sha256');
  for (const m of messages) {
    const canon = [
      m.role,
      m.name ?? '',
      m.text.trim(),
      m.attachments.map((a) => a.url),
      (m.toolCalls ?? []).map((t) => [t.id, t.name, t.arguments]),
      m.toolCallId ?? '',
    ];
    h.update(JSON.stringify(canon));
    h.update('\n');
  }
  return h.digest('base64url');
}

export class ConversationMemory {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly opts: ConversationMemoryOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Remembers that `messages` followed by `answer` (our assistant reply) live at `ref`. */
  remember(messages: readonly ConversationMessage[], answer: string, ref: ConversationRef): void {
    const key = conversationKey([...messages, { role: 'assistant', text: answer, attachments: [] }]);
    this.entries.delete(key);
    this.entries.set(key, { ref, at: this.now() });
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** The remembered conversation this request extends, if any. */
  match(messages: readonly ConversationMessage[]): ConversationMatch | undefined {
    let split = -1;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]?.role === 'assistant') {
        split = i;
        break;
      }
    }
    if (split < 0 || split === messages.length - 1) return undefined;
    const key = conversationKey(messages.slice(0, split + 1));
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at > this.opts.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { ref: e.ref, newMessages: messages.slice(split + 1) };
  }
}
