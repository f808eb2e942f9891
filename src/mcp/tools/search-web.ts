// search_web: Grok answers a query after searching the web (and X). The web protocol has no switch
// that forces a search, so the system prompt asks for one; the sources are the search results
// Grok looked at (falling back to the pages the answer cites).
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { modelIds, resolveToolModel, type McpDeps } from '../deps.js';
import { modelArg, sourceLinks, sourceShape } from './ask-grok.js';
import { runChatTurn } from './chat-turn.js';
import { guarded } from './guarded.js';

export const SEARCH_SYSTEM_PROMPT =
  'Search the web (and X when relevant) for the user\'s query before answering, even if you think you know the answer. ' +
  'Answer from what the search found, concisely, and cite the pages you used.';

export function registerSearchWeb(server: McpServer, deps: McpDeps): RegisteredTool {
  const chatModels = modelIds(deps.models(), ['chat']);
  return server.registerTool(
    'search_web',
    {
      title: 'Search the web with Grok',
      description:
        'Have Grok search the web and X for a query and answer from the results. Returns the answer and the sources ' +
        '(URL + title, also as resource links). Use it for current events and facts that change.',
      inputSchema: {
        query: z.string().trim().min(1, 'expected a non-empty query').describe('What to search for (a question or keywords)'),
        model: modelArg(chatModels),
      },
      outputSchema: {
        model: z.string(),
        answer: z.string(),
        sources: z.array(sourceShape),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded(async (args, { ctx, signal }) => {
      const { id, spec } = resolveToolModel(deps.models(), args.model, ['chat'], 'search_web');
      const out = await runChatTurn(deps.chat, ctx, { model: id, spec, system: SEARCH_SYSTEM_PROMPT, prompt: args.query, reasoning: false }, signal);
      const sources = out.searchSources.length > 0 ? out.searchSources : out.citations;
      const content: CallToolResult['content'] = [{ type: 'text', text: out.answer }, ...sourceLinks(sources)];
      return { content, structuredContent: { model: id, answer: out.answer, sources } };
    }),
  );
}
