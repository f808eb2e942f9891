// Public surface of src/gateway/, the use cases: what the app root wires and what the MCP tools and the
// HTTP shell use, and what the edges (openai/, anthropic/) build their answers from: the chat call,
// output emulation (tools, JSON, limits), neutral call errors' sources and usage counting.
export { AttachmentLoader, ChatAttachments, type AttachmentSettings, type PreparedFile } from './attachments.js';
export { ChatService, mgwMode, type AccountUserIds, type ChatSettings } from './chat-service.js';
export { GeneratedImageLinker, type GeneratedImageSettings } from './generated-image-links.js';
export { ImageService, chooseImagePath, type ImageSettings } from './image-service.js';
export { messagesToGrokPrompt } from './messages-to-grok-prompt.js';
export { messagesToMgwPrompt } from './messages-to-mgw-prompt.js';
export { OPEN_GATEWAY_OWNER, clientViewer, type ResourceOwner, type ResourceViewer } from './resource-owner.js';
export type { ConversationMessage, ReasoningMode } from './types.js';
export type { UpstreamChatOpener } from './upstream-chat.js';
export { estimatePromptTokens, estimateTokens } from './usage.js';
export { VideoJobs, type VideoJob, type VideoJobSettings } from './video-jobs.js';
export { VideoService, type VideoSettings } from './video-service.js';
export { type EmittedToolCall, type JsonOutputSpec, type OutputControls, type ToolChoice, type ToolDefinition, type ToolSet } from './output-controls.js';
export { type PipelineOut } from './output-pipeline.js';
export { EmulatedTurn, ModelOutputError, needsEmulation, withInstructions } from './emulated-turn.js';
export { type ChatTurnRequest, type ConversationAttachment, type ConversationRole } from './types.js';
export { compileJsonSpec, type JsonValidator } from './json-output.js';
export { RetriesExhaustedError, type AttemptRecord } from './retry.js';
export { answerTokens } from './chat-call.js';
export { buildUsage } from './usage.js';
export { ConversationMemory } from './conversation-memory.js';
export { type ChatTurnOptions } from './chat-service.js';
export { Cancellation } from './call-signal.js';
export { type ImagePath, type ImageProgress, type ImageResult } from './image-service.js';
export { composeMediaPrompt } from './media-prompt.js';
export { MAX_VIDEO_SECONDS, VIDEO_PRESETS, type VideoPreset } from './media-limits.js';
export { canAccess } from './resource-owner.js';
export { conversationRefOf } from './conversation-ref.js';
