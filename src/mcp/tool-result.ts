// How a tool call ends when it fails: an MCP tool error (isError) whose text is the very message
// /v1 would have answered with (the OpenAI error's message, its code in brackets), never a stack
// trace. The failure also goes on the HTTP request's call context, so the call line and metrics
// show the status and kind /v1 would have had, although the MCP response itself is a 200.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CallError } from '../failures/index.js';
import { GrokUpstreamError } from '../grok/index.js';
import { clientErrorForKind, OpenAIHttpError, recordCallFailure, toOpenAIError } from '../openai/index.js';
import type { McpRequestContext } from './request-context.js';

/** The /v1 error a failure amounts to (internal errors become a generic 500 without detail). */
export function asClientError(err: unknown): OpenAIHttpError {
  if (err instanceof CallError) return toOpenAIError(err);
  if (err instanceof GrokUpstreamError) return clientErrorForKind(err.kind, err.message, err.retryAfterSeconds);
  return new OpenAIHttpError(500, 'Internal error', { code: 'internal_error' });
}

/** A tool error with /v1's words. `code`/`param` go in the structured part for agents that branch on them. */
export function toolError(err: unknown, ctx: McpRequestContext | undefined): CallToolResult {
  const clientErr = asClientError(err);
  if (ctx) {
    recordCallFailure(ctx.call, clientErr);
    if (clientErr !== err && !(err instanceof GrokUpstreamError)) ctx.log.error({ err }, 'MCP tool failed');
  }
  const text = clientErr.code ? `${clientErr.message} [${clientErr.code}]` : clientErr.message;
  return { content: [{ type: 'text', text }], isError: true };
}

/** A tool error for a bad argument, worded like /v1's 400 for a bad field. */
export function argumentError(param: string, message: string, ctx: McpRequestContext | undefined): CallToolResult {
  return toolError(new OpenAIHttpError(400, `Invalid value for '${param}': ${message}`, { code: 'invalid_value', param }), ctx);
}
