// list_models: the enabled models (those the client key may use), with the kind that says which tool takes them.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MODEL_KINDS } from '../../config/index.js';
import type { McpDeps } from '../deps.js';
import { keyAllowsModel } from '../key-limits.js';
import { guarded } from './guarded.js';

const TOOL_FOR_KIND = { chat: 'ask_grok, search_web', image: 'generate_image', 'image-edit': 'edit_image', video: 'generate_video' } as const;

export function registerListModels(server: McpServer, deps: McpDeps): RegisteredTool {
  return server.registerTool(
    'list_models',
    {
      title: 'List Grok models',
      description: 'The models this gateway serves, with their kind (chat, image, image-edit, video), aliases, the account tier they need and the tools that take them.',
      inputSchema: {},
      outputSchema: {
        models: z.array(
          z.object({ id: z.string(), kind: z.enum(MODEL_KINDS), aliases: z.array(z.string()), min_tier: z.string(), tools: z.string() }),
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (_args, { ctx }) => {
      // A client key limited to some models sees only those (as on /v1/models).
      const models = deps.models().list().filter((m) => keyAllowsModel(ctx, m.id)).map((m) => ({ id: m.id, kind: m.kind, aliases: [...m.aliases], min_tier: m.tier, tools: TOOL_FOR_KIND[m.kind] }));
      const text = models.map((m) => `${m.id} (${m.kind}${m.aliases.length > 0 ? `; aliases ${m.aliases.join(', ')}` : ''}) → ${m.tools}`).join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { models } };
    }),
  );
}
