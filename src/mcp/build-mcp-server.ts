// One MCP server (protocol state of one session) with the gateway's tools. Built per session:
// the SDK's McpServer holds a single transport.
import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from './deps.js';
import { dispatchToolCalls } from './tool-dispatch.js';
import { registerAskGrok } from './tools/ask-grok.js';
import { registerEditImage } from './tools/edit-image.js';
import { registerGenerateImage } from './tools/generate-image.js';
import { registerGenerateVideo } from './tools/generate-video.js';
import { registerListModels } from './tools/list-models.js';
import { registerSearchWeb } from './tools/search-web.js';

export const MCP_SERVER_NAME = 'grok2api-ts';
/** Version of the tool set (bumped when a tool's inputs or outputs change). */
export const MCP_SERVER_VERSION = '1.0.0';

export function buildMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        "Tools backed by xAI's Grok through this gateway: ask_grok (questions), search_web (answers from a web search), " +
        'generate_image / edit_image (Grok Imagine), generate_video (slow: watch progress notifications), list_models.',
    },
  );
  const tools = new Map<string, RegisteredTool>([
    ['ask_grok', registerAskGrok(server, deps)],
    ['search_web', registerSearchWeb(server, deps)],
  ]);
  if (deps.media) {
    tools.set('generate_image', registerGenerateImage(server, deps, deps.media));
    tools.set('edit_image', registerEditImage(server, deps, deps.media));
    tools.set('generate_video', registerGenerateVideo(server, deps, deps.media));
  }
  tools.set('list_models', registerListModels(server, deps));
  dispatchToolCalls(server, tools);
  return server;
}
