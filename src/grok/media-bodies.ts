// Request bodies of the media chat calls (grok-protocol.md 6.2 image edit, 7.3 video). Protocol
// shapes only: the gateway decides prompts, references and lengths.

/** A-flow image edit (6.2 step 4): a dedicated body, not the normal chat body. */
export function buildImageEditBody(input: {
  upstreamModel: string;
  prompt: string;
  imageReferences: string[];
  parentPostId: string;
  imageCount?: number | undefined;
}): Record<string, unknown> {
  return {
    temporary: true,
    modelName: input.upstreamModel,
    message: input.prompt,
    enableImageGeneration: true,
    returnImageBytes: false,
    returnRawGrokInXaiRequest: false,
    enableImageStreaming: true,
    imageGenerationCount: input.imageCount ?? 2,
    forceConcise: false,
    enableSideBySide: true,
    sendFinalMetadata: true,
    isReasoning: false,
    disableTextFollowUps: true,
    disableMemory: true,
    forceSideBySide: false,
    responseMetadata: {
      modelConfigOverride: {
        modelMap: {
          imageEditModel: 'imagine',
          imageEditModelConfig: { imageReferences: [...input.imageReferences], parentPostId: input.parentPostId },
        },
      },
    },
  };
}

/** Preset → the `--mode=` flag appended to a video prompt (7.2). */
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

export interface VideoSegmentInput {
  upstreamModel: string;
  prompt: string;
  preset: VideoPreset;
  parentPostId: string;
  aspectRatio: string;
  /** 6 or 10. */
  videoLength: number;
  resolutionName: string;
  /** Reference image URLs (first segment only). */
  imageReferences?: string[] | undefined;
  /** For extension segments (7.3 step 4). */
  extension?: { startTime: number; extendPostId: string } | undefined;
}

/** A-flow video segment body (7.3 steps 3 and 4). */
export function buildVideoSegmentBody(input: VideoSegmentInput): Record<string, unknown> {
  let config: Record<string, unknown>;
  if (input.extension) {
    config = {
      isVideoExtension: true,
      videoExtensionStartTime: input.extension.startTime,
      extendPostId: input.extension.extendPostId,
      stitchWithExtendPostId: true,
      originalPrompt: input.prompt,
      originalPostId: input.parentPostId,
      originalRefType: 'ORIGINAL_REF_TYPE_VIDEO_EXTENSION',
      mode: input.preset,
      aspectRatio: input.aspectRatio,
      videoLength: input.videoLength,
      resolutionName: input.resolutionName,
      parentPostId: input.parentPostId,
      isVideoEdit: false,
    };
  } else {
    config = {
      parentPostId: input.parentPostId,
      aspectRatio: input.aspectRatio,
      videoLength: input.videoLength,
      resolutionName: input.resolutionName,
    };
    if (input.imageReferences && input.imageReferences.length > 0) {
      config.isVideoEdit = false;
      config.isReferenceToVideo = true;
      config.imageReferences = [...input.imageReferences];
    }
  }
  return {
    temporary: true,
    modelName: input.upstreamModel,
    message: `${input.prompt} --mode=${videoModeFlag(input.preset)}`,
    enableSideBySide: true,
    responseMetadata: { experiments: [], modelConfigOverride: { modelMap: { videoGenModelConfig: config } } },
  };
}

/**
 * Segment lengths for a requested duration (7.3 step 2: 6 → [6], 10 → [10], 12 → [6,6],
 * 16 → [10,6], 20 → [10,10]); in general ceil(s/10) segments of 10 s, shortened to 6 s where the
 * total allows, the last one 10 s when more than 6 s are left.
 */
export function videoSegments(seconds: number): number[] {
  if (seconds <= 6) return [6];
  if (seconds <= 10) return [10];
  const k = Math.ceil(seconds / 10);
  const out: number[] = [];
  let left = seconds;
  for (let i = 0; i < k; i++) {
    const after = k - i - 1;
    const len = after === 0 ? (left > 6 ? 10 : 6) : left - 10 >= 6 * after ? 10 : 6;
    out.push(len);
    left -= len;
  }
  return out;
}
