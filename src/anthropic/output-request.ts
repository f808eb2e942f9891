// The Messages request's answer-shaping parameters → the gateway's neutral OutputControls (the same
// emulation as chat completions: tool-prompt.ts, the parser and sieve, output-limiter.ts), checked
// the way Anthropic checks them (400 naming the field). Tools: client tools with an input_schema
// (≤ 128, names ^[A-Za-z0-9_-]{1,128}$, unique); Anthropic's web search server tool maps to Grok's
// own search; other server tools (code execution, computer use, bash, text editor, ...) need
// Anthropic's runtime or schemas the gateway does not have and are refused.
import {
  compileJsonSpec,
  type JsonValidator,
  type JsonOutputSpec,
  type OutputControls,
  type ToolChoice,
  type ToolDefinition,
  type ToolSet,
} from '../gateway/index.js';
import { invalidRequest } from '../openai/index.js';
import type { CountTokensRequest } from './request-schema.js';

export const MAX_TOOLS = 128;
const TOOL_NAME_RE = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_STOP_SEQUENCES = 16;
/** Anthropic's minimum thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

function isWebSearch(type: string): boolean {
  return type === 'web_search' || type.startsWith('web_search_');
}

function toolSet(body: CountTokensRequest): ToolSet | undefined {
  const list = body.tools ?? [];
  if (list.length > MAX_TOOLS) throw invalidRequest(`tools: at most ${MAX_TOOLS} tools are supported, got ${list.length}`, 'tools', 'array_above_max_length');
  const tools: ToolDefinition[] = [];
  const names = new Set<string>();
  let hostedSearch = false;
  const hostedNames = new Set<string>();
  for (const [i, t] of list.entries()) {
    const type = t.type ?? 'custom';
    if (isWebSearch(type)) {
      hostedSearch = true;
      hostedNames.add(t.name);
      continue;
    }
    if (type !== 'custom') {
      throw invalidRequest(`tools[${i}].type: '${type}' is not supported: declare a client tool with an input_schema (web_search maps to Grok's own search)`, `tools[${i}].type`, 'unsupported_parameter');
    }
    if (!TOOL_NAME_RE.test(t.name)) {
      throw invalidRequest(`tools[${i}].name: '${t.name.slice(0, 80)}' must match ^[A-Za-z0-9_-]{1,128}$`, `tools[${i}].name`, 'invalid_value');
    }
    if (names.has(t.name)) throw invalidRequest(`tools: tool names must be unique ('${t.name}' appears twice)`, `tools[${i}].name`, 'duplicate_tool_name');
    names.add(t.name);
    if (!t.input_schema) throw invalidRequest(`tools[${i}].input_schema: Field required`, `tools[${i}].input_schema`, 'missing_required_parameter');
    tools.push({ name: t.name, description: t.description ?? undefined, parameters: t.input_schema });
  }
  const c = body.tool_choice;
  let choice: ToolChoice = { mode: 'auto' };
  if (c?.type === 'none') choice = { mode: 'none' };
  else if (c?.type === 'any') {
    if (names.size === 0 && !hostedSearch) throw invalidRequest("tool_choice: 'any' needs at least one tool in 'tools'", 'tool_choice', 'invalid_value');
    choice = { mode: 'required' };
  } else if (c?.type === 'tool' && hostedNames.has(c.name) && !names.has(c.name)) {
    // "Search now" (Claude Code's WebSearch does this): Grok searches on its own when asked to.
    choice = { mode: 'required' };
  } else if (c?.type === 'tool') {
    if (!names.has(c.name)) throw invalidRequest(`tool_choice: the tool '${c.name}' is not in 'tools'`, 'tool_choice.name', 'invalid_value');
    choice = { mode: 'named', name: c.name };
  }
  if (tools.length === 0 && !hostedSearch) return undefined;
  const parallel = !(c && c.type !== 'none' && c.disable_parallel_tool_use === true);
  return { tools, choice, hostedSearch, parallel };
}

/** Refuses what changes the answer and cannot be emulated on Grok's text. */
function refuseUnsupported(body: Record<string, unknown>): void {
  const refuse = (field: string, why: string): never => {
    throw invalidRequest(`${field}: ${why}`, field, 'unsupported_parameter');
  };
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length > 0) refuse('mcp_servers', 'remote MCP servers are not supported: declare their tools in \'tools\' and run them client-side');
  if (body.container !== undefined && body.container !== null) refuse('container', 'code execution containers are not supported');
}

export interface ThinkingRequest {
  /** Thinking blocks are sent (Grok's reasoning). */
  enabled: boolean;
}

function thinkingOf(body: CountTokensRequest, maxTokens: number | undefined): ThinkingRequest {
  const t = body.thinking;
  if (!t || t.type === 'disabled') return { enabled: false };
  if (t.type === 'enabled') {
    // Anthropic's own bounds; within them Grok decides how long it reasons (README).
    if (t.budget_tokens < MIN_THINKING_BUDGET) {
      throw invalidRequest(`thinking.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`, 'thinking.budget_tokens', 'invalid_value');
    }
    if (maxTokens !== undefined && t.budget_tokens >= maxTokens) {
      throw invalidRequest('max_tokens must be greater than thinking.budget_tokens', 'max_tokens', 'invalid_value');
    }
  }
  return { enabled: true };
}

function jsonSpec(body: CountTokensRequest): JsonOutputSpec | undefined {
  const f = body.output_format;
  if (!f) return undefined;
  return { kind: 'json_schema', name: 'output', schema: f.schema, strict: true };
}

/** A prefilled answer must be continued token for token, which Grok web cannot be made to do. */
export function refusePrefill(body: CountTokensRequest): void {
  const i = body.messages.length - 1;
  if (body.messages[i]?.role === 'assistant') {
    throw invalidRequest(`messages[${i}]: a final assistant message (prefill) is not supported; end with a user message`, `messages[${i}].role`, 'unsupported_parameter');
  }
}

export interface AnthropicOutputRequest {
  controls: OutputControls;
  validator: JsonValidator | undefined;
  thinking: ThinkingRequest;
}

/** Reads and checks the answer-shaping parameters; throws a 400 naming the bad one. */
export function outputRequest(body: CountTokensRequest, limits: { maxTokens?: number | undefined; stopSequences?: string[] | undefined } = {}): AnthropicOutputRequest {
  refuseUnsupported(body);
  const maxTokens = limits.maxTokens;
  const stopList = limits.stopSequences ?? [];
  if (stopList.length > MAX_STOP_SEQUENCES) throw invalidRequest(`stop_sequences: at most ${MAX_STOP_SEQUENCES} are supported`, 'stop_sequences', 'array_above_max_length');
  const stop = stopList.filter((s) => s !== '');
  const json = jsonSpec(body);
  let validator: JsonValidator | undefined;
  if (json) {
    const compiled = compileJsonSpec(json);
    if (!compiled.ok) throw invalidRequest(`output_format.schema: ${compiled.error}`, 'output_format.schema', 'invalid_json_schema');
    validator = compiled.validate;
  }
  return {
    controls: { tools: toolSet(body), json, stop: stop.length > 0 ? stop : undefined, maxTokens },
    validator,
    thinking: thinkingOf(body, maxTokens),
  };
}
