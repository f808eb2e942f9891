// OpenAI messages → the gateway's neutral conversation (src/gateway/types.ts).
import type { ConversationAttachment, ConversationMessage, ConversationRole } from '../gateway/index.js';
import type { ChatMessageInput } from './chat-request-schema.js';

function toRole(role: ChatMessageInput['role']): ConversationRole {
  // The legacy `function` role is a tool result under another name.
  return role === 'function' ? 'tool' : role;
}

export function toConversation(messages: ChatMessageInput[]): ConversationMessage[] {
  return messages.map((m, mi) => {
    const attachments: ConversationAttachment[] = [];
    let text = '';
    if (typeof m.content === 'string') {
      text = m.content;
    } else if (Array.isArray(m.content)) {
      const texts: string[] = [];
      for (const [pi, part] of m.content.entries()) {
        const param = `messages[${mi}].content[${pi}]`;
        switch (part.type) {
          case 'text':
            texts.push(part.text);
            break;
          case 'refusal':
            texts.push(part.refusal);
            break;
          case 'image_url': {
            const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
            attachments.push({ kind: 'image', url, param: `${param}.image_url` });
            break;
          }
          case 'file':
            if (part.file.file_data) {
              attachments.push({ kind: 'file', url: part.file.file_data, filename: part.file.filename, param: `${param}.file` });
            }
            break;
          case 'input_audio':
            attachments.push({
              kind: 'file',
              url: `data:audio/${part.input_audio.format};base64,${part.input_audio.data}`,
              filename: `audio.${part.input_audio.format}`,
              mimeType: `audio/${part.input_audio.format}`,
              param: `${param}.input_audio`,
            });
            break;
        }
      }
      text = texts.join('\n');
    }
    const out: ConversationMessage = { role: toRole(m.role), text, attachments };
    if (m.name) out.name = m.name;
    if (m.tool_call_id) out.toolCallId = m.tool_call_id;
    if (m.tool_calls && m.tool_calls.length > 0) {
      out.toolCalls = m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }));
    }
    return out;
  });
}
