// Responses API parameters the gateway cannot honour and that would change the result: refused
// with 400 unsupported_parameter naming them, never silently dropped. What is accepted without
// effect (temperature, top_p, user, metadata, truncation, text.verbosity, service_tier,
// prompt_cache_key, safety_identifier) does not change what a correct answer is.
import { unsupportedParameter } from '../output-request.js';
import type { ResponsesRequest } from './request-schema.js';

/** `include` values that ask for nothing the gateway leaves out (it emits no web_search_call items). */
const HARMLESS_INCLUDES = new Set(['web_search_call.action.sources', 'web_search_call.results']);

export function refuseUnsupported(body: ResponsesRequest): void {
  const loose = body as Record<string, unknown>;
  if (loose.background === true) throw unsupportedParameter('background', 'is not supported: responses run in the foreground (use stream: true for long answers).');
  if (loose.conversation !== undefined && loose.conversation !== null) {
    throw unsupportedParameter('conversation', "is not supported: chain responses with 'previous_response_id'.");
  }
  if (loose.prompt !== undefined && loose.prompt !== null) throw unsupportedParameter('prompt', 'is not supported: prompt templates live on OpenAI\'s platform.');
  const topLogprobs = loose.top_logprobs;
  if (typeof topLogprobs === 'number' && topLogprobs > 0) throw unsupportedParameter('top_logprobs', 'is not supported: Grok web returns no token probabilities.');
  if (loose.max_tool_calls !== undefined && loose.max_tool_calls !== null) {
    throw unsupportedParameter('max_tool_calls', 'is not supported: the gateway runs no built-in tools to count.');
  }
  for (const [i, v] of (body.include ?? []).entries()) {
    if (!HARMLESS_INCLUDES.has(v)) throw unsupportedParameter(`include[${i}]`, `'${v.slice(0, 80)}' is not supported.`);
  }
  const choice = body.tool_choice;
  if (choice && typeof choice === 'object' && choice.type !== 'function' && choice.type !== 'web_search' && choice.type !== 'web_search_preview') {
    throw unsupportedParameter('tool_choice', `of type '${choice.type.slice(0, 40)}' is not supported: use 'auto', 'none', 'required' or a function.`);
  }
}
