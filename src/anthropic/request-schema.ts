// The Messages request as Anthropic SDKs and Claude Code send it. Wrong types are a 400 naming the
// field. Blocks are loose objects: `cache_control` (prompt caching) and `citations` ride on many
// blocks and change nothing about the answer, so they are accepted and ignored. Parameters that
// change the answer are emulated or refused in output-request.ts; the sampling knobs (temperature,
// top_p, top_k) cannot change what a correct answer is and are accepted and ignored by design
// (README, "Anthropic Messages API").
import { z } from 'zod';
import { MAX_MODEL_LENGTH, MODEL_TOO_LONG } from '../openai/index.js';

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

const imageSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
]);
const imageBlock = z.looseObject({ type: z.literal('image'), source: imageSource });

const documentSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.literal('text'), media_type: z.string().optional(), data: z.string() }),
  z.looseObject({ type: z.literal('content'), content: z.union([z.string(), z.array(textBlock)]) }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
]);
const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: documentSource,
  title: z.string().nullish(),
  context: z.string().nullish(),
});

const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});

const toolResultContent = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock]);
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(toolResultContent)]).optional(),
  is_error: z.boolean().optional(),
});

// Earlier answers' reasoning: the client sends it back, the prompt leaves it out (see to-conversation.ts).
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });
// Anthropic's own server tools (web search) in the history: Grok searched itself, nothing to replay.
const serverToolUseBlock = z.looseObject({ type: z.literal('server_tool_use'), id: z.string(), name: z.string() });
const webSearchResultBlock = z.looseObject({ type: z.literal('web_search_tool_result'), tool_use_id: z.string() });

export const contentBlockSchema = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  serverToolUseBlock,
  webSearchResultBlock,
]);
export type ContentBlockInput = z.infer<typeof contentBlockSchema>;

export const messageParamSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});
export type MessageParamInput = z.infer<typeof messageParamSchema>;

/** Client tools carry an input_schema; Anthropic's server tools a versioned `type` (web_search_20250305). */
export const toolSchema = z.looseObject({
  type: z.string().nullish(),
  name: z.string().min(1),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
});
export type ToolInput = z.infer<typeof toolSchema>;

export const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('none') }),
]);

export const thinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int() }),
  z.looseObject({ type: z.literal('disabled') }),
  // Newer clients let the model decide how much to think: Grok always decides.
  z.looseObject({ type: z.literal('adaptive') }),
]);

const systemSchema = z.union([z.string(), z.array(textBlock)]);

/** Fields shared by /v1/messages and /v1/messages/count_tokens. */
const promptFields = {
  model: z.string().min(1, 'model is required').max(MAX_MODEL_LENGTH, MODEL_TOO_LONG),
  messages: z.array(messageParamSchema).min(1, 'messages must contain at least one message'),
  system: systemSchema.optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
  // Structured outputs (Anthropic's beta): a JSON Schema the answer must match.
  output_format: z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
};

export const messagesRequestSchema = z.looseObject({
  ...promptFields,
  max_tokens: z.number({ error: 'max_tokens is required (an integer >= 1)' }).int().min(1, 'max_tokens must be at least 1'),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  // Accepted, not forwarded: Grok web has no sampling knobs.
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  service_tier: z.string().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

export const countTokensRequestSchema = z.looseObject(promptFields);
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
