// Responses API input → the gateway's neutral conversation and output controls. The answer-shaping
// parameters are checked by the chat completions code (output-request.ts) after a mapping to its
// shapes, so both APIs accept and refuse the same things; error params are mapped back to the
// Responses names (`tools[0].name`, `text.format`).
import type { ConversationAttachment, ConversationMessage } from '../../gateway/index.js';
import type { ChatRequestInput } from '../chat-request-schema.js';
import { OpenAIHttpError, invalidRequest } from '../errors.js';
import { outputRequest, type OutputRequest } from '../output-request.js';
import type { ResponsesContentPart, ResponsesInputItem, ResponsesMessageItem, ResponsesRequest } from './request-schema.js';

function partsToText(parts: readonly ResponsesContentPart[], param: string, attachments: ConversationAttachment[]): string {
  const texts: string[] = [];
  for (const [i, p] of parts.entries()) {
    const at = `${param}[${i}]`;
    switch (p.type) {
      case 'input_text':
      case 'output_text':
        texts.push(p.text);
        break;
      case 'refusal':
        texts.push(p.refusal);
        break;
      case 'input_image':
        if (!p.image_url) throw invalidRequest(`'${at}' needs an 'image_url' (a data: or http(s) URL): file ids are not supported`, `${at}.image_url`, 'missing_required_parameter');
        attachments.push({ kind: 'image', url: p.image_url, param: `${at}.image_url` });
        break;
      case 'input_file': {
        const url = p.file_data ?? p.file_url;
        if (!url) throw invalidRequest(`'${at}' needs 'file_data' or 'file_url': file ids are not supported`, `${at}.file_data`, 'missing_required_parameter');
        attachments.push({ kind: 'file', url, filename: p.filename ?? undefined, param: `${at}.file_data` });
        break;
      }
    }
  }
  return texts.join('\n');
}

/** The items as conversation turns; consecutive function calls join one assistant turn. */
export function itemsToConversation(items: readonly ResponsesInputItem[], param = 'input'): ConversationMessage[] {
  const out: ConversationMessage[] = [];
  for (const [i, item] of items.entries()) {
    const at = `${param}[${i}]`;
    if (item.type === 'reasoning' || item.type === 'web_search_call') continue;
    if (item.type === 'item_reference') {
      throw invalidRequest(`'${at}' is an item_reference: not supported, send the item itself (or use previous_response_id)`, `${at}.type`, 'unsupported_value');
    }
    if (item.type === 'function_call') {
      const last = out[out.length - 1];
      const call = { id: item.call_id, name: item.name, arguments: item.arguments };
      if (last && last.role === 'assistant') {
        if (last.toolCalls) last.toolCalls.push(call);
        else last.toolCalls = [call];
      } else {
        out.push({ role: 'assistant', text: '', attachments: [], toolCalls: [call] });
      }
      continue;
    }
    if (item.type === 'function_call_output') {
      const attachments: ConversationAttachment[] = [];
      const text = typeof item.output === 'string' ? item.output : partsToText(item.output, `${at}.output`, attachments);
      const name = findCallName(out, item.call_id);
      out.push({ role: 'tool', text, attachments, toolCallId: item.call_id, ...(name ? { name } : {}) });
      continue;
    }
    const m = item as ResponsesMessageItem;
    const attachments: ConversationAttachment[] = [];
    const text = typeof m.content === 'string' ? m.content : partsToText(m.content, `${at}.content`, attachments);
    out.push({ role: m.role, text, attachments });
  }
  return out;
}

function findCallName(messages: readonly ConversationMessage[], callId: string): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const hit = messages[i]?.toolCalls?.find((c) => c.id === callId);
    if (hit) return hit.name;
  }
  return undefined;
}

/** The request's own input as conversation turns (string input = one user turn). */
export function inputToConversation(body: ResponsesRequest): ConversationMessage[] {
  const input = body.input;
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', text: input, attachments: [] }];
  return itemsToConversation(input);
}

/** Maps a chat-completions param name in an error back to the Responses request's name. */
function responsesParam(param: string | null): string | null {
  if (!param) return param;
  return param
    .replace(/^tools\[(\d+)\]\.function\./, 'tools[$1].')
    .replace(/^response_format/, 'text.format')
    .replace(/^max_completion_tokens/, 'max_output_tokens');
}

/** tools, tool_choice, text.format and max_output_tokens, checked as on chat completions. */
export function responsesOutputRequest(body: ResponsesRequest): OutputRequest {
  const tools = (body.tools ?? []).map((t) =>
    t.type === 'function'
      ? { type: 'function', function: { name: String(t.name), description: (t.description as string | null | undefined) ?? undefined, parameters: (t.parameters as Record<string, unknown> | null | undefined) ?? undefined } }
      : { type: t.type });
  const c = body.tool_choice;
  let toolChoice: ChatRequestInput['tool_choice'];
  if (c === undefined || c === null || typeof c === 'string') toolChoice = c;
  else if (c.type === 'function') toolChoice = { type: 'function', function: { name: String(c.name) } };
  else toolChoice = 'required'; // a hosted search tool forced: Grok's own search
  const f = body.text?.format;
  let responseFormat: ChatRequestInput['response_format'];
  if (f?.type === 'json_object') responseFormat = { type: 'json_object' };
  else if (f?.type === 'json_schema') {
    responseFormat = { type: 'json_schema', json_schema: { name: f.name, description: f.description ?? undefined, schema: f.schema, strict: f.strict ?? undefined } };
  }
  const chatShape: ChatRequestInput = {
    model: body.model,
    messages: [{ role: 'user', content: '' }],
    tools,
    tool_choice: toolChoice,
    parallel_tool_calls: body.parallel_tool_calls,
    response_format: responseFormat,
    max_completion_tokens: body.max_output_tokens,
  };
  try {
    return outputRequest(chatShape);
  } catch (err) {
    if (err instanceof OpenAIHttpError && err.status === 400) {
      const param = responsesParam(err.param);
      const message = err.param && param ? err.message.split(err.param).join(param) : err.message;
      throw new OpenAIHttpError(400, message, { type: err.type, code: err.code, param });
    }
    throw err;
  }
}
