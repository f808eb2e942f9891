// Runs an image job (generation or edit) through ImageService like /v1/images does, and shapes
// the result for MCP: each image as image content (base64) plus a resource link to its cached copy.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ModelSpec } from '../../config/index.js';
import { type PreparedFile, chooseImagePath } from '../../gateway/index.js';
import { recordCallFailure, imagineError, outputFormat, type MediaApiDeps } from '../../openai/index.js';
import type { ToolRun } from './guarded.js';

export const imageOutputShape = {
  model: z.string(),
  images: z.array(z.object({ url: z.string().nullable(), mime_type: z.string() })),
  revised_prompt: z.string().optional(),
};

export interface ImageRunInput {
  model: string;
  spec: ModelSpec;
  prompt: string;
  n: number;
  aspectRatio: string;
  references: PreparedFile[];
}

export async function runImageTool(media: MediaApiDeps, run: ToolRun, input: ImageRunInput): Promise<CallToolResult> {
  const { ctx, signal } = run;
  const settings = media.settings();
  const { path } = chooseImagePath(input.spec, settings.useWs, input.references.length > 0);
  ctx.call.model = input.model;
  ctx.call.path = path;
  ctx.call.stream = false;
  const started = Date.now();
  // Always a cached link (the bytes come along for the image content), unless the operator
  // chose Grok's own links (media.format = "upstream").
  const format = outputFormat(undefined, settings.format) === 'upstream' ? 'upstream' : 'url';
  const result = await media.images
    .run(input.spec, path, {
      requestId: ctx.requestId,
      prompt: input.prompt,
      n: input.n,
      aspectRatio: input.aspectRatio,
      references: input.references,
      target: { format, baseUrl: ctx.mediaBaseUrl },
      signal,
    })
    .catch((err: unknown) => {
      const out = path === 'imagine-ws' ? imagineError(err) : err;
      recordCallFailure(ctx.call, out);
      throw out;
    });
  ctx.call.account = result.account;
  ctx.call.attempts = result.attempts.length;
  ctx.call.upstream = result.attempts;
  ctx.call.proxy = result.attempts[result.attempts.length - 1]?.proxy;
  ctx.call.firstByteMs = Date.now() - started;
  ctx.log.info({ model: input.model, n: input.n, path, account: result.account, images: result.images.length }, 'MCP image request');
  const content: CallToolResult['content'] = [];
  const images: Array<{ url: string | null; mime_type: string }> = [];
  for (const [i, img] of result.images.entries()) {
    const data = img.b64 ?? img.bytes?.toString('base64');
    if (data !== undefined) content.push({ type: 'image', data, mimeType: img.mimeType });
    if (img.url !== undefined) content.push({ type: 'resource_link', uri: img.url, name: `image-${i + 1}`, title: `Generated image ${i + 1}`, mimeType: img.mimeType });
    images.push({ url: img.url ?? null, mime_type: img.mimeType });
  }
  if (result.revisedPrompt) content.push({ type: 'text', text: `Revised prompt: ${result.revisedPrompt}` });
  return {
    content,
    structuredContent: { model: input.model, images, ...(result.revisedPrompt ? { revised_prompt: result.revisedPrompt } : {}) },
  };
}
