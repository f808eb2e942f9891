// generate_image: Grok Imagine draws n images for a prompt.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type MediaApiDeps, ASPECTS } from '../../openai/index.js';
import { modelIds, resolveToolModel, type McpDeps } from '../deps.js';
import { modelArg } from './ask-grok.js';
import { guarded } from './guarded.js';
import { imageOutputShape, runImageTool } from './image-output.js';

export function registerGenerateImage(server: McpServer, deps: McpDeps, media: MediaApiDeps): RegisteredTool {
  return server.registerTool(
    'generate_image',
    {
      title: 'Generate images with Grok Imagine',
      description:
        'Generate images from a text prompt with Grok Imagine. Returns each image (base64 image content) and a link to the ' +
        "gateway's cached copy (resource link and `images[].url`).",
      inputSchema: {
        prompt: z.string().trim().min(1, 'expected a non-empty prompt').describe('What to draw'),
        n: z.number().int().min(1, 'expected 1 to 10').max(10, 'expected 1 to 10').optional().describe('How many images (1-10, default 1)'),
        aspect_ratio: z.enum(ASPECTS).optional().describe('Aspect ratio (default 2:3)'),
        model: modelArg(modelIds(deps.models(), ['image'])),
      },
      outputSchema: imageOutputShape,
      annotations: { readOnlyHint: false, openWorldHint: true },
    },
    guarded(async (args, run) => {
      const { id, spec } = resolveToolModel(deps.models(), args.model, ['image'], 'generate_image');
      return runImageTool(media, run, { model: id, spec, prompt: args.prompt, n: args.n ?? 1, aspectRatio: args.aspect_ratio ?? '2:3', references: [] });
    }),
  );
}
