// What the client asked about the SHAPE of the answer, in neutral terms: function tools and the
// tool choice, a JSON answer (optionally against a schema), stop sequences and a token budget.
// Grok web has none of these knobs (it only returns text), so the gateway emulates them on the
// text: instructions in the prompt, then parsing, validating and cutting the answer
// (tool-prompt.ts, tool-block-bounds.ts, tool-call-parser.ts, tool-call-sieve.ts, json-output.ts,
// output-limiter.ts).

/** One client function the model may call. `parameters` is a JSON Schema (an object schema). */
export interface ToolDefinition {
  name: string;
  description?: string | undefined;
  parameters: Record<string, unknown>;
}

export type ToolChoice =
  | { mode: 'auto' }
  | { mode: 'none' }
  | { mode: 'required' }
  | { mode: 'named'; name: string };

export interface ToolSet {
  tools: ToolDefinition[];
  choice: ToolChoice;
  /** A hosted web search tool was declared: Grok searches natively, nothing goes into the prompt. */
  hostedSearch: boolean;
  /** false (`parallel_tool_calls: false`): at most one call per answer. */
  parallel: boolean;
}

export type JsonOutputSpec =
  | { kind: 'json_object' }
  | { kind: 'json_schema'; name: string; description?: string | undefined; schema: Record<string, unknown>; strict: boolean };

export interface OutputControls {
  tools?: ToolSet | undefined;
  json?: JsonOutputSpec | undefined;
  /** Up to 4 stop sequences; the answer ends before the first one. */
  stop?: string[] | undefined;
  /** Budget for the answer text, in the gateway's estimated tokens (usage.ts). */
  maxTokens?: number | undefined;
}

/** A tool call parsed from the model's answer, ready for the client. */
export interface EmittedToolCall {
  /** `call_<32 hex>`. */
  id: string;
  name: string;
  /** Compact JSON text of an object. */
  arguments: string;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** True when the tool definitions go into the prompt (some function, and the choice is not `none`). */
export function toolsActive(set: ToolSet | undefined): set is ToolSet {
  return set !== undefined && set.tools.length > 0 && set.choice.mode !== 'none';
}

/** True when a tool call is mandatory (required or named), which means buffering to allow a corrective retry. */
export function toolCallForced(set: ToolSet | undefined): boolean {
  if (!toolsActive(set)) return false;
  // `required` with hosted search declared is satisfied by Grok searching on its own.
  return set.choice.mode === 'named' || (set.choice.mode === 'required' && !set.hostedSearch);
}
