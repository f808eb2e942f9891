// Flattens a conversation into the one text chunk of an mgw `conversation.item.create`
// (docs/grok-protocol.md "mgw prompt flattening"): every message becomes `[role]\n<text>\n\n`,
// empty messages are skipped, the whole is trimmed. A new mgw conversation knows nothing, so the
// whole history travels in this chunk. The REST path keeps its own shape (messages-to-grok-prompt).
import { stripGatewayArtifacts } from './messages-to-grok-prompt.js';
import type { ConversationMessage, ConversationToolCall } from './types.js';

/** Earlier assistant tool calls, in the XML block the tool-calling prompt asks the model to write. */
function toolCallsXml(calls: ConversationToolCall[]): string {
  const items = calls.map((c) => {
    let args = c.arguments.trim();
    try {
      args = JSON.stringify(JSON.parse(args === '' ? '{}' : args));
    } catch {
      // Not JSON: shown as the client sent it.
    }
    return `  <tool_call>\n    <tool_name>${escapeXml(c.name)}</tool_name>\n    <parameters>${args}</parameters>\n  </tool_call>`;
  });
  return `<tool_calls>\n${items.join('\n')}\n</tool_calls>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function messageText(m: ConversationMessage): string {
  if (m.role === 'tool') {
    const text = m.text.trim();
    return m.toolCallId ? `Tool result (${m.toolCallId}): ${text}` : `Tool result: ${text}`;
  }
  let text = (m.role === 'assistant' ? stripGatewayArtifacts(m.text) : m.text).trim();
  const calls = m.role === 'assistant' ? (m.toolCalls ?? []) : [];
  if (calls.length > 0) text = text === '' ? toolCallsXml(calls) : `${text}\n${toolCallsXml(calls)}`;
  return text;
}

/** `[role]\ntext` blocks separated by blank lines (the mgw shape; `[user]\nHello` for one message). */
export function messagesToMgwPrompt(messages: ConversationMessage[]): string {
  let out = '';
  for (const m of messages) {
    const text = messageText(m);
    if (text === '') continue;
    out += `[${m.role.toLowerCase()}]\n${text}\n\n`;
  }
  return out.trim();
}
