// edit_image: Grok's image-edit flow on one or more input images (URLs, data URLs or bare base64),
// loaded with the same loader (size bounds, private-address refusal, type sniffing) as /v1/images/edits.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type MediaApiDeps, ASPECTS } from '../../openai/index.js';
import { modelIds, resolveToolModel, type McpDeps } from '../deps.js';
import { modelArg } from './ask-grok.js';
import { guarded } from './guarded.js';
import { imageOutputShape, runImageTool } from './image-output.js';

/** As /v1/images/edits. */
export const MAX_EDIT_IMAGES = 16;
const BARE_BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** A URL or data URL as given; bare base64 becomes a data URL (the loader sniffs the real type). */
export function imageRef(value: string): string {
  const v = value.trim();
  if (/^(data:|https?:\/\/)/i.test(v)) return v;
  if (BARE_BASE64.test(v)) return `data:image/png;base64,${v.replace(/\s+/g, '')}`;
  return v;
}

export function registerEditImage(server: McpServer, deps: McpDeps, media: MediaApiDeps): RegisteredTool {
  return server.registerTool(
    'edit_image',
    {
      title: 'Edit images with Grok Imagine',
      description:
        'Edit or combine images following a prompt (Grok Imagine image edit). Give the input images as http(s) URLs, ' +
        'data URLs or bare base64 (JPEG, PNG, WebP or GIF). Returns the edited images (base64 image content) and links to the ' +
        "gateway's cached copies.",
      inputSchema: {
        prompt: z.string().trim().min(1, 'expected a non-empty prompt').describe('What to change'),
        images: z
          .array(z.string().min(1, 'expected a URL, data URL or base64 image'))
          .min(1, 'expected at least one image')
          .max(MAX_EDIT_IMAGES, `expected at most ${MAX_EDIT_IMAGES} images`)
          .describe('Input images: http(s) URLs, data URLs or bare base64'),
        n: z.number().int().min(1, 'expected 1 to 10').max(10, 'expected 1 to 10').optional().describe('How many results (1-10, default 1)'),
        aspect_ratio: z.enum(ASPECTS).optional().describe('Aspect ratio (default 2:3)'),
        model: modelArg(modelIds(deps.models(), ['image-edit'])),
      },
      outputSchema: imageOutputShape,
      annotations: { readOnlyHint: false, openWorldHint: true },
    },
    guarded(async (args, run) => {
      const { id, spec } = resolveToolModel(deps.models(), args.model, ['image-edit', 'image'], 'edit_image');
      run.ctx.call.model = id;
      const references = await Promise.all(args.images.map((img, i) => media.loader.load({ kind: 'image', url: imageRef(img) }, `images[${i}]`, run.signal)));
      return runImageTool(media, run, { model: id, spec, prompt: args.prompt, n: args.n ?? 1, aspectRatio: args.aspect_ratio ?? '2:3', references });
    }),
  );
}
