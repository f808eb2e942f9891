// generate_video: a video job like POST /v1/videos (same job store: the key can also see it at
// /v1/videos/{id}), followed until it ends, its progress sent as MCP progress notifications.
// Cancelling the tool call (or the client going away) cancels the job: nobody would get its result.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { clientViewer, type VideoJob } from '../../gateway/index.js';
import { OpenAIHttpError, type MediaApiDeps, VIDEO_ASPECT_LIST, videoSize, MAX_VIDEO_SECONDS } from '../../openai/index.js';
import { VIDEO_RESOLUTIONS } from '../../grok/index.js';
import { modelIds, resolveToolModel, type McpDeps } from '../deps.js';
import { modelArg } from './ask-grok.js';
import { guarded, reportProgress } from './guarded.js';

/** How often the job is looked at while it runs. */
const POLL_MS = 250;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function registerGenerateVideo(server: McpServer, deps: McpDeps, media: MediaApiDeps): RegisteredTool {
  return server.registerTool(
    'generate_video',
    {
      title: 'Generate a video with Grok Imagine',
      description:
        'Generate a short video from a text prompt with Grok Imagine. Takes a while (tens of seconds to minutes): progress is ' +
        "reported as MCP progress notifications when the call carries a progressToken. Returns the video's URL (the gateway's cached copy) " +
        'and the job id (also visible at /v1/videos/{id} with the same API key).',
      inputSchema: {
        prompt: z.string().trim().min(1, 'expected a non-empty prompt').describe('What the video shows'),
        seconds: z
          .number()
          .int('expected a whole number of seconds')
          .min(1, `expected 1 to ${MAX_VIDEO_SECONDS} seconds`)
          .max(MAX_VIDEO_SECONDS, `expected 1 to ${MAX_VIDEO_SECONDS} seconds`)
          .optional()
          .describe(`Length in seconds (1-${MAX_VIDEO_SECONDS}, default 6)`),
        aspect_ratio: z.enum(VIDEO_ASPECT_LIST).optional().describe('Aspect ratio (default 16:9)'),
        resolution: z.enum(VIDEO_RESOLUTIONS).optional().describe('Resolution (default 720p, as /v1/videos)'),
        model: modelArg(modelIds(deps.models(), ['video'])),
      },
      outputSchema: {
        model: z.string(),
        job_id: z.string(),
        url: z.string(),
        seconds: z.number(),
        size: z.string(),
        thumbnail_url: z.string().optional(),
      },
      annotations: { readOnlyHint: false, openWorldHint: true },
    },
    guarded(async (args, { ctx, signal, extra }) => {
      const { id, spec } = resolveToolModel(deps.models(), args.model, ['video'], 'generate_video');
      ctx.call.model = id;
      ctx.call.path = 'video-job';
      const aspect = args.aspect_ratio ?? '16:9';
      const resolution = args.resolution ?? '720p';
      const settings = media.settings();
      const job = await media.jobs.create(
        ctx.owner,
        spec,
        id,
        {
          requestId: ctx.requestId,
          prompt: args.prompt,
          seconds: args.seconds ?? 6,
          aspectRatio: aspect,
          resolution,
          preset: 'custom',
          target: { format: settings.format === 'upstream' ? 'upstream' : 'url', baseUrl: ctx.mediaBaseUrl },
        },
        videoSize(aspect, resolution),
        undefined,
      );
      ctx.log.info({ job: job.id, model: id, seconds: args.seconds ?? 6, aspect, resolution }, 'MCP video job created');
      const viewer = clientViewer(ctx.owner);
      let last = -1;
      let current: VideoJob | undefined = job;
      while (current && current.status !== 'completed' && current.status !== 'failed') {
        if (signal.aborted) {
          await media.jobs.delete(job.id, viewer);
          throw new OpenAIHttpError(499, 'The video job was cancelled', { code: 'cancelled' });
        }
        if (current.progress !== last) {
          last = current.progress;
          await reportProgress(extra, current.progress, 100, `video ${current.status} (${current.progress}%)`);
        }
        await sleep(POLL_MS, signal);
        current = await media.jobs.get(job.id, viewer, ctx.mediaBaseUrl);
      }
      if (!current) throw new OpenAIHttpError(404, `No video job '${job.id}' (it was deleted)`, { code: 'video_not_found' });
      if (current.status === 'failed' || current.url === null) {
        const e = current.error ?? { code: 'internal_error', message: 'Video generation failed' };
        throw new OpenAIHttpError(502, e.message, { code: e.code });
      }
      await reportProgress(extra, 100, 100, 'video completed');
      const url = current.url;
      return {
        content: [
          { type: 'text', text: `Video ready: ${url}` },
          { type: 'resource_link', uri: url, name: `${current.id}.mp4`, title: 'Generated video', mimeType: 'video/mp4' },
        ],
        structuredContent: {
          model: id,
          job_id: current.id,
          url,
          seconds: Number(current.seconds),
          size: current.size,
          ...(current.thumbnail_url ? { thumbnail_url: current.thumbnail_url } : {}),
        },
      };
    }),
  );
}
