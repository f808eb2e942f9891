// ask_grok: one question to a Grok chat model; the answer, the reasoning summary when asked for,
// and the cited pages as resource links.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { MAX_MODEL_LENGTH, MODEL_TOO_LONG } from '../../openai/index.js';
import { modelIds, resolveToolModel, type McpDeps } from '../deps.js';
import { runChatTurn, type Source } from './chat-turn.js';
import { guarded } from './guarded.js';

export const sourceShape = z.object({ url: z.string(), title: z.string() });

export function sourceLinks(sources: readonly Source[]): CallToolResult['content'] {
  return sources.map((s) => ({ type: 'resource_link' as const, uri: s.url, name: s.title, title: s.title, mimeType: 'text/html' }));
}

export const modelArg = (ids: string[]): z.ZodOptional<z.ZodString> =>
  z
    .string()
    .min(1)
    .max(MAX_MODEL_LENGTH, MODEL_TOO_LONG)
    .optional()
    .describe(ids.length > 0 ? `Model id; default ${ids[0]}. Enabled: ${ids.join(', ')}` : 'Model id');

export function registerAskGrok(server: McpServer, deps: McpDeps): RegisteredTool {
  const chatModels = modelIds(deps.models(), ['chat']);
  return server.registerTool(
    'ask_grok',
    {
      title: 'Ask Grok',
      description:
        "Ask xAI's Grok a question and get its answer (Markdown). Grok may search the web and X on its own; " +
        'pages it cites come back as resource links and in `citations`. Set include_reasoning to also get ' +
        "Grok's reasoning summary. Each call is a new conversation: there is no conversation_id to continue an earlier answer yet, " +
        'so put any context the question needs into the prompt or system prompt.',
      inputSchema: {
        prompt: z.string().trim().min(1, 'expected a non-empty question').describe('The question or instruction for Grok'),
        model: modelArg(chatModels),
        system: z.string().optional().describe('Optional system prompt (instructions on how to answer)'),
        include_reasoning: z.boolean().optional().describe("Also return Grok's reasoning summary (default false)"),
      },
      outputSchema: {
        model: z.string(),
        answer: z.string(),
        reasoning: z.string().optional(),
        citations: z.array(sourceShape),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded(async (args, { ctx, signal }) => {
      const { id, spec } = resolveToolModel(deps.models(), args.model, ['chat'], 'ask_grok');
      const out = await runChatTurn(deps.chat, ctx, { model: id, spec, system: args.system, prompt: args.prompt, reasoning: args.include_reasoning === true }, signal);
      const content: CallToolResult['content'] = [{ type: 'text', text: out.answer }];
      if (args.include_reasoning && out.reasoning) content.push({ type: 'text', text: `Reasoning summary:\n${out.reasoning}` });
      content.push(...sourceLinks(out.citations));
      return {
        content,
        structuredContent: { model: id, answer: out.answer, ...(args.include_reasoning ? { reasoning: out.reasoning } : {}), citations: out.citations },
      };
    }),
  );
}
