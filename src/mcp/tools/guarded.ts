// The one wrapper every tool handler goes through: finds the request context, combines the
// client's cancellation (MCP notifications/cancelled, the session closing) with its HTTP request
// going away, and turns any failure into an MCP tool error with /v1's words.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { requestContext, type McpRequestContext } from '../request-context.js';
import { toolError } from '../tool-result.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolRun {
  ctx: McpRequestContext;
  /** Aborts when the client cancels the call or goes away. */
  signal: AbortSignal;
  extra: ToolExtra;
}

export function guarded<A>(handler: (args: A, run: ToolRun) => Promise<CallToolResult>): (args: A, extra: ToolExtra) => Promise<CallToolResult> {
  return async (args, extra) => {
    let ctx: McpRequestContext | undefined;
    try {
      ctx = requestContext(extra.authInfo);
      const signal = AbortSignal.any([ctx.clientGone, extra.signal]);
      return await handler(args, { ctx, signal, extra });
    } catch (err) {
      return toolError(err, ctx);
    }
  };
}

/** Sends an MCP progress notification when the client asked for them (a progressToken in _meta). */
export async function reportProgress(extra: ToolExtra, progress: number, total: number, message: string): Promise<void> {
  const token = extra._meta?.progressToken;
  if (token === undefined) return;
  await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, total, message } });
}
