// The chat completions request as OpenAI SDKs send it. Unknown and unsupported parameters are
// accepted and ignored (clients send many we cannot honour); wrong types are still a 400.
import { z } from 'zod';
import { MAX_MODEL_LENGTH, MODEL_TOO_LONG } from './model-field.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imageUrlPart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.object({ url: z.string(), detail: z.string().optional() })]),
});
const inputAudioPart = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});
const filePart = z.object({
  type: z.literal('file'),
  file: z.object({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

export const contentPartSchema = z.discriminatedUnion('type', [textPart, imageUrlPart, inputAudioPart, filePart, refusalPart]);
export type ContentPart = z.infer<typeof contentPartSchema>;

const contentSchema = z.union([z.string(), z.array(contentPartSchema)]).nullish();

const toolCallSchema = z.object({
  id: z.string(),
  type: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: contentSchema,
  name: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_call_id: z.string().nullish(),
});
export type ChatMessageInput = z.infer<typeof chatMessageSchema>;

const nullableNumber = z.number().nullish();

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required').max(MAX_MODEL_LENGTH, MODEL_TOO_LONG),
  messages: z.array(chatMessageSchema).min(1, 'messages must contain at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  // Accepted for compatibility, not forwarded: Grok web has no such knobs.
  temperature: nullableNumber,
  top_p: nullableNumber,
  max_tokens: nullableNumber,
  max_completion_tokens: nullableNumber,
  presence_penalty: nullableNumber,
  frequency_penalty: nullableNumber,
  seed: nullableNumber,
  // More than 1 only for image models (checked per model).
  n: z.number().int().min(1).max(10, 'n greater than 10 is not supported').nullish(),
  user: z.string().nullish(),
});
export type ChatRequestInput = z.infer<typeof chatRequestSchema>;

/** Turn a zod issue path into OpenAI's `param` notation: messages[0].content. */
export function issuePathToParam(path: ReadonlyArray<PropertyKey>): string | null {
  if (path.length === 0) return null;
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
