// Request bodies of the media calls on `POST /rest/app-chat/conversations/new` (docs/grok-protocol.md,
// "Image edit — mediaGenInput.imageToImage" and "Video — mediaGenInput.textToVideo"). No media post
// is created any more and no `parentPostId` is sent. Protocol shapes only: the gateway decides
// prompts, inputs and lengths.

/** Upstream modelName of image edits and videos. */
export const IMAGE_EDIT_MODEL = 'imagine-image-edit';
export const VIDEO_MODEL = 'imagine-video-gen';

/** Inputs one edit takes (uploaded with upload v2; their fileMetadataIds). */
export const MAX_EDIT_INPUTS = 8;
/** Aspect ratios the imagine WebSocket and the edit body take (`auto` = let Grok choose). */
export const IMAGINE_ASPECTS = ['auto', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '2:1', '1:2', '19.5:9', '9:19.5', '20:9', '9:20'] as const;

/** Video durations in seconds (one generation; no stitching). */
export const MIN_VIDEO_SECONDS = 1;
export const MAX_VIDEO_SECONDS = 15;
export const VIDEO_ASPECTS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'] as const;
export const VIDEO_RESOLUTIONS = ['480p', '720p'] as const;
export type VideoResolution = (typeof VIDEO_RESOLUTIONS)[number];

/** Preset → the `--mode=` flag appended to a video's `message`. */
export const VIDEO_PRESETS = ['custom', 'normal', 'fun', 'spicy'] as const;
export type VideoPreset = (typeof VIDEO_PRESETS)[number];

const MODE_FLAG: Record<VideoPreset, string> = {
  custom: 'custom',
  normal: 'normal',
  fun: 'extremely-crazy',
  spicy: 'extremely-spicy-or-crazy',
};

export function videoModeFlag(preset: VideoPreset): string {
  return MODE_FLAG[preset];
}

export interface ImageEditBodyInput {
  upstreamModel?: string | undefined;
  prompt: string;
  /** fileMetadataIds of the uploaded inputs, 1 to 8, in order. */
  inputAssets: readonly string[];
  /** Only when the caller asked for one. */
  aspectRatio?: string | undefined;
}

/** The image-edit body: exactly six top-level keys; one image per call. */
export function buildImageEditBody(input: ImageEditBodyInput): Record<string, unknown> {
  if (input.inputAssets.length < 1 || input.inputAssets.length > MAX_EDIT_INPUTS) {
    throw new RangeError(`an image edit takes 1 to ${MAX_EDIT_INPUTS} input images (got ${input.inputAssets.length})`);
  }
  const imageToImage: Record<string, unknown> = { prompt: input.prompt, inputAssets: [...input.inputAssets] };
  if (input.aspectRatio !== undefined) imageToImage.aspectRatio = input.aspectRatio;
  return {
    modelName: input.upstreamModel ?? IMAGE_EDIT_MODEL,
    message: input.prompt,
    enableImageStreaming: true,
    enableSideBySide: true,
    sendFinalMetadata: true,
    mediaGenInput: { imageToImage },
  };
}

export interface VideoBodyInput {
  upstreamModel?: string | undefined;
  prompt: string;
  preset: VideoPreset;
  aspectRatio: string;
  /** Whole seconds, MIN_VIDEO_SECONDS to MAX_VIDEO_SECONDS. */
  duration: number;
  resolutionName: VideoResolution;
}

/** The text-to-video body: exactly eight top-level keys, `kind` CONVERSATION_KIND_IMAGINE. */
export function buildVideoBody(input: VideoBodyInput): Record<string, unknown> {
  if (!Number.isInteger(input.duration) || input.duration < MIN_VIDEO_SECONDS || input.duration > MAX_VIDEO_SECONDS) {
    throw new RangeError(`a video lasts ${MIN_VIDEO_SECONDS} to ${MAX_VIDEO_SECONDS} whole seconds (got ${input.duration})`);
  }
  return {
    modelName: input.upstreamModel ?? VIDEO_MODEL,
    message: `${input.prompt} --mode=${videoModeFlag(input.preset)}`,
    enableImageStreaming: true,
    enableSideBySide: true,
    sendFinalMetadata: true,
    responseMetadata: { experiments: [], modelConfigOverride: { modelMap: {} } },
    mediaGenInput: {
      textToVideo: { prompt: input.prompt, aspectRatio: input.aspectRatio, duration: input.duration, resolutionName: input.resolutionName },
    },
    kind: 'CONVERSATION_KIND_IMAGINE',
  };
}
