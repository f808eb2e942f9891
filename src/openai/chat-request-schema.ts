// The chat completions request as OpenAI SDKs send it. Wrong types are a 400 naming the field.
// Parameters that change the answer are emulated (tools, response_format, stop, max tokens) or
// refused with unsupported_parameter (output-request.ts); sampling knobs and metadata that cannot
// change what a correct answer is (temperature, top_p, penalties, seed, user, ...) are accepted and
// ignored by design (README, API section). Unknown parameters are ignored too: new SDKs send many.
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
  // Enforced by the gateway on its own output (output-limiter.ts).
  max_tokens: z.number().int().min(1, 'max_tokens must be at least 1').nullish(),
  max_completion_tokens: z.number().int().min(1, 'max_completion_tokens must be at least 1').nullish(),
  presence_penalty: nullableNumber,
  frequency_penalty: nullableNumber,
  seed: nullableNumber,
  // More than 1 only for image models (checked per model).
  n: z.number().int().min(1).max(10, 'n greater than 10 is not supported').nullish(),
  user: z.string().nullish(),
  // Emulated by the gateway (see output-request.ts): tools, structured output, stop, max tokens.
  tools: z.array(z.looseObject({
    type: z.string(),
    function: z.looseObject({
      name: z.string(),
      description: z.string().nullish(),
      parameters: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }).optional(),
  })).nullish(),
  tool_choice: z.union([
    z.enum(['auto', 'none', 'required']),
    z.looseObject({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
  ]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'json_schema.name must match ^[A-Za-z0-9_-]{1,64}$'),
        description: z.string().nullish(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
  ]).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4, 'stop takes at most 4 sequences')]).nullish(),
  // Refused when they would change the result (output-request.ts): there is nothing to emulate them with.
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
});
export type ChatRequestInput = z.infer<typeof chatRequestSchema>;

/** The keys most bodies have (and nothing else the schema knows): the openai SDK's plain call. */
const CORE_KEYS: ReadonlySet<string> = new Set(['model', 'messages', 'stream']);
const shape = chatRequestSchema.shape;
/** The same field schemas as chatRequestSchema's, for those keys only. */
const coreRequestSchema = z.looseObject({ model: shape.model, messages: shape.messages, stream: shape.stream });

/**
 * `chatRequestSchema.safeParse`, cheaper for the common body. zod runs all 25 field parsers on
 * every parse, present or not (a result object each); a body whose known keys are among
 * CORE_KEYS parses to the same result through a schema of those three: the same field schemas
 * check them, absent optional keys are left out either way, unknown keys pass through either way
 * (test/openai/chat-request-parse.test.ts compares both on many bodies).
 */
export function parseChatRequest(body: unknown): z.ZodSafeParseResult<ChatRequestInput> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return chatRequestSchema.safeParse(body);
  for (const k in body) if (!CORE_KEYS.has(k) && Object.hasOwn(shape, k)) return chatRequestSchema.safeParse(body);
  // Same value as the full schema gives (see above); its static type only lacks the absent keys.
  return coreRequestSchema.safeParse(body) as z.ZodSafeParseResult<ChatRequestInput>;
}

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
