// A client key's model allow-list and limits on /mcp, per tool call: every tool that reaches Grok
// counts as one request for the key (rpm, per day, monthly budget, and a concurrency slot while it
// runs; its tokens recorded at the end), as a /v1 POST does, through the same ClientKeyGate
// admission. Its model (the argument, or the default the tool resolves) must be on the key's list.
// Static keys (app.api_keys) and the open gateway carry no client key: unlimited, as on /v1.
import type { ModelRegistry, ModelSpec } from '../config/index.js';
import { type ClientKeyGate, modelNotAllowed } from '../keys/index.js';
import type { ClientKeyRecord } from '../store/index.js';
import { resolveToolModel } from './deps.js';
import type { McpRequestContext } from './request-context.js';

/** The client key a request authenticated with, and the gate that meters it. */
export interface McpClientKey {
  gate: ClientKeyGate;
  key: ClientKeyRecord;
}

/** The tools that make the gateway work (reach Grok), with the model kinds each takes. */
const COUNTED_TOOLS: Readonly<Record<string, readonly ModelSpec['kind'][]>> = {
  ask_grok: ['chat'],
  search_web: ['chat'],
  generate_image: ['image'],
  edit_image: ['image-edit', 'image'],
  generate_video: ['video'],
};

/** Ends an admitted tool call (slot back, usage recorded); a no-op for uncounted calls. */
export type EndToolCall = (failed: boolean) => void;

const NOTHING: EndToolCall = () => undefined;

/**
 * Admits one tool call for the request's client key: throws model_not_allowed (403) or /v1's 429
 * rate_limit_exceeded; resolves to the function to call once when the tool has finished.
 */
export async function admitToolCall(tool: string, args: unknown, ctx: McpRequestContext | undefined, models: ModelRegistry): Promise<EndToolCall> {
  const kinds = COUNTED_TOOLS[tool];
  const ck = ctx?.clientKey;
  if (!ctx || !ck || !kinds) return NOTHING;
  const asked = typeof args === 'object' && args !== null ? (args as { model?: unknown }).model : undefined;
  let model: string | undefined;
  try {
    model = resolveToolModel(models, typeof asked === 'string' ? asked : undefined, kinds, tool).id;
  } catch {
    // An unknown or wrong-kind model: the tool itself answers with /v1's error for it (uncounted, as on /v1's 404).
    return NOTHING;
  }
  if (!ck.gate.keyAllowsModel(ck.key, model)) throw modelNotAllowed(model);
  const end = await ck.gate.admitOne(ck.key, ctx.log);
  const call = ctx.call;
  return (failed) => end({ model: call.model ?? model, failed, tokensIn: call.promptTokens ?? 0, tokensOut: call.completionTokens ?? 0 });
}

/** Whether the request's key may use `model` (no client key: every model). */
export function keyAllowsModel(ctx: McpRequestContext | undefined, model: string): boolean {
  const ck = ctx?.clientKey;
  return !ck || ck.gate.keyAllowsModel(ck.key, model);
}
