// Public surface of src/openai/: the OpenAI edge's routes (which the app root registers), its error
// envelope (which the HTTP shell, the admin API, the key gate and the MCP tools answer with), and the
// media request helpers the MCP tools share with /v1/images and /v1/videos, and the SSE channel
// under every stream writer (the Anthropic edge writes its Messages stream on it too).
export { OpenAIHttpError, clientErrorForKind, invalidRequest, toOpenAIError } from './errors.js';
export { zodToOpenAIError } from './validation.js';
export { recordCallFailure } from './call-failure.js';
export { registerChatCompletions, type ChatRouteDeps } from './chat-completions-route.js';
export { registerResponses, type ResponsesRouteDeps } from './responses/route.js';
export { ResponseStore } from './responses/response-store.js';
export { registerModels } from './models-route.js';
export { handleMediaChat } from './media-chat.js';
export { mediaApiDeps, registerMediaApi, type MediaServices } from './media-api.js';
export { imagineError, outputFormat, type MediaApiDeps, type MediaApiSettings } from './media-api-deps.js';
export { ASPECTS, VIDEO_ASPECT_LIST, videoSize } from './media-params.js';
export { MAX_MODEL_LENGTH, MODEL_TOO_LONG } from './model-field.js';
export { MAX_VIDEO_SECONDS } from './videos-route.js';
export { clientGoneSignal } from './client-gone.js';
export { invalidModelOutput } from './chat-emulated.js';
export { SseChannel, type SseExtraHeaders } from './sse-channel.js';
