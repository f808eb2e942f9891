// Our tools/call handler, in place of the SDK McpServer's own: it validates the arguments with the
// same zod schemas (the ones tools/list publishes as JSON Schema), but a bad argument comes back
// with /v1's words and code (`Invalid value for 'n': expected 1 to 10 [invalid_value]`) and goes on
// the call line as the 400 it is; the SDK's own message ("MCP error -32602: Input validation
// error: ... at n") says the same less plainly and leaves the call line at 200. Only public SDK API
// is used: removeRequestHandler / setRequestHandler on the underlying Server. It is also where a
// client key's allow-list and limits meet each tool call (key-limits.ts).
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { OpenAIHttpError, zodToOpenAIError } from '../openai/index.js';
import type { McpDeps } from './deps.js';
import { admitToolCall, type EndToolCall } from './key-limits.js';
import { findRequestContext } from './request-context.js';
import { toolError } from './tool-result.js';
import type { ToolExtra } from './tools/guarded.js';

type ToolHandler = (args: unknown, extra: ToolExtra) => Promise<CallToolResult>;

export function dispatchToolCalls(server: McpServer, tools: ReadonlyMap<string, RegisteredTool>, deps: McpDeps): void {
  server.server.removeRequestHandler('tools/call');
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const ctx = findRequestContext(extra.authInfo);
    const tool = tools.get(name);
    if (!tool?.enabled) {
      return toolError(new OpenAIHttpError(404, `Unknown tool '${name}': call tools/list for the tools this server offers`, { code: 'unknown_tool', param: 'name' }), ctx);
    }
    let args: unknown = {};
    if (tool.inputSchema) {
      const parsed = (tool.inputSchema as unknown as z.ZodType).safeParse(request.params.arguments ?? {});
      if (!parsed.success) return toolError(zodToOpenAIError(parsed.error, `arguments of ${name}`), ctx);
      args = parsed.data;
    }
    // The client key's allow-list and limits, once the arguments are known to be good (a bad
    // argument is not a request the key spent).
    let end: EndToolCall;
    try {
      end = await admitToolCall(name, args, ctx, deps.models());
    } catch (err) {
      return toolError(err, ctx);
    }
    let failed = true;
    try {
      const result = await (tool.handler as unknown as ToolHandler)(args, extra);
      failed = result.isError === true;
      return result;
    } finally {
      end(failed);
    }
  });
}
