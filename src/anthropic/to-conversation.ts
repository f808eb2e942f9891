// Anthropic's system + messages → the gateway's neutral conversation (src/gateway/types.ts).
// - system (a string or text blocks) → one [system] turn.
// - text blocks → the turn's text (joined with "\n"); image blocks (base64 or url) and documents
//   (PDF / text, base64 or url) → attachments, uploaded to Grok like the chat API's image parts.
// - assistant tool_use blocks → the turn's tool calls; user tool_result blocks → one tool turn each
//   (in order, so text after results stays after them); is_error results say so in their text.
// - thinking / redacted_thinking blocks of earlier answers are left out: Grok reasons afresh each
//   turn, and Anthropic itself drops earlier turns' thinking from the context. Earlier server tool
//   blocks (web search) are left out too: Grok searches on its own.
// - Files by id (source type "file") refer to Anthropic's Files API, which the gateway does not
//   have: 400 naming the block.
import type { ConversationAttachment, ConversationMessage } from '../gateway/index.js';
import { invalidRequest } from '../openai/index.js';
import type { ContentBlockInput, MessageParamInput, MessagesRequest } from './request-schema.js';

type ImageBlock = Extract<ContentBlockInput, { type: 'image' }>;
type DocumentBlock = Extract<ContentBlockInput, { type: 'document' }>;

function fileIdRefused(param: string): never {
  throw invalidRequest(`${param}.source: file sources (the Files API) are not supported; send the content as base64 or a URL`, `${param}.source`, 'unsupported_parameter');
}

function imageAttachment(b: ImageBlock, param: string): ConversationAttachment {
  const s = b.source;
  if (s.type === 'file') fileIdRefused(param);
  const url = s.type === 'base64' ? `data:${s.media_type};base64,${s.data}` : s.url;
  return { kind: 'image', url, param: `${param}.source` };
}

/** A document: its text when it has one, else an attachment. */
function documentPart(b: DocumentBlock, param: string): { text?: string; attachment?: ConversationAttachment } {
  const s = b.source;
  const title = b.title ? `${b.title}\n` : '';
  switch (s.type) {
    case 'text':
      return { text: `${title}${s.data}` };
    case 'content':
      return { text: title + (typeof s.content === 'string' ? s.content : s.content.map((c) => c.text).join('\n')) };
    case 'base64':
      return { attachment: { kind: 'file', url: `data:${s.media_type};base64,${s.data}`, mimeType: s.media_type, filename: b.title ?? undefined, param: `${param}.source` } };
    case 'url':
      return { attachment: { kind: 'file', url: s.url, filename: b.title ?? undefined, param: `${param}.source` } };
    case 'file':
      return fileIdRefused(param);
  }
}

/** A tool_result's content as text plus attachments (images a tool returned). */
function toolResultTurn(b: Extract<ContentBlockInput, { type: 'tool_result' }>, param: string): ConversationMessage {
  const texts: string[] = [];
  const attachments: ConversationAttachment[] = [];
  if (typeof b.content === 'string') texts.push(b.content);
  else {
    for (const [i, c] of (b.content ?? []).entries()) {
      const p = `${param}.content[${i}]`;
      if (c.type === 'text') texts.push(c.text);
      else if (c.type === 'image') attachments.push(imageAttachment(c, p));
      else {
        const d = documentPart(c, p);
        if (d.text !== undefined) texts.push(d.text);
        if (d.attachment) attachments.push(d.attachment);
      }
    }
  }
  const body = texts.join('\n');
  // The model must know the call failed (Anthropic's is_error), not read the error text as data.
  const text = b.is_error === true ? `(the tool reported an error) ${body}`.trimEnd() : body;
  return { role: 'tool', text, attachments, toolCallId: b.tool_use_id };
}

function messageTurns(m: MessageParamInput, mi: number): ConversationMessage[] {
  if (typeof m.content === 'string') return [{ role: m.role, text: m.content, attachments: [] }];
  const out: ConversationMessage[] = [];
  let current: ConversationMessage | undefined;
  let texts: string[] = [];
  const flush = (): void => {
    if (current) {
      current.text = texts.join('\n');
      out.push(current);
    }
    current = undefined;
    texts = [];
  };
  const turn = (): ConversationMessage => (current ??= { role: m.role, text: '', attachments: [] });
  for (const [bi, b] of m.content.entries()) {
    const param = `messages[${mi}].content[${bi}]`;
    switch (b.type) {
      case 'text':
        turn();
        texts.push(b.text);
        break;
      case 'image':
        turn().attachments.push(imageAttachment(b, param));
        break;
      case 'document': {
        const d = documentPart(b, param);
        const t = turn();
        if (d.text !== undefined) texts.push(d.text);
        if (d.attachment) t.attachments.push(d.attachment);
        break;
      }
      case 'tool_use': {
        if (m.role !== 'assistant') throw invalidRequest(`${param}: tool_use blocks belong in assistant messages`, param, 'invalid_value');
        const t = turn();
        (t.toolCalls ??= []).push({ id: b.id, name: b.name, arguments: JSON.stringify(b.input ?? {}) });
        break;
      }
      case 'tool_result':
        if (m.role !== 'user') throw invalidRequest(`${param}: tool_result blocks belong in user messages`, param, 'invalid_value');
        flush();
        out.push(toolResultTurn(b, param));
        break;
      case 'thinking':
      case 'redacted_thinking':
      case 'server_tool_use':
      case 'web_search_tool_result':
        break;
    }
  }
  flush();
  return out;
}

/** The system prompt's text ('' when absent). */
export function systemText(system: MessagesRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((b) => b.text).join('\n');
}

export function toConversation(system: MessagesRequest['system'], messages: MessageParamInput[]): ConversationMessage[] {
  const out: ConversationMessage[] = [];
  const sys = systemText(system);
  if (sys.trim() !== '') out.push({ role: 'system', text: sys, attachments: [] });
  for (const [mi, m] of messages.entries()) out.push(...messageTurns(m, mi));
  return out;
}
