// The April 2026 (legacy REST) body of POST /rest/app-chat/conversations/new (docs/grok-protocol.md §21.1).

export interface ChatBodyInput {
  /** The flattened prompt. */
  message: string;
  /** `auto` | `fast` | `expert` | `heavy` | `grok-420-computer-use-sa`. */
  modeId: string;
  temporary: boolean;
  disableMemory: boolean;
  /** `fileMetadataId`s returned by upload-file. */
  fileAttachments?: string[] | undefined;
  /** Operator "custom instruction"; sent only when non-empty. */
  customPersonality?: string | undefined;
  /** Images per in-chat generation; 2 by default. */
  imageGenerationCount?: number | undefined;
}

/** Connectors the gateway never uses, switched off (A default). */
const CONNECTOR_TOOL_OVERRIDES = {
  gmailSearch: false,
  googleCalendarSearch: false,
  outlookSearch: false,
  outlookCalendarSearch: false,
  googleDriveSearch: false,
} as const;

const DEVICE_ENV_INFO = {
  darkModeEnabled: false,
  devicePixelRatio: 2,
  screenWidth: 2056,
  screenHeight: 1329,
  viewportWidth: 2056,
  viewportHeight: 1083,
} as const;

export function buildChatBody(input: ChatBodyInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    message: input.message,
    modeId: input.modeId,
    temporary: input.temporary,
    disableMemory: input.disableMemory,
    disableSearch: false,
    disableSelfHarmShortCircuit: false,
    disableTextFollowUps: false,
    enableImageGeneration: true,
    enableImageStreaming: true,
    imageGenerationCount: input.imageGenerationCount ?? 2,
    returnImageBytes: false,
    returnRawGrokInXaiRequest: false,
    enableSideBySide: true,
    forceSideBySide: false,
    forceConcise: false,
    isAsyncChat: false,
    sendFinalMetadata: true,
    fileAttachments: input.fileAttachments === undefined ? [] : [...input.fileAttachments],
    imageAttachments: [],
    toolOverrides: { ...CONNECTOR_TOOL_OVERRIDES },
    responseMetadata: {},
    deviceEnvInfo: { ...DEVICE_ENV_INFO },
    collectionIds: [],
    connectors: [],
    searchAllConnectors: false,
  };
  if (input.customPersonality !== undefined && input.customPersonality.length > 0) {
    body.customPersonality = input.customPersonality;
  }
  return body;
}
