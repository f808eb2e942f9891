// One chat turn for a tool (ask_grok, search_web): through ChatService.collect, exactly as a
// non-streaming /v1/chat/completions call goes (pool, retries, egress), with the call context
// filled the same way. The answer text is what /v1 would answer (with chat.show_search_sources it
// ends with the "## Sources" block); the sources also come back as their own fields and links.
import type { ModelSpec } from '../../config/index.js';
import {
  type ChatService,
  type ConversationMessage,
  type ReasoningMode,
  estimatePromptTokens,
  estimateTokens,
} from '../../gateway/index.js';
import { recordCallFailure } from '../../openai/index.js';
import type { McpRequestContext } from '../request-context.js';

export interface ChatTurnInput {
  model: string;
  spec: ModelSpec;
  system?: string | undefined;
  prompt: string;
  /** Keep Grok's reasoning summary (returned apart from the answer). */
  reasoning: boolean;
}

export interface Source {
  url: string;
  title: string;
}

export interface ChatTurnOutput {
  answer: string;
  reasoning: string;
  /** URLs the answer cites (inline citations), in order, deduplicated. */
  citations: Source[];
  /** Every search result Grok looked at, deduplicated. */
  searchSources: Source[];
}

function message(role: ConversationMessage['role'], text: string): ConversationMessage {
  return { role, text, attachments: [] };
}

export async function runChatTurn(chat: ChatService, ctx: McpRequestContext, input: ChatTurnInput, signal: AbortSignal): Promise<ChatTurnOutput> {
  const call = ctx.call;
  call.model = input.model;
  call.path = 'grok-chat';
  call.stream = false;
  const messages = [...(input.system ? [message('system', input.system)] : []), message('user', input.prompt)];
  call.promptTokens = estimatePromptTokens(messages);
  const reasoning: ReasoningMode = input.reasoning ? 'reasoning_content' : 'hidden';
  const started = Date.now();
  const done = await chat
    .collect({ requestId: ctx.requestId, model: input.model, messages, stream: false, includeUsage: false, reasoning }, input.spec, signal)
    .catch((err: unknown) => {
      recordCallFailure(call, err);
      throw err;
    });
  call.account = done.account;
  call.proxy = done.proxy;
  call.attempts = done.attempts.length;
  call.upstream = done.attempts;
  call.firstByteMs = Date.now() - started;
  const a = done.answer;
  const answer = a.contentText();
  call.completionTokens = estimateTokens(answer) + estimateTokens(a.rawReasoningText());
  const seen = new Set<string>();
  const citations: Source[] = [];
  for (const ann of a.annotations()) {
    const { url, title } = ann.url_citation;
    if (seen.has(url)) continue;
    seen.add(url);
    citations.push({ url, title: title || url });
  }
  return {
    answer,
    reasoning: input.reasoning ? a.reasoningText() : '',
    citations,
    searchSources: a.searchSources().map((s) => ({ url: s.url, title: s.title || s.url })),
  };
}
