// Public surface of src/gateway/, the use cases: what the app root wires and what the MCP tools and the
// HTTP shell use. The edges in openai/ and anthropic/ still deep-import while the call object lands.
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
