// The Response object (what POST /v1/responses returns and GET /v1/responses/{id} reads back) and
// the input items list, in OpenAI's wire shape.
import { itemId, type OutputItem } from './output-builder.js';
import type { ResponsesRequest } from './request-schema.js';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function responseUsage(input: number, output: number, reasoning: number): ResponseUsage {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output + reasoning,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output + reasoning,
  };
}

export interface ResponseShape {
  id: string;
  createdAt: number;
  body: ResponsesRequest;
  status: ResponseStatus;
  output: OutputItem[];
  usage: ResponseUsage | null;
  error?: { code: string; message: string } | null;
  incomplete?: boolean;
}

export function responseObject(s: ResponseShape): Record<string, unknown> {
  const b = s.body;
  const done = s.status === 'completed' || s.status === 'incomplete';
  return {
    id: s.id,
    object: 'response',
    created_at: s.createdAt,
    status: s.status,
    background: false,
    completed_at: done ? Math.floor(Date.now() / 1000) : null,
    error: s.error ?? null,
    incomplete_details: s.incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    max_tool_calls: null,
    model: b.model,
    output: structuredClone(s.output),
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    reasoning: { effort: b.reasoning?.effort ?? null, summary: b.reasoning?.summary ?? null },
    service_tier: 'default',
    store: b.store !== false,
    temperature: b.temperature ?? 1,
    text: { format: b.text?.format ?? { type: 'text' }, verbosity: b.text?.verbosity ?? 'medium' },
    tool_choice: b.tool_choice ?? 'auto',
    tools: b.tools ?? [],
    top_logprobs: 0,
    top_p: b.top_p ?? 1,
    truncation: b.truncation ?? 'disabled',
    usage: s.usage,
    user: b.user ?? null,
    metadata: b.metadata ?? {},
  };
}

/** This request's input as stored input items: every item gets an id, messages get content parts. */
export function inputItemsOf(body: ResponsesRequest): Array<Record<string, unknown>> {
  const input = body.input;
  if (input === undefined) return [];
  if (typeof input === 'string') {
    return [{ id: itemId('msg'), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: input }] }];
  }
  return input.map((raw) => {
    const item = { ...(raw as Record<string, unknown>) };
    const type = typeof item.type === 'string' ? item.type : 'message';
    const prefix = type === 'message' ? 'msg' : type === 'function_call' ? 'fc' : type === 'function_call_output' ? 'fco' : 'item';
    if (typeof item.id !== 'string' || item.id === '') item.id = itemId(prefix);
    item.type = type;
    if (type === 'message') {
      if (typeof item.content === 'string') {
        item.content = [{ type: item.role === 'assistant' ? 'output_text' : 'input_text', text: item.content }];
      }
      item.status ??= 'completed';
    }
    return item;
  });
}
