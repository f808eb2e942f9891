// The chat request's answer-shaping parameters → the gateway's neutral OutputControls, checked
// the way OpenAI checks them (400 naming the parameter). Tools: function tools (≤ 128, names
// ^[A-Za-z0-9_-]{1,64}$, unique); web_search / web_search_preview map to Grok's own search (they add
// nothing to the prompt); any other tool type is refused. Parameters that would change the result
// and cannot be emulated are refused with unsupported_parameter.
import {
  compileJsonSpec,
  type JsonValidator,
  type JsonOutputSpec,
  type OutputControls,
  type ToolChoice,
  type ToolDefinition,
  type ToolSet,
} from '../gateway/index.js';
import type { ChatRequestInput } from './chat-request-schema.js';
import { OpenAIHttpError, invalidRequest } from './errors.js';

export const MAX_TOOLS = 128;
const TOOL_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_DESCRIPTION = 16 * 1024;
const HOSTED_SEARCH = new Set(['web_search', 'web_search_preview']);

export const unsupportedParameter = (param: string, why: string): OpenAIHttpError =>
  new OpenAIHttpError(400, `Unsupported parameter: '${param}' ${why}`, { type: 'invalid_request_error', param, code: 'unsupported_parameter' });

/** Refuses what changes the answer and cannot be emulated on Grok's text. */
function refuseUnsupported(body: ChatRequestInput): void {
  if (body.logprobs === true) throw unsupportedParameter('logprobs', 'is not supported: Grok web returns no token probabilities.');
  if (body.top_logprobs !== undefined && body.top_logprobs !== null && body.top_logprobs > 0) {
    throw unsupportedParameter('top_logprobs', 'is not supported: Grok web returns no token probabilities.');
  }
  const loose = body as Record<string, unknown>;
  const bias = loose.logit_bias;
  if (bias && typeof bias === 'object' && Object.keys(bias).length > 0) {
    throw unsupportedParameter('logit_bias', 'is not supported: Grok web exposes no token sampling.');
  }
  if (loose.functions !== undefined && loose.functions !== null) {
    throw unsupportedParameter('functions', "is not supported (deprecated by OpenAI): declare them in 'tools'.");
  }
  if (loose.function_call !== undefined && loose.function_call !== null) {
    throw unsupportedParameter('function_call', "is not supported (deprecated by OpenAI): use 'tool_choice'.");
  }
  if (loose.audio !== undefined && loose.audio !== null) throw unsupportedParameter('audio', 'is not supported: Grok web has no audio output.');
  const modalities = loose.modalities;
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) {
    throw unsupportedParameter('modalities', "is not supported beyond ['text'].");
  }
}

function toolSet(body: ChatRequestInput): ToolSet | undefined {
  const list = body.tools ?? [];
  if (list.length > MAX_TOOLS) throw invalidRequest(`'tools' has ${list.length} entries; at most ${MAX_TOOLS} are supported`, 'tools', 'array_above_max_length');
  const tools: ToolDefinition[] = [];
  const names = new Set<string>();
  let hostedSearch = false;
  for (const [i, t] of list.entries()) {
    if (HOSTED_SEARCH.has(t.type)) {
      hostedSearch = true;
      continue;
    }
    if (t.type !== 'function') {
      throw invalidRequest(`Tool type '${t.type}' is not supported: use 'function' (or 'web_search', which maps to Grok's own search)`, `tools[${i}].type`, 'invalid_value');
    }
    const fn = t.function;
    if (!fn) throw invalidRequest(`Missing required parameter: 'tools[${i}].function'`, `tools[${i}].function`, 'missing_required_parameter');
    if (!TOOL_NAME_RE.test(fn.name)) {
      throw invalidRequest(`Invalid 'tools[${i}].function.name': '${fn.name.slice(0, 80)}' must match ^[A-Za-z0-9_-]{1,64}$`, `tools[${i}].function.name`, 'invalid_value');
    }
    if (names.has(fn.name)) throw invalidRequest(`Duplicate tool name '${fn.name}' in 'tools'`, `tools[${i}].function.name`, 'duplicate_tool_name');
    names.add(fn.name);
    if (fn.description && fn.description.length > MAX_DESCRIPTION) {
      throw invalidRequest(`'tools[${i}].function.description' is longer than ${MAX_DESCRIPTION} characters`, `tools[${i}].function.description`, 'string_above_max_length');
    }
    tools.push({ name: fn.name, description: fn.description ?? undefined, parameters: fn.parameters ?? { type: 'object', properties: {} } });
  }
  const choice = toolChoice(body, names, hostedSearch);
  if (tools.length === 0 && !hostedSearch) return undefined;
  return { tools, choice, hostedSearch, parallel: body.parallel_tool_calls !== false };
}

function toolChoice(body: ChatRequestInput, names: ReadonlySet<string>, hostedSearch: boolean): ToolChoice {
  const c = body.tool_choice;
  if (c === undefined || c === null || c === 'auto') return { mode: 'auto' };
  if (c === 'none') return { mode: 'none' };
  if (c === 'required') {
    if (names.size === 0 && !hostedSearch) throw invalidRequest("'tool_choice' is 'required' but no tools are declared", 'tool_choice', 'invalid_value');
    return { mode: 'required' };
  }
  const name = c.function.name;
  if (!names.has(name)) throw invalidRequest(`'tool_choice' names the function '${name}', which is not in 'tools'`, 'tool_choice', 'invalid_value');
  return { mode: 'named', name };
}

function jsonSpec(body: ChatRequestInput): JsonOutputSpec | undefined {
  const f = body.response_format;
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { kind: 'json_object' };
  const s = f.json_schema;
  return {
    kind: 'json_schema',
    name: s.name,
    description: s.description ?? undefined,
    // No schema: any JSON value (OpenAI allows it).
    schema: s.schema ?? {},
    strict: s.strict === true,
  };
}

export interface OutputRequest {
  controls: OutputControls;
  validator: JsonValidator | undefined;
}

/** Reads and checks the answer-shaping parameters; throws a 400 OpenAIHttpError naming the bad one. */
export function outputRequest(body: ChatRequestInput): OutputRequest {
  refuseUnsupported(body);
  const tools = toolSet(body);
  const json = jsonSpec(body);
  let validator: JsonValidator | undefined;
  if (json) {
    const compiled = compileJsonSpec(json);
    if (!compiled.ok) {
      throw invalidRequest(`Invalid schema for response_format '${json.kind === 'json_schema' ? json.name : 'json_object'}': ${compiled.error}`, 'response_format', 'invalid_json_schema');
    }
    validator = compiled.validate;
  }
  const stop = body.stop === undefined || body.stop === null ? [] : (typeof body.stop === 'string' ? [body.stop] : body.stop).filter((s) => s !== '');
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  return {
    controls: { tools, json, stop: stop.length > 0 ? stop : undefined, maxTokens },
    validator,
  };
}
